/**
 * The mock serves the format-2 refresh and logout declarations as written: a refresh retires the
 * access token it replaces or keeps it working (refresh.retiresAccess, and as before where it is not
 * declared); each refused refresh is answered with its cause's error; a logout answers its declared
 * body and headers; a token after logout is refused with errors.loggedOut, after revocation with
 * errors.revoked; of concurrent refreshes of one rotating credential exactly one wins, unless the
 * refresh-race fault opens a window. Every assertion is what a client would observe over HTTP.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Contract, ErrorSpec } from '../../src/contract/model.js';
import { refreshError } from '../../src/contract/model.js';
import { startMock, type MockOptions } from '../../src/mock/server.js';
import { logoutBesideRevocation, logoutWithBody, refreshErrorsPerCause, retiresAccess } from '../support/format2-variants.js';
import { MockClient, validator, withMock, type Res } from './client.js';

async function withContract<T>(contract: Contract, options: MockOptions, fn: (client: MockClient) => Promise<T>): Promise<T> {
  const mock = await startMock(contract, options);
  try {
    return await fn(new MockClient(contract, mock.url));
  } finally {
    await mock.close();
  }
}

/** The response is this error: status, body schema, headers. */
function assertIs(res: Res, err: ErrorSpec, what: string): void {
  assert.equal(res.status, err.status, `${what}: ${res.text}`);
  if (err.schema) assert.ok(validator(err.schema)(res.json), `${what}: ${res.text}`);
}

describe('refresh.retiresAccess', () => {
  test('basic-key-token with retiresAccess: true: the replaced key:token is refused; the refreshed one works', async () => {
    await withContract(retiresAccess(), {}, async (client) => {
      const old = await client.login();
      const { creds } = await client.refresh(old);
      assert.ok(client.isSuccess(await client.probe(creds)));
      client.assertError(await client.probe(old), 'revoked');
    });
  });

  test('basic-key-token with retiresAccess: true, under refresh-keeps-old-access: the replaced key:token still works', async () => {
    await withContract(retiresAccess(), { fault: 'refresh-keeps-old-access' }, async (client) => {
      const old = await client.login();
      await client.refresh(old);
      assert.ok(client.isSuccess(await client.probe(old)));
    });
  });

  test('vidizmo (false): the replaced token still works; under refresh-retires-old-access it is refused', async () => {
    await withMock('vidizmo', {}, async (client) => {
      const old = await client.login();
      await client.refresh(old);
      assert.ok(client.isSuccess(await client.probe(old)));
    });
    await withMock('vidizmo', { fault: 'refresh-retires-old-access' }, async (client) => {
      const old = await client.login();
      await client.refresh(old);
      assert.ok(!client.isSuccess(await client.probe(old)));
    });
  });
});

describe('refresh refusals per cause', () => {
  const contract = refreshErrorsPerCause();
  const cause = (c: 'garbage' | 'replayed' | 'expired' | 'afterLogout'): ErrorSpec => refreshError(contract, c);

  test('garbage, replayed, expired and logged-out refresh credentials each get their own error', async () => {
    await withContract(contract, {}, async (client) => {
      const a = await client.login();
      assertIs((await client.refresh({ ...a, refresh: 'garbage-refresh-token' })).res, cause('garbage'), 'garbage');
      const { creds: a2 } = await client.refresh(a);
      assertIs((await client.refresh(a)).res, cause('replayed'), 'replayed');
      assert.equal((await client.logout(a2)).status, 204);
      assertIs((await client.refresh(a2)).res, cause('afterLogout'), 'after logout');
      const b = await client.login();
      await client.advance(1209600 + 1);
      assertIs((await client.refresh(b)).res, cause('expired'), 'expired');
    });
  });

  test('under refresh-errors-swapped every cause gets the garbage error', async () => {
    await withContract(contract, { fault: 'refresh-errors-swapped' }, async (client) => {
      const a = await client.login();
      const { creds: a2 } = await client.refresh(a);
      assertIs((await client.refresh(a)).res, cause('garbage'), 'replayed');
      await client.logout(a2);
      assertIs((await client.refresh(a2)).res, cause('garbage'), 'after logout');
    });
  });

  test('without refresh.errors every cause falls back to errors.refreshInvalid (format 1)', async () => {
    await withMock('basic-key-token', {}, async (client) => {
      const a = await client.login();
      const { creds: a2 } = await client.refresh(a);
      client.assertError((await client.refresh(a)).res, 'refreshInvalid');
      await client.logout(a2);
      client.assertError((await client.refresh(a2)).res, 'refreshInvalid');
    });
  });

  test('under refresh-after-logout a logged-out session is refreshed', async () => {
    await withMock('basic-key-token', { fault: 'refresh-after-logout' }, async (client) => {
      const a = await client.login();
      await client.logout(a);
      assert.equal((await client.refresh(a)).res.status, 200);
    });
  });
});

describe('concurrent refreshes of one rotating credential', () => {
  for (const id of ['basic-key-token', 'vidizmo'] as const) {
    test(`${id}: of 5 at once exactly one wins; under refresh-race all do`, async () => {
      for (const [fault, winners] of [[undefined, 1], ['refresh-race', 5]] as const) {
        await withMock(id, fault ? { fault } : {}, async (client) => {
          const creds = await client.login();
          const results = await Promise.all(Array.from({ length: 5 }, () => client.refresh(creds)));
          const statuses = results.map((r) => r.res.status);
          assert.equal(statuses.filter((s) => s === 200).length, winners, `${fault ?? 'faultless'}: ${statuses.join(',')}`);
        });
      }
    });
  }
});

describe('logout', () => {
  test('answers the body sampled from logout.response.schema and its headers; under logout-body-undeclared an empty object', async () => {
    const contract = logoutWithBody();
    const spec = contract.logout;
    assert.ok(spec?.response.schema);
    await withContract(contract, {}, async (client) => {
      const res = await client.logout(await client.login());
      assert.equal(res.status, 200);
      assert.ok(validator(spec.response.schema ?? {})(res.json), res.text);
      assert.equal(res.headers['clear-site-data'], '"storage"');
    });
    await withContract(contract, { fault: 'logout-body-undeclared' }, async (client) => {
      const res = await client.logout(await client.login());
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, {});
      assert.equal(res.headers['clear-site-data'], undefined);
    });
  });

  test('a token after logout is refused with errors.loggedOut, a private token after revocation with errors.revoked', async () => {
    const contract = logoutBesideRevocation();
    await withContract(contract, {}, async (client) => {
      const login = await client.login();
      const { token } = await client.createToken(login, new Date(Date.now() + 3600_000).toISOString());
      const revoke = contract.tokens?.revoke;
      assert.ok(revoke);
      assert.equal((await client.send(revoke.request, login, { with: { id: token.id ?? '' } })).status, 204);
      client.assertError(await client.probe(token), 'revoked');
      assert.equal((await client.logout(login)).status, 204);
      client.assertError(await client.probe(login), 'loggedOut');
      assert.ok(!client.isError(await client.probe(login), 'revoked'), 'the two errors differ');
    });
    await withContract(contract, { fault: 'logged-out-as-revoked' }, async (client) => {
      const login = await client.login();
      await client.logout(login);
      client.assertError(await client.probe(login), 'revoked');
    });
  });
});
