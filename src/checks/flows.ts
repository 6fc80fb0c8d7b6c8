/**
 * The client side of a contract: building requests from templates, presenting a credential (and
 * deliberately wrong variants of it), and the contract's operations — acquire, probe, refresh, logout,
 * private tokens. Checks compose these; every value a request carries that could be secret joins the
 * run's redactor before the exchange can be shown. Every credential these flows obtain is written in
 * the check's ledger, and crossed out when a flow ends it, so runCheck can release what the check
 * left open (ledger.ts, release.ts).
 */
import { DEFAULT_AUTH_HEADER, type RequestSpec, type ResponseSpec } from '../contract/schema.js';
import { getPointer, placeholders, render, renderJson, type Vars } from '../contract/template.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { Unmet, type CheckContext } from './context.js';
import { describeResolved, errorSpecProblem, observed, successProblem } from './expect.js';
import { errorFor, type ErrorCondition, type ResolvedError } from '../contract/model.js';
import type { ErrorSpec } from '../contract/schema.js';
import { isDeepStrictEqual } from 'node:util';
import { ledgerOf } from './ledger.js';

/** An issued credential: the parts a response handed out. */
export interface Credential {
  readonly parts: Readonly<Record<string, string>>;
}

/** How to present a credential, when a check wants it wrong on purpose. */
export interface PresentVariant {
  /** Send no credential header at all. */
  readonly omit?: boolean;
  /** Replace the scheme word ('' for none). */
  readonly scheme?: string;
  /** Replace the credential value (before the scheme and any base64). */
  readonly value?: string;
  /** Replace parts used in the presentation. */
  readonly parts?: Readonly<Record<string, string>>;
  /** Leave one companion out of every placement. */
  readonly omitCompanion?: string;
  /** Put companions elsewhere than their first placement. */
  readonly placement?: Readonly<Record<string, 'header' | 'query'>>;
  /** Send these values for companions instead of the credential's own (another user's). */
  readonly companionValues?: Readonly<Record<string, string>>;
}

export interface SendOptions {
  readonly purpose: string;
  readonly credential?: Credential;
  readonly variant?: PresentVariant;
  /** Overrides of template values; an explicit undefined drops what uses it. */
  readonly vars?: Vars;
  /** Send this raw body instead of the rendered one (with the spec's content type unless headers say). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Override the method (robustness probes). */
  readonly method?: string;
}

/** Template values: target credentials, harness values, the credential's parts, then overrides. */
export function varsFor(ctx: CheckContext, credential?: Credential, extra?: Vars): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...ctx.target.credentials, run: ctx.run, ...(credential?.parts ?? {}) };
  if (extra) for (const [k, v] of Object.entries(extra)) out[k] = v;
  return out;
}

const SCHEME_WORD = { Bearer: 'Bearer', Basic: 'Basic', none: '' } as const;

/** Headers, query parameters and form fields that present a credential. */
export function presentation(
  ctx: CheckContext,
  credential: Credential,
  variant: PresentVariant = {},
): { headers: Record<string, string>; query: Record<string, string>; form: Record<string, string> } {
  const present = ctx.contract.present;
  const vars = varsFor(ctx, { parts: { ...credential.parts, ...(variant.parts ?? {}) } });
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  const form: Record<string, string> = {};
  if (!variant.omit) {
    const value = variant.value ?? render(present.value, vars) ?? '';
    ctx.redactor.add(value, 'presented');
    const encoded = present.scheme === 'Basic' && variant.scheme === undefined ? Buffer.from(value).toString('base64') : value;
    if (present.scheme === 'Basic') ctx.redactor.add(Buffer.from(value).toString('base64'), 'presented');
    const word = variant.scheme ?? SCHEME_WORD[present.scheme];
    const presented = word ? `${word} ${encoded}` : encoded;
    if (present.in === 'form') form[present.name] = presented;
    else if (present.in === 'query') query[present.name] = presented;
    else headers[present.name] = presented;
  }
  for (const c of present.companions) {
    if (variant.omitCompanion === c.name) continue;
    const value = variant.companionValues?.[c.name] ?? render(c.value, vars);
    if (value === undefined) continue;
    const where = variant.placement?.[c.name] ?? c.in[0] ?? 'header';
    if (where === 'query') query[c.name] = value;
    else headers[c.name] = value;
  }
  return { headers, query, form };
}

