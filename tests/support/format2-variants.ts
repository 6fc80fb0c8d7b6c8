/**
 * Test support: seed specs with format-2 refresh and logout declarations no provider document states
 * (so no seed carries them), made by editing the seed's YAML text and loading it as a user's spec
 * would be. Each edit must find the text it changes, so a seed that moves on fails here loudly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/model.js';

function seedText(id: string): { text: string; file: string } {
  const file = fileURLToPath(new URL(`../../specs/${id}.yaml`, import.meta.url));
  return { text: readFileSync(file, 'utf8'), file };
}

function edit(text: string, find: string, replace: string): string {
  assert.equal(text.split(find).length, 2, `the seed text has exactly one ${JSON.stringify(find.slice(0, 60))}`);
  return text.replace(find, replace);
}

function load(text: string, file: string): Contract {
  const { contract, problems } = parseContract(text.replace(/^authconform: 1$/m, 'authconform: 2'), file);
  assert.deepEqual(problems, []);
  assert.ok(contract);
  return contract;
}

const errorShape = (code: string): string => `{ type: object, required: [error], properties: { error: { const: ${code} } } }`;

/** basic-key-token whose refresh refusals differ per cause: each cause its own error code, a logged-out session a 403. */
export function refreshErrorsPerCause(): Contract {
  const { text, file } = seedText('basic-key-token');
  return load(
    edit(
      text,
      '  expired: refused\n',
      `  expired: refused
  errors:
    garbage: { status: 401, schema: ${errorShape('unknown_refresh_token')}, source: 'test: an unknown refresh token is invalid_grant-like.' }
    replayed: { status: 401, schema: ${errorShape('refresh_token_reused')}, source: 'test: a used refresh token is named as reused.' }
    expired: { status: 401, schema: ${errorShape('refresh_token_expired')}, source: 'test: an expired refresh token is named as expired.' }
    afterLogout: { status: 403, schema: ${errorShape('session_ended')}, source: 'test: a logged-out session is forbidden.' }
`,
    ),
    file,
  );
}

/** basic-key-token whose spec lets refresh.race run against a live target. */
export function raceLive(): Contract {
  const { text, file } = seedText('basic-key-token');
  return load(edit(text, '  expired: refused\n', '  expired: refused\n  race: { live: true }\n'), file);
}

/** vidizmo whose logout answers a declared body and header. */
export function logoutWithBody(): Contract {
  const { text, file } = seedText('vidizmo');
  return load(
    edit(
      text,
      "    # choice: 200 on success.\n    status: 200\n  source: 'A bearer token",
      `    status: 200
    schema: { type: object, required: [loggedOut], properties: { loggedOut: { const: true } } }
    headers:
      Clear-Site-Data: { pattern: '"storage"', example: '"storage"' }
  source: 'A bearer token`,
    ),
    file,
  );
}

/** private-tokens with a logout beside token revocation, whose token after logout is refused with its own error. */
export function logoutBesideRevocation(): Contract {
  const { text, file } = seedText('private-tokens');
  return load(
    edit(
      text,
      '\nerrors:\n',
      `
logout:
  request: { method: POST, path: /api/v1/auth/logout, auth: token }
  response: { status: 204 }
  source: 'test: logging out ends the login session.'

errors:
  loggedOut:
    status: 401
    schema: { type: object, required: [code, detail], properties: { code: { const: session_ended }, detail: { type: string } } }
    source: 'test: a token after logout is named as ended.'
`,
    ),
    file,
  );
}

/** basic-key-token whose refresh retires the key:token pair it replaces (its document does not say). */
export function retiresAccess(): Contract {
  const { text, file } = seedText('basic-key-token');
  return load(
    edit(text, '  expired: refused\n', "  expired: refused\n  retiresAccess: { value: true, source: 'test: a refresh retires the key:token pair it replaces.' }\n"),
    file,
  );
}
