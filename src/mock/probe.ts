/**
 * The probe and logout: the two exchanges every session can make once authenticated. The probe
 * answers its declared status with a body sampled from its schema; logout ends the presented
 * session, or, where the token travels in the body instead (RFC 7009 revocation), the session that
 * token names, and answers its declared status, body and headers. A request body the contract
 * declares is still read, so a malformed one is refused.
 */
import type { Contract, PartSpec } from '../contract/model.js';
import { issuedParts } from '../contract/model.js';
import type { MockContext } from './context.js';
import { successReply } from './credentials.js';
import type { Incoming, Reply } from './exchange.js';
import type { RequestReading } from './read.js';
import { revoke } from './revoke.js';
import type { Route, RouteKind } from './routes.js';
import type { Session } from './sessions.js';

/** The parts a contract issues, derived once per contract rather than on every request that reads a body. */
const issued = new WeakMap<Contract, ReadonlyMap<string, PartSpec>>();

function issuedOf(contract: Contract): ReadonlyMap<string, PartSpec> {
  let parts = issued.get(contract);
  if (!parts) issued.set(contract, (parts = issuedParts(contract)));
  return parts;
}

/** The route's body, if it declares one, is well formed and carries its credential and issued-part placeholders. */
export function bodyRefusal(ctx: MockContext, key: RouteKind | `probe@${string}`, req: Incoming): Reply | RequestReading | undefined {
  const reading = ctx.readers.get(key)?.read(req);
  if (!reading) return undefined;
  if (reading.malformed) return ctx.errors.reply('malformed');
  if (reading.absent.size === 0) return reading;
  const parts = issuedOf(ctx.contract);
  for (const name of reading.absent) if (name in ctx.contract.credentials || parts.has(name)) return ctx.errors.reply('malformed');
  return reading;
}

function isReply(v: Reply | RequestReading | undefined): v is Reply {
  return v !== undefined && 'status' in v;
}

/** A probe (the contract's own, or one of its further probes) answers its declared success. */
export function probe(ctx: MockContext, route: Route, req: Incoming): Reply {
  const response = route.probe?.response ?? ctx.contract.probe.response;
  // The query-token-accepted fault took the token from the query: the form field it replaces is not asked for.
  if (ctx.fault.is('query-token-accepted') && ctx.contract.present.in === 'form' && req.query.get('access_token')) return successReply(ctx, response);
  const refused = bodyRefusal(ctx, route.key as `probe@${string}`, req);
  return isReply(refused) ? refused : successReply(ctx, response);
}

export function logout(ctx: MockContext, req: Incoming, session: Session | undefined): Reply {
  const spec = ctx.contract.logout;
  if (!spec) return ctx.errors.reply('invalid');
  const read = bodyRefusal(ctx, 'logout', req);
  if (isReply(read)) return read;
  // An unknown token is no error here: revocation of what does not exist succeeds (RFC 7009 §2.2).
  revoke(ctx, session ?? (read ? namedSession(ctx, read.vars) : undefined), 'loggedOut');
  // The declared body (sampled from its schema) and headers; the logout-body-undeclared fault answers an empty object without them.
  if (ctx.fault.is('logout-body-undeclared')) return { status: spec.response.status, body: spec.response.status === 204 ? undefined : {} };
  return successReply(ctx, spec.response);
}

/** The session an issued value in the request names (a token in a revocation body). */
function namedSession(ctx: MockContext, vars: Readonly<Record<string, string>>): Session | undefined {
  const token = vars[ctx.contract.token.part];
  if (token !== undefined) return ctx.sessions.byToken(token);
  for (const name of issuedOf(ctx.contract).keys()) {
    const v = vars[name];
    const s = v === undefined ? undefined : ctx.sessions.byPart(name, v);
    if (s) return s;
  }
  return undefined;
}
