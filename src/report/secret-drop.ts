/**
 * How the secrets a run learnt reach the leak scan. Each worker's Redactor knows the credentials and
 * every token issued or presented in that worker; at worker teardown the worker writes them to a new
 * 0600 file in a private (0700) temporary folder outside reports/ and test-results/. The main process
 * creates that folder before any worker starts and names it in AUTHCONFORM_SECRET_DROP, which workers
 * inherit; the scan reads every file, then deletes the folder.
 *
 * Nothing in that folder is readable without the run: each hand-over is encrypted (AES-256-GCM) with
 * a key the main process draws at random and passes to its workers in their environment, never on
 * disk. The folder is removed on exit, SIGINT, SIGTERM and SIGHUP; a run killed with SIGKILL leaves
 * only ciphertext whose key died with it (and the next run sweeps the folder). A worker whose main
 * process is gone writes nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPrivateFolder, removePrivateFolder } from '../common/private-folder.js';

/** Internal hand-over channel between the main process and its workers, not a user setting. */
export const SECRET_DROP_ENV = 'AUTHCONFORM_SECRET_DROP';
/** The key of that channel (base64), inherited by workers in their environment only. */
export const SECRET_DROP_KEY_ENV = 'AUTHCONFORM_SECRET_DROP_KEY';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Keys of the folders this process opened. */
const keys = new Map<string, Buffer>();

type Env = Record<string, string | undefined>;

/** Main process, before workers start: a fresh private folder and key, named in the environment workers inherit. */
export function openSecretDrop(env: Env = process.env): string {
  const dir = openPrivateFolder('authconform-secrets-');
  const key = randomBytes(32);
  keys.set(dir, key);
  env[SECRET_DROP_ENV] = dir;
  env[SECRET_DROP_KEY_ENV] = key.toString('base64');
  return dir;
}

/** Worker: hands its secret values over, encrypted. Does nothing when no leak scan is listening. */
export function handOverSecrets(values: readonly string[], env: Readonly<Env> = process.env): void {
  const dir = env[SECRET_DROP_ENV];
  const key = env[SECRET_DROP_KEY_ENV] ? Buffer.from(env[SECRET_DROP_KEY_ENV], 'base64') : undefined;
  if (!dir || key?.length !== 32) return;
  // A worker disconnected from its main process (which was stopped) has nobody to hand over to.
  if (process.send !== undefined && !process.connected) return;
  const file = join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.bin`);
  writeFileSync(file, seal(key, JSON.stringify(values)), { mode: 0o600, flag: 'wx' });
}

export interface Collected {
  readonly secrets: string[];
  /** How many workers handed their secrets over. */
  readonly handOvers: number;
  readonly problems: string[];
}

/** Reads every hand-over in the folder and deletes it, whatever happens. */
export function collectSecrets(dir: string, env: Readonly<Env> = process.env): Collected {
  const secrets = new Set<string>();
  const problems: string[] = [];
  let handOvers = 0;
  const key = keys.get(dir) ?? (env[SECRET_DROP_KEY_ENV] ? Buffer.from(env[SECRET_DROP_KEY_ENV], 'base64') : undefined);
  try {
    if (!key) throw new Error('its key is unknown');
    for (const name of readdirSync(dir)) {
      try {
        const parsed: unknown = JSON.parse(open(key, readFileSync(join(dir, name))));
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
  keys.delete(dir);
  removePrivateFolder(dir);
}

function seal(key: Buffer, text: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer): string {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('too short to be a hand-over');
  const decipher = createDecipheriv(CIPHER, key, sealed.subarray(0, IV_BYTES));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
