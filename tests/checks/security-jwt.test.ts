/**
 * security.* checks on JWTs: each passes against the faultless mock of each JWT seed and fails under
 * the mock fault that names it (family-cases.ts); the weak-secret finding names the secret; the
 * offline search finds a secret wherever it comes from (bundled list, spec, wordlist file); the
 * kid forgeries are signed with the key the lookup they abuse would yield.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { decodeToken, findHmacSecret, kidInjections, type DecodedJwt } from '../../src/checks/jwt-forge.js';
import { runCheck } from '../../src/checks/run.js';
import { securityJwtChecks } from '../../src/checks/security-jwt.js';
import { hmacCandidates, WEAK_HMAC_SECRETS } from '../../src/checks/weak-secrets.js';
import { runSettings, SettingsError } from '../../src/target/env.js';
import { planTarget } from '../../src/target/plan.js';
import { explain, mockScope, seed } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

const JWT_SEEDS = ['waldo', 'private-tokens'] as const;

familyTests(securityJwtChecks, {
  'security.weak-hmac-secret': { seeds: JWT_SEEDS, rule: /not to verify under any of \d+ well-known or weak secrets/, actual: /"your-256-bit-secret"/, exchanges: { min: 1, max: 1 } },
  'security.jwt-kid-injection': { seeds: JWT_SEEDS, rule: /forged token \(kid .*\/dev\/null.*errors\.(tampered|invalid)/, exchanges: { min: 5, max: 5 } },
  'security.jwt-jku-injection': { seeds: JWT_SEEDS, rule: /forged token \(jku http:\/\/127\.0\.0\.1:\d+.*errors\.(tampered|invalid)/, exchanges: { min: 3, max: 3 } },
  'security.jwt-x5u-injection': { seeds: JWT_SEEDS, rule: /forged token \(x5u http:\/\/127\.0\.0\.1:\d+.*errors\.(tampered|invalid)/, exchanges: { min: 3, max: 3 } },
  // No seed publishes its keys (token.jwks): security-forgery.test.ts runs it on contracts that do.
  'security.jwt-alg-confusion': { seeds: [], rule: /alg HS256, keyed with/ },
});

const check = (id: string) => {
  const c = securityJwtChecks.find((x) => x.id === id);
  assert.ok(c, id);
  return c;
};

async function signed(secret: string, alg = 'HS256'): Promise<DecodedJwt> {
  const token = await new SignJWT({ sub: 'user-1', jti: 's1' }).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
  const d = decodeToken(token);
  assert.ok(!('problem' in d));
  return d;
}

describe('security.weak-hmac-secret', () => {
  test('the finding names the published secret the mock signs with, and where it was listed', async () => {
    const mock = await mockScope('waldo', { fault: 'weak-hmac-secret' });
    try {
      const verdict = await mock.verdict(check('security.weak-hmac-secret'));
      assert.equal(verdict.status, 'fail', explain(verdict));
      if (verdict.status === 'fail') assert.match(verdict.actual, /verifies with the secret "your-256-bit-secret" \(a well-known or weak secret bundled with authconform\)/);
    } finally {
      await mock.close();
    }
  });

  test('the faultless mock passes, having tried every candidate without another request', async () => {
    const mock = await mockScope('private-tokens');
    try {
      const scope = { ...mock.scope, target: { ...mock.scope.target, hmacWordlist: ['from-a-wordlist-1', 'from-a-wordlist-2'] } };
      const { verdict } = await runCheck(check('security.weak-hmac-secret'), scope);
      assert.equal(verdict.status, 'pass', explain(verdict));
      assert.equal(verdict.exchanges.length, 1);
      if (verdict.status === 'pass') assert.match(verdict.detail ?? '', new RegExp(`none of ${new Set(WEAK_HMAC_SECRETS).size + 2} `));
    } finally {
      await mock.close();
    }
  });

  test('applies to JWTs of an HMAC alg, or of none declared', () => {
    const c = check('security.weak-hmac-secret');
    const waldo = seed('waldo');
    assert.equal(c.applies(waldo), true);
    assert.equal(c.applies({ ...waldo, token: { ...waldo.token, alg: 'HS512' } }), true);
    assert.equal(c.applies({ ...waldo, token: { ...waldo.token, alg: 'RS256' } }), false);
    const { alg: _alg, ...undeclared } = waldo.token;
    assert.equal(c.applies({ ...waldo, token: undeclared }), true);
  });

  test('the bundled list holds the well-known defaults, each once, a few hundred at most', () => {
    for (const s of ['', 'secret', 'your-256-bit-secret', 'keyboard cat', 'shhhhh', 'changeme', 'SECRET_KEY', 'your_jwt_secret', '123456']) {
      assert.ok(WEAK_HMAC_SECRETS.includes(s), JSON.stringify(s));
    }
    assert.equal(new Set(WEAK_HMAC_SECRETS).size, WEAK_HMAC_SECRETS.length);
    assert.ok(WEAK_HMAC_SECRETS.length <= 500);
  });
});

describe('the offline HMAC secret search', () => {
  const ctxOf = (hmacCandidates?: string[], hmacWordlist?: string[]) => {
    const waldo = seed('waldo');
    return {
      contract: hmacCandidates ? { ...waldo, security: { hmacCandidates } } : waldo,
      target: { kind: 'live' as const, baseUrl: 'http://127.0.0.1:1', credentials: {}, clock: false, maxWait: 0, timeoutMs: 1000, ...(hmacWordlist ? { hmacWordlist } : {}) },
    };
  };

  test('finds a secret of the spec\'s hmacCandidates and of the wordlist, naming its origin', async () => {
    const jwt = await signed('acme-ships-this-default');
    assert.equal(findHmacSecret(jwt, hmacCandidates(ctxOf())), undefined);
    assert.deepEqual(findHmacSecret(jwt, hmacCandidates(ctxOf(['other', 'acme-ships-this-default']))), {
      secret: 'acme-ships-this-default',
      origin: "listed in the spec's security.hmacCandidates",
    });
    assert.deepEqual(findHmacSecret(jwt, hmacCandidates(ctxOf(undefined, ['x', 'acme-ships-this-default']))), {
      secret: 'acme-ships-this-default',
      origin: 'from the AUTHCONFORM_HMAC_WORDLIST file',
    });
  });

  test('a secret listed twice is tried once, under its first origin', () => {
    const all = hmacCandidates(ctxOf(['secret', 'only-here'], ['only-here', 'wordlist-only']));
    assert.equal(all.filter((c) => c.secret === 'secret').length, 1);
    assert.equal(all.find((c) => c.secret === 'secret')?.origin, 'a well-known or weak secret bundled with authconform');
    assert.equal(all.find((c) => c.secret === 'only-here')?.origin, "listed in the spec's security.hmacCandidates");
    assert.equal(all.find((c) => c.secret === 'wordlist-only')?.origin, 'from the AUTHCONFORM_HMAC_WORDLIST file');
  });

  test('HS384 and HS512 are searched with their own hash; the empty secret is found too', async () => {
    for (const alg of ['HS384', 'HS512']) {
      assert.equal(findHmacSecret(await signed('keyboard cat', alg), [{ secret: 'keyboard cat', origin: 'bundled' }])?.secret, 'keyboard cat', alg);
    }
    const input = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"u"}').toString('base64url')}`;
    const d = decodeToken(`${input}.${createHmac('sha256', '').update(input).digest('base64url')}`);
    assert.ok(!('problem' in d));
    assert.equal(findHmacSecret(d, [{ secret: 'x', origin: 'o' }, { secret: '', origin: 'o' }])?.secret, '');
  });

  test('a token of another algorithm is not searched', async () => {
    const jwt = await signed('secret');
    assert.equal(findHmacSecret({ ...jwt, header: { ...jwt.header, alg: 'RS256' } }, [{ secret: 'secret', origin: 'o' }]), undefined);
  });
});

describe('AUTHCONFORM_HMAC_WORDLIST', () => {
  test('its lines reach the target, the mock and a live one alike', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'authconform-')), 'words.txt');
    writeFileSync(file, 'alpha\r\nbeta\n\ngamma delta\n');
    const env = { AUTHCONFORM_HMAC_WORDLIST: file };
    assert.deepEqual(runSettings(env).hmacWordlist, ['alpha', 'beta', 'gamma delta']);
    const mockPlan = planTarget(seed('waldo'), env);
    assert.equal(mockPlan.kind, 'mock');
    if (mockPlan.kind === 'mock') assert.deepEqual(mockPlan.hmacWordlist, ['alpha', 'beta', 'gamma delta']);
    const live = planTarget(seed('waldo'), { ...env, AUTHCONFORM_WALDO_BASE_URL: 'http://127.0.0.1:1', WALDO_API_KEY: 'k', WALDO_CLIENT_SECRET: 's' });
    assert.equal(live.kind, 'live');
    if (live.kind === 'live') assert.deepEqual(live.target.hmacWordlist, ['alpha', 'beta', 'gamma delta']);
    assert.equal(runSettings({}).hmacWordlist, undefined);
  });

  test('a file that cannot be read is a settings error naming the variable', () => {
    assert.throws(() => runSettings({ AUTHCONFORM_HMAC_WORDLIST: '/nonexistent/words.txt' }), (e: unknown) => e instanceof SettingsError && /AUTHCONFORM_HMAC_WORDLIST.*ENOENT/.test(e.message));
  });
});

describe('kid injections', () => {
  test('keep the issued claims and are signed with the key the lookup they abuse would yield', async () => {
    const jwt = await signed('server-key-not-guessable-0123456789');
    const [traversal, sql] = kidInjections(jwt);
    assert.ok(traversal && sql);
    for (const [f, key] of [[traversal, ''], [sql, 'key']] as const) {
      const [h, p, s] = f.token.split('.');
      assert.equal(p, jwt.segments[1]);
      assert.equal(decodeProtectedHeader(f.token).alg, 'HS256');
      assert.equal(createHmac('sha256', key).update(`${h}.${p}`).digest('base64url'), s);
    }
    assert.match(String(decodeProtectedHeader(traversal.token).kid), /^(\.\.\/)+dev\/null$/);
    assert.match(String(decodeProtectedHeader(sql.token).kid), /UNION SELECT 'key'/);
  });
});
