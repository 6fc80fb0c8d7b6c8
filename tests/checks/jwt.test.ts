/**
 * jwt.*: every check passes against the faultless mock of each JWT seed, and fails under every mock
 * fault that names it as a killer (family-cases.ts); a lifetime the target overrides is the one
 * enforced; the forgeries themselves are what they claim to be.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { base64url, compactVerify, decodeProtectedHeader, SignJWT } from 'jose';
import { checksFor } from '../../src/checks/catalog.js';
import { jwtChecks } from '../../src/checks/jwt.js';
import { runCheck } from '../../src/checks/run.js';
import { changedPayloads, decodeToken, flippedSignature, resigned, unsignedForgeries, type DecodedJwt } from '../../src/checks/jwt-forge.js';
import { explain, mockScope, seed, SEED_IDS } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

const JWT_SEEDS = ['waldo', 'private-tokens'] as const;

familyTests(jwtChecks, {
  'jwt.claims': { seeds: JWT_SEEDS, rule: /iat and exp/ },
  'jwt.ttl': { seeds: JWT_SEEDS, rule: /exp − iat/ },
  'jwt.alg-none': { seeds: JWT_SEEDS, rule: /forged token \(.*(none|None|NONE|signature).*\).*errors\.(tampered|invalid)/ },
  'jwt.signature': { seeds: JWT_SEEDS, rule: /forged token .*errors\.(tampered|invalid)/ },
});

describe('jwt.ttl against a target that overrides the lifetime', () => {
  test('jwt.ttl fails when the target lifetime differs from the one the token states', async () => {
    const mock = await mockScope('waldo');
    try {
      const check = jwtChecks.find((c) => c.id === 'jwt.ttl');
      assert.ok(check);
      const scope = { ...mock.scope, target: { ...mock.scope.target, ttl: 60 } };
      const { verdict } = await runCheck(check, scope);
      assert.equal(verdict.status, 'fail', explain(verdict));
      if (verdict.status === 'fail') {
        assert.match(verdict.expected, /60 s \(the target overrides the lifetime\)/);
        assert.match(verdict.actual, /exp − iat is 3600 s/);
      }
    } finally {
      await mock.close();
    }
  });
});

describe('jwt.* applicability', () => {
  test('jwt checks are generated only for JWT contracts, jwt.ttl only with a fixed lifetime', () => {
    const where = (checkId: string): string[] => SEED_IDS.filter((id) => checksFor(seed(id)).some((c) => c.id === checkId));
    for (const id of ['jwt.claims', 'jwt.alg-none', 'jwt.signature']) assert.deepEqual(where(id), ['waldo', 'private-tokens']);
    assert.deepEqual(where('jwt.ttl'), ['waldo', 'private-tokens']);
    assert.equal(jwtChecks.find((c) => c.id === 'jwt.ttl')?.applies({ ...seed('waldo'), lifetime: {} }), false);
  });
});

describe('JWT forgeries', () => {
  const key = new TextEncoder().encode('a-key-of-the-server-under-test-32b');
  let issued: string;
  let jwt: DecodedJwt;
  before(async () => {
    issued = await new SignJWT({ sub: 'user-1', sid: 's1' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(1_700_000_000).setExpirationTime(1_700_003_600).sign(key);
    const d = decodeToken(issued);
    assert.ok(!('problem' in d));
    jwt = d as DecodedJwt;
  });

  test('a token that is not a JWT says why', () => {
    assert.deepEqual(decodeToken('opaque-token'), { problem: 'it has 1 dot-separated part instead of 3' });
    assert.match((decodeToken('a.b.c') as { problem: string }).problem, /header does not decode/);
  });

  test('unsigned variants carry alg none in three spellings, empty and stripped signatures, and the same claims', () => {
    const forged = unsignedForgeries(jwt);
    const algs = forged.map((f) => (JSON.parse(new TextDecoder().decode(base64url.decode(f.token.split('.')[0] ?? ''))) as { alg: string }).alg);
    assert.deepEqual(algs, ['none', 'None', 'NONE', 'none', 'HS256', 'HS256']);
    assert.ok(forged.filter((f) => f.token.endsWith('.')).length >= 4);
    assert.ok(forged.some((f) => f.token.split('.').length === 2));
    for (const f of forged) assert.equal(f.token.split('.')[1], issued.split('.')[1]);
  });

  test('a flipped signature differs from the issued one in exactly one byte and no longer verifies', async () => {
    const f = flippedSignature(jwt);
    assert.ok(f);
    const a = base64url.decode(issued.split('.')[2] ?? '');
    const b = base64url.decode(f.token.split('.')[2] ?? '');
    assert.equal(a.filter((x, i) => x !== b[i]).length, 1);
    await assert.rejects(compactVerify(f.token, key));
    assert.equal(flippedSignature({ ...jwt, segments: [jwt.segments[0], jwt.segments[1], ''] }), undefined);
  });

  test('a re-signed token has the same alg and claims, verifies with its own key only', async () => {
    const f = await resigned(jwt);
    assert.ok(f);
    assert.equal(decodeProtectedHeader(f.token).alg, 'HS256');
    assert.equal(f.token.split('.')[1], issued.split('.')[1]);
    await assert.rejects(compactVerify(f.token, key));
    assert.equal(await resigned({ ...jwt, header: { alg: 'none' } }), undefined);
  });

  test('a changed payload keeps the issued header and signature', async () => {
    const forged = changedPayloads(jwt);
    assert.equal(forged.length, 2);
    for (const f of forged) {
      const [h, p, s] = f.token.split('.');
      assert.equal(h, jwt.segments[0]);
      assert.equal(s, jwt.segments[2]);
      assert.notEqual(p, jwt.segments[1]);
      await assert.rejects(compactVerify(f.token, key));
    }
  });
});
