/**
 * A target that cannot be judged is a broken run, not a list of findings: every provider pointed at a
 * closed port gets one broken line with its reason, no check is counted as a finding, nothing prints
 * a stack trace, and the run exits 2. A server that accepts connections and never answers costs one
 * timeout for its provider, not one per check.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadContract } from '../../src/contract/load.js';
import { specFiles } from '../../src/contract/discover.js';
import { envPrefix } from '../../src/target/env.js';
import { cleanEnv, PROJECT_ROOT, runPlaywright } from '../support/playwright-cli.js';

const work = mkdtempSync(join(tmpdir(), 'authconform-broken-test-'));
after(() => rmSync(work, { recursive: true, force: true }));
const contracts = specFiles(join(PROJECT_ROOT, 'specs')).map((f) => loadContract(f));

/** Every provider pointed at `url`, with placeholder credentials. */
function liveEverywhere(url: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const c of contracts) {
    env[`${envPrefix(c.id)}_BASE_URL`] = url;
    for (const cred of Object.values(c.credentials)) env[cred.env] = 'placeholder-credential';
  }
  return env;
}

async function run(env: Record<string, string>, args: readonly string[] = []): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const done = await runPlaywright(['test', '--reporter=line,./src/report/outcome-reporter.ts', `--output=${join(work, 'out')}`, ...args], {
    env: { ...cleanEnv(), ...env },
  });
  return { ...done, ms: Date.now() - started };
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

const STACK = /^\s+at |^\s*>?\s*\d+ \|/m;

describe('a target that cannot be judged', () => {
  it('a closed port: one broken line per provider, no finding, exit 2', async () => {
    const probe = createServer();
    const port = await listening(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { code, output, ms } = await run(liveEverywhere(`http://127.0.0.1:${port}`));
    console.log(`closed port, ${contracts.length} providers: ${ms} ms`);
    assert.equal(code, 2, output);
    for (const c of contracts) {
      const lines = output.split('\n').filter((l) => l.startsWith(`authconform: broken: ${c.id} could not be judged`));
      assert.equal(lines.length, 1, `${c.id}:\n${output}`);
      assert.match(lines[0] ?? '', /the connection was refused \(is the server listening\?\)\. Start the server, or correct AUTHCONFORM_\w+_BASE_URL\./);
    }
    assert.match(output, new RegExp(`authconform: 0 findings · ${contracts.length} providers not judged \\(broken\\)`));
    assert.doesNotMatch(output, STACK);
    assert.doesNotMatch(output, /ConformanceFailure/);
  });

  it('a server that never answers costs one timeout for its provider', async () => {
    const sockets = new Set<import('node:net').Socket>();
    let requests = 0;
    const hung = createServer((s) => {
      sockets.add(s);
      s.once('data', () => requests++);
      s.on('error', () => undefined);
    });
    const port = await listening(hung);
    try {
      const { code, output } = await run({ ...liveEverywhere(`http://127.0.0.1:${port}`), AUTHCONFORM_TIMEOUT_MS: '1500' }, ['--project=vidizmo']);
      assert.equal(code, 2, output);
      assert.match(output, /authconform: broken: vidizmo could not be judged \(none of its checks ran\): http:\/\/127\.0\.0\.1:\d+: no (complete )?response( headers)? within 1500 ms/);
      assert.match(output, /1 failed/);
      assert.doesNotMatch(output, /\d+ passed/);
      // Only the pre-flight's one request reached the server.
      assert.equal(requests, 1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  });
});
