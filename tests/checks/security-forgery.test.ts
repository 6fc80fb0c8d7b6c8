/**
 * The security.jwt-* forgeries that need more than a token: the published key set (`token.jwks`,
 * alg confusion) and the key the target signs with (`token.signingKey`: no exp, a future nbf, another
 * audience or issuer). No seed spec declares either, so they are proved here on seeds given those
 * keys: against the faultless mock every check of the families they change passes, and each new
 * fault is caught by the checks it names. Around them: the spec keys load and lint, a live target without the key
 * skips saying what to set, a wrong key skips rather than accusing the server, the mock publishes
 * public keys only, and no verdict shows the key.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import type { Check, Verdict } from '../../src/checks/check.js';
import { CATALOG } from '../../src/checks/catalog.js';
import { algConfusionForgeries, decodeToken } from '../../src/checks/jwt-forge.js';
import { newRunId, runCheck, type RunScope } from '../../src/checks/run.js';
import { securityClaimChecks } from '../../src/checks/security-claims.js';
import { selfSignedCertificate } from '../../src/checks/x5u-cert.js';
import { loadContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/model.js';
import { Redactor } from '../../src/http/redact.js';
import { FAULTS } from '../../src/mock/faults.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';
import { planTarget } from '../../src/target/plan.js';
import { explain, seed } from '../support/mock-scope.js';
import { mutateSpec } from '../mutation/mutants.js';
import { familyTests } from './family-cases.js';

familyTests(securityClaimChecks, {
  'security.jwt-exp-required': { seeds: [], rule: /claims make it invalid \(the issued claims without exp/ },
  'security.jwt-nbf': { seeds: [], rule: /claims make it invalid \(the issued claims with nbf/ },
  'security.jwt-audience': { seeds: [], rule: /claims make it invalid \(the issued claims with aud/ },
  'security.jwt-issuer': { seeds: [], rule: /claims make it invalid \(the issued claims with iss/ },
});

const SOURCE = 'choice: a test environment of this provider, for the security baseline.';
const ES256_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const RS256_JWK = JSON.stringify(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }));
const HS256_SECRET = 'fake-test-environment-signing-key-0123456789';

type KeyFormat = 'text' | 'base64' | 'pem' | 'jwk';

/** A seed whose tokens are signed with `alg` by a key the harness knows, publishing its keys when asymmetric. */
function withKeys(id: string, alg: string, key: { value: string; format?: KeyFormat }, claims: { iss?: string; aud?: string } = {}): Contract {
  const c = seed(id);
  const asymmetric = !alg.startsWith('HS');
  return {
    ...c,
    credentials: { ...c.credentials, signingKey: { env: `${id.toUpperCase().replace(/-/g, '_')}_TEST_SIGNING_KEY`, description: 'The signing key of a test environment.' } },
    mock: { ...c.mock, credentials: { ...c.mock.credentials, signingKey: key.value } },
    token: {
      ...c.token,
      alg,
      ...(asymmetric ? { jwks: { path: '/.well-known/jwks.json', source: SOURCE } } : {}),
      signingKey: { credential: 'signingKey', ...(key.format ? { format: key.format } : {}) },
      issuer: { ...(claims.iss !== undefined ? { value: claims.iss } : {}), source: SOURCE },
      audience: { ...(claims.aud !== undefined ? { value: claims.aud } : {}), source: SOURCE },
    },
  };
}

const CONTRACTS: readonly [string, () => Contract][] = [
  ['waldo, ES256 with a PEM key and declared iss and aud', () => withKeys('waldo', 'ES256', { value: ES256_PEM }, { iss: 'https://auth.waldo.test', aud: 'https://api.waldo.test' })],
  ['private-tokens, RS256 with a JWK key, iss and aud of the deployment', () => withKeys('private-tokens', 'RS256', { value: RS256_JWK, format: 'jwk' })],
  ['waldo, HS256 with a text secret', () => withKeys('waldo', 'HS256', { value: HS256_SECRET })],
  ['oauth2-mock-server, its key set at /jwks as its README says, and no signing key', () => {
    const c = loadContract('specs/oauth2-mock-server.yaml');
    return { ...c, token: { ...c.token, jwks: { path: '/jwks', source: 'README: GET /jwks' } } };
  }],
];

