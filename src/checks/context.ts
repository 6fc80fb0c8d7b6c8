/**
 * What a check is given: the contract, the target, a recording HTTP client and server time.
 * A target is anything that speaks the contract over HTTP; checks do not know whether it is the
 * embedded mock or someone's live server, only what the target declares it can do.
 */
import type { Contract } from '../contract/model.js';
import type { HttpClient } from '../http/client.js';
import type { Redactor } from '../http/redact.js';

export interface Target {
  readonly kind: 'mock' | 'live';
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  /** Values of the contract's credentials. */
  readonly credentials: Readonly<Record<string, string>>;
  /**
   * The second account's values (`secondAccount`): the credentials that differ for another user of the
   * provider. Undefined when the spec declares none or a live target's variables for it are not set.
   */
  readonly secondCredentials?: Readonly<Record<string, string>>;
  /** Lifetime overrides in seconds (a staging server configured with short lifetimes). */
  readonly ttl?: number;
  readonly idle?: number;
  /** The target implements the test clock protocol (POST /__test/clock/advance). */
  readonly clock: boolean;
  /**
   * The target may be sent payloads that look like attacks (SQL and NoSQL injection strings, markup)
   * by the robustness checks. A firewall in front of a live server may block the account for them, so
   * only the mock and a live target that opts in accept them; undefined means no.
   */
  readonly hostile?: boolean;
  /** Seconds the harness may really wait for time to pass when there is no clock. */
  readonly maxWait: number;
  /** Deadline of one HTTP exchange. */
  readonly timeoutMs: number;
  /**
   * Most requests with deliberately wrong credentials a run may send (a live account can lock).
   * Undefined means no bound (the mock).
   */
  readonly badCredentialBudget?: BadCredentialAllowance;
  /**
   * More secrets for security.weak-hmac-secret to try offline against an issued HMAC token, beyond
   * its bundled list and the spec's `security.hmacCandidates` (the lines of AUTHCONFORM_HMAC_WORDLIST).
   */
  readonly hmacWordlist?: readonly string[];
}

/** An allowance of bad-credential attempts for one target, shared by everything that judges it. */
export interface BadCredentialAllowance {
  readonly total: number;
  /** Takes n attempts; false when the allowance is spent (then none is taken). */
  take(n?: number): boolean;
}

/** An allowance held in this process's memory (one process judges the target). */
export class BadCredentialBudget implements BadCredentialAllowance {
  #left: number;
  readonly total: number;

  constructor(total: number) {
    this.total = total;
    this.#left = total;
  }

  /** Takes n attempts; false when the allowance is spent. */
  take(n = 1): boolean {
    if (this.#left < n) return false;
    this.#left -= n;
    return true;
  }
}

/** Server time: advanced through the test clock, or waited for for real within the target's bound. */
export interface ServerTime {
  /** Why `seconds` of server time cannot pass on this target, or undefined when they can. */
  cannotPass(seconds: number): string | undefined;
  /** Lets `seconds` pass on the server. */
  pass(seconds: number): Promise<void>;
  /** The server's current time in epoch seconds (its test clock when it has one). */
  now(): Promise<number>;
  /** Seconds slept for real so far (0 against a target with a clock). */
  slept(): number;
}

export interface CheckContext {
  readonly contract: Contract;
  readonly target: Target;
  readonly http: HttpClient;
  /** Secrets of the whole run; tokens a check obtains or forges join it before anything is shown. */
  readonly redactor: Redactor;
  readonly time: ServerTime;
  /** A value unique to this run, for names of things the run creates. */
  readonly run: string;
}

/** A rule the target broke: becomes a failed verdict. */
export class Unmet extends Error {
  readonly expected: string;
  readonly actual: string;
  /** The root cause this finding shares with others (an error body the server answers everywhere), when known. */
  readonly rootCause?: string;

  constructor(expected: string, actual: string, rootCause?: string) {
    super(`expected ${expected}; got ${actual}`);
    this.name = 'Unmet';
    this.expected = expected;
    this.actual = actual;
    if (rootCause !== undefined) this.rootCause = rootCause;
  }
}

/** The check cannot be observed on this target: becomes a skipped verdict with the reason. */
export class CannotObserve extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CannotObserve';
  }
}

/** Effective lifetimes: the target's overrides, else the contract's. */
export function lifetimes(ctx: Pick<CheckContext, 'contract' | 'target'>): { ttl?: number; idle?: number } {
  const ttl = ctx.target.ttl ?? ctx.contract.lifetime?.ttl?.seconds;
  const idle = ctx.target.idle ?? ctx.contract.lifetime?.idle?.seconds;
  return { ...(ttl !== undefined ? { ttl } : {}), ...(idle !== undefined ? { idle } : {}) };
}

/** Skips unless `seconds` of server time can pass on this target. */
export function requireTime(ctx: CheckContext, seconds: number): void {
  const why = ctx.time.cannotPass(seconds);
  if (why) throw new CannotObserve(why);
}
