/**
 * Issuing a credential set: a session with the lifetime the contract (and the running fault) gives
 * it, the values of every part a response declares (the token in the contract's format, other
 * secrets random, ids of the declared type, expiry parts from the session's stated expiry), and the
 * success reply that carries them where the response places them. A `pattern` the response schema
 * states at a part's pointer (a documented token alphabet) is honoured: secrets are drawn from it.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { acquiredRefreshToken } from '../contract/facts.js';
import type { PartSpec, ResponseSpec } from '../contract/model.js';
import { setPointer } from '../contract/template.js';
import type { MockContext } from './context.js';
import { preparedReply, type Reply } from './exchange.js';
import { randomSecret } from './issue.js';
import { patterned, sample, schemaAt, type Schema } from './sample.js';
import { newSession, type Session } from './sessions.js';

/** A new login session (acquire, refresh, rolling) of `user` (default: the first account's) issued now, not yet stored. */
export function startLogin(ctx: MockContext, user: string = ctx.user): Session {
  const ttl = ctx.ttl !== undefined && ctx.fault.is('long-expiry') ? ctx.ttl * 2 : ctx.ttl;
  const s = newSession(user, 'login', ctx.clock.nowMs(), { ttl, idle: ctx.idle });
  if (ctx.fault.is('no-expiry')) s.expiresAt = undefined;
  return s;
}

export type PartValues = ReadonlyMap<string, string | number>;
const NO_VALUES: PartValues = new Map();

/**
 * Gives `session` a value for every part `response` declares and returns them. Secret and id parts
 * are recorded on the session; `fixed` keeps given values (a private token's id across rotation).
 */
export async function issueParts(ctx: MockContext, response: ResponseSpec, session: Session, fixed: Readonly<Record<string, string>> = {}): Promise<PartValues> {
  const out = new Map<string, string | number>();
  for (const [name, part] of Object.entries(response.parts ?? {})) {
    const kind = part.kind ?? 'secret';
    if (kind === 'expires-at' || kind === 'expires-in') {
      const v = expiryValue(ctx, part, session);
      if (v !== undefined) out.set(name, v);
      continue;
    }
    const declared = part.pointer !== undefined ? schemaAt(response.schema, part.pointer) : undefined;
    let value = fixed[name];
    if (value === undefined) {
      if (name === ctx.contract.token.part) value = await ctx.mint.mint(session);
      // The low-entropy-refresh-tokens fault: a fixed prefix and 32 random bits, guessable by brute force.
      else if (ctx.fault.is('low-entropy-refresh-tokens') && name === acquiredRefreshToken(ctx.contract)) value = `rt_${randomBytes(4).toString('hex')}`;
      else value = kind === 'id' ? idValue(declared) : (patterned(declared, 'secret') ?? randomSecret());
      // A minted opaque token or a fault's weak value outside the documented alphabet: drawn from it instead, as weak as the fault makes it.
      if (declared && !(name === ctx.contract.token.part && ctx.contract.token.format === 'jwt') && !fitsPattern(declared, value)) {
        const weak = ctx.fault.is(name === ctx.contract.token.part ? 'low-entropy-tokens' : 'low-entropy-refresh-tokens');
        value = patterned(declared, weak ? 'weak' : 'secret') ?? value;
      }
    }
    session.parts[name] = value;
    out.set(name, kind === 'id' ? typedId(declared, value) : value);
  }
  return out;
}

/** A new id of the declared type: an integer where the schema says integer or number, else a string (from its pattern or format, else a uuid). */
function idValue(declared: Schema | undefined): string {
  const type = Array.isArray(declared?.type) ? declared.type.find((t) => t !== 'null') : declared?.type;
  if (type === 'integer' || type === 'number') {
    const lo = typeof declared?.minimum === 'number' ? Math.ceil(declared.minimum) : 1;
    const hi = typeof declared?.maximum === 'number' ? Math.floor(declared.maximum) : 2 ** 31 - 1;
    return String(hi > lo ? lo + randomInt(Math.min(hi - lo + 1, 2 ** 47)) : lo);
  }
  if (declared && (typeof declared.pattern === 'string' || typeof declared.format === 'string') && declared.format !== 'uuid') {
    const v = sample(declared, 0);
    if (typeof v === 'string' && v !== '') return v;
  }
  return randomUUID();
}

/** An id as the response body carries it: a number where the schema types it so (the session keeps its text). */
export function typedId(declared: Schema | undefined, value: string): string | number {
  const type = Array.isArray(declared?.type) ? declared.type.find((t) => t !== 'null') : declared?.type;
  return (type === 'integer' || type === 'number') && /^-?\d+$/.test(value) ? Number(value) : value;
}