const NEW_FAULTS = new Set(['alg-confusion-accepted', 'x5u-honoured', 'no-exp-accepted', 'future-nbf-accepted', 'other-audience-accepted', 'other-issuer-accepted', 'debug-detail-in-refusals']);

describe('seeds with a published key set and a known signing key, through the mutation run', () => {
  for (const [name, make] of CONTRACTS) {
    test(name, async () => {
      const contract = make();
      const applicable = FAULTS.filter((f) => NEW_FAULTS.has(f.name) && f.applies(contract));
      const result = await mutateSpec(contract, applicable);
      // The families the keys change (the seed mutation run judges the others on these seeds).
      const judged = /^(jwt|present|expiry|security)\./;
      const bad = [...result.baseline.verdicts].filter(([id, v]) => judged.test(id) && v.status !== 'pass').map(([id, v]) => `${id}: ${explain(v)}`);
      assert.deepEqual(bad, [], 'the faultless mock passes every check of these families, with no skips');
      const claims = contract.token.signingKey ? ['security.jwt-exp-required', 'security.jwt-nbf', 'security.jwt-audience', 'security.jwt-issuer'] : [];
      for (const id of [...claims, ...(contract.token.jwks ? ['security.jwt-alg-confusion'] : [])]) {
        assert.ok(result.baseline.verdicts.has(id), `${id} applies`);
      }
      const survivors = result.rows.filter((r) => r.missedKillers.length > 0).map((r) => `${r.fault}: killed by [${r.killedBy.join(', ')}]`);
      assert.deepEqual(survivors, [], 'each fault is caught by the checks it names');
      const expected = [...NEW_FAULTS].filter((f) => (f !== 'alg-confusion-accepted' || contract.token.jwks) && (contract.token.signingKey || !/^(no-exp|future-nbf|other-)/.test(f)));
      assert.deepEqual(result.rows.map((r) => r.fault).sort(), expected.sort());
    });
  }
});

async function verdictOf(contract: Contract, id: string, options: { fault?: string; credentials?: Record<string, string> } = {}): Promise<{ verdict: Verdict; scope: RunScope }> {
  const check = CATALOG.get(id) as Check;
  const mock = await startMock(contract, options.fault ? { fault: options.fault } : {});
  try {
    const target = { ...mockTarget(contract, mock.url), ...(options.credentials ? { credentials: options.credentials } : {}) };
    const scope: RunScope = { contract, target, redactor: new Redactor(), run: newRunId() };
    return { verdict: (await runCheck(check, scope)).verdict, scope };
  } finally {
    await mock.close();
  }
}

describe('findings', () => {
  test('alg confusion: the finding names the form of the public key the server took as an HMAC secret', async () => {
    const { verdict } = await verdictOf(CONTRACTS[0]![1](), 'security.jwt-alg-confusion', { fault: 'alg-confusion-accepted' });
    assert.equal(verdict.status, 'fail', explain(verdict));
    if (verdict.status !== 'fail') return;
    assert.match(verdict.expected, /forged token \(alg HS256, keyed with the PEM text \(SubjectPublicKeyInfo\) of the published public key\)/);
    assert.match(verdict.actual, /accepted as the user/);
  });

  test('claims: each finding says which claim the server left unchecked, and the control that proved the key', async () => {
    const contract = CONTRACTS[0]![1]();
    for (const [id, fault, claim] of [
      ['security.jwt-exp-required', 'no-exp-accepted', /without exp/],
      ['security.jwt-nbf', 'future-nbf-accepted', /with nbf 24 hours after issue/],
      ['security.jwt-audience', 'other-audience-accepted', /with aud "https:\/\/api\.waldo\.test\.invalid"/],
      ['security.jwt-issuer', 'other-issuer-accepted', /with iss "https:\/\/auth\.waldo\.test\.invalid"/],
    ] as const) {
      const { verdict } = await verdictOf(contract, id, { fault });
      assert.equal(verdict.status, 'fail', `${id}: ${explain(verdict)}`);
      if (verdict.status !== 'fail') continue;
      assert.match(verdict.expected, claim, id);
      assert.match(verdict.actual, /accepted as the user/, id);
      assert.ok(verdict.exchanges.some((e) => /^positive control: the issued claims re-signed with the credential signingKey/.test(e.purpose)), id);
    }
  });

  test('no verdict shows the signing key, in any check', async () => {
    for (const [, make] of CONTRACTS) {
      const contract = make();
      if (!contract.token.signingKey) continue;
      const value = contract.mock.credentials.signingKey ?? '';
      for (const id of ['security.jwt-exp-required', 'security.jwt-audience']) {
        const { verdict } = await verdictOf(contract, id, { fault: id === 'security.jwt-audience' ? 'other-audience-accepted' : 'no-exp-accepted' });
        const shown = JSON.stringify(verdict);
        const middle = value.slice(value.length / 2 - 8, value.length / 2 + 8);
        assert.ok(!shown.includes(middle), `${id} shows part of the signing key`);
      }
    }
  });
});

