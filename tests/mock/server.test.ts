/**
 * The mock as an HTTP server: the test clock protocol, 404/405/413, how it starts and refuses to
 * start, and that no bad input hurts it (never a 5xx, never a secret echoed, error bodies always as
 * the contract promises).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { acquireSecrets } from '../../src/contract/facts.js';
import { credentialError } from '../../src/contract/model.js';
import { startMock } from '../../src/mock/server.js';
import { call, changeChar, mockOf, MockClient, seed, SEEDS, withMock } from './client.js';

describe('test clock', () => {
  let client: MockClient;
  let close: () => Promise<void>;
  before(async () => ({ client, close } = await mockOf('vidizmo')));
  after(() => close());

  test('GET /__test/clock answers the epoch seconds of the mock clock', async () => {
    const res = await call(client.url, 'GET', '/__test/clock');
    assert.equal(res.status, 200);
    const now = (res.json as { now: number }).now;
    assert.ok(Number.isInteger(now) && Math.abs(now - Date.now() / 1000) < 5, `now ${now}`);
  });

  test('advance moves the clock forward by the seconds given', async () => {
    const before = await client.now();
    const res = await call(client.url, 'POST', '/__test/clock/advance', { body: JSON.stringify({ seconds: 3600 }) });
    assert.equal(res.status, 200);
    const now = (res.json as { now: number }).now;
    assert.ok(now - before >= 3600 && now - before <= 3602, `${before} → ${now}`);
    assert.equal(await client.now(), now);
  });

  for (const [what, body] of [
    ['bad JSON', '{"seconds":'],
    ['a negative number', '{"seconds": -5}'],
    ['a missing field', '{}'],
    ['a string', '{"seconds": "10"}'],
    ['an array', '[10]'],
    ['an empty body', ''],
    ['an absurd number', '{"seconds": 1e300}'],
  ] as const) {
    test(`advance with ${what} is a 400 with a reason, and the clock does not move`, async () => {
      const before = await client.now();
      const res = await call(client.url, 'POST', '/__test/clock/advance', { body });
      assert.equal(res.status, 400);
      assert.equal(typeof (res.json as { reason?: unknown }).reason, 'string');
      assert.ok((await client.now()) - before <= 1);
    });
  }

  test('wrong methods on the clock are 405 with Allow', async () => {
    const a = await call(client.url, 'GET', '/__test/clock/advance');
    assert.equal(a.status, 405);
    assert.equal(a.headers.allow, 'POST');
    const b = await call(client.url, 'DELETE', '/__test/clock');
    assert.equal(b.status, 405);
    assert.equal(b.headers.allow, 'GET');
  });
});

describe('routing and transport', () => {
  let client: MockClient;
  let close: () => Promise<void>;
  before(async () => ({ client, close } = await mockOf('basic-key-token')));
  after(() => close());

  test('an unknown path is a 404 with a JSON body', async () => {
    const res = await call(client.url, 'GET', '/nowhere/at/all');
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { error: 'not_found' });
  });

  test('a known path with a wrong method is a 405 listing the allowed methods', async () => {
    const res = await call(client.url, 'PUT', '/users/token');
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'DELETE, POST');
  });

  test('a body over 64 KiB is a 413, on any route', async () => {
    const big = JSON.stringify({ client: 'x'.repeat(70 * 1024) });
    assert.equal((await call(client.url, 'POST', '/users/token', { body: big })).status, 413);
    assert.equal((await call(client.url, 'GET', '/nowhere', { body: big })).status, 413);
  });

  test('a body of exactly 64 KiB is read (and refused for what it says, not its size)', async () => {
    const filler = 'x'.repeat(64 * 1024 - 20);
    const body = JSON.stringify({ client: filler }).slice(0, 64 * 1024);
    const res = await call(client.url, 'POST', '/users/token', { body });
    assert.notEqual(res.status, 413);
    assert.ok(res.status < 500);
  });

  test('the url has no trailing slash and the server is on loopback', () => {
    assert.match(client.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('starting', () => {
  test('an unknown fault is refused with a clear error', async () => {
    await assert.rejects(startMock(seed('waldo'), { fault: 'no-such-fault' }), /Unknown fault 'no-such-fault'/);
  });

  test('a fault that does not apply to the contract is refused, saying what it needs', async () => {
    await assert.rejects(startMock(seed('waldo'), { fault: 'no-sliding' }), /does not apply to the contract 'waldo': it needs lifetime\.idle/);
  });

  test('a lifetime override for a lifetime the contract does not declare is refused', async () => {
    await assert.rejects(startMock(seed('vidizmo'), { ttl: 60 }), /declares no lifetime\.ttl/);
    await assert.rejects(startMock(seed('waldo'), { ttl: -1 }), /positive number/);
  });

  test('close is idempotent and stops the server', async () => {
    const mock = await startMock(seed('waldo'));
    await mock.close();
    await mock.close();
    await assert.rejects(call(mock.url, 'GET', '/__test/clock'));
  });

  test('two mocks of one contract share nothing: a token of one is garbage to the other', async () => {
    const a = await mockOf('waldo');
    const b = await mockOf('waldo');
    try {
      const creds = await a.client.login();
      assert.equal((await a.client.probe(creds)).status, 200);
      b.client.assertError(await b.client.probe(creds), 'invalid');
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/** Negative requests for every endpoint of a contract: the robustness battery. */
function battery(client: MockClient): { method: string; path: string; body?: string; headers?: Record<string, string> }[] {
  const c = client.contract;
  const reqs = [c.acquire.request, c.probe.request, c.refresh?.request, c.logout?.request, c.tokens?.create.request, c.tokens?.list.request, c.tokens?.rotate?.request, c.tokens?.revoke.request].filter((r) => r !== undefined);
  const bodies = ['{"a":', '[]', '42', '"x"', 'null', '', '{}', '{"email": 1, "password": [], "client": {}}', '\u0000\u00ff', 'x'.repeat(70 * 1024)];
  const auths = [undefined, 'Bearer', 'Bearer ', 'Basic !!!', 'Basic ' + Buffer.from(':').toString('base64'), 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.', 'x'.repeat(4000)];
  const out: { method: string; path: string; body?: string; headers?: Record<string, string> }[] = [];
  for (const r of reqs) {
    const path = r.path.replace(/\{[^}]+\}/g, '%E0%A4%A');
    for (const body of bodies) out.push({ method: r.method, path, body });
    for (const a of auths) out.push({ method: r.method, path, ...(a !== undefined ? { headers: { authorization: a } } : {}) });
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) out.push({ method, path });
  }
  out.push({ method: 'GET', path: '/%' }, { method: 'GET', path: '/a/../../etc/passwd' }, { method: 'POST', path: '/__test/clock/advance', body: '{"seconds": {"$gt": 1}}' });
  return out;
}

