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
import { extractParts, parseExpiry, send, type Credential } from './flows.js';

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

/** Reads an expiration as a listing shows it (the format chosen at creation, else either format). */
export function readExpiration(ctx: CheckContext, value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const format = tokensOf(ctx).create.expiry.format;
  return parseExpiry(value, format) ?? parseExpiry(value, format === 'unix' ? 'iso8601' : 'unix');
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

/** The expiry a response reports in a part of kind expires-at (epoch s), with the part's name. */
export function reportedExpiry(spec: ResponseSpec, parts: Readonly<Record<string, string>>): { name: string; at: number | undefined } | undefined {
  for (const [name, part] of Object.entries(spec.parts ?? {})) {
    if (part.kind !== 'expires-at') continue;
    const raw = parts[name];
    return { name, at: raw === undefined ? undefined : parseExpiry(raw, part.format ?? 'iso8601') };
  }
  return undefined;
}
