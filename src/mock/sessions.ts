/**
 * The store of issued credentials. A session is one issued credential set (a login, a refresh, a
 * rolling token or a private token) with its lifetime and state. Every method is synchronous, so a
 * handler that checks and then changes a session does both in one turn of the event loop: of many
 * concurrent requests presenting the same refresh credential, exactly one can win.
 */
import { randomUUID } from 'node:crypto';

export type SessionState = 'live' | 'revoked' | 'rotated';

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

export class SessionStore {
  readonly #byId = new Map<string, Session>();
  readonly #byToken = new Map<string, Session>();
  readonly #byPart = new Map<string, Session>();
  readonly #byPrivateId = new Map<string, Session>();
  readonly #tokenPart: string;

  constructor(tokenPart: string) {
    this.#tokenPart = tokenPart;
  }

  /** Stores a session once its parts are issued; its parts become findable. */
  add(s: Session): void {
    this.#byId.set(s.id, s);
    for (const [name, value] of Object.entries(s.parts)) this.#byPart.set(partKey(name, value), s);
    const token = s.parts[this.#tokenPart];
    if (token !== undefined) this.#byToken.set(token, s);
    if (s.privateId !== undefined) this.#byPrivateId.set(s.privateId, s);
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
