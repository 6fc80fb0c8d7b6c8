/**
 * The contracts of a run are validated once, in Playwright's main process, and read back by each
 * worker (fixtures/run-contracts.ts). A worker must see exactly what loading the spec itself would
 * give — the resolved contract, every source position a verdict can cite, every problem of a bad spec —
 * and must load afresh a spec that changed since.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { RUN_CONTRACTS_ENV, runContracts } from '../../fixtures/run-contracts.js';
import { specFiles } from '../../src/contract/discover.js';

const SPECS = fileURLToPath(new URL('../../specs/', import.meta.url));
const WORKER = fileURLToPath(new URL('./run-contracts-worker.ts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'authconform-run-contracts-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface WorkerView {
  readonly file: string;
  readonly provider?: string;
  readonly problems: number;
  readonly mismatches: readonly string[];
}

/** Copies of the seed specs (and any extra files) in a fresh folder. */
function specsFolder(name: string, extra: Record<string, string> = {}): string[] {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const f of specFiles(SPECS)) copyFileSync(f, join(dir, f.replace(/^.*\//, '')));
  for (const [f, text] of Object.entries(extra)) writeFileSync(join(dir, f), text);
  return specFiles(dir);
}

/** What a worker process, started after the main process handed its contracts over, sees. */
function inWorker(files: readonly string[]): WorkerView[] {
  const res = spawnSync(process.execPath, ['--import', 'tsx', WORKER, ...files], { encoding: 'utf8', env: process.env });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout) as WorkerView[];
}

function handOver(): Record<string, { contract?: { data: { provider: string } } }> {
  const path = process.env[RUN_CONTRACTS_ENV];
  assert.ok(path, 'the main process names its hand-over in the environment');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, { contract?: { data: { provider: string } } }>;
}

describe('contracts handed from the main process to workers', () => {
  it('give a worker what loading each spec would: contracts, positions and problems', () => {
    const files = specsFolder('same', { 'zz-broken.yaml': 'authconform: 1\nid: broken\nprovider: 42\n' });
    const main = runContracts(files);
    assert.equal(main.filter((s) => s.result.contract).length, files.length - 1);
    assert.ok((main.at(-1)?.result.problems.length ?? 0) > 0, 'the broken spec has problems');

    const seen = inWorker(files);
    assert.deepEqual(seen.map((s) => s.file), files);
    for (const s of seen) assert.deepEqual(s.mismatches, [], s.file);
    assert.ok((seen.at(-1)?.problems ?? 0) > 0, 'the worker reports the broken spec too');
  });

  it('is what the worker reads, rather than loading the spec again', () => {
    const files = specsFolder('used');
    runContracts(files);
    const target = files[0] as string;
    const all = handOver();
    const entry = Object.entries(all).find(([k]) => k.endsWith(target.replace(/^.*\//, '/')) && k.includes('/used/'));
    assert.ok(entry?.[1].contract, 'the spec is in the hand-over');
    entry[1].contract.data.provider = 'Provider as handed over';
    writeFileSync(process.env[RUN_CONTRACTS_ENV] as string, JSON.stringify(all));

    const [first] = inWorker([target]);
    assert.equal(first?.provider, 'Provider as handed over');
  });

  it('is not used for a spec edited after it was handed over', () => {
    const files = specsFolder('edited');
    runContracts(files);
    const target = files[0] as string;
    writeFileSync(target, readFileSync(target, 'utf8').replace(/^provider: .*$/m, 'provider: Edited during the run'));

    const [first] = inWorker([target]);
    assert.equal(first?.provider, 'Edited during the run');
    assert.deepEqual(first?.mismatches, []);
  });
});
