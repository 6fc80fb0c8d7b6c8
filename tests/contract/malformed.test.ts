/**
 * The malformed-spec corpus: each file in fixtures/malformed/ is a seed spec with one thing broken, and
 * fixtures/malformed/expected.json says exactly which problems the loader must report for it, where
 * (line:col) and in what words, and that `authconform lint` prints them as `file:line:col: message`
 * and exits 1. A spec author sees these messages; this test keeps them pointing at the broken spot.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runLint } from '../../src/cli/lint.js';
import { formatProblem } from '../../src/contract/errors.js';
import { LOAD_LIMITS, loadContractFile, type LoadLimits } from '../../src/contract/load.js';

interface Entry {
  /** Every problem, in order: "line:col fragment-of-the-message". */
  readonly expect: readonly string[];
  /** A known loader gap: the test is reported as TODO until the loader does what `expect` says. */
  readonly todo?: string;
  /** Why the spec loads (lint still refuses it): a problem that does not stop the mock and the suite. */
  readonly loads?: string;
  /**
   * Lower limits to read it with, so a small file can prove a limit; its clock then ticks one
   * millisecond per reading, so a time limit is reached at the same place on every machine.
   */
  readonly limits?: Partial<LoadLimits>;
}

function limitsFor(entry: Entry): LoadLimits {
  if (!entry.limits) return LOAD_LIMITS;
  let now = 0;
  return { ...LOAD_LIMITS, ...entry.limits, now: () => ++now };
}

const dir = fileURLToPath(new URL('./fixtures/malformed/', import.meta.url));
const table = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, unknown>).filter(([k]) => !k.startsWith('$')),
) as Record<string, Entry>;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function parseExpectation(text: string): { line: number; col: number; fragment: string } {
  const m = /^(\d+):(\d+) (.+)$/s.exec(text);
  assert.ok(m, `bad expectation "${text}": write "line:col message-fragment"`);
  return { line: Number(m[1]), col: Number(m[2]), fragment: m[3] as string };
}

describe('malformed-spec corpus', () => {
  test('holds at least 30 specs, each with exactly one table entry', () => {
    assert.ok(files.length >= 30, `only ${files.length} files`);
    assert.deepEqual(Object.keys(table).sort(), files);
  });

  test('covers YAML syntax, types, unknown keys, missing keys, enums, patterns and semantic rules', () => {
    for (const prefix of ['yaml-', 'type-', 'unknown-key-', 'missing-', 'enum-', 'pattern-', 'rule-']) {
      assert.ok(files.filter((f) => f.startsWith(prefix)).length >= 3, `fewer than 3 cases named ${prefix}*`);
    }
  });

  test('every unknown key gets a "Did you mean" suggestion', () => {
    for (const f of files.filter((n) => n.startsWith('unknown-key-'))) {
      assert.ok(table[f]?.expect.some((e) => e.includes('Did you mean')), `${f} does not expect a suggestion`);
    }
  });

  for (const name of files) {
    const entry = table[name];
    test(name, { todo: entry?.todo }, async () => {
      assert.ok(entry, `${name} has no entry in expected.json`);
      const file = join(dir, name);
      const { contract, problems: refused, unfinished = [] } = loadContractFile(file, limitsFor(entry));
      const problems = [...refused, ...unfinished].sort((a, b) => a.line - b.line || a.col - b.col);
      const got = problems.map((p) => `${p.line}:${p.col} ${p.message}`);
      if (entry.loads) assert.ok(contract, `${name} does not load: ${got.join('\n')}`);
      else assert.equal(contract, undefined, `${name} loaded as a valid contract`);
      assert.equal(problems.length, entry.expect.length, `problems reported:\n${got.join('\n')}`);
      entry.expect.forEach((text, i) => {
        const want = parseExpectation(text);
        const p = problems[i];
        assert.ok(p);
        assert.equal(p.file, file);
        assert.equal(`${p.line}:${p.col}`, `${want.line}:${want.col}`, `position of "${p.message}"`);
        assert.ok(p.message.includes(want.fragment), `message "${p.message}" does not contain "${want.fragment}"`);
        // A spec author reads these: each is a sentence that starts and ends like one.
        assert.match(p.message, /^[A-Z'"]/);
        assert.match(p.message, /[.?)]$/);
      });
      // As a user sees them: `authconform lint` prints each as file:line:col: message and exits 1.
      if (!entry.limits) {
        const out: string[] = [];
        const code = await runLint([file], { out: (t) => void out.push(t), err: () => undefined });
        assert.equal(code, 1, `lint exits ${code}`);
        assert.deepEqual(out.join('').trimEnd().split('\n'), problems.map(formatProblem));
      }
    });
  }
});
