/**
 * The client side of a contract's private tokens, beyond creating one (flows.ts): listing, rotating
 * and revoking. Each request is about one private token and authorised by the login credential: the
 * login presents itself, while the token's own parts (its id, or the token itself) fill the request's
 * templates. Checks revoke only tokens they created themselves, since a live target is a real account.
 */
import type { ResponseSpec } from '../contract/schema.js';
import { getPointer } from '../contract/template.js';
import type { HttpResponse } from '../http/client.js';
import { Unmet, type CheckContext } from './context.js';
import { observed, successProblem } from './expect.js';
import { chosenExpiry } from '../contract/model.js';
import { createToken, extractParts, formatExpiry, parseExpiry, send, type Credential } from './flows.js';

function tokensOf(ctx: CheckContext) {
  const spec = ctx.contract.tokens;
  if (!spec) throw new TypeError('the contract has no tokens');
  return spec;
}

/** The private token's id (ids are not secret, so messages may name it). */
export function tokenId(ctx: CheckContext, token: Credential): string | undefined {
  const parts = tokensOf(ctx).create.response.parts ?? {};
  const name = Object.keys(parts).find((n) => parts[n]?.kind === 'id');
  return name === undefined ? undefined : token.parts[name];
}

/** Lists the private tokens; the items array, or the check fails. */
export async function listTokens(ctx: CheckContext, login: Credential, purpose = 'list the private tokens'): Promise<{ res: HttpResponse; items: unknown[] }> {
  const spec = tokensOf(ctx).list;
  const res = await send(ctx, spec.request, { purpose, credential: login });
  const problem = successProblem(res, spec.response);
  if (problem) throw new Unmet(`listing private tokens to answer ${spec.response.status}${spec.response.schema ? ' with a body matching tokens.list.response.schema' : ''} (tokens.list)`, `${problem}: ${observed(res)}`);
  const items = getPointer(res.json(), spec.items);
  if (!Array.isArray(items)) throw new Unmet(`the token list to hold an array at ${spec.items || 'the body'} (tokens.list.items)`, observed(res));
  return { res, items };
}

/** The listed item naming this id, if any. */
export function findListed(ctx: CheckContext, items: readonly unknown[], id: string): unknown {
  const pointer = tokensOf(ctx).list.fields.id;
  return items.find((item) => String(getPointer(item, pointer)) === id);
}

/** How the contract writes a private token's expiration: as chosen at creation, else as the create response reports it. */
export function expiryFormat(ctx: CheckContext): 'iso8601' | 'unix' {
  const chosen = chosenExpiry(ctx.contract);
  if (chosen) return chosen.format;
  const parts = Object.values(tokensOf(ctx).create.response.parts ?? {});
  return parts.find((p) => p.kind === 'expires-at')?.format ?? 'iso8601';
}

/** Reads an expiration as a listing shows it (the contract's format, else either format). */
export function readExpiration(ctx: CheckContext, value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const format = expiryFormat(ctx);
  return parseExpiry(value, format) ?? parseExpiry(value, format === 'unix' ? 'iso8601' : 'unix');
}

/** What a private token's expiration is known to be, and how it came to be known. */
export interface KnownExpiry {
  /** Epoch seconds. */
  readonly at: number;
  readonly text: string;
  /** "chosen at creation", "reported by the create response (expiresAt)". */
  readonly how: string;
}

/**
 * The expiration a private token was created with, as far as the client knows it: the one it chose, or
 * the one the create response reported (server-picked); undefined for a token that never expires, or
 * a server that picks one without saying.
 */
export function createdExpiry(ctx: CheckContext, token: Credential, chosen: number | undefined, issued: number): KnownExpiry | undefined {
  const format = expiryFormat(ctx);
  const expiry = tokensOf(ctx).create.expiry;
  if (expiry.mode === 'chosen') return chosen === undefined ? undefined : { at: chosen, text: formatExpiry(chosen, format), how: 'chosen at creation' };
  if (expiry.mode === 'never') return undefined;
  const reported = reportedExpiry(tokensOf(ctx).create.response, token.parts, issued);
  if (reported?.at === undefined) return undefined;
  return { at: reported.at, text: formatExpiry(reported.at, format), how: `reported by the create response (${reported.name})` };
}

/** Revokes a private token; the response is judged by the caller. */
export function revokeToken(ctx: CheckContext, login: Credential, token: Credential, purpose = 'revoke the private token'): Promise<HttpResponse> {
  return send(ctx, tokensOf(ctx).revoke.request, { purpose, credential: login, vars: token.parts });
}

