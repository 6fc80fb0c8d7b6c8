/**
 * Refresh: a credential issued earlier buys a new session. Either the body carries it (a refresh
 * token, found by its value, plus e.g. the key it was issued with) or the request presents the token
 * itself (`auth: token`), which the contract may allow even once expired. The decision and the mark
 * that uses up the old credential happen in one synchronous step after the last await, so of many
 * concurrent refreshes with the same credential exactly one succeeds (the refresh-race fault puts a
 * slow write between the two).
 *
 * Each refusal is answered with its cause's error (`refresh.errors`, see `refreshRefusal`): an unknown
 * credential (garbage), one a rotation used up (replayed), an expired one where the contract refuses
 * those, one whose session was logged out. The replaced access token is retired as
 * `refresh.retiresAccess` says, and by default where the refresh credential rotates.
 */
import type { RefreshCause, ResolvedError } from '../contract/model.js';
import { errorFor } from '../contract/model.js';
import type { MockContext } from './context.js';
import { issueParts, startLogin, successReply } from './credentials.js';
import type { Incoming, Reply } from './exchange.js';
import { refreshFinder, refreshRefusal, refreshSecretParts } from '../contract/facts.js';
import { isExpired, type Session } from './sessions.js';

/** Under the refresh-race fault: how long the mark that uses up a refresh credential takes to land. */
const RACE_WINDOW_MS = 300;

export async function refresh(ctx: MockContext, req: Incoming): Promise<Reply> {
  const { contract, errors } = ctx;
  const spec = contract.refresh;
  if (!spec) return errors.reply('invalid');
  const reading = ctx.readers.get('refresh')?.read(req);
  if (!reading || reading.malformed) return errors.reply('malformed');
  const required = Object.keys(contract.credentials).concat(refreshSecretParts(contract));
  if (required.some((n) => reading.absent.has(n))) return errors.reply('malformed');
  const garbage = (): Reply => errors.refusal(refreshRefusal(contract, 'garbage'));

  const byToken = spec.request.auth === 'token';
  let old: Session | undefined;
  if (byToken) {
    const who = await ctx.auth.identify(req);
    if (!who.ok) {
      const unknown = who.condition === 'invalid' || who.condition === 'tampered' || who.condition === 'mismatched';
      if (!unknown) return errors.reply(who.condition);
      if (!ctx.fault.is('refresh-garbage-accepted')) return garbage();
    } else old = who.session;
  } else {
    for (const name of Object.keys(contract.credentials)) {
      const v = reading.vars[name];
      if (v !== undefined && v !== contract.mock.credentials[name]) return errors.reply('refreshInvalid');
    }
    const finder = refreshFinder(contract);
    old = finder === undefined ? undefined : ctx.sessions.byPart(finder, reading.vars[finder] ?? '');
    if (!old && !ctx.fault.is('refresh-garbage-accepted')) return garbage();
    if (old && !ctx.fault.is('refresh-key-unchecked')) {
      for (const p of refreshSecretParts(contract)) if (reading.vars[p] !== old.parts[p]) return errors.reply('refreshInvalid');
    }
  }

  // From here to the mark, no await: the check and the change are one step.
  if (old) {
    const refused = judge(ctx, old);
    if (refused) return errors.refusal(refused);
    // The refresh-race fault: the mark lands after a slow write, and every refresh that read the
    // credential meanwhile wins too.
    if (ctx.fault.is('refresh-race')) await new Promise((resolve) => setTimeout(resolve, RACE_WINDOW_MS));
    old.refreshUsed = true;
    if (retiresAccess(ctx)) old.state = 'rotated';
  }

  const next = startLogin(ctx, old?.user);
  if (old) Object.assign(next.parts, old.parts);
  const values = await issueParts(ctx, spec.response, next);
  if (!ctx.fault.is('refresh-broken')) ctx.sessions.add(next);
  return successReply(ctx, spec.response, values);
}

/** Whether a refresh retires the access token it replaces: as declared, else where the credential rotates (format 1). */
function retiresAccess(ctx: MockContext): boolean {
  const spec = ctx.contract.refresh;
  const declared = spec?.retiresAccess?.value;
  if (declared === true && ctx.fault.is('refresh-keeps-old-access')) return false;
  if (declared === false && ctx.fault.is('refresh-retires-old-access')) return true;
  return declared ?? spec?.rotation === true;
}

/** Why `old` may not be refreshed now, as the error to answer, if it may not. */
function judge(ctx: MockContext, old: Session): ResolvedError | undefined {
  const { contract } = ctx;
  const spec = contract.refresh;
  if (!spec) return errorFor(contract, 'refreshInvalid');
  if (old.state === 'loggedOut' && !ctx.fault.is('refresh-after-logout')) return cause(ctx, 'afterLogout');
  if (old.state === 'revoked') return errorFor(contract, 'refreshInvalid');
  // Used up: a rotating credential once used (whether or not its access token was retired with it),
  // or a private token a rotation replaced.
  const used = (spec.rotation && old.refreshUsed) || (old.state === 'rotated' && old.kind === 'private');
  if (used && !ctx.fault.is('refresh-reuse')) return cause(ctx, 'replayed');
  let allowExpired = spec.expired === 'allowed';
  if (ctx.fault.is('expired-refresh-flipped')) allowExpired = !allowExpired;
  if (!allowExpired && isExpired(old, ctx.clock.nowMs())) return cause(ctx, 'expired');
  return undefined;
}

/** The error of a refusal for `c`; the refresh-errors-swapped fault answers every cause as garbage. */
function cause(ctx: MockContext, c: RefreshCause): ResolvedError {
  return refreshRefusal(ctx.contract, ctx.fault.is('refresh-errors-swapped') ? 'garbage' : c);
}
