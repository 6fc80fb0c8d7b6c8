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

// The mock serves what the spec declares (issue 12, "the mock drifts from its spec silently").

function editAll(text: string, find: string, replace: string): string {
  assert.ok(text.includes(find), `the seed text has ${JSON.stringify(find.slice(0, 60))}`);
  return text.split(find).join(replace);
}

/** oauth2's text with a documented alphabet pinned on its access and refresh tokens (`pattern`, YAML single-quoted). */
function oauth2WithTokenPattern(pattern: string): { text: string; file: string } {
  const { text, file } = seedText('oauth2');
  const quoted = `'${pattern.replace(/'/g, "''")}'`;
  return {
    text: editAll(
      editAll(text, 'access_token: { type: string, minLength: 1 }', `access_token: { type: string, pattern: ${quoted} }`),
      'refresh_token: { type: string, minLength: 1 }',
      `refresh_token: { type: string, pattern: ${quoted} }`,
    ),
    file,
  };
}

/** oauth2 whose access and refresh tokens are documented as 40 letters and digits. */
export function tokenPattern(pattern = '^[A-Za-z0-9]{40}$'): Contract {
  const { text, file } = oauth2WithTokenPattern(pattern);
  return load(text, file);
}

/** What loading oauth2 with this token pattern reports (lint's problems, with their positions). */
export function tokenPatternProblems(pattern: string): ReturnType<typeof parseContract>['problems'] {
  const { text, file } = oauth2WithTokenPattern(pattern);
  return parseContract(text, file).problems;
}

/**
 * oauth2 whose token request carries a fixed API version header, with two cases that differ from it
 * only in a header: an old version (named in another case), and a Content-Type that switches the form body to JSON.
 */
export function headerCases(): Contract {
  const { text, file } = seedText('oauth2');
  const withHeader = edit(
    text,
    "    auth: { header: Authorization, scheme: Basic, value: '{clientId}:{clientSecret}' }\n    body:\n      # RFC 6749 §4.3.2",
    "    auth: { header: Authorization, scheme: Basic, value: '{clientId}:{clientSecret}' }\n    headers: { X-Api-Version: '2' }\n    body:\n      # RFC 6749 §4.3.2",
  );
  return load(
    edit(
      withHeader,
      '  cases:\n    - id: unsupported-grant-type\n',
      `  cases:
    - id: old-api-version
      summary: a token request for an API version the server retired is refused
      set: { headers: { x-api-version: '1' } }
      error: { status: 400, schema: ${errorShape('unsupported_version')}, source: 'test: version 1 is retired.' }
    - id: json-body
      summary: the token request labelled as JSON is refused as an unsupported media type
      set: { headers: { Content-Type: application/json } }
      error: { status: 415, schema: ${errorShape('unsupported_media_type')}, source: 'test: the token endpoint takes a form body only.' }
    - id: unsupported-grant-type
`,
    ),
    file,
  );
}

/** private-tokens whose token ids are integers, in the created, rotated and listed token alike. */
export function integerTokenIds(): Contract {
  const { text, file } = seedText('private-tokens');
  return load(editAll(editAll(text, 'id: { type: string, minLength: 1 }', 'id: { type: integer, minimum: 1 }'), 'id: { type: string }', 'id: { type: integer }'), file);
}

/** private-tokens whose probe (the token list's own request) promises a count beside the list. */
export function probeOnTokenList(): Contract {
  const { text, file } = seedText('private-tokens');
  return load(
    edit(
      text,
      "  response:\n    status: 200\n  source: 'Once you have the JWT token",
      "  response:\n    status: 200\n    schema: { type: object, required: [count], properties: { count: { type: integer, minimum: 0 } } }\n  source: 'Once you have the JWT token",
    ),
    file,
  );
}

/** private-tokens whose create request carries no expiry: `mode` in place of var, format and required. */
function tokensWithExpiryMode(mode: 'server' | 'never'): string {
  const { text } = seedText('private-tokens');
  let out = edit(text, "json: { name: 'authconform-{run}', expiresAt: '{expiresAt}' }", "json: { name: 'authconform-{run}' }");
  out = edit(out, '      var: expiresAt\n      format: iso8601\n      required: true\n', `      mode: ${mode}\n`);
  if (mode === 'never') {
    out = editAll(out, '        required: [id, token, expiresAt]\n', '        required: [id, token]\n');
    out = editAll(out, '        expiresAt: { pointer: /expiresAt, kind: expires-at, format: iso8601 }\n', '');
  }
  return out;
}

/** private-tokens whose server picks each token's expiry and reports it in the create response's expiresAt. */
export function tokensServerExpiry(): Contract {
  return load(tokensWithExpiryMode('server'), seedText('private-tokens').file);
}

/** private-tokens whose tokens stay valid until revoked, as npm automation tokens. */
export function tokensNeverExpire(): Contract {
  return load(tokensWithExpiryMode('never'), seedText('private-tokens').file);
}

/** private-tokens that rotate by creating a new token and then revoking the old one, with no rotate request of their own. */
export function tokensRotateBySequence(): Contract {
  const { text, file } = seedText('private-tokens');
  const start = text.indexOf('  rotate:\n');
  const end = text.indexOf('  revoke:\n', start);
  assert.ok(start > 0 && end > start, 'the seed has tokens.rotate before tokens.revoke');
  const rotate = `  rotate:
    by: [create, revoke]
    source: 'test: to rotate a token, create a new one and then revoke the old one.'
`;
  return load(text.slice(0, start) + rotate + text.slice(end), file);
}
