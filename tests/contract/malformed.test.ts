/**
 * The malformed-spec corpus: each file in fixtures/malformed/ is a seed spec with one thing broken, and
 * fixtures/malformed/expected.json says exactly which problems the loader must report for it, where
 * (line:col) and in what words. A spec author sees these messages; this test keeps them pointing at the
 * broken spot.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadContractFile } from '../../src/contract/load.js';

interface Entry {
  /** Every problem, in order: "line:col fragment-of-the-message". */
  readonly expect: readonly string[];
  /** A known loader gap: the test is reported as TODO until the loader does what `expect` says. */
  readonly todo?: string;
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
    test(name, { todo: entry?.todo }, () => {
      assert.ok(entry, `${name} has no entry in expected.json`);
      const file = join(dir, name);
      const { contract, problems } = loadContractFile(file);
      const got = problems.map((p) => `${p.line}:${p.col} ${p.message}`);
      assert.equal(contract, undefined, `${name} loaded as a valid contract`);
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
    });
  }
});
