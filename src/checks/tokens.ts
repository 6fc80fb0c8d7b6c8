/**
 * tokens.*: private tokens the user manages. A created token is listed with its id and its expiration
 * (chosen at creation, or as the server reported it); rotating, by one request or by the sequence the
 * contract states (create a new token, then revoke the old one), gives a new working token, retires
 * the old one and keeps the expiration. Every token these checks create is revoked again at the end.
 */
import { chosenExpiry } from '../contract/model.js';
import { getPointer } from '../contract/template.js';
import { serverNow } from './boundary.js';
import type { Check } from './check.js';
import { observed } from './expect.js';
import type { HttpResponse } from '../http/client.js';
import { CannotObserve, Unmet, type CheckContext } from './context.js';
import { control, mustAcquire, mustCreateToken, mustRefuse, mustWork, probe, type Credential } from './flows.js';
import {
  createdExpiry,
  discardToken,
  findListed,
  listTokens,
  mustRotateBySequence,
  mustRotateToken,
  readExpiration,
  reportedExpiry,
  tokenId,
  type KnownExpiry,
} from './private-tokens.js';
import { pass } from './run.js';

/** Lifetime of the private tokens these checks create: long enough for the check, short if left behind. */
const TOKEN_LIFETIME = 3600;

/** A new private token, with its chosen expiration when the client chooses one, and what is known of its expiration. */
async function createForCheck(ctx: CheckContext, login: Credential): Promise<{ token: Credential; chosen: number | undefined; expiry: KnownExpiry | undefined }> {
  const now = await serverNow(ctx);
  const chosen = chosenExpiry(ctx.contract) ? now + TOKEN_LIFETIME : undefined;
  const token = await mustCreateToken(ctx, login, chosen);
  const issued = chosen === undefined ? await serverNow(ctx) : now;
  return { token, chosen, expiry: createdExpiry(ctx, token, chosen, issued) };
}

