/**
 * The bad-credential allowance of a live target, one counter per run across all of its processes.
 *
 * Playwright runs a provider's checks in worker processes and starts a new worker after every failed
 * test and for every retry, so a counter in a worker's memory would start afresh each time and a
 * locked-out account could be the result. The counter lives instead in the run's folder
 * (run-state.ts): each attempt is a slot file created with O_EXCL, which the file system grants to
 * exactly one process. A slot is never
 * handed back once its request may have been sent, and a folder that cannot be written counts as
 * spent: the allowance fails closed.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BadCredentialBudget, type BadCredentialAllowance } from '../checks/context.js';
import { runStateDir, type StateEnv } from './run-state.js';

/** The allowance of one target for this run: shared through the run's folder when there is one. */
export function badCredentialAllowance(targetId: string, total: number, env: Readonly<StateEnv> = process.env): BadCredentialAllowance {
  const dir = runStateDir(env);
  return dir ? new SharedAllowance(total, dir, targetId) : new BadCredentialBudget(total);
}

class SharedAllowance implements BadCredentialAllowance {
  readonly total: number;
  readonly #dir: string;
  readonly #key: string;

  constructor(total: number, dir: string, targetId: string) {
    this.total = total;
    this.#dir = dir;
    this.#key = `bad-attempts.${encodeURIComponent(targetId)}`;
  }

  take(n = 1): boolean {
    if (n <= 0) return true;
    const taken: string[] = [];
    for (let i = 0; i < this.total && taken.length < n; i++) {
      const slot = join(this.#dir, `${this.#key}.${i}`);
      try {
        closeSync(openSync(slot, 'wx', 0o600));
        taken.push(slot);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        break; // The folder is gone or unwritable: spent.
      }
    }
    if (taken.length === n) return true;
    // Not enough left for all n: nothing was sent yet, so the partial claim goes back.
    for (const slot of taken) rmSync(slot, { force: true });
    return false;
  }
}
