/**
 * The mock's session store stays bounded: sessions that ran out are forgotten an hour (of the mock's
 * clock) after, so tens of thousands of logins on the test clock do not pile up; until then an
 * expired token is still refused as expired, not as unknown, and still refreshed where the contract
 * allows it. Sessions that still work are never forgotten. Everything runs in-process, on the test
 * clock: nothing sleeps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mockApp, type MockApp } from '../../src/mock/app.js';
import { FORGET_AFTER_MS } from '../../src/mock/sessions.js';
import { inProcess, MockClient, seed, type SeedId } from './client.js';

const FORGET_AFTER = FORGET_AFTER_MS / 1000;

async function inProcessClient(id: SeedId): Promise<{ app: MockApp; client: MockClient }> {
  const app = await mockApp(seed(id));
  return { app, client: new MockClient(seed(id), 'in-process', inProcess(app)) };
}

/** The shortest lifetime of a login on this contract, in seconds. */
function lifetime(client: MockClient): number {
  const { ttl, idle } = client.contract.lifetime ?? {};
  return Math.min(ttl?.seconds ?? Infinity, idle?.seconds ?? Infinity);
}

/** Enough logins to make the store sweep (it never sweeps below 1024 sessions, then once it has doubled). */
async function logins(client: MockClient, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await client.login();
}

describe('the mock forgets sessions that ran out', () => {
  test('40,000 logins, with the clock moved past the lifetime between batches, keep the store bounded', async () => {
    const { app, client } = await inProcessClient('vidizmo');
    const batch = 2000;
    let most = 0;
    for (let b = 0; b < 20; b++) {
      await logins(client, batch);
      most = Math.max(most, app.sessions().stored);
      await client.advance(lifetime(client) + FORGET_AFTER);
    }
    const { issued, stored } = app.sessions();
    assert.equal(issued, 40_000);
    // A sweep leaves at most the current batch, and the next waits until the store has doubled.
    assert.ok(most <= 2 * batch, `held up to ${most} sessions`);
    assert.ok(stored <= 2 * batch, `holds ${stored} sessions`);
  });

  test('sessions that still work are never forgotten', async () => {
    const { app, client } = await inProcessClient('vidizmo');
    const first = await client.login();
    await logins(client, 3000);
    assert.deepEqual(app.sessions(), { issued: 3001, stored: 3001, open: { login: 3001, private: 0 } });
    assert.ok(client.isSuccess(await client.probe(first)));
  });

  for (const id of ['vidizmo', 'waldo'] as const) {
    test(`${id}: a token that ran out is refused as expired for an hour after, across sweeps; then it is unknown`, async () => {
      const { client } = await inProcessClient(id);
      const expired = await client.login();
      await client.advance(lifetime(client) + 1);
      client.assertError(await client.probe(expired), 'expired');
      await logins(client, 1100);
      client.assertError(await client.probe(expired), 'expired');
      await client.advance(FORGET_AFTER - 10);
      await logins(client, 2300);
      client.assertError(await client.probe(expired), 'expired');
      await client.advance(10);
      await logins(client, 4700);
      client.assertError(await client.probe(expired), 'invalid');
    });
  }

  test('vidizmo: an expired token can still be refreshed (refresh.expired: allowed) after a sweep', async () => {
    const { client } = await inProcessClient('vidizmo');
    const expired = await client.login();
    await client.advance(lifetime(client) + 1);
    await logins(client, 1100);
    const { res, creds } = await client.refresh(expired);
    assert.equal(res.status, 200, res.text);
    assert.ok(client.isSuccess(await client.probe(creds)));
  });

  test('a logged-out token is refused as logged out, not as unknown, across a sweep', async () => {
    const { client } = await inProcessClient('vidizmo');
    const ended = await client.login();
    assert.equal((await client.logout(ended)).status, 200);
    await client.advance(lifetime(client) + 1);
    await logins(client, 1100);
    client.assertError(await client.probe(ended), 'loggedOut');
  });
});
