/**
 * Fuzzing the loader: thousands of seeded random mutations of the five seed specs (keys dropped, values
 * of the wrong type, values swapped, sections copied, text truncated, garbage characters and lines,
 * duplicated, deleted, swapped and re-indented lines). Whatever a spec author types, the loader must
 * answer with problems a user can jump to (the file, a line inside the text, a column, a pointer, a
 * message), never with an exception.
 *
 * Runs are reproducible: the PRNG seed is fixed (AUTHCONFORM_FUZZ_SEED overrides it, and
 * AUTHCONFORM_FUZZ_CASES the number of cases); a failure prints the case number, its mutations and its
 * text. The cases are split between worker threads to keep the run short.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { runCases, type Failure, type SliceResult } from './fuzz/mutate.js';

const SEED = Number(process.env.AUTHCONFORM_FUZZ_SEED ?? 20240601);
const CASES = Number(process.env.AUTHCONFORM_FUZZ_CASES ?? 3000);

function runSlice(from: number, to: number): Promise<SliceResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fuzz/worker.mjs', import.meta.url), { workerData: { seed: SEED, from, to } });
    worker.once('message', (result: SliceResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`fuzz worker for cases ${from}-${to} exited with ${code}`))));
  });
}

async function runAll(): Promise<SliceResult> {
  const threads = Math.max(1, Math.min(4, availableParallelism()));
  if (threads === 1) return runCases(SEED, 0, CASES);
  const size = Math.ceil(CASES / threads);
  const slices = await Promise.all(
    Array.from({ length: threads }, (_, i) => runSlice(i * size, Math.min(CASES, (i + 1) * size))),
  );
  const sum = (f: (s: SliceResult) => number): number => slices.reduce((n, s) => n + f(s), 0);
  return {
    failures: slices.flatMap((s) => s.failures),
    loaded: sum((s) => s.loaded),
    refused: sum((s) => s.refused),
    crashed: sum((s) => s.crashed),
  };
}

function show(f: Failure): string {
  return `case ${f.index} (AUTHCONFORM_FUZZ_SEED=${f.seed}, ${f.c.seed}, ${f.c.steps.join(' → ')}): ${f.what}\n--- text ---\n${f.c.text.slice(0, 1500)}\n---`;
}

describe('loader fuzz', () => {
  test(`${CASES} mutated specs give positioned problems, never an exception`, async () => {
    const { failures, loaded, refused, crashed } = await runAll();
    assert.equal(failures.length, 0, `${failures.length} bad outcomes; the first:\n${failures.slice(0, 3).map(show).join('\n')}`);
    assert.equal(loaded + refused + crashed, CASES);
    // The mutants must reach the schema and the semantic rules, not only the YAML parser; and some stay valid.
    assert.ok(refused > CASES / 2, `only ${refused} mutants were refused`);
    assert.ok(loaded > 0, 'no mutant loaded as a valid contract');
  });


  test('loadContractFile keeps the same promise for mutants read from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authconform-fuzz-'));
    try {
      const { failures, loaded, refused, crashed } = runCases(SEED + 1, 0, 100, dir);
      assert.equal(failures.length, 0, failures.slice(0, 3).map(show).join('\n'));
      assert.equal(loaded + refused + crashed, 100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
