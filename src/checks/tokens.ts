/**
 * tokens.*: private tokens the user manages. A created token is listed with its id and the
 * expiration chosen at its creation; rotating gives a new working token, retires the old one and keeps
 * the expiration. Every token these checks create is revoked again at the end.
 */
import { getPointer } from '../contract/template.js';
import { serverNow } from './boundary.js';
import type { Check } from './check.js';
import { observed } from './expect.js';
import type { HttpResponse } from '../http/client.js';
import { CannotObserve, Unmet, type CheckContext } from './context.js';
import { control, formatExpiry, mustAcquire, mustCreateToken, mustRefuse, mustWork, probe, type Credential } from './flows.js';
import { discardToken, findListed, listTokens, mustRotateToken, readExpiration, reportedExpiry, tokenId } from './private-tokens.js';
import { pass } from './run.js';

/** Lifetime of the private tokens these checks create: long enough for the check, short if left behind. */
const TOKEN_LIFETIME = 3600;

export const tokensChecks: readonly Check[] = [
  {
    id: 'tokens.list',
    family: 'tokens',
    level: 'MUST',
    summary: 'a created private token is listed with its id and the expiration chosen at creation',
    source: (c) => c.tokens?.list.source ?? '',
    applies: (c) => c.tokens !== undefined,
    async run(ctx) {
      const spec = ctx.contract.tokens;
      if (!spec) throw new CannotObserve('the contract declares no private tokens');
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const chosen = (await serverNow(ctx)) + TOKEN_LIFETIME;
      const chosenText = formatExpiry(chosen, spec.create.expiry.format);
      const token = await mustCreateToken(ctx, login, chosen);
      try {
        const id = tokenId(ctx, token);
        if (id === undefined) throw new CannotObserve('the create response declares no part of kind id, so the created token cannot be found in the list');
        const { res, items } = await listTokens(ctx, login);
        const item = findListed(ctx, items, id);
        if (item === undefined) {
          throw new Unmet(`the created private token ${id} to be listed at ${spec.list.items} with ${spec.list.fields.id} = ${id} (tokens.list)`, `it is not: ${observed(res)}`);
        }
        const pointer = spec.list.fields.expiration;
        if (pointer === undefined) return pass(`listed with id ${id}`);
        const raw = getPointer(item, pointer);
        const at = readExpiration(ctx, raw);
        if (at === undefined || Math.abs(at - chosen) > 1) {
          throw new Unmet(
            `the listed private token ${id} to show the expiration chosen at creation, ${chosenText}, at ${pointer} (tokens.list.fields.expiration)`,
            raw === undefined ? `the item has no ${pointer}: ${observed(res)}` : `it shows ${JSON.stringify(raw)}`,
          );
        }
        return pass(`listed with id ${id} and expiration ${chosenText}`);
      } finally {
        await discardToken(ctx, login, token);
      }
    },
  },
  {
    id: 'tokens.rotate',
    family: 'tokens',
    level: 'MUST',
    summary: 'rotating a private token gives a new working token, retires the old one and keeps the expiration',
    source: (c) => c.tokens?.rotate?.source ?? '',
    applies: (c) => c.tokens?.rotate !== undefined,
    async run(ctx) {
      const spec = ctx.contract.tokens;
      if (!spec?.rotate) throw new CannotObserve('the contract declares no token rotation');
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const chosen = (await serverNow(ctx)) + TOKEN_LIFETIME;
      const chosenText = formatExpiry(chosen, spec.create.expiry.format);
      const old = await mustCreateToken(ctx, login, chosen);
      let current = old;
      try {
        await control(ctx, old);
        const { res, rotated } = await mustRotateToken(ctx, login, old);
        current = rotated;
        const part = ctx.contract.token.part;
        if (rotated.parts[part] === old.parts[part]) {
          throw new Unmet('rotation to issue a new token (tokens.rotate)', `the same token came back: ${observed(res)}`);
        }
        await mustWork(ctx, rotated, 'the rotated token to work (tokens.rotate)', 'probe with the rotated token');
        const stale = await probe(ctx, old, undefined, 'probe with the rotated-out token');
        mustRefuse(ctx, stale, 'revoked', 'the rotated-out private token');
        const expiry = await rotatedExpiry(ctx, login, rotated, res);
        if (expiry === undefined) return pass(`rotated; the old token refused with ${stale.status}; the expiration is not reported, so it could not be compared`);
        if (expiry.at === undefined || Math.abs(expiry.at - chosen) > 1) {
          throw new Unmet(`rotation to keep the expiration chosen at creation, ${chosenText} (tokens.rotate)`, `${expiry.where} shows ${expiry.raw}`);
        }
        return pass(`rotated; the new token works, the old one is refused with ${stale.status}, the expiration stays ${chosenText}`);
      } finally {
        await discardToken(ctx, login, current);
      }
    },
  },
];

/** The expiration of a rotated token: as the rotate response reports it, else as the list shows it. */
async function rotatedExpiry(
  ctx: CheckContext,
  login: Credential,
  rotated: Credential,
  res: HttpResponse,
): Promise<{ at: number | undefined; raw: string; where: string } | undefined> {
  const spec = ctx.contract.tokens;
  const rotate = spec?.rotate;
  if (!spec || !rotate) return undefined;
  const reported = reportedExpiry(rotate.response, rotated.parts);
  if (reported) return { at: reported.at, raw: rotated.parts[reported.name] ?? 'nothing', where: `the rotate response's ${reported.name} (${observed(res)})` };
  const pointer = spec.list.fields.expiration;
  const id = tokenId(ctx, rotated);
  if (pointer === undefined || id === undefined) return undefined;
  const { res: listed, items } = await listTokens(ctx, login, 'list the private tokens after the rotation');
  const item = findListed(ctx, items, id);
  const raw = item === undefined ? undefined : getPointer(item, pointer);
  return { at: readExpiration(ctx, raw), raw: raw === undefined ? 'nothing' : JSON.stringify(raw), where: `the list (${observed(listed)})` };
}
