/**
 * The one module that reads the environment. Everything a run can be told from outside — which
 * server to judge, its credentials, its lifetimes, whether it has a test clock, how long the harness
 * may wait — is read here, once, into typed settings. A `.env` file in the working directory is read
 * too, without overriding variables already set.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Contract } from '../contract/model.js';
import { envLabel } from '../checks/run.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface RunSettings {
  /** Folder of spec files (AUTHCONFORM_SPECS, default "specs"). */
  readonly specsDir: string;
  /** Seconds the harness may really wait for time to pass on a target without a clock (AUTHCONFORM_MAX_WAIT, default 0). */
  readonly maxWait: number;
  /** Deadline of one HTTP exchange in ms (AUTHCONFORM_TIMEOUT_MS, default 10000). */
  readonly timeoutMs: number;
  /** Bad-credential attempts allowed per live target and run (AUTHCONFORM_MAX_BAD_ATTEMPTS, default 10). */
  readonly maxBadAttempts: number;
  /**
   * Secrets security.weak-hmac-secret tries beyond its bundled list: the lines of the file
   * AUTHCONFORM_HMAC_WORDLIST names (one secret a line, as cracking wordlists are); undefined when unset.
   */
  readonly hmacWordlist?: readonly string[];
}

export interface LiveSettings {
  readonly baseUrl: string;
  /** Per-target bounds (AUTHCONFORM_<ID>_MAX_WAIT, AUTHCONFORM_<ID>_MAX_BAD_ATTEMPTS), else the run's. */
  readonly maxWait?: number;
  readonly maxBadAttempts?: number;
  readonly credentials: Record<string, string>;
  /** The second account's credentials, when the spec declares one and all its variables are set. */
  readonly secondCredentials?: Record<string, string>;
  /** Credentials the spec names whose variables are not set. */
  readonly missing: string[];
  readonly ttl?: number;
  readonly idle?: number;
  readonly clock: boolean;
  /** The server may be sent hostile-looking payloads (AUTHCONFORM_<ID>_HOSTILE=1 or true). */
  readonly hostile: boolean;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

let dotenvLoaded = false;
/** process.env, with `.env` merged in once (existing variables win). */
export function processEnv(): Env {
  if (!dotenvLoaded) {
    dotenvLoaded = true;
    if (existsSync('.env')) process.loadEnvFile('.env');
  }
  return process.env;
}

function number(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new SettingsError(`${name} must be a number ≥ ${min}, but it is '${raw}'.`);
  return n;
}

export function runSettings(env: Env = processEnv()): RunSettings {
  return {
    specsDir: env.AUTHCONFORM_SPECS || 'specs',
    maxWait: number(env, 'AUTHCONFORM_MAX_WAIT', 0),
    timeoutMs: number(env, 'AUTHCONFORM_TIMEOUT_MS', 10_000, 1),
    maxBadAttempts: number(env, 'AUTHCONFORM_MAX_BAD_ATTEMPTS', 10),
    ...wordlist(env, 'AUTHCONFORM_HMAC_WORDLIST'),
  };
}

/** The lines of the wordlist file a variable names (a trailing CR dropped, empty lines skipped). */
function wordlist(env: Env, name: string): { hmacWordlist?: readonly string[] } {
  const path = env[name];
  if (path === undefined || path === '') return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SettingsError(`${name} names the wordlist '${path}', which cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give the path of a text file with one secret a line, or unset it.`);
  }
  return { hmacWordlist: text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '') };
}

/** `basic-key-token` → `AUTHCONFORM_BASIC_KEY_TOKEN` */
export function envPrefix(id: string): string {
  return `AUTHCONFORM_${envLabel(id)}`;
}

/** The live target a contract is pointed at, or undefined to use the embedded mock. */
export function liveSettings(contract: Contract, env: Env = processEnv()): LiveSettings | undefined {
  const prefix = envPrefix(contract.id);
  const baseUrl = env[`${prefix}_BASE_URL`];
  if (baseUrl === undefined) return undefined;
  // Set but empty is a server that has not said where it listens yet, not a request for the mock.
  if (baseUrl.trim() === '') {
    throw new SettingsError(`${prefix}_BASE_URL is set but empty: give the server's URL (http://host:port), or unset it to judge the embedded mock.`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new SettingsError(`${prefix}_BASE_URL must be an absolute http(s) URL, but it is '${baseUrl}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`${prefix}_BASE_URL must be an http or https URL, but it is '${baseUrl}'.`);
  }
  const credentials: Record<string, string> = {};
  const missing: string[] = [];
  // The token signing key is known of a test environment only: without it, the checks that need it skip.
  const optional = contract.token.signingKey?.credential;
  for (const [name, c] of Object.entries(contract.credentials)) {
    const v = env[c.env];
    if (v !== undefined && v !== '') credentials[name] = v;
    else if (name !== optional) missing.push(`${name} (${c.env})`);
  }
  // The second account is optional on a live target: without its variables, the checks that need it skip.
  const second = Object.entries(contract.secondAccount?.credentials ?? {}).map(([name, variable]) => [name, env[variable]] as const);
  const secondCredentials = second.length && second.every(([, v]) => v !== undefined && v !== '') ? (Object.fromEntries(second) as Record<string, string>) : undefined;
  const ttl = env[`${prefix}_TTL`] ? number(env, `${prefix}_TTL`, 0, 1) : undefined;
  const idle = env[`${prefix}_IDLE`] ? number(env, `${prefix}_IDLE`, 0, 1) : undefined;
  const clockFlag = env[`${prefix}_CLOCK`];
  const maxWait = env[`${prefix}_MAX_WAIT`] ? number(env, `${prefix}_MAX_WAIT`, 0) : undefined;
  const maxBadAttempts = env[`${prefix}_MAX_BAD_ATTEMPTS`] ? number(env, `${prefix}_MAX_BAD_ATTEMPTS`, 0) : undefined;
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(maxWait !== undefined ? { maxWait } : {}),
    ...(maxBadAttempts !== undefined ? { maxBadAttempts } : {}),
    credentials,
    ...(secondCredentials ? { secondCredentials } : {}),
    missing,
    ...(ttl !== undefined ? { ttl } : {}),
    ...(idle !== undefined ? { idle } : {}),
    clock: clockFlag === '1' || clockFlag === 'true',
    hostile: env[`${prefix}_HOSTILE`] === '1' || env[`${prefix}_HOSTILE`] === 'true',
  };
}

/** Lifetime overrides for the embedded mock (so the mock and the checks agree on them). */
export function mockOverrides(contract: Contract, env: Env = processEnv()): { ttl?: number; idle?: number } {
  const prefix = envPrefix(contract.id);
  const ttl = env[`${prefix}_TTL`] ? number(env, `${prefix}_TTL`, 0, 1) : undefined;
  const idle = env[`${prefix}_IDLE`] ? number(env, `${prefix}_IDLE`, 0, 1) : undefined;
  return { ...(ttl !== undefined ? { ttl } : {}), ...(idle !== undefined ? { idle } : {}) };
}

/**
 * Sets variables that are not set yet (the environment and .env win). For targets the project itself
 * starts, such as the OAuth 2.0 server of the `oauth2` spec; workers inherit the result.
 */
export function applyDefaults(defaults: Readonly<Record<string, string | undefined>>, env: NodeJS.ProcessEnv = process.env): void {
  processEnv();
  for (const [k, v] of Object.entries(defaults)) if (v !== undefined && (env[k] === undefined || env[k] === '')) env[k] = v;
}