/** Builds the HTTP request for a request spec. */
export function buildRequest(ctx: CheckContext, spec: RequestSpec, opts: SendOptions, presentToken: boolean): HttpRequest {
  const vars = varsFor(ctx, opts.credential, opts.vars);
  const encoded: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) encoded[k] = v === undefined ? undefined : encodeURIComponent(v);
  // A path placeholder a check drops (an omitted id) leaves its segment empty, never the literal '{name}'.
  for (const name of placeholders(spec.path)) encoded[name] ??= '';
  const path = render(spec.path, encoded) ?? spec.path;
  const url = new URL(ctx.target.baseUrl + path);
  for (const [k, t] of Object.entries(spec.query ?? {})) {
    const v = render(t, vars);
    if (v !== undefined) url.searchParams.set(k, v);
  }
  // Header names are case-insensitive: a later value replaces an earlier one of the same name in any
  // case, and a declared Content-Type (an acquire case's) replaces the body's default one.
  const headers: Record<string, string> = {};
  const setHeader = (name: string, value: string): void => {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
    headers[name] = value;
  };
  const hasHeader = (name: string): boolean => Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase());
  for (const [k, t] of Object.entries(spec.headers ?? {})) {
    const v = render(t, vars);
    if (v !== undefined) setHeader(k, v);
  }
  // Client authentication first; a presented token is added after it.
  if (typeof spec.auth === 'object') {
    const value = render(spec.auth.value, vars);
    if (value !== undefined) {
      const encodedValue = spec.auth.scheme === 'Basic' ? Buffer.from(value).toString('base64') : value;
      const word = SCHEME_WORD[spec.auth.scheme];
      setHeader(spec.auth.header ?? DEFAULT_AUTH_HEADER, word ? `${word} ${encodedValue}` : encodedValue);
    }
  }
  let presentedForm: Record<string, string> = {};
  if (presentToken) {
    if (!opts.credential) throw new TypeError('a credential is needed to present a token');
    const p = presentation(ctx, opts.credential, opts.variant);
    for (const [k, v] of Object.entries(p.headers)) setHeader(k, v);
    for (const [k, v] of Object.entries(p.query)) url.searchParams.set(k, v);
    presentedForm = p.form;
  }
  let body: string | undefined;
  if (spec.body?.json !== undefined) {
    if (!hasHeader('content-type')) headers['content-type'] = 'application/json';
    body = JSON.stringify(renderJson(spec.body.json, vars));
  } else if (spec.body?.form !== undefined || Object.keys(presentedForm).length) {
    if (!hasHeader('content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    for (const [k, t] of Object.entries(spec.body?.form ?? {})) {
      const v = render(t, vars);
      if (v !== undefined) form.set(k, v);
    }
    for (const [k, v] of Object.entries(presentedForm)) form.set(k, v);
    body = form.toString();
  }
  if (opts.rawBody !== undefined) body = opts.rawBody;
  for (const [k, v] of Object.entries(opts.headers ?? {})) setHeader(k, v);
  return { method: opts.method ?? spec.method, url: url.toString(), headers, ...(body !== undefined ? { body } : {}), purpose: opts.purpose };
}

/** Sends a request spec; the token is presented when the spec says `auth: token`. */
export async function send(ctx: CheckContext, spec: RequestSpec, opts: SendOptions): Promise<HttpResponse> {
  const res = await ctx.http.send(buildRequest(ctx, spec, opts, spec.auth === 'token'));
  if (spec.auth === 'token' && opts.credential) noteUse(ctx, opts.credential, res);
  noteEnding(ctx, spec, opts, res);
  return res;
}

/** A presentation that was accepted is a use, which resets an inactivity timeout. */
function noteUse(ctx: CheckContext, credential: Credential, res: HttpResponse): void {
  if (res.status >= 200 && res.status < 300) ledgerOf(ctx)?.presented(credential);
}

/**
 * Crosses out of the ledger what a successful logout, revocation or rotation ended, whichever check
 * helper sent it; a rotation's new token is written in, revocable by the same login.
 */
