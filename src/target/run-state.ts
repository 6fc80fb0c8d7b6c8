/**
 * The run's private folder, shared by Playwright's main process and every worker it starts: named in
 * AUTHCONFORM_RUN_STATE by the first process of the run and inherited by the rest. It holds what must
 * outlive one worker — Playwright starts a new worker after every failed test and for every retry —
 * such as each live target's bad-credential allowance and its pre-flight result. It never holds a
 * secret, and it is removed when the main process ends.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPrivateFolder } from '../common/private-folder.js';

/** Internal hand-over between Playwright's main process and its workers, not a user setting. */
export const RUN_STATE_ENV = 'AUTHCONFORM_RUN_STATE';

export type StateEnv = Record<string, string | undefined>;

/**
 * In the first process of a run: opens the folder and names it for the processes it starts. Later
 * calls (and workers, which inherit the name) keep it.
 */
export function openRunState(env: StateEnv = process.env): string {
  const current = env[RUN_STATE_ENV];
  if (current && existsSync(current)) return current;
  const dir = openPrivateFolder('authconform-run-');
  env[RUN_STATE_ENV] = dir;
  return dir;
}

/** The run's folder, when this process belongs to a run that opened one. */
export function runStateDir(env: Readonly<StateEnv> = process.env): string | undefined {
  return env[RUN_STATE_ENV] || undefined;
}

/**
 * A value computed once per run: read back when an earlier worker wrote it, else computed and
 * written. Without a run folder (a single process) it is simply computed.
 */
export async function oncePerRun<T>(key: string, compute: () => Promise<T>, env: Readonly<StateEnv> = process.env): Promise<T> {
  const dir = runStateDir(env);
  const file = dir ? join(dir, `${encodeURIComponent(key)}.json`) : undefined;
  if (file && existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      // Unreadable: computed again.
    }
  }
  const value = await compute();
  if (file) {
    try {
      writeFileSync(file, JSON.stringify(value), { mode: 0o600 });
    } catch {
      // The next worker computes it again: slower, the same result.
    }
  }
  return value;
}
