/**
 * The provider's published verification keys: where a contract says the public keys that verify its
 * JWTs are published (`token.jwks`, an RFC 7517 JWK Set), the mock serves the public half of the key
 * it signs with there, as a server with asymmetrically signed tokens does. Answered before the
 * contract's routes, like the test clock: it is no operation of the contract.
 */
import type { MockContext } from './context.js';
import type { Incoming, Reply } from './exchange.js';
import { jsonReply } from './exchange.js';

/** The JWK Set reply to a request for `token.jwks.path`; undefined for any other request. */
export function keysExchange(ctx: Pick<MockContext, 'contract' | 'mint'>, req: Pick<Incoming, 'method' | 'path'>): Reply | undefined {
  const published = ctx.contract.token.jwks;
  const jwks = ctx.mint.jwks;
  if (!published || !jwks || req.path !== published.path) return undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') return jsonReply(405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
  // Public keys may be cached (RFC 7517 has no rule on it; providers let clients cache for minutes).
  return jsonReply(200, jwks, { 'cache-control': 'public, max-age=300' });
}