function noteEnding(ctx: CheckContext, spec: RequestSpec, opts: SendOptions, res: HttpResponse): void {
  const ledger = ledgerOf(ctx);
  const { logout, tokens } = ctx.contract;
  if (!ledger) return;
  if (spec === logout?.request && opts.credential && res.status === logout.response.status) ledger.ended(opts.credential);
  const named = opts.vars ? { parts: Object.fromEntries(Object.entries(opts.vars).filter((e): e is [string, string] => e[1] !== undefined)) } : undefined;
  if (!named || !tokens) return;
  if (spec === tokens.revoke.request && res.status === tokens.revoke.response.status) ledger.ended(named);
  const rotate = tokens.rotate;
  if (spec === rotate?.request && !successProblem(res, rotate.response)) {
    ledger.ended(named);
    const { parts } = extractParts(ctx, rotate.response, res);
    if (opts.credential) ledger.opened('private', { parts: { ...named.parts, ...parts } }, opts.credential);
  }
}

/**
 * Writes a credential a response issued in the check's ledger. `from` is the credential it was issued
 * against: the login that created a private token (and revokes it), or the one a refresh replaced
 * (which the refresh may have ended).
 */
export function noteIssued(ctx: CheckContext, response: ResponseSpec, credential: Credential, from?: Credential): void {
  const ledger = ledgerOf(ctx);
  if (!ledger) return;
  const { tokens, refresh } = ctx.contract;
  const isPrivate = response === tokens?.create.response || response === tokens?.rotate?.response;
  if (!isPrivate) ledger.opened('login', credential);
  else if (from) ledger.opened('private', credential, from);
  if (response === refresh?.response && from) ledger.superseded(from);
}

/** Reads the parts a response declares; missing lists what could not be found. */
export function extractParts(
  ctx: CheckContext,
  spec: ResponseSpec,
  res: HttpResponse,
): { parts: Record<string, string>; missing: string[] } {
  const parts: Record<string, string> = {};
  const missing: string[] = [];
  const body = res.json();
  for (const [name, part] of Object.entries(spec.parts ?? {})) {
    let value: unknown;
    if (part.pointer !== undefined) value = getPointer(body, part.pointer);
    else if (part.header !== undefined) {
      const raw = res.headers[part.header.toLowerCase()];
      value = raw === undefined ? undefined : stripScheme(raw, part.scheme);
    }
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      parts[name] = String(value);
      if ((part.kind ?? 'secret') === 'secret') ctx.redactor.add(String(value), name);
    } else missing.push(name);
  }
  return { parts, missing };
}

export function stripScheme(raw: string, scheme: 'Bearer' | 'Basic' | 'none' | undefined): string {
  if (!scheme || scheme === 'none') return raw.trim();
  const m = new RegExp(`^${scheme}\\s+(.+)$`, 'i').exec(raw.trim());
  return m?.[1] ?? '';
}

/** Runs an exchange that issues a credential; returns the credential or what was wrong. */
async function issue(
  ctx: CheckContext,
  spec: { request: RequestSpec; response: ResponseSpec },
  opts: SendOptions,
): Promise<{ res: HttpResponse; credential?: Credential; problem?: string }> {
  const res = await send(ctx, spec.request, opts);
  const problem = successProblem(res, spec.response);
  const { parts, missing } = extractParts(ctx, spec.response, res);
  if (problem) return { res, problem };
  if (missing.length) return { res, problem: `the response lacks ${missing.join(', ')}` };
  return { res, credential: { parts } };
}

export async function acquire(ctx: CheckContext, opts: Partial<SendOptions> = {}) {
  const out = await issue(ctx, ctx.contract.acquire, { purpose: 'acquire a credential', ...opts });
  if (out.credential) noteIssued(ctx, ctx.contract.acquire.response, out.credential);
  return out;
}

/** Acquires with another request shape (an alternate, a case) and the acquire response's promises. */
export async function acquireWith(ctx: CheckContext, request: RequestSpec, opts: SendOptions) {
  const out = await issue(ctx, { request, response: ctx.contract.acquire.response }, opts);
  if (out.credential) noteIssued(ctx, ctx.contract.acquire.response, out.credential);
  return out;
}