export const tokensChecks: readonly Check[] = [
  {
    id: 'tokens.list',
    family: 'tokens',
    level: 'MUST',
    summary: 'a created private token is listed with its id and its expiration (chosen at creation, or as the server reported it)',
    source: (c) => c.tokens?.list.source ?? '',
    applies: (c) => c.tokens !== undefined,
    async run(ctx) {
      const spec = ctx.contract.tokens;
      if (!spec) throw new CannotObserve('the contract declares no private tokens');
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const { token, expiry } = await createForCheck(ctx, login);
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
        if (expiry === undefined) {
          const why = spec.create.expiry.mode === 'never' ? 'it never expires (tokens.create.expiry.mode: never)' : 'the create response does not report the expiration the server picked';
          return pass(`listed with id ${id}; its expiration is not compared: ${why}`);
        }
        const raw = getPointer(item, pointer);
        const at = readExpiration(ctx, raw);
        if (at === undefined || Math.abs(at - expiry.at) > 1) {
          throw new Unmet(
            `the listed private token ${id} to show its expiration ${expiry.how}, ${expiry.text}, at ${pointer} (tokens.list.fields.expiration)`,
            raw === undefined ? `the item has no ${pointer}: ${observed(res)}` : `it shows ${JSON.stringify(raw)}`,
          );
        }
        return pass(`listed with id ${id} and expiration ${expiry.text}`);
      } finally {
        await discardToken(ctx, login, token);
      }
    },
  },
  {
    id: 'tokens.rotate',
    family: 'tokens',
    level: 'MUST',
    summary: 'rotating a private token (one request, or the sequence the contract states) gives a new working token, retires the old one and keeps the expiration',
    source: (c) => c.tokens?.rotate?.source ?? c.tokens?.rotateSequence?.source ?? '',
    applies: (c) => c.tokens?.rotate !== undefined || c.tokens?.rotateSequence !== undefined,
    async run(ctx) {
      const spec = ctx.contract.tokens;
      if (!spec?.rotate && !spec?.rotateSequence) throw new CannotObserve('the contract declares no token rotation');
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const { token: old, chosen, expiry } = await createForCheck(ctx, login);
      const open = new Set<Credential>([old]);
      try {
        await control(ctx, old);
        let rotated: Credential;
        let res: HttpResponse | undefined;
        if (spec.rotateSequence) {
          const steps = spec.rotateSequence.steps.join(', then ');
          rotated = await mustRotateBySequence(ctx, login, old, chosen, (step, token) => (step === 'created' ? open.add(token) : open.delete(token)));
          const part = ctx.contract.token.part;
          if (rotated.parts[part] === old.parts[part]) throw new Unmet(`rotation (${steps}) to issue a new token (tokens.rotate.by)`, 'creating a token gave back the same token');
          await mustWork(ctx, rotated, `the new token to work after the rotation (${steps}; tokens.rotate.by)`, 'probe with the new token after the rotation');
        } else {
          const out = await mustRotateToken(ctx, login, old);
          ({ rotated, res } = out);
          open.delete(old);
          open.add(rotated);
          const part = ctx.contract.token.part;
          if (rotated.parts[part] === old.parts[part]) {
            throw new Unmet('rotation to issue a new token (tokens.rotate)', `the same token came back: ${observed(out.res)}`);
          }
          await mustWork(ctx, rotated, 'the rotated token to work (tokens.rotate)', 'probe with the rotated token');
        }
        const stale = await probe(ctx, old, undefined, 'probe with the rotated-out token');
        mustRefuse(ctx, stale, 'revoked', 'the rotated-out private token');
        const done = `rotated; the new token works, the old one is refused with ${stale.status}`;
        // A sequence creates the new token as any other: only an expiration the client chooses is carried over.
        if (expiry === undefined || (spec.rotateSequence && chosen === undefined)) {
          return pass(`${done}; ${expiry === undefined ? 'the token has no known expiration' : 'the server picks the new token’s expiration'}, so none is compared`);
        }
        const kept = await rotatedExpiry(ctx, login, rotated, res);
        if (kept === undefined) return pass(`${done}; the expiration is not reported, so it could not be compared`);
        if (kept.at === undefined || Math.abs(kept.at - expiry.at) > 1) {
          throw new Unmet(`rotation to keep the expiration ${expiry.how}, ${expiry.text} (tokens.rotate)`, `${kept.where} shows ${kept.raw}`);
        }
        return pass(`${done}, the expiration stays ${expiry.text}`);
      } finally {
        for (const token of open) await discardToken(ctx, login, token);
      }
    },
  },
];

/**
 * The expiration of a rotated token: as the rotation's response reports it (the rotate response, or the
 * create response of a sequence), else as the list shows it.
 */
async function rotatedExpiry(
  ctx: CheckContext,
  login: Credential,
  rotated: Credential,
  res: HttpResponse | undefined,
): Promise<{ at: number | undefined; raw: string; where: string } | undefined> {
  const spec = ctx.contract.tokens;
  if (!spec) return undefined;
  const response = spec.rotate?.response ?? spec.create.response;
  const issued = await serverNow(ctx);
  const reported = reportedExpiry(response, rotated.parts, issued);
  if (reported) {
    const where = spec.rotate ? `the rotate response's ${reported.name}${res ? ` (${observed(res)})` : ''}` : `the new token's create response ${reported.name}`;
    return { at: reported.at, raw: rotated.parts[reported.name] ?? 'nothing', where };
  }
  const pointer = spec.list.fields.expiration;
  const id = tokenId(ctx, rotated);
  if (pointer === undefined || id === undefined) return undefined;
  const { res: listed, items } = await listTokens(ctx, login, 'list the private tokens after the rotation');
  const item = findListed(ctx, items, id);
  const raw = item === undefined ? undefined : getPointer(item, pointer);
  return { at: readExpiration(ctx, raw), raw: raw === undefined ? 'nothing' : JSON.stringify(raw), where: `the list (${observed(listed)})` };
}
