/**
 * Releasing what a check left open. A live target is someone's account, and every session a run
 * opens there stays open until it expires unless the run ends it: so once a check's verdict is
 * settled, each credential in its ledger that the check did not end itself, and that has not run
 * out by the time the check let pass, is logged out (logins, when the contract declares a logout) or
 * revoked (private tokens, with the login that created them). Only credentials the check obtained are
 * in its ledger, so nothing the run did not create is ever released.
 *
 * Release is best effort and never changes a verdict. Its exchanges join the check's evidence; a
 * credential refused as already ended (revoked, expired, rotated away, a private token already gone)
 * counts as released; anything else is returned as a sentence for the verdict's `release` note.
 */
import { errorsDiffer } from '../contract/facts.js';
import { errorFor } from '../contract/model.js';
import type { HttpResponse } from '../http/client.js';
import type { CheckContext } from './context.js';
import { lifetimes } from './context.js';
import { errorProblem } from './expect.js';
import { send } from './flows.js';
import type { Ledger, Opened } from './ledger.js';

/** Most release requests after one check: far above what a check opens, a bound if a fault issues many. */
const MAX_RELEASES = 8;

export const LOGOUT_PURPOSE = 'release: log out the session this check opened';
export const REVOKE_PURPOSE = 'release: revoke the private token this check created';

/** Releases what the check left open; a sentence naming what could not be released, or undefined. */
export async function release(ctx: CheckContext, ledger: Ledger): Promise<string | undefined> {
  const { logout, tokens } = ctx.contract;
  const open = ledger.open(lifetimes(ctx)).filter((o) => (o.kind === 'login' ? logout !== undefined : tokens !== undefined));
  const problems: string[] = [];
  let sent = 0;
  for (const o of open) {
    if (sent === MAX_RELEASES) {
      problems.push(`${open.length - sent} more credentials left open (at most ${MAX_RELEASES} are released after one check)`);
      break;
    }
    sent++;
    let res: HttpResponse;
    try {
      res = await releaseOne(ctx, o);
    } catch (e) {
      problems.push(`${what(o)}: ${(e as Error).message}`);
      continue;
    }
    if (released(ctx, ledger, o, res)) continue;
    problems.push(`${what(o)}: ${res.status ? `answered ${res.status}` : `no response (${res.error ?? 'unknown error'})`}`);
    // A target that does not answer would make every further release wait for the deadline too.
    if (res.status === 0) {
      const left = open.length - sent;
      if (left) problems.push(`${left} more left open: the target did not answer`);
      break;
    }
  }
  return problems.length ? `could not release everything this check opened: ${problems.join('; ')}` : undefined;
}

function releaseOne(ctx: CheckContext, o: Opened): Promise<HttpResponse> {
  const { logout, tokens } = ctx.contract;
  if (o.kind === 'private' && tokens && o.login) {
    return send(ctx, tokens.revoke.request, { purpose: REVOKE_PURPOSE, credential: o.login, vars: o.credential.parts });
  }
  if (o.kind === 'login' && logout) return send(ctx, logout.request, { purpose: LOGOUT_PURPOSE, credential: o.credential });
  throw new TypeError('the contract declares no way to end it');
}

/** The release succeeded, or the credential was already ended. */
function released(ctx: CheckContext, ledger: Ledger, o: Opened, res: HttpResponse): boolean {
  const { contract } = ctx;
  const spec = o.kind === 'private' ? contract.tokens?.revoke : contract.logout;
  if (spec && res.status === spec.response.status) return true;
  // A private token that is no longer there is gone either way. A refusal of its revocation speaks of
  // the login that authorised it, not of the token, which stays open.
  if (o.kind === 'private') return res.status === 404 || res.status === 410;
  // The contract's own error for a logged-out, revoked or expired token says the session has ended.
  // Its invalid-token error (which those fall back to) could as well be a refusal of the logout request
  // itself: it counts only for a credential that may have ended during the check.
  const is = (c: 'loggedOut' | 'revoked' | 'expired' | 'invalid'): boolean => errorProblem(contract, res, c) === undefined;
  const invalid = errorFor(contract, 'invalid');
  if ((['loggedOut', 'revoked', 'expired'] as const).some((c) => is(c) && errorsDiffer(errorFor(contract, c), invalid))) return true;
  return ledger.mayHaveEnded(o) && (is('loggedOut') || is('revoked') || is('expired') || is('invalid'));
}

function what(o: Opened): string {
  return o.kind === 'private' ? 'revoking a private token it created' : 'logging out a session it opened';
}
