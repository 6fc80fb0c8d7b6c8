/**
 * Everything one running mock holds: its contract, the fault it runs with, its clock, key and
 * sessions. Handlers receive it explicitly (no module state), so two mocks in one process never share
 * a token, a clock or a fault.
 */
import type { Contract, RequestSpec } from '../contract/model.js';
import type { Authenticator } from './auth.js';
import type { TestClock } from './clock.js';
import type { ErrorReplies } from './errors.js';
import type { ActiveFault } from './faults.js';
import type { TokenMint } from './issue.js';
import type { RequestReader } from './read.js';
import type { Route } from './routes.js';
import type { SessionStore } from './sessions.js';

export interface MockContext {
  readonly contract: Contract;
  readonly fault: ActiveFault;
  readonly clock: TestClock;
  readonly sessions: SessionStore;
  readonly mint: TokenMint;
  readonly errors: ErrorReplies;
  readonly auth: Authenticator;
  readonly routes: readonly Route[];
  /** One reader per route (by its key), compiled once. */
  readonly readers: ReadonlyMap<string, RequestReader>;
  /** The refusals of each further probe (by route key), where it declares its own. */
  readonly probeErrors: ReadonlyMap<string, ErrorReplies>;
  /** The acquire request and its alternates, each with its reader. */
  readonly acquireReaders: readonly { readonly request: RequestSpec; readonly reader: RequestReader }[];
  /** Lifetime of login tokens in seconds, after the caller's overrides. */
  readonly ttl: number | undefined;
  readonly idle: number | undefined;
  /** The user the mock's credentials log in as (a JWT's `sub`). */
  readonly user: string;
  /** The other user, whom the `mock.secondAccount` values log in as (format 2). */
  readonly secondUser?: string;
}

/** The refusals a route answers with: a further probe's own, or the contract's. */
export function errorsOf(ctx: MockContext, route: Route): ErrorReplies {
  return ctx.probeErrors.get(route.key) ?? ctx.errors;
}