function fitsPattern(declared: Schema, value: string): boolean {
  if (typeof declared.pattern !== 'string') return true;
  try {
    return new RegExp(declared.pattern, 'u').test(value);
  } catch {
    return true;
  }
}

function expiryValue(ctx: MockContext, part: PartSpec, s: Session): string | number | undefined {
  const stated = s.statedExpiresAt ?? (s.idle !== undefined ? s.lastUsed + s.idle * 1000 : undefined);
  if (stated === undefined) return undefined;
  let lifetimeMs = stated - s.issuedAt;
  if (ctx.fault.is('wrong-expires-field') && s.kind === 'login') lifetimeMs = Math.floor(lifetimeMs / 2);
  if (part.kind === 'expires-in') return Math.round(lifetimeMs / 1000);
  const at = s.issuedAt + lifetimeMs;
  if (part.format === 'unix') return part.header ? String(Math.floor(at / 1000)) : Math.floor(at / 1000);
  // A private token reports its expiry as the client wrote it.
  if (s.expiryText !== undefined && at === s.statedExpiresAt) return s.expiryText;
  return new Date(at).toISOString();
}

/**
 * Success replies that carry no issued values and whose body does not vary (no schema, or one whose
 * sample is the same on every call), built and serialized once per response declaration; null where
 * the body varies (a fresh uuid or time, a value drawn from a pattern).
 */
const fixedSuccess = new WeakMap<ResponseSpec, Reply | null>();

/** The success reply of `response` with `values` at their pointers and headers; other fields sampled. */
export function successReply(ctx: MockContext, response: ResponseSpec, values: PartValues = NO_VALUES, status = response.status): Reply {
  if (values.size === 0 && status === response.status) {
    let fixed = fixedSuccess.get(response);
    if (fixed === undefined) fixedSuccess.set(response, (fixed = constantSample(response.schema) ? preparedReply(buildSuccess(ctx, response, values, status)) : null));
    if (fixed) return fixed;
  }
  return buildSuccess(ctx, response, values, status);
}

/**
 * Whether `sample(schema)` gives the same value on every call: only `format` (uuid, times) and
 * `pattern` (random draws) make it vary, so a schema that names neither, anywhere, is constant. A
 * conservative test: a `const` that merely contains such a key is counted as varying.
 */
function constantSample(schema: unknown): boolean {
  if (schema === undefined) return true;
  try {
    const text = JSON.stringify(schema);
    return !text.includes('"format"') && !text.includes('"pattern"');
  } catch {
    return false;
  }
}

function buildSuccess(ctx: MockContext, response: ResponseSpec, values: PartValues, status: number): Reply {
  const headers: Record<string, string> = {};
  if (response.headers) for (const [name, h] of Object.entries(response.headers)) headers[name] = h.example;
  let body: unknown = response.schema ? sample(response.schema, ctx.clock.nowMs()) : {};
  if (response.parts) for (const [name, part] of Object.entries(response.parts)) {
    const value = values.get(name);
    if (value === undefined) continue;
    if (part.header !== undefined) headers[part.header] = withScheme(part.scheme, String(value));
    else if (part.pointer !== undefined) body = setPointer(body, part.pointer, value);
  }
  // RFC 6749 §5.1: a response holding tokens is never stored by a cache (a declared value stands).
  const cacheControl = Object.keys(headers).find((h) => h.toLowerCase() === 'cache-control');
  if (ctx.fault.is('missing-no-store')) {
    if (values.size && cacheControl !== undefined) delete headers[cacheControl];
  } else if (values.size && cacheControl === undefined) headers['Cache-Control'] = 'no-store';
  return { status, headers, body: status === 204 ? undefined : body };
}

export function withScheme(scheme: 'Bearer' | 'Basic' | 'none' | undefined, value: string): string {
  if (scheme === 'Bearer') return `Bearer ${value}`;
  if (scheme === 'Basic') return `Basic ${Buffer.from(value, 'utf8').toString('base64')}`;
  return value;
}

/**
 * A rolling token: a new session issued now for the same user and parts, so it outlives the one
 * presented (unless the rolling-not-longer fault keeps the old expiry). Returns the header to add.
 */
export async function rollingHeader(ctx: MockContext, presented: Session | undefined): Promise<Record<string, string>> {
  const rolling = ctx.contract.rolling;
  if (!rolling) return {};
  const s = startLogin(ctx, presented?.user);
  if (presented) {
    Object.assign(s.parts, presented.parts);
    if (ctx.fault.is('rolling-not-longer')) {
      s.expiresAt = presented.expiresAt;
      s.statedExpiresAt = presented.statedExpiresAt;
    }
  }
  const token = await ctx.mint.mint(s);
  s.parts[ctx.contract.token.part] = token;
  ctx.sessions.add(s);
  return { [rolling.header]: withScheme(rolling.scheme, token) };
}