describe('the signing key', () => {
  test('a live target without its variable is not misconfigured: the claim checks skip, naming the variable', async () => {
    const contract = withKeys('waldo', 'HS256', { value: HS256_SECRET });
    const plan = planTarget(contract, { AUTHCONFORM_WALDO_BASE_URL: 'http://127.0.0.1:1', WALDO_API_KEY: 'k', WALDO_CLIENT_SECRET: 's' });
    assert.equal(plan.kind, 'live');
    if (plan.kind === 'live') assert.equal(plan.target.credentials.signingKey, undefined);
    const { signingKey: _key, ...credentials } = contract.mock.credentials;
    const { verdict } = await verdictOf(contract, 'security.jwt-nbf', { credentials });
    assert.equal(verdict.status, 'skip', explain(verdict));
    if (verdict.status === 'skip') assert.match(verdict.reason, /not known: set WALDO_TEST_SIGNING_KEY to the signing key of a test environment/);
  });

  test('a key that does not verify the issued token skips, without a finding and without quoting it', async () => {
    const contract = withKeys('waldo', 'HS256', { value: HS256_SECRET });
    const wrong = 'a-different-test-environment-key-9876543210';
    const { verdict } = await verdictOf(contract, 'security.jwt-issuer', { credentials: { ...contract.mock.credentials, signingKey: wrong } });
    assert.equal(verdict.status, 'skip', explain(verdict));
    if (verdict.status === 'skip') {
      assert.match(verdict.reason, /does not verify the issued HS256 token, so it is not the key this target signs with/);
      assert.ok(!verdict.reason.includes(wrong));
    }
    assert.equal(verdict.exchanges.length, 1, 'nothing is forged with an unproven key');
  });

  test('a base64 secret is read as the format says (a JWK key: the RS256 contract above)', async () => {
    const base64 = withKeys('waldo', 'HS256', { value: Buffer.from(HS256_SECRET).toString('base64'), format: 'base64' });
    assert.equal((await verdictOf(base64, 'security.jwt-nbf')).verdict.status, 'pass');
    assert.equal((await verdictOf(base64, 'security.jwt-nbf', { fault: 'future-nbf-accepted' })).verdict.status, 'fail');
  });
});

describe('the mock publishes its key', () => {
  test('a JWK Set at token.jwks.path with the public key only, named by the kid of its tokens', async () => {
    const contract = CONTRACTS[1]![1]();
    const mock = await startMock(contract);
    try {
      const res = await fetch(`${mock.url}/.well-known/jwks.json`);
      assert.equal(res.status, 200);
      const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
      assert.equal(keys.length, 1);
      assert.equal(keys[0]?.kty, 'RSA');
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(keys[0]?.[member], undefined, `no private member ${member}`);
      const login = await fetch(`${mock.url}/authenticate`.replace('/authenticate', contract.acquire.request.path), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: contract.mock.credentials.email, password: contract.mock.credentials.password }),
      });
      const { token } = (await login.json()) as { token: string };
      assert.equal(decodeProtectedHeader(token).kid, keys[0]?.kid);
      assert.equal((await fetch(`${mock.url}/.well-known/jwks.json`, { method: 'POST' })).status, 405);
    } finally {
      await mock.close();
    }
  });
});

