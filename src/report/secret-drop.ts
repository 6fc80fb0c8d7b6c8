/**
 * How the secrets a run learnt reach the leak scan. Each worker's Redactor knows the credentials and
 * every token issued or presented in that worker; at worker teardown the worker writes them to a new
 * 0600 file in a private (0700) temporary folder outside reports/ and test-results/. The main process
 * creates that folder before any worker starts and names it in AUTHCONFORM_SECRET_DROP, which workers
 * inherit; the scan reads every file, then deletes the folder.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Internal hand-over channel between the main process and its workers, not a user setting. */
export const SECRET_DROP_ENV = 'AUTHCONFORM_SECRET_DROP';

/** Main process, before workers start: a fresh private folder, named in the environment workers inherit. */
export function openSecretDrop(): string {
  const dir = mkdtempSync(join(tmpdir(), 'authconform-secrets-'));
  chmodSync(dir, 0o700);
  process.env[SECRET_DROP_ENV] = dir;
  return dir;
}

/** Worker: hands its secret values over. Does nothing when no leak scan is listening. */
export function handOverSecrets(values: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): void {
  const dir = env[SECRET_DROP_ENV];
  if (!dir) return;
  const file = join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(values), { mode: 0o600, flag: 'wx' });
}

export interface Collected {
  readonly secrets: string[];
  /** How many workers handed their secrets over. */
  readonly handOvers: number;
  readonly problems: string[];
}

/** Reads every hand-over in the folder and deletes it, whatever happens. */
export function collectSecrets(dir: string): Collected {
  const secrets = new Set<string>();
  const problems: string[] = [];
  let handOvers = 0;
  try {
    for (const name of readdirSync(dir)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
        if (!Array.isArray(parsed)) throw new Error('not a list');
        for (const v of parsed) if (typeof v === 'string') secrets.add(v);
        handOvers++;
      } catch (e) {
        problems.push(`the hand-over ${name} cannot be read (${(e as Error).message})`);
      }
    }
  } catch (e) {
    problems.push(`the secret hand-over folder cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    closeSecretDrop(dir);
  }
  return { secrets: [...secrets], handOvers, problems };
}

export function closeSecretDrop(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
