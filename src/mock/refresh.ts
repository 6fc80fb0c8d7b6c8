/**
 * Refresh: a credential issued earlier buys a new session. Either the body carries it (a refresh
 * token, found by its value, plus e.g. the key it was issued with) or the request presents the token
 * itself (`auth: token`), which the contract may allow even once expired. The decision and the mark
 * that retires the old credential happen in one synchronous step after the last await, so of many
 * concurrent refreshes with the same credential exactly one succeeds.
 */
import type { ErrorCondition } from '../contract/model.js';
import type { MockContext } from './context.js';
import { issueParts, startLogin, successReply } from './credentials.js';
import type { Incoming, Reply } from './exchange.js';
import { refreshFinder, refreshSecretParts } from '../contract/facts.js';
import { isExpired, type Session } from './sessions.js';

export async function refresh(ctx: MockContext, req: Incoming): Promise<Reply> {
  const { contract, errors } = ctx;
  const spec = contract.refresh;
  if (!spec) return errors.reply('invalid');
  const reading = ctx.readers.get('refresh')?.read(req);
  if (!reading || reading.malformed) return errors.reply('malformed');
  const required = Object.keys(contract.credentials).concat(refreshSecretParts(contract));
  if (required.some((n) => reading.absent.has(n))) return errors.reply('malformed');

  const byToken = spec.request.auth === 'token';
  let old: Session | undefined;
  if (byToken) {
    const who = await ctx.auth.identify(req);
    if (!who.ok) {
      const unknown = who.condition === 'invalid' || who.condition === 'tampered' || who.condition === 'mismatched';
      if (!unknown) return errors.reply(who.condition);
      if (!ctx.fault.is('refresh-garbage-accepted')) return errors.reply('refreshInvalid');
    } else old = who.session;
  } else {
    for (const name of Object.keys(contract.credentials)) {
      const v = reading.vars[name];
      if (v !== undefined && v !== contract.mock.credentials[name]) return errors.reply('refreshInvalid');
    }
    const finder = refreshFinder(contract);
    old = finder === undefined ? undefined : ctx.sessions.byPart(finder, reading.vars[finder] ?? '');
    if (!old && !ctx.fault.is('refresh-garbage-accepted')) return errors.reply('refreshInvalid');
    if (old && !ctx.fault.is('refresh-key-unchecked')) {
      for (const p of refreshSecretParts(contract)) if (reading.vars[p] !== old.parts[p]) return errors.reply('refreshInvalid');
    }
  }

  // From here to the mark, no await: the check and the change are one step.
  if (old) {
    const refused = judge(ctx, old, byToken);
    if (refused) return errors.reply(refused);
    old.refreshUsed = true;
    if (spec.rotation) old.state = 'rotated';
  }

  const next = startLogin(ctx);
  if (old) Object.assign(next.parts, old.parts);
  const values = await issueParts(ctx, spec.response, next);
  if (!ctx.fault.is('refresh-broken')) ctx.sessions.add(next);
  return successReply(ctx, spec.response, values);
}

/** Why `old` may not be refreshed now, if it may not. */
function judge(ctx: MockContext, old: Session, byToken: boolean): ErrorCondition | undefined {
  const spec = ctx.contract.refresh;
  if (!spec) return 'refreshInvalid';
  if (old.state === 'revoked') return 'refreshInvalid';
  const used = old.state === 'rotated' || (spec.rotation && old.refreshUsed);
  if (used && !ctx.fault.is('refresh-reuse')) return 'refreshInvalid';
  let allowExpired = spec.expired === 'allowed';
  if (ctx.fault.is('expired-refresh-flipped')) allowExpired = !allowExpired;
  if (!allowExpired && isExpired(old, ctx.clock.nowMs())) return byToken ? 'expired' : 'refreshInvalid';
  return undefined;
}
