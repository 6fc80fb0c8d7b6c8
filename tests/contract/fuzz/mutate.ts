/**
 * The loader fuzzer's engine: seeded random mutations of the seed specs and the check of what the
 * loader answers. Each case has its own PRNG (seed + case number), so any case can be replayed alone and
 * the cases can be split between worker threads. Used by tests/contract/fuzz.test.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { SpecProblem } from '../../../src/contract/errors.js';
import { loadContractFile, parseContract } from '../../../src/contract/load.js';
import { prng } from '../../support/prng.js';

const specsDir = fileURLToPath(new URL('../../../specs/', import.meta.url));

interface Seed {
  readonly name: string;
  readonly text: string;
  readonly tree: Record<string, unknown>;
}

let seedCache: Seed[] | undefined;
function seeds(): Seed[] {
  seedCache ??= readdirSync(specsDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(specsDir, name), 'utf8');
      return { name, text, tree: parse(text, { merge: true }) as Record<string, unknown> };
    });
  return seedCache;
}

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)] as T;

const GARBAGE_CHARS = [':', '[', ']', '{', '}', '-', '*', '&', '!', '|', '>', '#', '"', "'", '\t', '%', '@', '`', ',', '?', '\n', ' ', '\r', '\u0000', '\ufeff', 'é', '😀', '\\', '<<'];
const GARBAGE_LINES = [
  '- x',
  '  : :',
  'key: [',
  'key: {',
  "key: 'open",
  '!!binary x',
  'a: &a [*a]',
  '<<: *nope',
  'x: *undefined',
  '---',
  '...',
  '%YAML 1.2',
  '? complex key',
  '\t\tindented: tab',
  'provider: [',
  '    deeply: indented',
  'errors: ~',
  'id: 42',
  '"unterminated',
  '|',
];
const SCALARS: readonly unknown[] = [null, true, false, 0, -1, 1.5, 99999999999, '', 'x', '{nope}', '/x', 'Bearer', [], {}, [1, 'a'], { a: 1 }];

// ---- text mutations: what a hand edit or a bad paste does.
type TextMutation = (text: string, r: Rand) => string;
const lines = (t: string): string[] => t.split('\n');

const textMutations: Record<string, TextMutation> = {
  truncate: (t, r) => t.slice(0, int(r, t.length + 1)),
  insertChars: (t, r) => {
    const at = int(r, t.length + 1);
    const junk = Array.from({ length: 1 + int(r, 3) }, () => pick(r, GARBAGE_CHARS)).join('');
    return t.slice(0, at) + junk + t.slice(at);
  },
  insertLine: (t, r) => {
    const ls = lines(t);
    ls.splice(int(r, ls.length + 1), 0, pick(r, GARBAGE_LINES));
    return ls.join('\n');
  },
  deleteLines: (t, r) => {
    const ls = lines(t);
    ls.splice(int(r, ls.length), 1 + int(r, 3));
    return ls.join('\n');
  },
  duplicateLine: (t, r) => {
    const ls = lines(t);
    const i = int(r, ls.length);
    ls.splice(i, 0, ls[i] ?? '');
    return ls.join('\n');
  },
  swapLines: (t, r) => {
    const ls = lines(t);
    const i = int(r, ls.length);
    const j = int(r, ls.length);
    [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? ''];
    return ls.join('\n');
  },
  reindent: (t, r) => {
    const ls = lines(t);
    const i = int(r, ls.length);
    ls[i] = ' '.repeat(int(r, 6)) + (ls[i] ?? '').trimStart();
    return ls.join('\n');
  },
  crlf: (t) => t.replace(/\n/g, '\r\n'),
};

// ---- tree mutations: what a wrong but well-formed spec looks like (these reach the schema and the rules).
type Path = (string | number)[];
function paths(v: unknown, base: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [base];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return [base, ...entries.flatMap(([k, x]) => paths(x, [...base, k]))];
}
function getAt(root: unknown, p: Path): unknown {
  return p.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), root);
}
function setAt(root: unknown, p: Path, value: unknown): void {
  const parent = getAt(root, p.slice(0, -1));
  const key = p[p.length - 1];
  if (parent !== null && typeof parent === 'object' && key !== undefined) (parent as Record<string | number, unknown>)[key] = value;
}
function deleteAt(root: unknown, p: Path): void {
  const parent = getAt(root, p.slice(0, -1));
  const key = p[p.length - 1];
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (parent !== null && typeof parent === 'object' && key !== undefined) delete (parent as Record<string | number, unknown>)[key];
}
const clone = <T>(v: T): T => structuredClone(v);

type TreeMutation = (tree: Record<string, unknown>, r: Rand) => void;
const nonRoot = (tree: unknown): Path[] => paths(tree).filter((p) => p.length > 0);

const treeMutations: Record<string, TreeMutation> = {
  dropKey: (tree, r) => deleteAt(tree, pick(r, nonRoot(tree))),
  changeType: (tree, r) => setAt(tree, pick(r, nonRoot(tree)), clone(pick(r, SCALARS))),
  swapValues: (tree, r) => {
    const all = nonRoot(tree);
    const a = pick(r, all);
    const b = pick(r, all);
    const va = clone(getAt(tree, a));
    const vb = clone(getAt(tree, b));
    setAt(tree, a, vb);
    setAt(tree, b, va);
  },
  wrapInList: (tree, r) => {
    const p = pick(r, nonRoot(tree));
    setAt(tree, p, [clone(getAt(tree, p))]);
  },
  renameKey: (tree, r) => {
    const keyed = nonRoot(tree).filter((p) => typeof p[p.length - 1] === 'string');
    if (!keyed.length) return;
    const p = pick(r, keyed);
    const old = String(p[p.length - 1]);
    const value = getAt(tree, p);
    deleteAt(tree, p);
    const typo = old.length > 1 ? old.slice(0, -1) : `${old}x`;
    setAt(tree, [...p.slice(0, -1), pick(r, [typo, old.toUpperCase(), `${old}s`, 'unknown'])], value);
  },
  addKey: (tree, r) => {
    const maps = paths(tree).filter((p) => {
      const v = getAt(tree, p);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    });
    setAt(tree, [...pick(r, maps), pick(r, ['expired', 'refreshInvalid', 'companionMissing', 'mismatched', 'alg', 'value', 'extra'])], clone(pick(r, SCALARS)));
  },
  copySection: (tree, r) => {
    // Whole sections moved about: valid YAML, often valid shapes, contradictory meaning.
    const sections = Object.keys(tree);
    const from = pick(r, sections);
    const to = pick(r, ['refresh', 'logout', 'tokens', 'lifetime', 'rolling', ...sections]);
    tree[to] = clone(tree[from]);
  },
};

export interface Case {
  readonly seed: string;
  readonly steps: string[];
  readonly text: string;
}

function mutate(base: Seed, r: Rand): Case {
  const steps: string[] = [];
  let text = base.text;
  if (r() < 0.45) {
    const tree = clone(base.tree);
    const n = 1 + int(r, 3);
    for (let i = 0; i < n; i++) {
      const name = pick(r, Object.keys(treeMutations));
      steps.push(name);
      treeMutations[name]?.(tree, r);
    }
    // JSON is YAML too (flow style), and far quicker to write than block style.
    const json = r() < 0.6;
    steps.push(json ? 'asJson' : 'asYaml');
    text = json ? JSON.stringify(tree, null, 2) : stringify(tree);
  }
  const n = steps.length ? int(r, 2) : 1 + int(r, 3);
  for (let i = 0; i < n; i++) {
    const name = pick(r, Object.keys(textMutations));
    steps.push(name);
    text = textMutations[name]?.(text, r) ?? text;
  }
  return { seed: base.name, steps, text };
}

/** Case number `index` of the run with PRNG seed `seed`. */
export function fuzzCase(seed: number, index: number): Case {
  const r = prng(seed + Math.imul(index, 0x9e3779b1));
  return mutate(pick(r, seeds()), r);
}

