/**
 * Fuzzing the loader: thousands of seeded random mutations of the five seed specs (keys dropped, values
 * of the wrong type, values swapped, sections copied, text truncated, garbage characters and lines,
 * duplicated, deleted, swapped and re-indented lines). Whatever a spec author types, the loader must
 * answer with problems a user can jump to (the file, a line inside the text, a column, a pointer, a
 * message), never with an exception.
 *
 * Then the hostile files: alias bombs, a 100,000-key mapping, 10,000-deep nesting, a FIFO. Each is
 * refused quickly with a position, since the Playwright configuration loads every spec before any test
 * runs and one such file would otherwise block the whole suite.
 *
 * Runs are reproducible: the PRNG seed is fixed (AUTHCONFORM_FUZZ_SEED overrides it, and
 * AUTHCONFORM_FUZZ_CASES the number of cases); a failure prints the case number, its mutations and its
 * text. The cases are split between worker threads to keep the run short.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { lintSpecs } from '../../src/cli/lint.js';
import type { SpecProblem } from '../../src/contract/errors.js';
import { LOAD_LIMITS, parseContract } from '../../src/contract/load.js';
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

const root = fileURLToPath(new URL('../../', import.meta.url));
const waldo = readFileSync(join(root, 'specs/waldo.yaml'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'authconform-hostile-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a hostile spec and lints it in this process (node's start-up is not what is measured). */
function lintFile(name: string, text: string): { problems: readonly SpecProblem[]; ms: number; lineOf: (fragment: string) => number } {
  const file = join(tmp, name);
  writeFileSync(file, text);
  const started = performance.now();
  const { problems } = lintSpecs([file]);
  const ms = performance.now() - started;
  const lines = text.split('\n');
  return { problems, ms, lineOf: (fragment) => lines.findIndex((l) => l.includes(fragment)) + 1 };
}

/** The one problem of a refused file, at a line (and column) inside it. */
function onlyProblem(problems: readonly SpecProblem[]): SpecProblem {
  assert.equal(problems.length, 1, problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('\n'));
  return problems[0] as SpecProblem;
}

describe('hostile specs are refused at once, with a position', () => {
  // The spec format's validator is compiled once per process; that is not a spec's reading time.
  lintSpecs([join(root, 'specs/waldo.yaml')]);

  test('an alias bomb of 32,000 aliases in ~96 KB is refused by lint in under 1 s', () => {
    const text = `${waldo}x-bomb: &x x\nx-aliases: [${Array.from({ length: 32_000 }, () => '*x').join(',')}]\n`;
    assert.ok(text.length < 110_000);
    const { problems, ms, lineOf } = lintFile('aliases.yaml', text);
    const p = onlyProblem(problems);
    assert.match(p.message, /^More than 100 aliases/);
    assert.equal(p.line, lineOf('x-aliases:'));
    assert.ok(ms < 1000, `lint took ${ms.toFixed(0)} ms`);
    console.log(`# 32,000 aliases: refused in ${ms.toFixed(0)} ms`);
  });

  test('a billion-laughs bomb (ten levels of ten aliases) is refused where its expansion passes the limit', () => {
    const levels = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    const { problems, ms, lineOf } = lintFile('laughs.yaml', `${waldo}${levels.join('\n')}\n`);
    const p = onlyProblem(problems);
    assert.match(p.message, /^The aliases expand past 10000 values here/);
    assert.equal(p.line, lineOf('l3: &l3'));
    console.log(`# billion laughs: refused in ${ms.toFixed(0)} ms`);
  });

  test('a 100,000-key spec is refused by lint in under 1 s, where it passes the size limit', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i.toString(36)}: ${i}`).join('\n');
    const text = `${waldo}x-keys:\n${keys}\n`;
    const { problems, ms } = lintFile('keys.yaml', text);
    const p = onlyProblem(problems);
    assert.match(p.message, /^The spec is 1\.\d MiB, more than the 128 KiB authconform reads/);
    const head = Buffer.from(text).subarray(0, LOAD_LIMITS.maxBytes).toString().split('\n');
    assert.deepEqual([p.line, p.col], [head.length, (head.at(-1) ?? '').length + 1]);
    assert.ok(ms < 1000, `lint took ${ms.toFixed(0)} ms`);
    console.log(`# 100,000 keys: refused in ${ms.toFixed(0)} ms`);
  });

  test('a 100,000-key mapping is read in one pass: with the size limit lifted, its duplicate key is found', { timeout: 30_000 }, () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i.toString(36)}: ${i}`);
    const text = `${waldo}x-keys:\n${keys.join('\n')}\n  k0: again\n`;
    const started = performance.now();
    const { problems } = parseContract(text, 'keys.yaml', { ...LOAD_LIMITS, maxBytes: 4 * 1024 * 1024, maxMillis: 30_000 });
    const ms = performance.now() - started;
    const p = onlyProblem(problems);
    assert.equal(p.message, "YAML syntax error: The key 'k0' is given twice in the same mapping.");
    assert.deepEqual([p.line, p.col], [text.split('\n').length - 1, 3]);
    // Generous: a check per key against every earlier key took over two minutes.
    assert.ok(ms < 20_000, `reading took ${ms.toFixed(0)} ms`);
    console.log(`# 100,000 keys with the size limit lifted: duplicate found in ${ms.toFixed(0)} ms`);
  });

  test('10,000-deep nesting is refused at the level past the limit, not with a stack overflow', () => {
    for (const [name, value] of [
      ['lists', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
      ['mappings', `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`],
      ['compact lists', `\n${'- '.repeat(10_000)}x`],
    ] as const) {
      const { problems, ms, lineOf } = lintFile(`deep-${name.replace(' ', '-')}.yaml`, `${waldo}x-deep: ${value}\n`);
      const p = onlyProblem(problems);
      assert.match(p.message, /^Nesting deeper than 64 levels/, name);
      assert.equal(p.line, lineOf(name === 'compact lists' ? '- - -' : 'x-deep:'), name);
      console.log(`# 10,000-deep ${name}: refused in ${ms.toFixed(0)} ms`);
    }
  });

  test('a spec that takes longer than the time limit to read is refused, not waited for', () => {
    // A clock that moves half a second each time it is read: the limit of one second passes mid-read.
    let now = 0;
    const { contract, problems } = parseContract(waldo, 'slow.yaml', { ...LOAD_LIMITS, now: () => (now += 500) });
    assert.equal(contract, undefined);
    assert.match(onlyProblem(problems).message, /^Reading the spec takes longer than 1000 ms/);
  });

  test('a FIFO or a folder named like a spec is refused without being read', async (t) => {
    const fifo = join(tmp, 'x.yaml');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      t.skip('mkfifo is not available here');
      return;
    }
    // In a child process: were the FIFO opened for reading, the open would wait for a writer forever.
    const started = performance.now();
    const run = await new Promise<{ code: number | null; stdout: string }>((done) => {
      execFile(process.execPath, ['bin/authconform.js', 'lint', fifo, 'tests'], { cwd: root, encoding: 'utf8', timeout: 20_000 }, (error, stdout) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout }),
      );
    });
    const ms = performance.now() - started;
    assert.equal(run.code, 1, run.stdout);
    assert.deepEqual(run.stdout.trimEnd().split('\n'), [
      `${fifo}:1:1: Cannot read the spec: it is a FIFO (named pipe), and a spec is read from a regular file only.`,
      'tests:1:1: Cannot read the spec: it is a folder, and a spec is read from a regular file only.',
    ]);
    console.log(`# a FIFO and a folder: refused in ${ms.toFixed(0)} ms, node's start-up included`);
  });
});