describe('forgery helpers', () => {
  test('alg confusion: each form of the public key keys an HS256 signature over the issued claims', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1' };
    const input = `${Buffer.from('{"alg":"RS256","kid":"k1"}').toString('base64url')}.${Buffer.from('{"sub":"u","jti":"s"}').toString('base64url')}`;
    const jwt = decodeToken(`${input}.c2ln`);
    assert.ok(!('problem' in jwt));
    const forged = algConfusionForgeries(jwt, jwk);
    assert.deepEqual(
      forged.map((f) => f.label.replace(/^alg HS256, keyed with | of the published public key$/g, '')),
      ['the PEM text (SubjectPublicKeyInfo)', 'the PEM text without its final newline', 'the PKCS #1 PEM text', 'the DER bytes', 'the JWK as published (JSON)'],
    );
    for (const f of forged) {
      assert.deepEqual(decodeProtectedHeader(f.token), { alg: 'HS256', kid: 'k1' });
      assert.equal(f.token.split('.')[1], jwt.segments[1]);
    }
    assert.equal(new Set(forged.map((f) => f.token)).size, forged.length, 'each form signs differently');
  });

  test('the x5u certificate is a self-signed X.509 certificate of the key the forgery is signed with', () => {
    const { pem, privateKey } = selfSignedCertificate('authconform x5u probe');
    const cert = new X509Certificate(pem);
    assert.equal(cert.subject, 'CN=authconform x5u probe');
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(cert.publicKey), 'signed by its own key');
    assert.ok(cert.checkPrivateKey(privateKey));
    assert.ok(Date.parse(cert.validTo) > Date.now());
  });
});

describe('the spec keys', () => {
  const spec = (token: string, credentials = '  signingKey: { env: ACME_SIGNING_KEY }\n'): string => {
    const waldo = readFileSync(new URL('../../specs/waldo.yaml', import.meta.url), 'utf8');
    return waldo
      .replace('authconform: 1', 'authconform: 2')
      .replace(/^token:\n(?:  .*\n)+/m, `token:\n  format: jwt\n${token}  source: 'JWT.'\n`)
      .replace(/^credentials:\n/m, `credentials:\n${credentials}`)
      .replace(/^  credentials:\n    apiKey/m, '  credentials:\n    signingKey: fake-key\n    apiKey');
  };
  const load = (text: string): Contract | Error => {
    const file = join(mkdtempSync(join(tmpdir(), 'authconform-')), 'spec.yaml');
    writeFileSync(file, text);
    try {
      return loadContract(file);
    } catch (e) {
      return e as Error;
    }
  };

  test('load with their values', () => {
    const c = load(
      spec(
        "  alg: RS256\n  jwks: { path: /.well-known/jwks.json, source: 'x' }\n  signingKey: { credential: signingKey, format: pem }\n  issuer: { value: https://auth.example.test, source: 'x' }\n  audience: { source: 'x' }\n",
      ),
    );
    assert.ok(!(c instanceof Error), String(c));
    assert.equal(c.token.jwks?.path, '/.well-known/jwks.json');
    assert.deepEqual(c.token.signingKey, { credential: 'signingKey', format: 'pem' });
    assert.equal(c.token.issuer?.value, 'https://auth.example.test');
    assert.equal(c.token.audience?.value, undefined);
  });

  test('lint refuses what cannot work, saying what to write', () => {
    const cases: [string, RegExp][] = [
      ["  alg: HS256\n  jwks: { path: /jwks, source: 'x' }\n", /'token\.jwks' publishes public keys.*asymmetric 'token\.alg'/],
      ['  alg: HS256\n  signingKey: { credential: signinKey }\n', /names 'signinKey', which is not a declared credential/],
      ['  alg: RS256\n  signingKey: { credential: signingKey, format: text }\n', /'format: text' is an HMAC secret, but 'token\.alg' is RS256/],
      ['  signingKey: { credential: signingKey }\n', /'token\.signingKey' needs 'token\.alg'/],
    ];
    for (const [token, message] of cases) {
      const c = load(spec(token));
      assert.ok(c instanceof Error, `accepted: ${token}`);
      assert.match(c.message, message);
    }
    const shown = load(spec('  alg: HS256\n  signingKey: { credential: signingKey }\n', '  signingKey: { env: ACME_SIGNING_KEY, secret: false }\n'));
    assert.ok(shown instanceof Error);
    assert.match(shown.message, /holds the token signing key.*remove 'secret: false'/);
  });

  test('need format 2', () => {
    const c = load(spec("  alg: RS256\n  jwks: { path: /jwks, source: 'x' }\n").replace('authconform: 2', 'authconform: 1'));
    assert.ok(c instanceof Error);
    assert.match(c.message, /'token\.jwks' is a format 2 key/);
  });
});
