/**
 * Reading a presentation back out of a request and judging it, as the contract's `present` section
 * says: the header (or form field, or query parameter) and its scheme, the value template (Basic:
 * base64 of e.g. '{key}:{token}'), and each companion in one of its placements. `identify` finds whose credential it is; `admit` decides
 * whether that credential may be used now (not revoked, not expired) and records the use. They are
 * separate so a refresh can accept an expired token where the contract allows it.
 */
import type { Contract, ErrorCondition } from '../contract/model.js';
import { compileTemplate, type TemplateMatcher } from '../contract/template.js';
import type { TestClock } from './clock.js';
import type { Incoming } from './exchange.js';
import { header } from './exchange.js';
import type { ActiveFault } from './faults.js';
import type { TokenMint } from './issue.js';
import { decodeBase64 } from './read.js';
import { isExpired, type Session, type SessionStore } from './sessions.js';

export type Identified =
  /** `session` is undefined only when the missing-token-accepted fault serves a request without one. */
  | { readonly ok: true; readonly session: Session | undefined }
  | { readonly ok: false; readonly condition: ErrorCondition };

/** What a well-formed presentation carries, before it is judged (values in the matchers' name order). */
interface Presented {
  readonly parts: readonly string[];
  /** Per companion, its values; undefined for one left out under the missing-header-accepted fault. */
  readonly companions: readonly (readonly string[] | undefined)[];
  /** The value of the part that names the session. */
  readonly presented: string;
}

interface CompanionReader {
  readonly name: string;
  readonly header: boolean;
  readonly query: boolean;
  readonly match: TemplateMatcher;
}

/** A leading scheme word (captured) and the space after it, as in "Bearer abc" or "Token abc". */
const SCHEME_WORD = /^([A-Za-z][A-Za-z0-9._~+-]*)\s+(?=\S)/;
/** What a request without companions carries of them. */
const NO_COMPANIONS: readonly (readonly string[] | undefined)[] = [];

export class Authenticator {
  readonly #contract: Contract;
  readonly #secondUser: string | undefined;
  readonly #fault: ActiveFault;
  readonly #clock: TestClock;
  readonly #sessions: SessionStore;
  readonly #mint: TokenMint;
  readonly #value: TemplateMatcher;
  /** The presented part that names the session: the token, else the first placeholder. */
  readonly #finder: string;
  readonly #finderIndex: number;
  readonly #companions: readonly CompanionReader[];
  readonly #issued: ReadonlySet<string>;
  /** Where the token is presented: a header (the usual), a form-body field or a query parameter. */
  readonly #in: 'header' | 'form' | 'query';
  readonly #name: string;
  readonly #opaque: boolean;
  /** The contract's scheme, and how it is compared (decided once: the fault a mock runs with never changes). */
  readonly #scheme: 'Bearer' | 'Basic' | 'none';
  readonly #schemeLower: string;
  readonly #anyScheme: boolean;
  readonly #exactScheme: boolean;

