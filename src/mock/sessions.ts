/**
 * The store of issued credentials. A session is one issued credential set (a login, a refresh, a
 * rolling token or a private token) with its lifetime and state. Every method is synchronous, so a
 * handler that checks and then changes a session does both in one turn of the event loop: of many
 * concurrent requests presenting the same refresh credential, exactly one can win.
 *
 * Sessions that ran out are forgotten, but not at once: for FORGET_AFTER_MS after a session ran out it
 * is still found, so its token is refused as expired (not as unknown) and, where the contract allows,
 * still refreshed. Forgetting is a sweep over the store that runs once the store has doubled since the
 * last one, so its cost is spread over the adds that grew it (amortised constant per session) instead
 * of being paid by every request.
 */
import { randomUUID } from 'node:crypto';

/**
 * `revoked`: ended by a token revocation; `loggedOut`: ended by a logout (the two may be refused with
 * different errors); `rotated`: replaced by a rotation or by a refresh that retires the access token.
 */
export type SessionState = 'live' | 'revoked' | 'loggedOut' | 'rotated';

export interface Session {
  /** Names the session; a JWT's `jti`. */
  readonly id: string;
  readonly user: string;
  readonly kind: 'login' | 'private';
  /** Issue time, ms, on whole seconds (a JWT's `iat`). */
  readonly issuedAt: number;
  /** When the mock refuses it as expired, ms; undefined when no fixed lifetime applies. */
  expiresAt: number | undefined;
  /** The expiry the credential states (JWT `exp`, expiry parts); equals `expiresAt` unless a fault says otherwise. */
  statedExpiresAt: number | undefined;
  /** Inactivity timeout, seconds. */
  idle: number | undefined;
  lastUsed: number;
  /** Issued secret and id values by part name (token, key, refresh, identityId, …). */
  parts: Record<string, string>;
  state: SessionState;
  /** Its refresh credential has been used (with rotation it cannot be used again). */
  refreshUsed: boolean;
  /** Private tokens: the listed id, the chosen expiry as sent, and the create request's body. */
  privateId?: string;
  expiryText?: string;
  meta?: Readonly<Record<string, unknown>>;
}

export interface Lifetime {
  readonly ttl?: number | undefined;
  readonly idle?: number | undefined;
}

/** A new, not yet stored session issued at `nowMs` with the given lifetime (seconds). */
export function newSession(user: string, kind: Session['kind'], nowMs: number, life: Lifetime): Session {
  const issuedAt = Math.floor(nowMs / 1000) * 1000;
  const expiresAt = life.ttl === undefined ? undefined : issuedAt + life.ttl * 1000;
  return {
    id: randomUUID(),
    user,
    kind,
    issuedAt,
    expiresAt,
    statedExpiresAt: expiresAt,
    idle: life.idle,
    lastUsed: nowMs,
    parts: {},
    state: 'live',
    refreshUsed: false,
  };
}

/** Whether the session has run out at `nowMs`: past its fixed expiry or idle too long. */
export function isExpired(s: Session, nowMs: number): boolean {
  if (s.expiresAt !== undefined && nowMs >= s.expiresAt) return true;
  return s.idle !== undefined && nowMs - s.lastUsed >= s.idle * 1000;
}

/**
 * How long a session that ran out is still known (ms of the mock's clock). A client that comes back
 * within the hour is told its token expired, and may refresh it where the contract allows; after
 * that the token is unknown, as on a server that purges what has expired. Every check presents an
 * expired token seconds after it ran out.
 */
export const FORGET_AFTER_MS = 3600 * 1000;
/** The store is never swept while it holds fewer sessions than this. */
const FIRST_SWEEP = 1024;

/**
 * When the session ran out (ms), or undefined while nothing bounds its life. An expired session never
 * comes back: use does not reset an inactivity timeout that has already run out (see auth.ts admit).
 */
function ranOutAt(s: Session): number | undefined {
  const idleEnd = s.idle === undefined ? undefined : s.lastUsed + s.idle * 1000;
  if (s.expiresAt === undefined) return idleEnd;
  return idleEnd === undefined ? s.expiresAt : Math.min(s.expiresAt, idleEnd);
}

