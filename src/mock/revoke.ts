/**
 * Revocation, shared by logout and private-token revocation: the one session named, and nothing
 * else. The two faults that get this wrong (revoking nothing, revoking every session of the user)
 * branch here and nowhere else.
 */
import type { MockContext } from './context.js';
import type { Session } from './sessions.js';

/** Revokes a session as logout and token revocation do (or, under a fault, nothing or everything). */
export function revoke(ctx: MockContext, session: Session | undefined): void {
  if (!session || ctx.fault.is('no-revocation')) return;
  if (ctx.fault.is('revoke-all')) {
    for (const s of ctx.sessions.ofUser(session.user)) s.state = 'revoked';
    return;
  }
  session.state = 'revoked';
}
