/**
 * A live run as an account owner sees it: `npx playwright test` against a server holding a real
 * account (here a proxy in front of the mock that accepts a canary password). The bad-credential
 * allowance holds across the workers Playwright restarts and across retries, and a run stopped by
 * SIGTERM or SIGKILL leaves no file that holds the credential.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadContract } from '../../src/contract/load.js';
import { scanForLeaks } from '../../src/report/leak-scan.js';
import { startLiveProxy } from '../support/live-proxy.js';
import { cleanEnv, PROJECT_ROOT, startPlaywright, type PlaywrightRun } from '../support/playwright-cli.js';

const contract = loadContract(join(PROJECT_ROOT, 'specs/vidizmo.yaml'));
const work = mkdtempSync(join(tmpdir(), 'authconform-live-run-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A password no spec or fixture holds, so any file that contains it was written by the run. */
const canary = { password: `canary-${process.pid}-${Date.now().toString(36)}-p4ss~word` };

function runEnv(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    AUTHCONFORM_TESTING: '1',
    AUTHCONFORM_VIDIZMO_BASE_URL: url,
    AUTHCONFORM_VIDIZMO_CLOCK: '1',
    VIDIZMO_EMAIL: contract.mock.credentials.email ?? '',
    VIDIZMO_PASSWORD: canary.password,
    ...extra,
  };
}

function playwright(args: readonly string[], env: NodeJS.ProcessEnv): PlaywrightRun {
  return startPlaywright(
    ['test', '--project=vidizmo', '--reporter=line,./src/report/leak-reporter.ts,./src/report/outcome-reporter.ts', `--output=${join(work, 'test-results')}`, ...args],
    { env },
  );
}

/** Waits for a condition the run itself brings about (no fixed sleep decides anything). */
async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** Every file written since `since` in the temporary folder (and the run's output), scanned for the canary. */
function canaryFiles(since: number): ReturnType<typeof scanForLeaks> {
  const roots = readdirSync(tmpdir())
    .map((name) => join(tmpdir(), name))
    .filter((p) => {
      try {
        return statSync(p).mtimeMs >= since - 1000 && !p.startsWith(work);
      } catch {
        return false;
      }
    });
  return scanForLeaks([...roots, join(work, 'test-results')], [canary.password], '/');
}

describe('a live run', () => {
  it('sends at most the allowed wrong-credential logins, across worker restarts and retries', async () => {
    const proxy = await startLiveProxy(contract, canary, { fault: 'bad-credentials-accepted' });
    try {
      const run = playwright(['--retries=3', '--grep', 'acquire\\.bad-credentials'], runEnv(proxy.url, { AUTHCONFORM_MAX_BAD_ATTEMPTS: '1' }));
      const code = await run.exited;
      assert.match(run.output(), /ConformanceFailure: acquire\.bad-credentials/, 'the accepted wrong password is a finding');
      // Playwright calls the test flaky (its retry was skipped); the finding still decides the exit code.
      assert.equal(code, 1, run.output());
      assert.match(run.output(), /authconform: 1 finding \(1 MUST\)/);
      // The retry runs in a new worker, and finds the run's allowance spent.
      assert.match(run.output(), /retry #1/);
      assert.equal(proxy.wrongLogins(), 1, run.output());
    } finally {
      await proxy.close();
    }
  });

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`stopped by ${signal}, leaves no file holding the credential`, async () => {
      const proxy = await startLiveProxy(contract, canary);
      const since = Date.now();
      try {
        const run = playwright([], runEnv(proxy.url, { AUTHCONFORM_TIMEOUT_MS: '60000' }));
        // Caught in flight: some checks have run, and the server stops answering.
        await until('the run to reach the server', () => proxy.requests() >= 12);
        proxy.hold();
        await until('a request to be held', () => proxy.requests() >= 13);
        const workers = childrenOf(run.child.pid!);
        assert.ok(workers.length > 0, 'the run has a worker');
        run.child.kill(signal);
        await run.exited;
        await until('the workers to end', () => workers.every((pid) => !alive(pid)));
        const scan = canaryFiles(since);
        assert.deepEqual(scan.hits, [], `files holding the credential: ${JSON.stringify(scan.hits)}`);
        const left = readdirSync(tmpdir()).filter((n) => n.startsWith('authconform-') && n.includes(`-${run.child.pid}-`));
        // A signal the run can see: its private folders are gone, not only harmless. After SIGKILL they hold
        // nothing readable and the next run sweeps them; this test sweeps them itself.
        if (signal === 'SIGTERM') assert.deepEqual(left, []);
        for (const name of left) rmSync(join(tmpdir(), name), { recursive: true, force: true });
      } finally {
        await proxy.close();
      }
    });
  }
});
