/**
 * Facts about a contract that both sides decide on — the mock serving it and the checks judging it:
 * which placeholders a request carries, which of them are secret, whether two error promises can be
 * told apart, which requests the acquire checks send (so lint can tell when a declared case describes
 * one of them). Derived from the contract only, so no provider is ever named in code.
 */
import type { Contract, ContractSpec, ErrorSpec, PartSpec, RefreshCause, RequestSpec, ResolvedError } from './model.js';
import { errorFor, issuedParts, refreshError } from './model.js';
import type { AcquireCase } from './schema.js';
import { jsonTemplates, placeholders } from './template.js';

/** Every placeholder a request uses: path, query, headers, body and inline authentication. */
export function requestPlaceholders(req: RequestSpec): string[] {
  const templates = [
    req.path,
    ...Object.values(req.query ?? {}),
    ...Object.values(req.headers ?? {}),
    ...jsonTemplates(req.body?.json).map((t) => t.template),
    ...Object.values(req.body?.form ?? {}),
    ...(typeof req.auth === 'object' ? [req.auth.value] : []),
  ];
  return [...new Set(templates.flatMap(placeholders))];
}

export function isSecretCredential(contract: Contract, name: string): boolean {
  const c = contract.credentials[name];
  return c !== undefined && c.secret !== false;
}

/** Credential placeholders of the acquire request (what a login checks). */
export function acquireCredentials(contract: Pick<ContractSpec, 'acquire' | 'credentials'>): string[] {
  return requestPlaceholders(contract.acquire.request).filter((n) => n in contract.credentials);
}

/** Secret credential placeholders of the acquire request (a password, a client secret, an API key). */
export function acquireSecrets(contract: Contract): string[] {
  return acquireCredentials(contract).filter((n) => isSecretCredential(contract, n));
}

function partKind(part: PartSpec | undefined): string {
  return part?.kind ?? 'secret';
}

/** Issued secret parts named by the presentation value, e.g. key and token of '{key}:{token}'. */
export function presentedSecretParts(contract: Contract): string[] {
  const parts = issuedParts(contract);
  return placeholders(contract.present.value).filter((n) => parts.has(n) && partKind(parts.get(n)) === 'secret');
}

/** Issued secret parts the refresh request carries in its body, query or headers (not the presentation). */
export function refreshSecretParts(contract: Contract): string[] {
  if (!contract.refresh) return [];
  const parts = issuedParts(contract);
  return requestPlaceholders(contract.refresh.request).filter((n) => parts.has(n) && partKind(parts.get(n)) === 'secret');
}

/**
 * The part that finds the session on a body refresh: the first secret part of the refresh request
 * that the presentation does not use (the refresh token), else the first one.
 */
export function refreshFinder(contract: Contract): string | undefined {
  const secret = refreshSecretParts(contract);
  const presented = new Set(placeholders(contract.present.value));
  return secret.find((n) => !presented.has(n)) ?? secret[0];
}

/** Parts of the acquire and refresh responses that report the lifetime (expires-at / expires-in). */
export function lifetimeParts(contract: Contract): string[] {
  const out: string[] = [];
  for (const r of [contract.acquire.response, contract.refresh?.response]) {
    for (const [name, p] of Object.entries(r?.parts ?? {})) if (p.kind === 'expires-at' || p.kind === 'expires-in') out.push(name);
  }
  return out;
}

/** A companion that may be placed in the query string as well as elsewhere. */
export function hasQueryAlternate(contract: Contract): boolean {
  return contract.present.companions.some((c) => c.in.length > 1 && c.in.includes('query'));
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** Whether a client can tell the two errors apart: status, body schema or promised headers differ. */
export function errorsDiffer(a: ErrorSpec, b: ErrorSpec): boolean {
  const headerPatterns = (e: ErrorSpec) => Object.fromEntries(Object.entries(e.headers ?? {}).map(([k, h]) => [k.toLowerCase(), h.pattern]));
  return a.status !== b.status || canonical(a.schema) !== canonical(b.schema) || canonical(headerPatterns(a)) !== canonical(headerPatterns(b));
}

/** Whether the contract's expired-token error differs from its invalid-token error. */
export function expiredDiffersFromInvalid(contract: Contract): boolean {
  return contract.errors.expired !== undefined && errorsDiffer(errorFor(contract, 'expired'), errorFor(contract, 'invalid'));
}

export function hasHeaders(e: ErrorSpec): boolean {
  return Object.keys(e.headers ?? {}).length > 0;
}

/**
 * The acquire request as sent without credential `name` (how `acquire.missing-field` asks): every query
 * parameter, header, form field and JSON member whose template uses `{name}` is left out. Undefined
 * when the path or inline authentication uses it: no declared case can send that request.
 */
export function withoutCredential(request: RequestSpec, name: string): RequestSpec | undefined {
  const uses = (t: string): boolean => placeholders(t).includes(name);
  if (uses(request.path) || (typeof request.auth === 'object' && uses(request.auth.value))) return undefined;
  const keep = (m: Record<string, string> | undefined) => m && Object.fromEntries(Object.entries(m).filter(([, t]) => !uses(t)));
  const drop = (v: unknown): unknown => {
    if (typeof v === 'string') return uses(v) ? undefined : v;
    if (Array.isArray(v)) return v.map(drop).filter((x) => x !== undefined);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).flatMap(([k, x]) => {
          const kept = drop(x);
          return kept === undefined ? [] : [[k, kept]];
        }),
      );
    }
    return v;
  };
  const body = request.body;
  return {
    ...request,
    ...(request.query ? { query: keep(request.query) } : {}),
    ...(request.headers ? { headers: keep(request.headers) } : {}),
    ...(body ? { body: body.json !== undefined ? { json: drop(body.json) } : { form: keep(body.form) ?? {} } } : {}),
  };
}