/** Revokes a private token or fails the check. */
export async function mustRevokeToken(ctx: CheckContext, login: Credential, token: Credential, purpose?: string): Promise<HttpResponse> {
  const spec = tokensOf(ctx).revoke;
  const res = await revokeToken(ctx, login, token, purpose);
  const problem = successProblem(res, spec.response);
  if (problem) throw new Unmet(`revoking a private token to answer ${spec.response.status} (tokens.revoke)`, `${problem}: ${observed(res)}`);
  return res;
}

/** Best-effort removal of a token the check created; its outcome is evidence, not a verdict. */
export async function discardToken(ctx: CheckContext, login: Credential, token: Credential): Promise<void> {
  await revokeToken(ctx, login, token, 'clean up: revoke the private token this check created');
}

/** Rotates a private token or fails the check; the new token's parts. */
export async function mustRotateToken(ctx: CheckContext, login: Credential, token: Credential): Promise<{ res: HttpResponse; rotated: Credential }> {
  const spec = tokensOf(ctx).rotate;
  if (!spec) throw new TypeError('the contract has no tokens.rotate');
  const res = await send(ctx, spec.request, { purpose: 'rotate the private token', credential: login, vars: token.parts });
  const problem = successProblem(res, spec.response);
  const { parts, missing } = extractParts(ctx, spec.response, res);
  const declared = Object.keys(spec.response.parts ?? {});
  if (problem || missing.length) {
    throw new Unmet(
      `rotating a private token to answer ${spec.response.status}${declared.length ? ` with ${declared.join(', ')}` : ''} (tokens.rotate)`,
      `${problem ?? `the response lacks ${missing.join(', ')}`}: ${observed(res)}`,
    );
  }
  return { res, rotated: { parts: { ...token.parts, ...parts } } };
}

/**
 * The expiry a response reports (epoch s), with the part's name: a part of kind expires-at, else one of
 * kind expires-in counted from `issued` (the server time read right after the response) when given.
 */
export function reportedExpiry(
  spec: ResponseSpec,
  parts: Readonly<Record<string, string>>,
  issued?: number,
): { name: string; at: number | undefined } | undefined {
  const entries = Object.entries(spec.parts ?? {});
  for (const [name, part] of entries) {
    if (part.kind !== 'expires-at') continue;
    const raw = parts[name];
    return { name, at: raw === undefined ? undefined : parseExpiry(raw, part.format ?? 'iso8601') };
  }
  if (issued === undefined) return undefined;
  for (const [name, part] of entries) {
    if (part.kind !== 'expires-in') continue;
    const seconds = Number(parts[name]);
    return { name, at: parts[name] === undefined || !Number.isFinite(seconds) ? undefined : issued + seconds };
  }
  return undefined;
}

/** Whether a response declares a part that reports an expiry (expires-at or expires-in). */
export function reportsExpiry(spec: ResponseSpec | undefined): boolean {
  return Object.values(spec?.parts ?? {}).some((p) => p.kind === 'expires-at' || p.kind === 'expires-in');
}

/**
 * Rotates by the sequence the contract states (tokens.rotate.by), such as creating a new token with the
 * same expiration and then revoking the old one; the new token, or the check fails. `ended` says
 * whether the old token's revocation was sent and accepted.
 */
export async function mustRotateBySequence(
  ctx: CheckContext,
  login: Credential,
  old: Credential,
  expiresAt: number | undefined,
  onStep: (step: 'created' | 'revoked', token: Credential) => void,
): Promise<Credential> {
  const sequence = tokensOf(ctx).rotateSequence;
  if (!sequence) throw new TypeError('the contract has no tokens.rotate.by');
  let rotated: Credential | undefined;
  for (const step of sequence.steps) {
    if (step === 'create') {
      const { res, credential, problem } = await createToken(ctx, login, expiresAt, 'rotate: create the new private token');
      if (!credential) {
        throw new Unmet(`rotation's first request, creating a new private token, to answer ${tokensOf(ctx).create.response.status} with a token (tokens.rotate.by)`, `${problem ?? 'no token'}: ${observed(res)}`);
      }
      rotated = credential;
      onStep('created', credential);
    } else {
      await mustRevokeToken(ctx, login, old, 'rotate: revoke the old private token');
      onStep('revoked', old);
    }
  }
  if (!rotated) throw new TypeError('tokens.rotate.by has no create step');
  return rotated;
}
