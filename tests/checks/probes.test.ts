/**
 * Format 2 on a spec's own terms: several probes (each judged by every presentation check, with its own
 * refusals), two operations on one path told apart by a fixed value, and a login refused per cause.
 * Each rule is shown green against the faultless mock and red under the fault that breaks it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { baseCheckId, checksFor } from '../../src/checks/catalog.js';
import type { Verdict } from '../../src/checks/check.js';
import { parseContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/model.js';
import { mockApp } from '../../src/mock/app.js';
import { explain, seed, verdictsOn } from '../support/mock-scope.js';

/** vidizmo with a second probe: an identity endpoint that answers an anonymous caller 200 {}. */
function withAnonymousProbe(): Contract {
  const file = fileURLToPath(new URL('../../specs/vidizmo.yaml', import.meta.url));
  const text = readFileSync(file, 'utf8').replace(/^authconform: 1$/m, 'authconform: 2');
  const probes = `probes:
  - id: whoami
    request: { method: GET, path: /api/v1/whoami, auth: token }
    response:
      status: 200
      schema: { type: object, required: [email], properties: { email: { type: string } } }
    errors:
      missing: { status: 200, schema: { type: object, maxProperties: 0 }, source: 'test: an anonymous caller is answered 200 with an empty object.' }
    source: 'test: the identity of the caller.'

lifetime:`;
  assert.equal(text.split('\nlifetime:').length, 2);
  const { contract, problems } = parseContract(text.replace('\nlifetime:', `\n${probes}`), file);
  assert.deepEqual(problems, []);
  assert.ok(contract);
  return contract;
}

/** The verdicts of the listed checks of a contract (further-probe ones included), against one fresh mock. */
async function verdicts(contract: Contract, ids: readonly string[], fault?: string): Promise<Map<string, Verdict>> {
  const got = await verdictsOn(contract, checksFor(contract).filter((c) => ids.includes(c.id)), fault ? { fault } : {});
  return new Map(Object.entries(got));
}

describe('several probes', () => {
  const contract = withAnonymousProbe();

  test('every presentation check runs on the further probe too, named after it', () => {
    const ids = checksFor(contract).map((c) => c.id);
    for (const id of ['present.ok', 'present.missing', 'present.garbage', 'present.tampered', 'errors.missing']) {
      assert.ok(ids.includes(id), id);
      assert.ok(ids.includes(`${id}/whoami`), `${id}/whoami`);
    }
    assert.ok(!ids.some((id) => id.startsWith('expiry.') && id.includes('/')), 'only present.* and errors.* run per probe');
    assert.equal(baseCheckId('present.missing/whoami'), 'present.missing');
  });

  test("the anonymous answer is the probe's own refusal: green against the faultless mock", async () => {
    const ids = ['present.ok/whoami', 'present.missing/whoami', 'errors.missing/whoami', 'present.missing', 'errors.missing'];
    const got = await verdicts(contract, ids);
    assert.deepEqual([...got.keys()].sort(), [...ids].sort());
    for (const [id, v] of got) assert.equal(v.status, 'pass', `${id}: ${explain(v)}`);
  });

  test("a probe that refuses as the spec-wide errors say, not as it declares, fails on that probe only", async () => {
    const got = await verdicts(contract, ['present.missing/whoami', 'errors.missing/whoami', 'present.missing'], 'probe-errors-ignored');
    assert.equal(got.get('present.missing/whoami')?.status, 'fail', explain(got.get('present.missing/whoami') as Verdict));
    assert.equal(got.get('errors.missing/whoami')?.status, 'fail');
    assert.equal(got.get('present.missing')?.status, 'pass');
  });
});

describe('scheme case', () => {
  /** vidizmo, whose (hypothetical) provider matches the scheme name only as written. */
  function exact(): Contract {
    const file = fileURLToPath(new URL('../../specs/vidizmo.yaml', import.meta.url));
    const text = readFileSync(file, 'utf8').replace(/^authconform: 1$/m, 'authconform: 2');
    assert.equal(text.split('\npresent:\n').length, 2);
    const { contract, problems } = parseContract(text.replace('\npresent:\n', '\npresent:\n  schemeCase: exact\n'), file);
    assert.deepEqual(problems, []);
    assert.ok(contract);
    return contract;
  }

  test('insensitive (the default, RFC 7235 §2.1): bearer and BEARER work; a case-sensitive server fails', async () => {
    const contract = seed('vidizmo');
    assert.equal((await verdicts(contract, ['present.scheme-case'])).get('present.scheme-case')?.status, 'pass');
    const v = (await verdicts(contract, ['present.scheme-case'], 'scheme-case-sensitive')).get('present.scheme-case');
    assert.ok(v?.status === 'fail', v && explain(v));
    assert.match(v.expected, /bearer <token>.*case-insensitive \(RFC 7235 §2\.1\)/);
  });

  test('exact: other spellings are refused; a server that matches without case fails', async () => {
    const contract = exact();
    assert.equal((await verdicts(contract, ['present.scheme-case'])).get('present.scheme-case')?.status, 'pass');
    const v = (await verdicts(contract, ['present.scheme-case'], 'scheme-case-ignored')).get('present.scheme-case');
    assert.ok(v?.status === 'fail', v && explain(v));
  });
});

describe('two operations on one path', () => {
  test('the mock routes POST /token by grant_type: login, refresh, and an unknown grant to the login', async () => {
    const oauth2 = seed('oauth2');
    const app = await mockApp(oauth2);
    const basic = `Basic ${Buffer.from(`${oauth2.mock.credentials.clientId}:${oauth2.mock.credentials.clientSecret}`).toString('base64')}`;
    const post = (form: Record<string, string>) =>
      app.exchange({
        method: 'POST',
        path: '/token',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    const login = await post({ grant_type: 'password', username: oauth2.mock.credentials.username ?? '', password: oauth2.mock.credentials.password ?? '' });
    assert.equal(login.status, 200);
    const refreshToken = (login.body as { refresh_token: string }).refresh_token;
    const refreshed = await post({ grant_type: 'refresh_token', refresh_token: refreshToken });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual((refreshed.body as { refresh_token: string }).refresh_token, refreshToken);
    const garbage = await post({ grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' });
    assert.deepEqual([garbage.status, (garbage.body as { error: string }).error], [400, 'invalid_grant']);
    const unknown = await post({ grant_type: 'urn:authconform:unknown-grant' });
    assert.deepEqual([unknown.status, (unknown.body as { error: string }).error], [400, 'unsupported_grant_type']);
  });

  test('a wrong password is invalid_grant and a wrong client secret invalid_client, each its own error', async () => {
    const oauth2 = seed('oauth2');
    const app = await mockApp(oauth2);
    const creds = oauth2.mock.credentials;
    const post = (secret: string, password: string) =>
      app.exchange({
        method: 'POST',
        path: '/token',
        headers: { authorization: `Basic ${Buffer.from(`${creds.clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: creds.username ?? '', password }).toString(),
      });
    const wrongPassword = await post(creds.clientSecret ?? '', 'wrong');
    assert.deepEqual([wrongPassword.status, (wrongPassword.body as { error: string }).error], [400, 'invalid_grant']);
    const wrongClient = await post('wrong', creds.password ?? '');
    assert.deepEqual([wrongClient.status, (wrongClient.body as { error: string }).error], [401, 'invalid_client']);
  });
});