/** What makes a problem unusable (no place to jump to, no message), or undefined when it is usable. */
function problemDefect(p: SpecProblem, file: string, lineCount: number): string | undefined {
  if (p.file !== file) return `file is ${JSON.stringify(p.file)}`;
  if (!Number.isInteger(p.line) || p.line < 1) return `line ${p.line}`;
  if (!Number.isInteger(p.col) || p.col < 1) return `col ${p.col}`;
  if (p.line > lineCount) return `line ${p.line} is past the end of the text (${lineCount} lines)`;
  if (typeof p.pointer !== 'string' || (p.pointer !== '' && !p.pointer.startsWith('/'))) return `pointer ${JSON.stringify(p.pointer)}`;
  if (typeof p.message !== 'string' || !p.message.trim()) return 'empty message';
  return undefined;
}

/**
 * Loader defects already reported to the owner of src/contract/load.ts. Each is counted apart and shown
 * as a TODO (not a pass) until fixed; any other defect fails the run.
 */
export interface Failure {
  /** The run's PRNG seed and the case number: together they replay the case (fuzzCase). */
  readonly seed: number;
  readonly index: number;
  readonly c: Case;
  readonly what: string;
}

export interface SliceResult {
  /** Outcomes that break the loader's promise: an exception, or a problem with nowhere to jump to. */
  readonly failures: Failure[];
  readonly loaded: number;
  readonly refused: number;
  readonly crashed: number;
}

