/**
 * What one check has opened on the target. Every credential issued to the check (a login, a
 * refreshed login, a private token) is written down by the flow that obtained it, and crossed out
 * when the check ends it itself (a logout, a revocation, a rotation). The ledger also counts the
 * server time the check lets pass, from each credential's issue and last presentation, so that one
 * known to have run out is not released for nothing. Once the verdict is settled, runCheck releases
 * what is still open (release.ts): only credentials this check obtained, never another's.
 *
 * The ledger belongs to the context runCheck builds; a context built elsewhere has none, and the
 * flows then record nothing.
 */
import type { CheckContext, ServerTime } from './context.js';
import type { Credential } from './flows.js';

export interface Opened {
  readonly kind: 'login' | 'private';
  readonly credential: Credential;
  /** A private token's: the login that created it, which authorises its revocation. */
  readonly login?: Credential;
  /** Seconds of server time the check had let pass when this was issued, and when last presented. */
  readonly issuedAt: number;
  usedAt: number;
  /** The check ended it itself (logout, revocation, rotation). */
  ended: boolean;
  /** A refresh replaced it, which may or may not have ended it. */
  superseded: boolean;
}

export class Ledger {
  readonly #opened: Opened[] = [];
  #passed = 0;

  /** `time`, counting the seconds that pass through it. */
  timed(time: ServerTime): ServerTime {
    return {
      cannotPass: (seconds) => time.cannotPass(seconds),
      pass: async (seconds) => {
        await time.pass(seconds);
        if (seconds > 0) this.#passed += seconds;
      },
      now: () => time.now(),
      slept: () => time.slept(),
    };
  }

  opened(kind: Opened['kind'], credential: Credential, login?: Credential): void {
    this.#opened.push({ kind, credential, ...(login ? { login } : {}), issuedAt: this.#passed, usedAt: this.#passed, ended: false, superseded: false });
  }

  /** The check presented this credential (a use resets an inactivity timeout). */
  presented(credential: Credential): void {
    for (const o of this.#find(credential)) o.usedAt = this.#passed;
  }

  /** The check ended this credential itself; the entries it names need no release. */
  ended(credential: Credential): void {
    for (const o of this.#find(credential)) o.ended = true;
  }

  superseded(credential: Credential): void {
    for (const o of this.#find(credential)) o.superseded = true;
  }

  /**
   * Whether the credential may have ended during the check without the check ending it: a refresh
   * replaced it, or time passed since it was last accepted. A plain refusal of its release then
   * means there was nothing left to release.
   */
  mayHaveEnded(o: Opened): boolean {
    return o.superseded || this.#passed > o.usedAt;
  }

  /**
   * Credentials not ended by the check, private tokens first (their revocation needs the login that
   * is released after them). One that has certainly run out by the time passed is left out: at
   * least `ttl` seconds since its issue, or `idle` since its last presentation.
   */
  open(life: { readonly ttl?: number; readonly idle?: number }): Opened[] {
    const ranOut = (o: Opened): boolean =>
      o.kind === 'login' &&
      ((life.ttl !== undefined && this.#passed - o.issuedAt >= life.ttl) || (life.idle !== undefined && this.#passed - o.usedAt >= life.idle));
    const open = this.#opened.filter((o) => !o.ended && !ranOut(o));
    return [...open.filter((o) => o.kind === 'private'), ...open.filter((o) => o.kind === 'login')];
  }

  /** Entries naming the same credential: the same object, or the same values for every part both hold. */
  #find(credential: Credential): Opened[] {
    return this.#opened.filter((o) => o.credential === credential || sameParts(o.credential.parts, credential.parts));
  }
}

function sameParts(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string | undefined>>): boolean {
  let shared = 0;
  for (const [name, value] of Object.entries(a)) {
    const other = b[name];
    if (other === undefined) continue;
    if (other !== value) return false;
    shared++;
  }
  return shared > 0;
}

const ledgers = new WeakMap<CheckContext, Ledger>();

/** Starts the ledger of a check's context (runCheck does, once per check). */
export function openLedger(ctx: CheckContext, ledger: Ledger): void {
  ledgers.set(ctx, ledger);
}

/** The ledger of this context, if runCheck gave it one. */
export function ledgerOf(ctx: CheckContext): Ledger | undefined {
  return ledgers.get(ctx);
}
