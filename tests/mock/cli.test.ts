/**
 * `authconform mock` on the command line: one ready line, one redacted line per exchange, a clean
 * stop on a real SIGTERM or SIGINT, --list-faults, and exit 2 for bad usage and unknown faults, 1 for a bad spec.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listFaults, runMock } from '../../src/cli/mock.js';
import { FAULTS } from '../../src/mock/faults.js';
import { call, MockClient, seed } from './client.js';

const spec = (id: string): string => fileURLToPath(new URL(`../../specs/${id}.yaml`, import.meta.url));

/** Runs the command in-process until `until` resolves; returns the exit code and what it wrote. */
async function run(argv: string[], until?: (out: Captured) => Promise<void>): Promise<{ code: number; out: string; err: string }> {
  const out = new Captured();
  let err = '';
  const stop = new AbortController();
  const code = runMock(argv, { out: out.write, err: (t) => void (err += t), stop: stop.signal });
  if (until) {
    await until(out);
    stop.abort();
  }
  return { code: await code, out: out.text, err };
}

/** Text written by the command, with a way to wait for a line without polling. */
class Captured {
  text = '';
  #waiters: (() => void)[] = [];

  write = (t: string): void => {
    this.text += t;
    for (const w of this.#waiters.splice(0)) w();
  };

  /** The URL of the ready line, once it is written. */
  async ready(): Promise<string> {
    for (;;) {
      const m = /listening on (http:\/\/\S+)\n/.exec(this.text);
      if (m?.[1]) return m[1];
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

describe('authconform mock', () => {
  test('prints one ready line, one redacted line per exchange, and exits 0 when stopped', async () => {
    const contract = seed('identity-credentials');
    const secretQuery = 'S3cret-in-a-query-string-value-0001';
    const { code, out, err } = await run([spec('identity-credentials'), '--port', '0'], async (o) => {
      const url = await o.ready();
      const client = new MockClient(contract, url);
      const creds = await client.login();
      assert.equal((await client.probe(creds, { placement: { identityId: 'query' } })).status, 200);
      await call(url, 'GET', `/nowhere/${creds.token}`, { query: { access_token: secretQuery, page: '2' } });
      await client.acquire({ with: { password: 'a-wrong-password' } });
    });
    assert.equal(code, 0);
    assert.equal(err, '');
    const lines = out.trim().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('listening on ')).length, 1);
    assert.match(lines[0] ?? '', /^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const exchanges = lines.slice(1);
    assert.equal(exchanges.length, 4);
    for (const l of exchanges) assert.match(l, /^(GET|POST) \/\S* \d{3} \d+ms$/);
    assert.match(exchanges[0] ?? '', /^POST \/auth\/login 200 /);
    assert.match(exchanges[1] ?? '', /^GET \/users\/demo-user\?identityId=\*\*\* 200 /);
    assert.match(exchanges[2] ?? '', /^GET \/nowhere\/\*\*\*\?access_token=\*\*\*&page=2 404 /);
    assert.match(exchanges[3] ?? '', /^POST \/auth\/login 401 /);
    for (const secret of [secretQuery, 'a-wrong-password', ...Object.values(contract.mock.credentials).filter((v) => v !== 'demo-user')]) {
      assert.ok(!out.includes(secret), 'no secret in the log');
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`stops cleanly on ${signal}, removing its signal handlers`, async () => {
      const out = new Captured();
      const code = runMock([spec('vidizmo'), '--port', '0'], { out: out.write, err: () => undefined });
      const url = await out.ready();
      const advanced = await call(url, 'POST', '/__test/clock/advance', { body: '{"seconds": 5}' });
      assert.equal(advanced.status, 200);
      assert.equal(typeof (advanced.json as { now?: unknown }).now, 'number');
      assert.equal((await call(url, 'POST', '/api/v1/user/authenticate', { body: '{"emailAddress":' })).status, 400);
      // A real signal to this process: the command's handler receives it instead of node's default exit.
      process.kill(process.pid, signal);
      assert.equal(await code, 0);
      assert.equal(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM'), 0);
      await assert.rejects(call(url, 'GET', '/__test/clock'), 'the server is closed');
      assert.match(out.text, /POST \/__test\/clock\/advance 200 \d+ms\n/);
    });
  }

  test('--list-faults names every fault, what it breaks and where it applies', async () => {
    const forSpec = await run([spec('waldo'), '--list-faults']);
    assert.equal(forSpec.code, 0);
    for (const f of FAULTS) assert.ok(forSpec.out.includes(f.name) && forSpec.out.includes(f.breaks), f.name);
    assert.match(forSpec.out, /no-rolling-token\s+No rolling token is sent\.\n\s+-> applies\n/);
    assert.match(forSpec.out, /no-sliding .*\n\s+-> does not apply \(needs lifetime\.idle\)\n/);
    const all = listFaults(undefined);
    assert.ok(all.includes('Faults'));
  });

  test('bad usage exits 2 with a message on stderr', async () => {
    for (const argv of [
      [spec('waldo'), '--fault', 'no-such-fault'],
      [spec('waldo'), '--fault', 'no-sliding'],
      [spec('waldo'), '--port', 'eighty'],
      [spec('waldo'), '--port', '70000'],
      [spec('waldo'), '--ttl', '-3'],
      [spec('vidizmo'), '--ttl', '60'],
      [spec('waldo'), '--bogus'],
      [spec('waldo'), spec('vidizmo')],
      [],
    ]) {
      const { code, out, err } = await run(argv);
      assert.equal(code, 2, argv.join(' '));
      assert.equal(out, '');
      assert.match(err, /^authconform mock: /);
    }
    assert.match((await run([spec('waldo'), '--fault', 'no-such-fault'])).err, /unknown fault 'no-such-fault'/);
  });

  test('a spec with problems exits 1 and prints them as file:line:col: message', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'authconform-mock-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'authconform: 1\nid: Bad Id\n');
    const { code, err } = await run([bad]);
    assert.equal(code, 1);
    assert.match(err, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `, 'm'));
    const missing = await run([join(dir, 'missing.yaml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /missing\.yaml:1:1: Cannot read the spec/);
  });

  test('a port in use is reported, not thrown', async () => {
    await run([spec('waldo'), '--port', '0'], async (o) => {
      const port = new URL(await o.ready()).port;
      const second = await run([spec('waldo'), '--port', port]);
      assert.equal(second.code, 2);
      assert.match(second.err, /already in use/);
    });
  });
});