/** Acquires a credential or fails the check: everything else builds on it. */
export async function mustAcquire(ctx: CheckContext, purpose = 'acquire a credential'): Promise<Credential> {
  const { res, credential, problem } = await acquire(ctx, { purpose });
  if (!credential) {
    throw new Unmet(
      `valid credentials to give ${ctx.contract.acquire.response.status} and a credential (acquire)`,
      `${problem ?? 'no credential'}: ${observed(res)}`,
    );
  }
  return credential;
}

export async function probe(ctx: CheckContext, credential: Credential, variant?: PresentVariant, purpose = 'probe with the credential') {
  const res = await ctx.http.send(
    buildRequest(ctx, ctx.contract.probe.request, { purpose, credential, ...(variant ? { variant } : {}) }, true),
  );
  noteUse(ctx, credential, res);
  return res;
}

/** The probe succeeds with this credential, or the check fails with `expectation`. */
export async function mustWork(ctx: CheckContext, credential: Credential, expectation: string, purpose?: string): Promise<HttpResponse> {
  const res = await probe(ctx, credential, undefined, purpose ?? expectation);
  const problem = successProblem(res, ctx.contract.probe.response);
  if (problem) throw new Unmet(`${expectation}: the probe answers ${ctx.contract.probe.response.status}`, `${problem}: ${observed(res)}`);
  return res;
}

/** Positive control: the unaltered credential works right now, so a refusal that follows means something. */
export function control(ctx: CheckContext, credential: Credential): Promise<HttpResponse> {
  return mustWork(ctx, credential, 'the unaltered credential to work before it is altered (positive control)', 'positive control');
}

/**
 * The response is the contract's error for `condition` — status, body and headers — or the check fails.
 * The right status with the wrong shape is a fault of the error response itself, which every check
 * provoking it would see: the finding names that root cause, so reports can group them.
 */
export function mustRefuse(ctx: CheckContext, res: HttpResponse, condition: ErrorCondition, what: string): void {
  mustRefuseWith(ctx, res, errorFor(ctx.contract, condition), what);
}

/** The response is this resolved error (a credential's own, a refresh cause's), or the check fails. */
export function mustRefuseWith(ctx: CheckContext, res: HttpResponse, err: ResolvedError, what: string): void {
  mustMatchError(res, err, `${what} to be refused with ${describeResolved(ctx.contract, err)}`);
}

/** The response is this error (status, body, headers), or the check fails expecting `expected`. */
export function mustMatchError(res: HttpResponse, err: ErrorSpec, expected: string): void {
  const problem = errorSpecProblem(res, err);
  if (!problem) return;
  throw new Unmet(expected, `${problem}: ${observed(res)}`, res.status === err.status ? shapeCause(res, err) : undefined);
}

/** The root cause of an error response with the right status and the wrong shape, worded to group equal answers. */
function shapeCause(res: HttpResponse, err: ErrorSpec): string {
  const bodyOk = errorSpecProblem(res, { status: err.status, ...(err.schema ? { schema: err.schema } : {}) }) === undefined;
  if (bodyOk) return `error responses lack the headers the contract's errors carry (${Object.keys(err.headers ?? {}).join(', ')})`;
  const body = res.text.trim().replace(/\s+/g, ' ');
  const shown = body ? (body.length > 80 ? `${body.slice(0, 80)}…` : body) : 'an empty body';
  return `error responses do not match the contract's error schemas: the server answers errors with ${shown}`;
}

/**
 * A forged, altered or missing credential is refused with the documented status. This judges the
 * security property only: the shape of the error's body is judged once, by its own check (errors.*),
 * so a wrong error body is one finding there rather than a red in every security check. When the
 * server answers with success instead, the finding says whether it treated the caller as the user
 * (the same answer as the positive control) or answered differently (anonymous or partial access),
 * with both answers side by side.
 */
