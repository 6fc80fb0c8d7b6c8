/**
 * From a parsed request to a reply: the test clock and the published keys (keys.ts) first, then the
 * contract's routes (404 when no path matches, 405 with Allow when only the method is wrong).
 * Protected routes are authenticated here, once, and a contract with rolling tokens gets its new
 * token added to every successful authenticated reply here, so no handler has to remember either.
 */
import { placeholders } from '../contract/template.js';
import { acquire } from './acquire.js';
import type { Identified } from './auth.js';
import { clockExchange } from './clock.js';
import { errorsOf, type MockContext } from './context.js';
import { rollingHeader } from './credentials.js';
import type { Incoming, Reply } from './exchange.js';
import { jsonReply, preparedReply, withHeaders } from './exchange.js';
import { keysExchange } from './keys.js';
import { createToken, listTokens, revokeToken, rotateToken } from './private-tokens.js';
import { logout, probe } from './probe.js';
import { refresh } from './refresh.js';
import { findRoute, type Route } from './routes.js';
import type { Session } from './sessions.js';

const NOT_FOUND = preparedReply(jsonReply(404, { error: 'not_found' }));
/** The 405 replies by their Allow value: a handful per contract, each built once. */
const NOT_ALLOWED = new Map<string, Reply>();

function methodNotAllowed(allow: string): Reply {
  let reply = NOT_ALLOWED.get(allow);
  if (!reply) NOT_ALLOWED.set(allow, (reply = preparedReply(jsonReply(405, { error: 'method_not_allowed' }, { allow }))));
  return reply;
}

/** The placeholders of each route's declared client authentication (`auth: {value: …}`), read once per route. */
const clientNames = new WeakMap<Route, readonly string[]>();

function clientPlaceholders(route: Route, value: string): readonly string[] {
  let names = clientNames.get(route);
  if (!names) clientNames.set(route, (names = placeholders(value)));
  return names;
}

/** A reply, and the route that gave it (for the log). */
export interface Dispatched {
  readonly reply: Reply;
  readonly route?: Route;
}

/**
 * Synchronous wherever the exchange is (the probe of an opaque token: a map lookup and a JSON reply);
 * a promise only where a step really waits (JWT signing or verification, minting). The probe's
 * throughput is measured against a bare node:http server, and a promise hop per layer showed.
 */
export function dispatch(ctx: MockContext, req: Incoming): Dispatched | Promise<Dispatched> {
  const clock = clockExchange(ctx.clock, req);
  if (clock) return { reply: clock };
  const keys = keysExchange(ctx, req);
  if (keys) return { reply: keys };
  const routed = findRoute(ctx.routes, req);
  if (routed.found === 'none') return { reply: NOT_FOUND };
  if (routed.found === 'method') return { reply: methodNotAllowed(routed.allow.join(', ')) };
  const { route } = routed;
  const incoming: Incoming = { method: req.method, path: req.path, query: req.query, form: req.form, rawHeaders: req.rawHeaders, body: req.body, pathVars: routed.pathVars };
  const reply = serve(ctx, route, incoming);
  return reply instanceof Promise ? reply.then((r) => ({ reply: r, route })) : { reply, route };
}

function serve(ctx: MockContext, route: Route, req: Incoming): Reply | Promise<Reply> {
  const client = clientRefusal(ctx, route, req);
  if (client) return client;
  // Acquire and refresh judge their own credentials; other routes without `auth: token` are open.
  const open = route.kind === 'acquire' || route.kind === 'refresh' || (route.kind !== 'probe' && route.request.auth !== 'token');
  if (open) return handle(ctx, route, req, undefined);
  const who = ctx.auth.authenticate(req);
  return who instanceof Promise ? who.then((w) => authenticated(ctx, route, req, w)) : authenticated(ctx, route, req, who);
}

/**
 * Client authentication a route declares besides the token (RFC 7662 introspection, RFC 7009
 * revocation): missing or wrong client credentials are bad credentials. Acquire judges its own.
 */
function clientRefusal(ctx: MockContext, route: Route, req: Incoming): Reply | undefined {
  const auth = route.request.auth;
  if (typeof auth !== 'object' || route.kind === 'acquire') return undefined;
  const reading = ctx.readers.get(route.key)?.read(req);
  if (!reading) return undefined;
  for (const name of clientPlaceholders(route, auth.value)) {
    const expected = ctx.contract.mock.credentials[name];
    if (reading.absent.has(name) || (expected !== undefined && reading.vars[name] !== expected)) return ctx.errors.reply('badCredentials');
  }
  return undefined;
}

/** Serves an authenticated route; a contract with rolling tokens gets one on every success. */
function authenticated(ctx: MockContext, route: Route, req: Incoming, who: Identified): Reply | Promise<Reply> {
  const rolling = ctx.contract.rolling !== undefined;
  if (!who.ok) {
    const reply = errorsOf(ctx, route).reply(who.condition);
    // rolling-on-expired: an expired token is renewed before its expiry is looked at.
    if (rolling && (ctx.fault.is('rolling-on-error') || (ctx.fault.is('rolling-on-expired') && who.condition === 'expired'))) return rollingHeader(ctx, undefined).then((h) => withHeaders(reply, h));
    return reply;
  }
  const session = who.session;
  const rolls = rolling && session !== undefined && route.kind !== 'logout' && !ctx.fault.is('no-rolling-token');
  const reply = handle(ctx, route, req, session);
  if (!rolls) return reply;
  return Promise.resolve(reply).then(async (r) => (r.status >= 200 && r.status < 300 ? withHeaders(r, await rollingHeader(ctx, session)) : r));
}

function handle(ctx: MockContext, route: Route, req: Incoming, session: Session | undefined): Reply | Promise<Reply> {
  switch (route.kind) {
    case 'acquire':
      return acquire(ctx, req);
    case 'refresh':
      return refresh(ctx, req);
    case 'probe':
      return probe(ctx, route, req);
    case 'logout':
      return logout(ctx, req, session);
    case 'tokens.create':
      return createToken(ctx, req, session);
    case 'tokens.list':
      return listTokens(ctx, session);
    case 'tokens.rotate':
      return rotateToken(ctx, req);
    case 'tokens.revoke':
      return revokeToken(ctx, req);
  }
}
