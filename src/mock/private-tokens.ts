/**
 * Private (long-lived) tokens: created with an expiry the client chooses, listed, rotated (a new
 * token with the same id and expiry; the old one retired) and revoked by id. Each is a session of
 * kind 'private' with no inactivity timeout; its listed id is the issued id part that the rotate and
 * revoke paths name.
 */
import { randomUUID } from 'node:crypto';
import type { Contract } from '../contract/model.js';
import { escapePointer, getPointer, placeholders, pointerSegments, setPointer } from '../contract/template.js';
import type { MockContext } from './context.js';
import { issueParts, successReply } from './credentials.js';
import type { Incoming, Reply } from './exchange.js';
import { jsonReply } from './exchange.js';
import { revoke as revokeSession } from './revoke.js';
import { sample } from './sample.js';
import { isExpired, newSession, type Session } from './sessions.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;
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
  const { var: name, format, required } = t.create.expiry;
  const text = reading.vars[name];
  let chosen: number | undefined;
  if (text === undefined) {
    if (required && !ctx.fault.is('default-expiry-accepted')) return ctx.errors.reply('malformed');
    chosen = required ? now + DEFAULT_EXPIRY_MS : undefined;
  } else {
    chosen = format === 'unix' ? (UNIX.test(text) ? Number(text) * 1000 : NaN) : ISO_DATE.test(text) ? Date.parse(text) : NaN;
    if (!Number.isFinite(chosen) || chosen <= now || chosen > LATEST_MS) return ctx.errors.reply('malformed');
  }

  const s = newSession(creator?.user ?? ctx.user, 'private', now, {});
  s.statedExpiresAt = chosen;
  s.expiresAt = chosen !== undefined && ctx.fault.is('custom-expiry-ignored') ? now + YEAR_MS : chosen;
  if (text !== undefined && format === 'iso8601') s.expiryText = text;
  const body = reading.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) s.meta = body as Record<string, unknown>;
  s.privateId = randomUUID();
  const idPart = privateIdPart(ctx.contract);
  const values = await issueParts(ctx, t.create.response, s, idPart ? { [idPart]: s.privateId } : {});
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
  let body: unknown = list.response.schema ? sample(list.response.schema, now) : {};
  body = setPointer(body, list.items, items);
  return { status: list.response.status, body };
}

function listItem(ctx: MockContext, s: Session, schema: unknown, now: number): unknown {
  const list = ctx.contract.tokens?.list;
  const format = ctx.contract.tokens?.create.expiry.format;
  if (!list) return {};
  let item = sample(schema, now);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) item = {};
  const top = item as Record<string, unknown>;
  // Properties the client chose at creation (a name) are listed as given.
  for (const key of Object.keys(top)) {
    const given = s.meta?.[key];
    if (given !== undefined && typeof given === typeof top[key]) top[key] = given;
  }
  item = setPointer(item, list.fields.id, s.privateId);
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
  revokeSession(ctx, s);
  return { status: revoke.response.status, body: revoke.response.status === 204 ? undefined : {} };
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