/**
 * Runs cases [from, to) of the run with PRNG seed `seed`: through parseContract, or, given `dir`, written
 * to files there and read back through loadContractFile.
 */
export function runCases(seed: number, from: number, to: number, dir?: string): SliceResult {
  const failures: Failure[] = [];
  let loaded = 0;
  let refused = 0;
  let crashed = 0;
  for (let index = from; index < to; index++) {
    const c = fuzzCase(seed, index);
    const file = dir ? join(dir, `${index}-${c.seed}`) : `fuzz/${index}-${c.seed}`;
    if (dir) writeFileSync(file, c.text);
    let result: ReturnType<typeof parseContract>;
    try {
      result = dir ? loadContractFile(file) : parseContract(c.text, file);
    } catch (e) {
      crashed++;
      const what = e instanceof Error ? `${e.name}: ${e.message}` : `thrown ${String(e)}`;
      const stack = e instanceof Error ? (e.stack ?? '') : '';
      failures.push({ seed, index, c, what: `${what}\n${stack}` });
      continue;
    }
    const { contract, problems } = result;
    if (contract && problems.length) failures.push({ seed, index, c, what: 'a contract and problems at once' });
    if (!contract && !problems.length) failures.push({ seed, index, c, what: 'neither a contract nor a problem' });
    // Lines as an editor counts them (\r\n, \r or \n); columns as yaml counts them (lines end at \n).
    const lineCount = c.text.split(/\r\n|\r|\n/).length;
    const lfLines = c.text.split('\n');
    for (const p of problems) {
      const defect = problemDefect(p, file, lineCount);
      if (defect) failures.push({ seed, index, c, what: `${defect}: ${p.line}:${p.col} ${p.message}` });
      const lineText = lfLines[p.line - 1] ?? '';
      if (!defect && p.col > lineText.length + 1) {
        failures.push({ seed, index, c, what: `col ${p.col} is past the end of line ${p.line} (${lineText.length} characters): ${p.line}:${p.col} ${p.message}` });
      }
    }
    if (contract) loaded++;
    else refused++;
  }
  return { failures, loaded, refused, crashed };
}
