/**
 * Private (long-lived) tokens: created with an expiry the client chooses (or one the mock picks, or
 * none, as tokens.create.expiry.mode says), listed, rotated (a new token with the same id and expiry;
 * the old one retired) and revoked by id. Each is a session of kind 'private' with no inactivity
 * timeout; its listed id is the issued id part that the rotate and revoke paths name. A rotation by
 * sequence (create, then revoke) needs nothing of its own: it is those two requests.
 */
import { randomUUID } from 'node:crypto';
import { chosenExpiry, type Contract } from '../contract/model.js';
import { escapePointer, getPointer, placeholders, pointerSegments, setPointer } from '../contract/template.js';
import type { MockContext } from './context.js';
import { issueParts, successReply, typedId } from './credentials.js';
import type { Incoming, Reply } from './exchange.js';
import { jsonReply } from './exchange.js';
import { revoke as revokeSession } from './revoke.js';
import { servedSchema } from './routes.js';
import { sample, schemaAt } from './sample.js';
import { isExpired, newSession, type Session } from './sessions.js';

const DAY_MS = 24 * 3600 * 1000;
const YEAR_MS = 365 * DAY_MS;
/** The expiry the mock picks for a token when the server picks it (tokens.create.expiry.mode: server). */
const SERVER_EXPIRY_MS = 90 * DAY_MS;
/** What the default-expiry-accepted fault gives a token created without an expiry. */
const DEFAULT_EXPIRY_MS = 30 * 24 * 3600 * 1000;
/** Latest expiry accepted: far beyond any real use, well inside what a Date can print. */
const LATEST_MS = Date.UTC(9999, 11, 31);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T|$)/;
const UNIX = /^\d+(\.\d+)?$/;

const notFound = (): Reply => jsonReply(404, { error: 'not_found' });

/** The issued part that is a private token's listed id: the placeholder of the revoke path. */
export function privateIdPart(contract: Contract): string | undefined {
  const t = contract.tokens;
  if (!t) return undefined;
  const idParts = Object.entries(t.create.response.parts ?? {}).filter(([, p]) => p.kind === 'id').map(([n]) => n);
  return placeholders(t.revoke.request.path).find((n) => idParts.includes(n)) ?? idParts[0];
}

export async function createToken(ctx: MockContext, req: Incoming, creator: Session | undefined): Promise<Reply> {
  const t = ctx.contract.tokens;
  if (!t) return notFound();
  const reading = ctx.readers.get('tokens.create')?.read(req);
  if (!reading || reading.malformed) return ctx.errors.reply('malformed');
  for (const name of Object.keys(ctx.contract.credentials)) if (reading.absent.has(name)) return ctx.errors.reply('malformed');

  const now = ctx.clock.nowMs();
  const expiry = t.create.expiry;
  const text = expiry.mode === 'chosen' ? reading.vars[expiry.var] : undefined;
  let chosen: number | undefined;
  if (expiry.mode === 'server') chosen = now + SERVER_EXPIRY_MS;
  else if (expiry.mode === 'never') chosen = undefined;
  else if (text === undefined) {
    if (expiry.required && !ctx.fault.is('default-expiry-accepted')) return ctx.errors.reply('malformed');
    chosen = expiry.required ? now + DEFAULT_EXPIRY_MS : undefined;
  } else {
    chosen = expiry.format === 'unix' ? (UNIX.test(text) ? Number(text) * 1000 : NaN) : ISO_DATE.test(text) ? Date.parse(text) : NaN;
    if (!Number.isFinite(chosen) || chosen <= now || chosen > LATEST_MS) return ctx.errors.reply('malformed');
  }

  const s = newSession(creator?.user ?? ctx.user, 'private', now, {});
  s.statedExpiresAt = chosen;
  s.expiresAt = chosen;
  if (chosen !== undefined && ctx.fault.is('custom-expiry-ignored')) s.expiresAt = now + YEAR_MS;
  // The expiry the server reports is not the one it enforces: the token outlives it.
  if (ctx.fault.is('server-expiry-ignored')) s.expiresAt = undefined;
  // A token said to stay valid until revoked quietly expires after a year, as some providers' do.
  if (ctx.fault.is('never-token-expires')) s.expiresAt = now + YEAR_MS;
  if (text !== undefined && expiry.mode === 'chosen' && expiry.format === 'iso8601') s.expiryText = text;
  const body = reading.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) s.meta = body as Record<string, unknown>;
  // The id part is issued as its schema types it (an integer, a uuid…); the session keeps its text.
  const idPart = privateIdPart(ctx.contract);
  const values = await issueParts(ctx, t.create.response, s);
  const id = idPart === undefined ? undefined : values.get(idPart);
  s.privateId = id === undefined ? randomUUID() : String(id);
  ctx.sessions.add(s);
  return successReply(ctx, t.create.response, values);
}

