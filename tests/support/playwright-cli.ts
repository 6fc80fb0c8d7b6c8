/**
 * Test support: `npx playwright test` as a child process, the way a user or CI runs it, with its
 * output gathered. Tests of whole runs (settings errors, broken targets, leaks, signals) go through here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root, where playwright.config.ts is. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(createRequire(import.meta.url).resolve('@playwright/test/package.json'), '..', 'cli.js');

/**
 * This process's environment without the harness's own settings (and whatever else `drop` names), so a
 * run sees only the variables a test sets.
 */
export function cleanEnv(drop: (name: string) => boolean = (name) => name.startsWith('AUTHCONFORM_')): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !drop(name)));
}

export interface PlaywrightRun {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** The exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

/** Starts `playwright <args>` (in the project root unless told otherwise). */
export function startPlaywright(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): PlaywrightRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? PROJECT_ROOT, env: options.env });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return { child, output: () => output, exited };
}

/** Runs `playwright <args>` to its end. */
export async function runPlaywright(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): Promise<{ code: number | null; output: string }> {
  const run = startPlaywright(args, options);
  const code = await run.exited;
  return { code, output: run.output() };
}