  constructor(
    contract: Contract,
    fault: ActiveFault,
    clock: TestClock,
    sessions: SessionStore,
    mint: TokenMint,
    issued: ReadonlySet<string>,
    secondUser?: string,
  ) {
    this.#secondUser = secondUser;
    this.#contract = contract;
    this.#fault = fault;
    this.#clock = clock;
    this.#sessions = sessions;
    this.#mint = mint;
    this.#issued = issued;
    this.#in = contract.present.in;
    this.#name = contract.present.in === 'header' ? contract.present.name.toLowerCase() : contract.present.name;
    this.#opaque = contract.token.format === 'opaque';
    this.#scheme = contract.present.scheme;
    this.#schemeLower = contract.present.scheme.toLowerCase();
    this.#anyScheme = fault.is('any-scheme-accepted');
    // RFC 7235 §2.1: the scheme is case-insensitive, unless the contract says it is matched as written.
    this.#exactScheme = (contract.present.schemeCase === 'exact' && !fault.is('scheme-case-ignored')) || fault.is('scheme-case-sensitive');
    this.#value = compileTemplate(contract.present.value);
    const names = this.#value.names;
    this.#finder = names.includes(contract.token.part) ? contract.token.part : names[0] ?? contract.token.part;
    this.#finderIndex = names.indexOf(this.#finder);
    this.#companions = contract.present.companions.map((c) => ({
      name: c.name,
      header: c.in.includes('header'),
      query: c.in.includes('query'),
      match: compileTemplate(c.value),
    }));
  }

  /**
   * Whose credential the request presents; refuses what is missing, malformed, unknown or mismatched.
   * Synchronous for opaque tokens (a map lookup); a promise only when a JWT signature is verified.
   */
  identify(req: Incoming): Identified | Promise<Identified> {
    const read = this.#read(req);
    if (!('presented' in read)) return read;
    if (this.#opaque) return this.#judge(read, this.#findOpaque(read.presented));
    return this.#find(read.presented).then((session) => this.#judge(read, session));
  }

  /** The presentation's parts and companions, before any session is looked up. */
  #read(req: Incoming): Presented | Identified {
    const raw = this.#in === 'header' ? header(req, this.#name) : ((this.#in === 'form' ? req.form : req.query).get(this.#name) ?? undefined);
    const trimmed = raw === undefined ? '' : raw.trim();
    // The query-token-accepted fault: RFC 6750 §2.3's access_token parameter, plain, stands in for it.
    const fromQuery = trimmed === '' && this.#fault.is('query-token-accepted') ? req.query.get('access_token') ?? undefined : undefined;
    if (trimmed === '' && !fromQuery) {
      if (this.#fault.is('missing-token-accepted')) return { ok: true, session: undefined };
      return { ok: false, condition: 'missing' };
    }
    const value = fromQuery ?? this.#unscheme(trimmed);
    if (value === 'wrong-scheme') return { ok: false, condition: 'wrongScheme' };
    const parts = value === undefined ? undefined : this.#value.values(value);
    if (!parts) return { ok: false, condition: 'invalid' };

    if (this.#companions.length === 0) {
      const presented = parts[this.#finderIndex];
      return presented === undefined ? { ok: false, condition: 'invalid' } : { parts, companions: NO_COMPANIONS, presented };
    }
    const companions: (string[] | undefined)[] = [];
    for (const c of this.#companions) {
      let v = c.header ? header(req, c.name) : undefined;
      if ((v === undefined || v === '') && c.query && !this.#fault.is('query-placement-ignored')) v = req.query.get(c.name) ?? undefined;
      if (v === undefined || v === '') {
        if (!this.#fault.is('missing-header-accepted')) return { ok: false, condition: 'companionMissing' };
        companions.push(undefined);
        continue;
      }
      const m = c.match.values(v);
      if (!m) return { ok: false, condition: 'invalid' };
      companions.push(m);
    }
    const presented = parts[this.#finderIndex];
    if (presented === undefined) return { ok: false, condition: 'invalid' };
    return { parts, companions, presented };
  }

  /** The other presented parts and the companions must belong to the session found. */
  #judge(read: Presented, session: Session | 'tampered' | undefined): Identified {
    if (session === 'tampered') return { ok: false, condition: 'tampered' };
    if (!session) return { ok: false, condition: 'invalid' };
    const names = this.#value.names;
    for (let i = 0; i < names.length; i++) {
      if (i === this.#finderIndex) continue;
      const name = names[i] as string;
      const v = read.parts[i] as string;
      if (this.#issued.has(name)) {
        if (v !== session.parts[name] && !this.#fault.is('wrong-key-accepted')) return { ok: false, condition: 'mismatched' };
      } else if (!this.#isCredential(name, v, session)) return { ok: false, condition: 'invalid' };
    }
    for (let c = 0; c < this.#companions.length; c++) {
      const values = read.companions[c];
      const companionNames = this.#companions[c]?.match.names ?? [];
      for (let i = 0; values && i < companionNames.length; i++) {
        const name = companionNames[i] as string;
        const v = values[i] as string;
        // The companion-owner-unchecked fault: a companion value of any session, or of either account, passes.
        const loose = this.#fault.is('companion-owner-unchecked');
        const ok = this.#issued.has(name)
          ? v === session.parts[name] || (loose && this.#sessions.byPart(name, v) !== undefined)
          : this.#isCredential(name, v, session) || (loose && (this.#isCredential(name, v) || this.#contract.mock.secondAccount?.[name] === v));
        if (!ok) return { ok: false, condition: 'mismatched' };
      }
    }
    return { ok: true, session };
  }

  /** Whether the identified credential may be used now; records the use (sliding inactivity). */
  admit(session: Session | undefined): ErrorCondition | undefined {
    if (!session) return undefined;
    if (session.state !== 'live') return session.state === 'loggedOut' ? 'loggedOut' : 'revoked';
    const now = this.#clock.nowMs();
    if (isExpired(session, now)) return 'expired';
    if (!this.#fault.is('no-sliding')) session.lastUsed = now;
    return undefined;
  }

  /** identify, then admit; synchronous whenever identify is. */
  authenticate(req: Incoming): Identified | Promise<Identified> {
    const who = this.identify(req);
    return who instanceof Promise ? who.then((w) => this.#admitted(w)) : this.#admitted(who);
  }

  #admitted(who: Identified): Identified {
    if (!who.ok) return who;
    const refused = this.admit(who.session);
    return refused ? { ok: false, condition: refused } : who;
  }

  /** Whether `value` is the credential `name` of the session's user (the first account's when no session is given). */
  #isCredential(name: string, value: string, session?: Session): boolean {
    const second = session !== undefined && session.user === this.#secondUser ? this.#contract.mock.secondAccount?.[name] : undefined;
    const expected = second ?? this.#contract.mock.credentials[name];
    return expected !== undefined && expected === value;
  }

  /** The credential value under the contract's scheme; 'wrong-scheme' when another scheme is used. */
  #unscheme(raw: string): string | undefined | 'wrong-scheme' {
    const scheme = this.#scheme;
    const word = SCHEME_WORD.exec(raw);
    let rest: string;
    if (this.#anyScheme) rest = word ? raw.slice(word[0].length) : raw;
    else if (scheme === 'none') {
      if (word) return 'wrong-scheme';
      rest = raw;
    } else {
      if (!word) return 'wrong-scheme';
      const sent = word[1] as string;
      if (sent !== scheme && (this.#exactScheme || sent.toLowerCase() !== this.#schemeLower)) return 'wrong-scheme';
      rest = raw.slice(word[0].length);
    }
    return scheme === 'Basic' ? decodeBase64(rest) : rest;
  }

  async #find(presented: string): Promise<Session | 'tampered' | undefined> {
    if (this.#finder !== this.#contract.token.part) return this.#sessions.byPart(this.#finder, presented);
    const reading = await this.#mint.read(presented, this.#clock.nowMs());
    switch (reading.found) {
      case 'session':
        return this.#sessions.byId(reading.id);
      case 'tampered':
        return this.#sessions.byId(reading.id) && this.#contract.errors.tampered ? 'tampered' : undefined;
      case 'opaque':
        return this.#findOpaque(reading.token);
      default:
        return undefined;
    }
  }

  #findOpaque(presented: string): Session | undefined {
    if (this.#finder !== this.#contract.token.part) return this.#sessions.byPart(this.#finder, presented);
    return this.#sessions.byToken(presented) ?? (this.#fault.is('prefix-match') ? this.#byPrefix(presented) : undefined);
  }

  /** The prefix-match fault: a token is known when its first half is. */
  #byPrefix(token: string): Session | undefined {
    const half = token.slice(0, Math.ceil(token.length / 2));
    if (half.length < 8) return undefined;
    for (const s of this.#sessions.withTokenPrefix(half)) if (s.parts[this.#contract.token.part]?.length === token.length) return s;
    return undefined;
  }
}