export function listTokens(ctx: MockContext, viewer: Session | undefined): Reply {
  const t = ctx.contract.tokens;
  if (!t) return notFound();
  const list = t.list;
  const now = ctx.clock.nowMs();
  const itemSchema = itemsSchema(list.response.schema, list.items);
  const user = viewer?.user ?? ctx.user;
  const items = ctx.sessions
    .ofUser(user)
    .filter((s) => s.kind === 'private' && s.state === 'live' && !isExpired(s, now))
    .map((s) => listItem(ctx, s, itemSchema, now));
  // A probe that shares the list's request is answered by it: the body satisfies both (servedSchema).
  let body: unknown = list.response.schema ? sample(servedSchema(ctx.routes, 'tokens.list', list.response.schema), now) : {};
  body = setPointer(body, list.items, items);
  return { status: list.response.status, body };
}

function listItem(ctx: MockContext, s: Session, schema: unknown, now: number): unknown {
  const list = ctx.contract.tokens?.list;
  const format = listedFormat(ctx.contract);
  if (!list) return {};
  let item = sample(schema, now);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) item = {};
  const top = item as Record<string, unknown>;
  // Properties the client chose at creation (a name) are listed as given.
  for (const key of Object.keys(top)) {
    const given = s.meta?.[key];
    if (given !== undefined && typeof given === typeof top[key]) top[key] = given;
  }
  item = setPointer(item, list.fields.id, typedId(schemaAt(schema, list.fields.id), s.privateId ?? ''));
  const at = list.fields.expiration;
  if (at !== undefined) {
    if (ctx.fault.is('list-without-expiration')) removePointer(item, at);
    else if (s.statedExpiresAt !== undefined) {
      const v = format === 'unix' ? Math.floor(s.statedExpiresAt / 1000) : s.expiryText ?? new Date(s.statedExpiresAt).toISOString();
      item = setPointer(item, at, v);
    }
  }
  return item;
}

export async function rotateToken(ctx: MockContext, req: Incoming): Promise<Reply> {
  const rotate = ctx.contract.tokens?.rotate;
  const idPart = privateIdPart(ctx.contract);
  if (!rotate || !idPart) return notFound();
  const old = ctx.sessions.byPrivateId(req.pathVars[idPart] ?? '');
  if (!old || old.state !== 'live' || isExpired(old, ctx.clock.nowMs())) return notFound();
  // Retire first, with no await between the check and the change.
  if (!ctx.fault.is('rotate-keeps-old')) old.state = 'rotated';

  const s = newSession(old.user, 'private', ctx.clock.nowMs(), {});
  s.expiresAt = old.expiresAt;
  s.statedExpiresAt = old.statedExpiresAt;
  if (old.expiryText !== undefined) s.expiryText = old.expiryText;
  if (old.meta) s.meta = old.meta;
  s.privateId = old.privateId;
  const values = await issueParts(ctx, rotate.response, s, { [idPart]: old.privateId ?? '' });
  ctx.sessions.add(s);
  return successReply(ctx, rotate.response, values);
}

export function revokeToken(ctx: MockContext, req: Incoming): Reply {
  const revoke = ctx.contract.tokens?.revoke;
  const idPart = privateIdPart(ctx.contract);
  if (!revoke || !idPart) return notFound();
  const s = ctx.sessions.byPrivateId(req.pathVars[idPart] ?? '');
  if (!s || s.state !== 'live') return notFound();
  if (ctx.fault.is('revoke-cascades')) {
    // The private tokens the user created after this one die with it: a rotation's new token too.
    const mine = ctx.sessions.ofUser(s.user).filter((o) => o.kind === 'private');
    for (const later of mine.slice(mine.indexOf(s) + 1)) revokeSession(ctx, later);
  }
  revokeSession(ctx, s);
  return { status: revoke.response.status, body: revoke.response.status === 204 ? undefined : {} };
}

/** How a listed expiration is written: as the client chooses it, else as the create response reports it. */
function listedFormat(contract: Contract): 'iso8601' | 'unix' {
  const chosen = chosenExpiry(contract);
  if (chosen) return chosen.format;
  const parts = Object.values(contract.tokens?.create.response.parts ?? {});
  return parts.find((p) => p.kind === 'expires-at')?.format ?? 'iso8601';
}

/** The schema of one listed item: the schema at the items pointer, then its `items`. */
function itemsSchema(schema: Record<string, unknown> | undefined, pointer: string): unknown {
  let cur: unknown = schema;
  for (const seg of pointerSegments(pointer)) {
    const props = (cur as { properties?: Record<string, unknown> } | undefined)?.properties;
    cur = props?.[seg];
  }
  return (cur as { items?: unknown } | undefined)?.items;
}

function removePointer(root: unknown, pointer: string): void {
  const segs = pointerSegments(pointer);
  const last = segs.pop();
  const parent = getPointer(root, segs.map((seg) => `/${escapePointer(seg)}`).join(''));
  if (last !== undefined && parent !== null && typeof parent === 'object') delete (parent as Record<string, unknown>)[last];
}