for (const id of SEEDS) {
  describe(`${id}: bad input never hurts the mock`, () => {
    test('no request of the battery gets a 5xx, and every one gets an answer', async () => {
      await withMock(id, {}, async (client) => {
        const results = await Promise.all(battery(client).map(async (r) => ({ r, res: await call(client.url, r.method, r.path, { ...(r.body !== undefined ? { body: r.body } : {}), ...(r.headers ? { headers: r.headers } : {}) }) })));
        const bad = results.filter(({ res }) => res.status >= 500).map(({ r, res }) => `${r.method} ${r.path} → ${res.status}`);
        assert.deepEqual(bad, []);
        // The mock is still serving afterwards.
        await client.login();
      });
    });

    test('no error echoes a submitted secret (plain, base64 or URL-encoded)', async () => {
      await withMock(id, {}, async (client) => {
        const c = client.contract;
        const secret = 'Distinctive-S3cret-value-7d1f0a';
        const secretNames = acquireSecrets(c);
        const responses = await Promise.all([
          ...secretNames.map((n) => client.acquire({ with: { [n]: secret } })),
          client.probe({ [c.token.part]: secret, key: secret, identityId: secret }),
          client.probe({}, { raw: `Bearer ${secret}` }),
          ...(c.refresh ? [client.refresh({ [c.token.part]: secret, refresh: secret, key: secret }).then((r) => r.res)] : []),
        ]);
        const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
        for (const res of responses) {
          assert.ok(!client.isSuccess(res) && !res.text.includes('token"'), `refused: ${res.status} ${res.text}`);
          const shown = res.text + JSON.stringify(res.headers);
          for (const f of forms) assert.ok(!shown.includes(f), `echoed: ${res.text}`);
        }
      });
    });

    test('every error condition the mock answers matches the contract (status, schema, headers), with fresh ids', async () => {
      await withMock(id, {}, async (client) => {
        const c = client.contract;
        const creds = await client.login();
        client.assertError(await client.probe(creds, { omit: true }), 'missing');
        const garbage1 = await client.probe({ ...creds, [c.token.part]: changeChar(creds[c.token.part] ?? '', 5).split('').reverse().join('') });
        const garbage2 = await client.probe({ ...creds, [c.token.part]: 'garbage' });
        client.assertError(garbage1, 'invalid');
        client.assertError(garbage2, 'invalid');
        // Each secret credential wrong in turn: its own refusal (format 2, credentials.<name>.errors.wrong), else errors.badCredentials.
        for (const n of acquireSecrets(c)) client.assertError(await client.acquire({ with: { [n]: 'wrong' } }), credentialError(c, n, 'wrong'));
        client.assertError(await client.acquire({ rawBody: '{"a":' }), 'malformed');
        // Bodies are sampled anew: where the schema has a uuid (an incident id), each answer has its own.
        if (JSON.stringify(c.errors.invalid.schema ?? {}).includes('uuid')) assert.notEqual(garbage1.text, garbage2.text);
      });
    });
  });
}

test('every spec under specs/ is among those served here', () => {
  const specs = readdirSync(fileURLToPath(new URL('../../specs/', import.meta.url))).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
  assert.deepEqual([...SEEDS].sort(), specs.sort());
});
