/**
 * The conformance matrix of a sharded run, merged with `playwright merge-reports`, equals the matrix
 * of the same run in one go: everything the matrix needs travels in the reporter events.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { ConformanceReport } from '../../src/report/conformance.js';

const suite = fileURLToPath(new URL('./fixtures/matrix-suite/', import.meta.url));
const cli = join(createRequire(import.meta.url).resolve('@playwright/test/package.json'), '..', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'authconform-merge-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function playwright(args: readonly string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: suite,
      env: { ...process.env, MATRIX_TEST_RESULTS: join(work, 'test-results', env.MATRIX_OUT ?? env.PLAYWRIGHT_BLOB_OUTPUT_DIR ?? ''), ...env },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // The suite has a failing check on purpose, so exit 1 is expected; anything else is a harness error.
      if (code === 0 || code === 1) resolve();
      else reject(new Error(`playwright ${args.join(' ')} exited ${code}:\n${output}`));
    });
  });
}

/** The report without what differs between any two runs (times). */
function comparable(dir: string): unknown {
  const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
  return { ...report, generatedAt: '', results: report.results.map((r) => ({ ...r, durationMs: 0 })) };
}

describe('conformance matrix over merged shards', () => {
  it('is the same as the matrix of a single run', async () => {
    const single = join(work, 'single');
    const shards = ['1/2', '2/2'].map((shard, i) => ({ shard, blobs: join(work, `blobs-${i + 1}`) }));
    await Promise.all([
      playwright(['test', '-c', 'playwright.config.ts'], { MATRIX_OUT: single }),
      ...shards.map((s) => playwright(['test', '-c', 'playwright.config.ts', `--shard=${s.shard}`, '--reporter=blob'], { PLAYWRIGHT_BLOB_OUTPUT_DIR: s.blobs })),
    ]);
    // Blobs are gathered into one folder, as a CI job downloads the shards' artifacts.
    const blobs = join(work, 'blobs');
    mkdirSync(blobs);
    for (const s of shards) for (const f of readdirSync(s.blobs)) copyFileSync(join(s.blobs, f), join(blobs, f));
    assert.equal(readdirSync(blobs).filter((f) => f.endsWith('.zip')).length, 2, 'each shard wrote its blob');
    const merged = join(work, 'merged');
    await playwright(['merge-reports', '-c', 'merge.config.ts', blobs], { MATRIX_OUT: merged });

    assert.ok(existsSync(join(merged, 'index.html')));
    const expected = comparable(single) as ConformanceReport;
    assert.deepEqual(expected.totals, { pass: 6, fail: 1, skip: 1, broken: 0, knownBreach: 0, unexpectedPass: 0 }, 'the single run saw every verdict');
    assert.deepEqual(comparable(merged), expected);
    assert.deepEqual(readdirSync(join(merged, 'evidence', 'alpha')).sort(), readdirSync(join(single, 'evidence', 'alpha')).sort());
  });
});
