/**
 * Private temporary folders that a run's processes share (0700, in the system's temporary folder).
 * They are removed on every exit path a process can observe: a normal exit, SIGINT (Playwright turns
 * it into an orderly exit), SIGTERM and SIGHUP (a `timeout`, a cancelled CI job, `docker stop`).
 * SIGKILL cannot be observed, so such a folder must never hold anything useful without the process
 * that made it (see secret-drop: what it holds is encrypted with a key only the run's processes
 * have); and a folder whose process is gone is swept when the next run opens one.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const owned = new Set<string>();
let hooked = false;

/** A fresh private folder named `<prefix><pid>-<random>`, removed when this process ends. */
export function openPrivateFolder(prefix: string): string {
  sweepStale(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
  chmodSync(dir, 0o700);
  owned.add(dir);
  hookExit();
  return dir;
}

export function removePrivateFolder(dir: string): void {
  owned.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

function removeAll(): void {
  for (const dir of owned) removePrivateFolder(dir);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', removeAll);
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeAll();
      // A listener replaces the default action (ending the process): when nobody else handles the
      // signal, it is raised again so the process still ends as it was asked to.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** Removes folders of this prefix whose process no longer exists (a run that was SIGKILLed). */
function sweepStale(prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