/** The acquire request with a case's fields replaced (null removes one), as `acquire.cases` sends it. */
export function caseRequest(request: RequestSpec, k: AcquireCase): RequestSpec {
  const merge = <T>(base: Record<string, T> | undefined, set: Record<string, T | null> | undefined): Record<string, T> | undefined => {
    if (!set) return base;
    const out: Record<string, T> = { ...(base ?? {}) };
    for (const [name, v] of Object.entries(set)) {
      if (v === null) delete out[name];
      else out[name] = v;
    }
    return out;
  };
  const body = request.body;
  const json = body?.json !== undefined && k.set.json ? merge(body.json as Record<string, unknown>, k.set.json as Record<string, unknown>) : body?.json;
  const form = merge(body?.form, k.set.form);
  const query = merge(request.query, k.set.query);
  const headers = merge(request.headers, k.set.headers);
  return {
    ...request,
    ...(query ? { query } : {}),
    ...(headers ? { headers } : {}),
    ...(body ? { body: json !== undefined ? { json } : { form: form ?? {} } } : {}),
  };
}

/** What identifies a request as sent: two requests with the same key are the same request (header names in any case). */
export function requestKey(r: RequestSpec): string {
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return canonical({ method: r.method, path: r.path, query: r.query ?? {}, headers, body: r.body ?? null, auth: r.auth ?? 'none' });
}

/**
 * The fixed (placeholder-free) values of a request, by place: `form:grant_type` → `password`. Two
 * operations on one method and path are told apart by them (lint requires a difference; the mock routes by it).
 */
export function fixedValues(request: RequestSpec): Map<string, string> {
  const out = new Map<string, string>();
  const add = (where: string, entries: Record<string, unknown> | undefined, lower = false): void => {
    for (const [k, v] of Object.entries(entries ?? {})) if (typeof v === 'string' && placeholders(v).length === 0) out.set(`${where}:${lower ? k.toLowerCase() : k}`, v);
  };
  add('query', request.query);
  add('header', request.headers, true);
  add('form', request.body?.form);
  const json = request.body?.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) add('json', json as Record<string, unknown>);
  return out;
}

/**
 * The refusal of a refresh for one cause, as both sides judge it: `refresh.errors.<cause>`, else the
 * spec-wide refresh error. A refresh that presents the token itself (`auth: token`) and is refused
 * because that token expired is an expired token first: without its own `refresh.errors.expired` it
 * answers `errors.expired`, as format 1 said.
 */
export function refreshRefusal(contract: Pick<Contract, 'errors' | 'refresh'>, cause: RefreshCause): ResolvedError {
  const own = contract.refresh?.errors?.[cause] !== undefined;
  if (cause === 'expired' && !own && contract.refresh?.request.auth === 'token') return errorFor(contract, 'expired');
  return refreshError(contract, cause);
}

/**
 * Whether every JWT the contract issues states an expiry: login tokens have a fixed lifetime, and a
 * private token cannot be created without one. Then a token with no `exp` is not one of the server's
 * own, and both sides refuse it (security.jwt-exp-required).
 */
export function everyJwtExpires(contract: Pick<Contract, 'token' | 'lifetime' | 'tokens'>): boolean {
  if (contract.token.format !== 'jwt' || contract.lifetime?.ttl === undefined) return false;
  const expiry = contract.tokens?.create.expiry as { readonly required?: boolean; readonly mode?: string } | undefined;
  return expiry === undefined || (expiry.mode !== 'never' && (expiry.mode === 'server' || expiry.required === true));
}

/**
 * Whether a logout ends the whole session, so that its refresh credential dies with it: it presents
 * the token (a session logout), or names the refresh credential itself. A revocation of one access
 * token in the body does not: RFC 7009 §2.1 lets the server keep the refresh token ("MAY revoke").
 * `refresh.errors.afterLogout` states the rule outright.
 */
export function logoutEndsRefresh(contract: Contract): boolean {
  const logout = contract.logout;
  if (!logout || !contract.refresh) return false;
  if (contract.refresh.errors?.afterLogout !== undefined || logout.request.auth === 'token') return true;
  const finder = refreshFinder(contract);
  return finder !== undefined && requestPlaceholders(logout.request).includes(finder);
}

/** The refresh token a login issues beside the access token, if any: the part security.token-entropy samples too. */
export function acquiredRefreshToken(contract: Contract): string | undefined {
  const name = refreshFinder(contract);
  return name !== undefined && name !== contract.token.part && Object.hasOwn(contract.acquire.response.parts ?? {}, name) ? name : undefined;
}
