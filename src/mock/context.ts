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
import type { Route, RouteKind } from './routes.js';
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
  /** One reader per route, compiled once. */
  readonly readers: ReadonlyMap<RouteKind, RequestReader>;
  /** The acquire request and its alternates, each with its reader. */
  readonly acquireReaders: readonly { readonly request: RequestSpec; readonly reader: RequestReader }[];
  /** Lifetime of login tokens in seconds, after the caller's overrides. */
  readonly ttl: number | undefined;
  readonly idle: number | undefined;
  /** The one user the mock's credentials log in as (a JWT's `sub`). */
  readonly user: string;
}
