/**
 * Revocation, shared by logout and private-token revocation: the one session named, and nothing
 * else. A session a logout ended is marked apart from one a revocation ended, so each is refused with
 * its own error (`errors.loggedOut`, `errors.revoked`). The two faults that get this wrong (revoking
 * nothing, revoking every session of the user) branch here and nowhere else.
 */
import type { MockContext } from './context.js';
import type { Session } from './sessions.js';

/** Ends a session as logout (`loggedOut`) or token revocation (`revoked`) does (or, under a fault, nothing or everything). */
export function revoke(ctx: MockContext, session: Session | undefined, by: 'revoked' | 'loggedOut' = 'revoked'): void {
  if (!session || ctx.fault.is('no-revocation')) return;
  if (ctx.fault.is('revoke-all')) {
    for (const s of ctx.sessions.ofUser(session.user)) s.state = by;
    return;
  }
  session.state = by;
}
