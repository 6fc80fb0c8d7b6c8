/**
 * Timing commands for the benchmarks: wall-clock time of a whole process, from spawn to exit, with its
 * output kept for the figures a command prints (test counts, exchange counts). Statistics are
 * minimum / median / maximum, since a shared machine makes single runs noisy in one direction.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';

export interface Timed {
  readonly seconds: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Command {
  /** What the report shows as the command. */
  readonly label: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export function timeCommand(cmd: Command): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [file, ...args] = cmd.argv;
    if (!file) throw new TypeError('empty command');
    const child = spawn(file, args, { cwd: cmd.cwd, env: { ...process.env, ...cmd.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ seconds: (performance.now() - started) / 1000, code, stdout, stderr }));
  });
}

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly n: number;
}

export function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return { min: s[0] ?? 0, median, max: s.at(-1) ?? 0, n: s.length };
}

/** Ratios of two series measured in the same rounds: each round's ratio, then their statistics. */
export function ratioStats(num: readonly number[], den: readonly number[]): Stats {
  return stats(num.map((x, i) => x / (den[i] ?? Number.NaN)));
}

export const fmt = (x: number, digits = 2): string => x.toFixed(digits);
export const fmtStats = (s: Stats, digits = 2, unit = ''): string => `${fmt(s.min, digits)}${unit} / ${fmt(s.median, digits)}${unit} / ${fmt(s.max, digits)}${unit}`;

/** The 1-, 5- and 15-minute load averages, for the record. */
export const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');

/** Playwright's summary counts (`92 passed`, `1 failed`, …) from its output. */
export function playwrightCounts(output: string): { passed: number; failed: number; skipped: number } {
  const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}\\b`).exec(output)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}
