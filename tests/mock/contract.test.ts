/**
 * The mock serves each seed contract as written: acquire, presentation (scheme, Basic key:token,
 * companions in header or query), lifetimes on the test clock (TTL, sliding inactivity, custom
 * expiry), rolling tokens, refresh with rotation, logout and private tokens. Every assertion is what
 * a client of the contract would observe over HTTP.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Contract } from '../../src/contract/model.js';
import { credentialError } from '../../src/contract/model.js';
import { isSecretCredential, requestPlaceholders } from '../../src/contract/facts.js';
import { startMock } from '../../src/mock/server.js';
import { call, changeChar, MockClient, seed, SEEDS, validator, withMock } from './client.js';

const tokenOf = (client: MockClient, creds: Record<string, string>): string => creds[client.contract.token.part] ?? '';

for (const id of SEEDS) {
  const contract = seed(id);
  describe(`${id}: acquire`, () => {
    test('valid credentials get the declared status, a body matching the schema and every part', async () => {
      await withMock(id, {}, async (client) => {
        const res = await client.acquire();
        assert.equal(res.status, contract.acquire.response.status);
        if (contract.acquire.response.schema) assert.ok(validator(contract.acquire.response.schema)(res.json), res.text);
        const parts = client.parts(contract.acquire.response, res);
        assert.deepEqual(Object.keys(parts).sort(), Object.keys(contract.acquire.response.parts ?? {}).sort());
        const token = parts[contract.token.part] ?? '';
        if (contract.token.format === 'jwt') {
          assert.equal(decodeProtectedHeader(token).alg, contract.token.alg);
        } else {
          // At least 128 bits of randomness, base64url.
          assert.match(token, /^[A-Za-z0-9_-]{22,}$/);
        }
        const again = client.parts(contract.acquire.response, await client.acquire());
        assert.notEqual(again[contract.token.part], token, 'each login issues a new token');
      });
    });

    const credentials = requestPlaceholders(contract.acquire.request).filter((n) => n in contract.credentials);
    // Format 2: a credential may declare its own refusal (credentials.<name>.errors.wrong / .missing),
    // e.g. a wrong password is invalid_grant where a wrong client secret is invalid_client (RFC 6749 §5.2).
    test('each secret credential altered in turn → its own error, else errors.badCredentials, with no token', async () => {
      await withMock(id, {}, async (client) => {
        for (const n of credentials.filter((c) => isSecretCredential(contract, c))) {
          const res = await client.acquire({ with: { [n]: `wrong-${n}` } });
          client.assertError(res, credentialError(contract, n, 'wrong'));
          assert.equal(client.parts(contract.acquire.response, res)[contract.token.part], undefined, 'no token in a refusal');
        }
      });
    });

    test('each credential placeholder dropped in turn → its own error, else errors.malformed', async () => {
      await withMock(id, {}, async (client) => {
        for (const n of credentials) client.assertError(await client.acquire({ drop: [n] }), credentialError(contract, n, 'missing'));
      });
    });

    test('bodies that are not the documented JSON → errors.malformed, never 5xx', async () => {
      await withMock(id, {}, async (client) => {
        const wrongTypes = JSON.stringify(Object.fromEntries(credentials.map((n, i) => [n, i % 2 ? [] : 42])));
        for (const body of ['{"a":', '[]', '42', '"x"', 'null', '', wrongTypes]) {
          const res = await client.acquire({ rawBody: body });
          client.assertError(res, 'malformed');
        }
      });
    });
  });

  describe(`${id}: presentation`, () => {
    test('the issued credential works on the probe; missing, garbage, tampered and wrong-scheme ones are refused', async () => {
      await withMock(id, {}, async (client) => {
        const creds = await client.login();
        const ok = await client.probe(creds);
        assert.ok(client.isSuccess(ok), ok.text);
        client.assertError(await client.probe(creds, { omit: true }), 'missing');
        const token = tokenOf(client, creds);
        client.assertError(await client.probe({ ...creds, [contract.token.part]: 'x'.repeat(token.length) }), 'invalid');
        // One character changed (a JWT: in the payload).
        const at = contract.token.format === 'jwt' ? token.indexOf('.') + 5 : -1;
        client.assertError(await client.probe({ ...creds, [contract.token.part]: changeChar(token, at) }), 'tampered');
        const other = contract.present.scheme === 'Bearer' ? 'Token' : contract.present.scheme === 'Basic' ? 'Bearer' : 'Bearer';
        client.assertError(await client.probe(creds, { scheme: other }), 'wrongScheme');
        // The original is untouched by all that.
        assert.ok(client.isSuccess(await client.probe(creds)));
      });
    });
  });
}

describe('presentation placements', () => {
  test('basic-key-token: Basic base64(key:token); a key of another session is mismatched', async () => {
    await withMock('basic-key-token', {}, async (client) => {
      const a = await client.login();
      const b = await client.login();
      const raw = `Basic ${Buffer.from(`${a.key}:${a.token}`).toString('base64')}`;
      assert.equal((await client.probe(a, { raw })).status, 200);
      client.assertError(await client.probe(a, { vars: { key: b.key ?? '' } }), 'mismatched');
      client.assertError(await client.probe(a, { raw: `Basic ${Buffer.from(a.token ?? '').toString('base64')}` }), 'invalid');
      client.assertError(await client.probe(a, { raw: 'Basic not base64!' }), 'invalid');
    });
  });

  test('identity-credentials: raw token, identityId as header or query, x-api-key always', async () => {
    await withMock('identity-credentials', {}, async (client) => {
      const a = await client.login();
      const b = await client.login();
      assert.equal((await client.probe(a)).status, 200);
      assert.equal((await client.probe(a, { placement: { identityId: 'query' } })).status, 200);
      client.assertError(await client.probe(a, { omitCompanion: 'identityId' }), 'companionMissing');
      client.assertError(await client.probe(a, { omitCompanion: 'x-api-key' }), 'companionMissing');
      client.assertError(await client.probe(a, { vars: { apiKey: 'wrong-key' } }), 'invalid');
      client.assertError(await client.probe(a, { vars: { identityId: b.identityId ?? '' } }), 'invalid');
      client.assertError(await client.probe(a, { scheme: 'Bearer' }), 'wrongScheme');
    });
  });

  test('waldo: every successful call hands back a new, longer-lived JWT in Authorization; a refused one does not', async () => {
    await withMock('waldo', {}, async (client) => {
      const creds = await client.login();
      await client.advance(10);
      const res = await client.probe(creds);
      assert.equal(res.status, 200);
      const rolled = res.headers.authorization?.replace(/^Bearer /, '') ?? '';
      assert.notEqual(rolled, creds.token);
      assert.ok((decodeJwt(rolled).exp ?? 0) > (decodeJwt(creds.token ?? '').exp ?? 0));
      await client.advance(3600 - 10 + 1);
      client.assertError(await client.probe(creds), 'expired');
      assert.equal((await client.probe({ token: rolled })).status, 200);
      const refused = await client.probe({ token: 'garbage' });
      assert.equal(refused.headers.authorization, undefined);
    });
  });
});

describe('oauth2: client authentication, alternates, error cases, a token in a form field, revocation', () => {
  test('the token endpoint answers client_secret_basic and client_secret_post with Cache-Control: no-store', async () => {
    await withMock('oauth2', {}, async (client) => {
      const res = await client.acquire();
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers['cache-control'], 'no-store');
      // The password grant issues a refresh token beside the access token (RFC 6749 §4.3.3, §5.1).
      assert.deepEqual(Object.keys(res.json as object).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
      assert.match(client.parts(client.contract.acquire.response, res).refreshToken ?? '', /^[A-Za-z0-9_-]{22,}$/);
      const alternate = client.contract.acquire.alternates?.[0]?.request;
      assert.ok(alternate);
      const post = await client.send(alternate, undefined);
      assert.equal(post.status, 200, post.text);
      const token = client.parts(client.contract.acquire.response, post).token ?? '';
      assert.ok(client.isSuccess(await client.probe({ token })), 'the alternate issues a working token');
      client.assertError(await client.send(alternate, undefined, { with: { postClientSecret: 'wrong' } }), 'badCredentials');
    });
  });

  test('each acquire case gets its own error: an unsupported grant type, a missing one', async () => {
    await withMock('oauth2', {}, async (client) => {
      const cases = client.contract.acquire.cases ?? [];
      assert.equal(cases.length, 2);
      for (const c of cases) {
        const form = new URLSearchParams({ grant_type: 'client_credentials' });
        for (const [k, v] of Object.entries(c.set.form ?? {})) {
          if (v === null) form.delete(k);
          else form.set(k, v);
        }
        const res = await client.acquire({ rawBody: form.toString() });
        assert.equal(res.status, c.error.status, `${c.id}: ${res.text}`);
        assert.ok(validator(c.error.schema ?? {})(res.json), `${c.id}: ${res.text}`);
      }
    });
  });

  test('introspection reads the token from a form field and needs client authentication', async () => {
    await withMock('oauth2', {}, async (client) => {
      const creds = await client.login();
      const active = await client.probe(creds);
      assert.deepEqual(active.json, { active: true });
      assert.deepEqual((await client.probe({ token: 'unknown-token-value' })).json, { active: false });
      const noClient = await client.probe(creds, { with: { clientSecret: 'wrong' } });
      client.assertError(noClient, 'badCredentials');
      assert.match(noClient.headers['www-authenticate'] ?? '', /^Basic /);
      client.assertError(await client.probe(creds, { drop: ['clientId'] }), 'badCredentials');
      client.assertError(await client.probe(creds, { omit: true }), 'missing');
    });
  });

  test('revocation takes the token from its body, answers 200 even for an unknown token, and needs the token field', async () => {
    await withMock('oauth2', {}, async (client) => {
      const a = await client.login();
      const b = await client.login();
      assert.equal((await client.logout(a)).status, 200);
      client.assertError(await client.probe(a), 'revoked');
      assert.ok(client.isSuccess(await client.probe(b)));
      assert.equal((await client.logout({ token: 'never-issued' })).status, 200);
      client.assertError(await client.logout(b, { drop: ['token'] }), 'malformed');
      client.assertError(await client.logout(b, { with: { clientSecret: 'wrong' } }), 'badCredentials');
      assert.ok(client.isSuccess(await client.probe(b)));
    });
  });
});

describe('lifetimes on the test clock', () => {
  for (const id of ['waldo', 'private-tokens', 'basic-key-token'] as const) {
    test(`${id}: a token is valid at TTL − 2 s and expired at TTL + 1 s`, async () => {
      await withMock(id, {}, async (client) => {
        const ttl = client.contract.lifetime?.ttl?.seconds ?? 0;
        const creds = await client.login();
        await client.advance(ttl - 2);
        assert.equal((await client.probe(creds)).status, 200);
        await client.advance(3);
        client.assertError(await client.probe(creds), 'expired');
      });
    });
  }

  test('JWTs carry iat, exp = iat + TTL, a jti and a sub; the ttl option replaces the TTL', async () => {
    await withMock('waldo', {}, async (client) => {
      const claims = decodeJwt((await client.login()).token ?? '');
      assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
      assert.equal(typeof claims.jti, 'string');
      assert.equal(typeof claims.sub, 'string');
    });
    await withMock('waldo', { ttl: 60 }, async (client) => {
      const creds = await client.login();
      const claims = decodeJwt(creds.token ?? '');
      assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 60);
      await client.advance(58);
      assert.equal((await client.probe(creds)).status, 200);
      await client.advance(3);
      client.assertError(await client.probe(creds), 'expired');
    });
  });

  test('basic-key-token: the reported expiry is issue time + TTL', async () => {
    await withMock('basic-key-token', {}, async (client) => {
      const now = await client.now();
      const creds = await client.login();
      const expires = Date.parse(creds.expires ?? '') / 1000;
      assert.ok(Math.abs(expires - (now + 1209600)) <= 5, `${expires} vs ${now + 1209600}`);
    });
  });

  test('vidizmo: inactivity slides with use and expires after idle seconds unused', async () => {
    await withMock('vidizmo', {}, async (client) => {
      const creds = await client.login();
      await client.advance(1198);
      assert.equal((await client.probe(creds)).status, 200);
      await client.advance(1198);
      assert.equal((await client.probe(creds)).status, 200, 'use resets the inactivity timeout');
      await client.advance(1201);
      client.assertError(await client.probe(creds), 'expired');
    });
    await withMock('vidizmo', { idle: 30 }, async (client) => {
      const creds = await client.login();
      await client.advance(31);
      client.assertError(await client.probe(creds), 'expired');
    });
  });

  test('JWT forgeries are refused: alg none, a flipped signature, a stripped signature', async () => {
    await withMock('waldo', {}, async (client) => {
      const token = (await client.login()).token ?? '';
      const [, payload, signature] = token.split('.');
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      for (const forged of [none, `${token.split('.').slice(0, 2).join('.')}`, `${token.split('.').slice(0, 2).join('.')}.${changeChar(signature ?? '', 3)}`]) {
        client.assertError(await client.probe({ token: forged }), 'invalid');
      }
    });
  });
});

describe('refresh', () => {
  test('basic-key-token: refresh issues new key, token and refresh; the old ones are retired', async () => {
    await withMock('basic-key-token', {}, async (client) => {
      const old = await client.login();
      const { res, creds } = await client.refresh(old);
      assert.equal(res.status, 200, res.text);
      assert.ok(validator(client.contract.refresh?.response.schema ?? {})(res.json));
      for (const p of ['key', 'token', 'refresh']) assert.notEqual(creds[p], old[p]);
      assert.equal((await client.probe(creds)).status, 200);
      client.assertError((await client.refresh(old)).res, 'refreshInvalid');
      client.assertError(await client.probe(old), 'revoked');
      client.assertError((await client.refresh({ ...creds, refresh: 'garbage' })).res, 'refreshInvalid');
      client.assertError((await client.refresh(creds, { drop: ['refresh'] })).res, 'malformed');
      const other = await client.login();
      client.assertError((await client.refresh({ ...creds, key: other.key ?? '' })).res, 'refreshInvalid');
      // After the token expires, its refresh token is refused too (refresh.expired: refused).
      await client.advance(1209600 + 1);
      client.assertError((await client.refresh(creds)).res, 'refreshInvalid');
    });
  });

  test('vidizmo: the presented token is refreshed, even expired; the old one cannot refresh again but still works (retiresAccess: false)', async () => {
    await withMock('vidizmo', {}, async (client) => {
      const old = await client.login();
      const { res, creds } = await client.refresh(old);
      assert.equal(res.status, 200, res.text);
      assert.equal(typeof res.json, 'string');
      assert.equal((await client.probe(creds)).status, 200);
      client.assertError((await client.refresh(old)).res, 'refreshInvalid');
      assert.equal((await client.probe(old)).status, 200, 'the replaced token works until logout or inactivity ends it');
      client.assertError((await client.refresh({ token: 'garbage' })).res, 'refreshInvalid');
      await client.advance(1201);
      client.assertError(await client.probe(creds), 'expired');
      const again = await client.refresh(creds);
      assert.equal(again.res.status, 200, 'refresh.expired: allowed');
      assert.equal((await client.probe(again.creds)).status, 200);
    });
  });

  for (const id of ['basic-key-token', 'vidizmo'] as const) {
    test(`${id}: of 100 concurrent refreshes with one credential exactly one succeeds`, async () => {
      await withMock(id, {}, async (client) => {
        const creds = await client.login();
        const results = await Promise.all(Array.from({ length: 100 }, () => client.refresh(creds)));
        const statuses = results.map((r) => r.res.status);
        assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
        for (const r of results) if (r.res.status !== 200) client.assertError(r.res, 'refreshInvalid');
      });
    });
  }
});

describe('logout and private tokens', () => {
  for (const id of ['vidizmo', 'basic-key-token'] as const) {
    test(`${id}: logout ends the presented session only, which is then refused as logged out`, async () => {
      await withMock(id, {}, async (client) => {
        const a = await client.login();
        const b = await client.login();
        const res = await client.logout(a);
        assert.equal(res.status, client.contract.logout?.response.status);
        if (res.status === 204) assert.equal(res.text, '');
        client.assertError(await client.probe(a), 'loggedOut');
        assert.equal((await client.probe(b)).status, 200);
        client.assertError(await client.logout(a), 'loggedOut');
      });
    });
  }

  test('private-tokens: create with a chosen expiry, list, rotate, revoke', async () => {
    await withMock('private-tokens', {}, async (client) => {
      const t = client.contract.tokens;
      assert.ok(t);
      const login = await client.login();
      const now = await client.now();
      const expiry = new Date((now + 600) * 1000).toISOString();
      const { res, token } = await client.createToken(login, expiry);
      assert.equal(res.status, 201, res.text);
      assert.ok(validator(t.create.response.schema ?? {})(res.json), res.text);
      assert.equal(Date.parse(token.expiresAt ?? ''), Date.parse(expiry));
      assert.equal(decodeJwt(token.token ?? '').exp, now + 600);
      assert.equal((await client.probe(token)).status, 200, 'the private token works');

      const list = await client.send(t.list.request, login);
      assert.equal(list.status, 200);
      assert.ok(validator(t.list.response.schema ?? {})(list.json), list.text);
      const items = (list.json as { items: { id: string; name: string; expiresAt: string }[] }).items;
      assert.deepEqual(items.map((i) => [i.id, Date.parse(i.expiresAt), i.name]), [[token.id, Date.parse(expiry), 'authconform-test']]);

      const rotate = await client.send(t.rotate?.request ?? t.list.request, login, { with: { id: token.id ?? '' } });
      assert.equal(rotate.status, 200, rotate.text);
      const rotated = { ...token, ...client.parts(t.rotate?.response ?? t.create.response, rotate) };
      assert.equal(rotated.id, token.id);
      assert.notEqual(rotated.token, token.token);
      assert.equal(Date.parse(rotated.expiresAt ?? ''), Date.parse(expiry));
      assert.equal((await client.probe(rotated)).status, 200);
      client.assertError(await client.probe(token), 'revoked');

      const revoke = await client.send(t.revoke.request, login, { with: { id: token.id ?? '' } });
      assert.equal(revoke.status, 204);
      client.assertError(await client.probe(rotated), 'revoked');
      assert.deepEqual((await client.send(t.list.request, login)).json, { items: [] });
      assert.equal((await client.send(t.revoke.request, login, { with: { id: token.id ?? '' } })).status, 404);
      assert.equal((await client.probe(login)).status, 200, 'the login token is untouched');
    });
  });

  test('private-tokens: a custom expiry is honoured: valid at E − 2 s, expired at E + 1 s (the login TTL does not apply)', async () => {
    await withMock('private-tokens', {}, async (client) => {
      const login = await client.login();
      const now = await client.now();
      const e = now + 7200;
      const { token } = await client.createToken(login, new Date(e * 1000).toISOString());
      await client.advance(7200 - 2);
      assert.equal((await client.probe(token)).status, 200);
      client.assertError(await client.probe(login), 'expired');
      await client.advance(3);
      client.assertError(await client.probe(token), 'expired');
    });
  });

  test('private-tokens: an expiry that is missing, unparsable or past is malformed, and no token is made', async () => {
    await withMock('private-tokens', {}, async (client) => {
      const login = await client.login();
      const now = await client.now();
      for (const expiry of [undefined, 'tomorrow', '1', new Date((now - 10) * 1000).toISOString()]) {
        const { res } = await client.createToken(login, expiry);
        client.assertError(res, 'malformed');
      }
      const t = client.contract.tokens;
      assert.deepEqual((await client.send(t?.list.request ?? client.contract.probe.request, login)).json, { items: [] });
      assert.equal((await call(client.url, 'POST', '/api/v1/private-tokens', { body: '{}' })).status, 401, 'create needs a token');
    });
  });
});

describe('beyond the seeds: what a contract may also say', () => {
  test('a JWT under RS256 or ES256 is signed with a fresh key pair and verified', async () => {
    for (const alg of ['RS256', 'ES256']) {
      const base = seed('waldo');
      const contract = { ...base, token: { ...base.token, alg } };
      const mock = await startMock(contract);
      try {
        const client = new MockClient(contract, mock.url);
        const creds = await client.login();
        assert.equal(decodeProtectedHeader(creds.token ?? '').alg, alg);
        assert.equal((await client.probe(creds)).status, 200);
        client.assertError(await client.probe({ token: changeChar(creds.token ?? '', -4) }), 'invalid');
      } finally {
        await mock.close();
      }
    }
    await assert.rejects(startMock({ ...seed('waldo'), token: { ...seed('waldo').token, alg: 'XX999' } }), /cannot sign JWTs with token\.alg 'XX999'/);
  });

  test('a form body, a token in a response header with its scheme, and an expires-in part', async () => {
    const base = seed('waldo');
    const contract: Contract = {
      ...base,
      acquire: {
        ...base.acquire,
        request: { method: 'POST', path: '/oauth/token', body: { form: { grant_type: 'client_credentials', client_id: '{apiKey}', client_secret: '{clientSecret}' } } },
        response: {
          status: 200,
          schema: { type: 'object', required: ['expires_in', 'token_type'], properties: { expires_in: { type: 'integer' }, token_type: { const: 'Bearer' } } },
          parts: { token: { header: 'X-Access-Token', scheme: 'Bearer' }, expiresIn: { pointer: '/expires_in', kind: 'expires-in' } },
        },
      },
    };
    const mock = await startMock(contract);
    try {
      const client = new MockClient(contract, mock.url);
      const res = await client.acquire();
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { expires_in: 3600, token_type: 'Bearer' });
      assert.match(res.headers['x-access-token'] ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      const creds = client.parts(contract.acquire.response, res);
      assert.equal((await client.probe(creds)).status, 200);
      client.assertError(await client.acquire({ drop: ['clientSecret'] }), 'malformed');
      client.assertError(await client.acquire({ with: { clientSecret: 'nope' } }), 'badCredentials');
    } finally {
      await mock.close();
    }
  });
});