/** Sessions the store holds, for tests of what a client leaves open and of how much the mock keeps. */
export interface SessionCounts {
  /** Sessions issued since the mock started. */
  readonly issued: number;
  /** Sessions held now, in any state (what forgetting bounds). */
  readonly stored: number;
  /** Held sessions that still work: live (not revoked or rotated) and not expired, by kind. */
  readonly open: { readonly login: number; readonly private: number };
}

export class SessionStore {
  readonly #byId = new Map<string, Session>();
  readonly #byToken = new Map<string, Session>();
  readonly #byPart = new Map<string, Session>();
  readonly #byPrivateId = new Map<string, Session>();
  readonly #tokenPart: string;
  /** The mock's clock, in ms. */
  readonly #now: () => number;
  #issued = 0;
  /** Size of the store at which the next sweep runs. */
  #sweepAt = FIRST_SWEEP;

  constructor(tokenPart: string, now: () => number) {
    this.#tokenPart = tokenPart;
    this.#now = now;
  }

  /** Stores a session once its parts are issued; its parts become findable. */
  add(s: Session): void {
    this.#byId.set(s.id, s);
    for (const [name, value] of Object.entries(s.parts)) this.#byPart.set(partKey(name, value), s);
    const token = s.parts[this.#tokenPart];
    if (token !== undefined) this.#byToken.set(token, s);
    if (s.privateId !== undefined) this.#byPrivateId.set(s.privateId, s);
    this.#issued++;
    if (this.#byId.size >= this.#sweepAt) this.#sweep();
  }

  /**
   * Forgets every session that ran out more than FORGET_AFTER_MS ago. The next sweep waits until the
   * store has doubled, so a sweep of n sessions follows at least n/2 adds.
   */
  #sweep(): void {
    const forget = this.#now() - FORGET_AFTER_MS;
    for (const s of this.#byId.values()) {
      const end = ranOutAt(s);
      if (end !== undefined && end <= forget) this.#forget(s);
    }
    this.#sweepAt = Math.max(FIRST_SWEEP, 2 * this.#byId.size);
  }

  /** Removes a session from every index that still points at it (a later session may share a part value). */
  #forget(s: Session): void {
    this.#byId.delete(s.id);
    for (const [name, value] of Object.entries(s.parts)) {
      const key = partKey(name, value);
      if (this.#byPart.get(key) === s) this.#byPart.delete(key);
    }
    const token = s.parts[this.#tokenPart];
    if (token !== undefined && this.#byToken.get(token) === s) this.#byToken.delete(token);
    if (s.privateId !== undefined && this.#byPrivateId.get(s.privateId) === s) this.#byPrivateId.delete(s.privateId);
  }

  /** How many sessions were issued, are held, and still work (a scan: for tests, not for requests). */
  counts(): SessionCounts {
    const now = this.#now();
    const open = { login: 0, private: 0 };
    for (const s of this.#byId.values()) if (s.state === 'live' && !isExpired(s, now)) open[s.kind]++;
    return { issued: this.#issued, stored: this.#byId.size, open };
  }

  byId(id: string): Session | undefined {
    return this.#byId.get(id);
  }

  byToken(token: string): Session | undefined {
    return this.#byToken.get(token);
  }

  /** The session that issued `value` as its part `name`. */
  byPart(name: string, value: string): Session | undefined {
    return this.#byPart.get(partKey(name, value));
  }

  /** The current session of a private token, by its listed id. */
  byPrivateId(id: string): Session | undefined {
    return this.#byPrivateId.get(id);
  }

  /** Sessions whose token starts with `prefix` (used only by the prefix-match fault). */
  *withTokenPrefix(prefix: string): Iterable<Session> {
    for (const [token, s] of this.#byToken) if (token.startsWith(prefix)) yield s;
  }

  ofUser(user: string): Session[] {
    return [...this.#byId.values()].filter((s) => s.user === user);
  }
}

function partKey(name: string, value: string): string {
  return `${name}\u0000${value}`;
}
