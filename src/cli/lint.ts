/**
 * `authconform lint <files...>`: loads every spec given and reports every problem of every file as
 * `file:line:col: message`, the form tsc and eslint print and editors turn into links.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SpecError, formatProblem, type SpecProblem } from '../contract/errors.js';
import { loadContractFile } from '../contract/load.js';
import type { Contract } from '../contract/model.js';
import { EXIT, LINT_USAGE } from './usage.js';

/** Where the command writes; the process streams unless a caller captures them. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export interface LintResult {
  /** Every problem, file by file in the order given, each file's in position order. */
  readonly problems: readonly SpecProblem[];
  /** The files linted (each once, in the order given). */
  readonly files: readonly string[];
  /** The contracts of the files that loaded clean. */
  readonly contracts: readonly Contract[];
}

/**
 * Lints spec files. A file named twice is linted once. Beyond each file's own problems, lint refuses
 * what loads but is unfinished (a `source` that still says TODO), and two files with the same `id`: the
 * id names the Playwright project and the environment variables of a spec, so the second file's `id`
 * is reported.
 */
export function lintSpecs(files: readonly string[]): LintResult {
  const seenPaths = new Set<string>();
  const unique = files.filter((f) => {
    const key = resolve(f);
    if (seenPaths.has(key)) return false;
    seenPaths.add(key);
    return true;
  });

  const problems: SpecProblem[] = [];
  const contracts: Contract[] = [];
  const firstWithId = new Map<string, string>();
  for (const file of unique) {
    const { contract, problems: own, unfinished = [] } = loadContractFile(file);
    // A TODO left in a `source` loads (the mock serves a starter as written) but is not a finished spec.
    problems.push(...[...own, ...unfinished].sort((a, b) => a.line - b.line || a.col - b.col));
    if (!contract) continue;
    const first = firstWithId.get(contract.id);
    if (first === undefined) {
      firstWithId.set(contract.id, file);
      contracts.push(contract);
      continue;
    }
    const at = contract.at('/id') ?? { line: 1, col: 1 };
    problems.push(
      new SpecError({
        file,
        line: at.line,
        col: at.col,
        pointer: '/id',
        message: `The id '${contract.id}' is already used by ${first}. Each spec needs its own id: it names the spec's Playwright project and environment variables.`,
      }),
    );
  }
  return { problems, files: unique, contracts };
}

type Format = 'text' | 'json';

/** Runs the `lint` subcommand; returns the exit code. */
export async function runLint(argv: string[], io: Output = processOutput): Promise<number> {
  let files: string[];
  let format: Format;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(LINT_USAGE);
      return EXIT.ok;
    }
    const f = values.format ?? 'text';
    if (f !== 'text' && f !== 'json') return usageError(io, `unknown format '${f}'; use --format text or --format json.`);
    format = f;
    files = positionals;
  } catch (e) {
    return usageError(io, optionMessage(e));
  }
  if (!files.length) return usageError(io, 'no spec files given.');

  const { problems, files: linted } = lintSpecs(files);

  if (format === 'json') {
    const rows = problems.map(({ file, line, col, pointer, message }) => ({ file, line, col, pointer, message }));
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    for (const p of problems) io.out(`${formatProblem(p)}\n`);
    io.err(`${summary(problems, linted.length)}\n`);
  }
  return problems.length ? EXIT.problems : EXIT.ok;
}

function usageError(io: Output, message: string): number {
  io.err(`authconform lint: ${message}\n\n${LINT_USAGE}`);
  return EXIT.usage;
}

/** node's parseArgs messages, shortened to what the user typed and what is wrong. */
function optionMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const text = String(err.message ?? e);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(text)?.[1];
    return option ? `unknown option '${option}'.` : 'unknown option.';
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return '--format needs a value: text or json.';
  return text.split('\n')[0] ?? text;
}

/** `5 specs OK`, or `2 problems in 1 of 5 files`. */
function summary(problems: readonly SpecProblem[], fileCount: number): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (!problems.length) return `${plural(fileCount, 'spec')} OK`;
  const bad = new Set(problems.map((p) => p.file)).size;
  return `${plural(problems.length, 'problem')} in ${bad} of ${plural(fileCount, 'file')}`;
}