export function mustRefuseStatus(ctx: CheckContext, res: HttpResponse, condition: ErrorCondition, what: string, positive: HttpResponse): void {
  const err = errorFor(ctx.contract, condition);
  // Where the error shares its status with the probe's success (token introspection answers 200
  // {"active": false}), the status cannot tell them apart: the answer must then not be a success.
  const success = successProblem(res, ctx.contract.probe.response) === undefined;
  if (res.status === err.status && !success) return;
  const expected = `${what} to be refused with status ${err.status} (${err.label})${err.status === ctx.contract.probe.response.status ? ', not the probe\'s success' : ''}`;
  if (success || (res.status >= 200 && res.status < 300)) {
    const asUser = sameAnswer(res, positive);
    const verdict = asUser
      ? `it was accepted as the user: ${res.status}, the same answer as the positive control`
      : `it was answered ${res.status}, differently from the positive control (as an anonymous caller, or with partial access)`;
    throw new Unmet(expected, `${verdict}.\n  positive control: ${observed(positive)}\n  this request:     ${observed(res)}`);
  }
  throw new Unmet(expected, `${res.status === 0 ? `no response: ${res.error ?? 'unknown error'}` : `status ${res.status} instead of ${err.status}`}: ${observed(res)}`);
}

/** Two successful answers are the same answer: the same status and body (JSON compared by its members). */
function sameAnswer(a: HttpResponse, b: HttpResponse): boolean {
  if (a.status !== b.status) return false;
  if (a.text === b.text) return true;
  try {
    return isDeepStrictEqual(JSON.parse(a.text), JSON.parse(b.text));
  } catch {
    return false;
  }
}

export async function refresh(ctx: CheckContext, credential: Credential, opts: Partial<SendOptions> = {}) {
  const spec = ctx.contract.refresh;
  if (!spec) throw new TypeError('the contract has no refresh');
  const out = await issue(ctx, spec, { purpose: 'refresh the credential', credential, ...opts });
  // The new session holds the old parts the refresh did not replace (a key kept across refreshes).
  if (out.credential) noteIssued(ctx, spec.response, { parts: { ...credential.parts, ...out.credential.parts } }, credential);
  return out;
}

/**
 * Logs out, or fails the check unless the logout answers its status. Its body and headers, where the
 * contract declares them, are judged once, by revoke.logout-response.
 */
export async function logout(ctx: CheckContext, credential: Credential, purpose = 'log out'): Promise<HttpResponse> {
  const spec = ctx.contract.logout;
  if (!spec) throw new TypeError('the contract has no logout');
  const res = await send(ctx, spec.request, { purpose, credential });
  const problem = successProblem(res, { status: spec.response.status });
  if (problem) throw new Unmet(`logout to answer ${spec.response.status}`, `${problem}: ${observed(res)}`);
  return res;
}

/** Formats an epoch-seconds time as a private token's expiry value. */
export function formatExpiry(epochSeconds: number, format: 'iso8601' | 'unix'): string {
  return format === 'unix' ? String(epochSeconds) : new Date(epochSeconds * 1000).toISOString();
}

/** Reads an expiry value back to epoch seconds; undefined when unreadable. */
export function parseExpiry(value: string, format: 'iso8601' | 'unix'): number | undefined {
  if (format === 'unix') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t / 1000;
}

/**
 * Creates a private token expiring at `expiresAt` (epoch s), or with no expiry when undefined. Only a
 * chosen expiry (tokens.create.expiry.mode: chosen) is sent; the server's own or none ignores it.
 */
export async function createToken(ctx: CheckContext, login: Credential, expiresAt: number | undefined, purpose = 'create a private token') {
  const spec = ctx.contract.tokens;
  if (!spec) throw new TypeError('the contract has no tokens');
  const expiry = spec.create.expiry;
  const out = await issue(ctx, spec.create, {
    purpose,
    credential: login,
    vars: expiry.mode === 'chosen' ? { [expiry.var]: expiresAt === undefined ? undefined : formatExpiry(expiresAt, expiry.format) } : {},
  });
  if (out.credential) noteIssued(ctx, spec.create.response, out.credential, login);
  return out;
}

export async function mustCreateToken(ctx: CheckContext, login: Credential, expiresAt: number | undefined): Promise<Credential> {
  const { res, credential, problem } = await createToken(ctx, login, expiresAt);
  if (!credential) {
    throw new Unmet(`creating a private token to answer ${ctx.contract.tokens?.create.response.status} with a token`, `${problem ?? 'no token'}: ${observed(res)}`);
  }
  return credential;
}
