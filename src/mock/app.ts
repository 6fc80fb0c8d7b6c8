/**
 * The mock without its socket: everything one mock instance holds (its context), and its exchanges
 * answered in-process. `startMock` (server.ts) serves the same context over node:http; tests that need
 * tens of thousands of exchanges, or to look at what the mock holds, use `mockApp` directly.
 */
import { randomUUID } from 'node:crypto';
import type { Contract } from '../contract/model.js';
import { chosenExpiry, issuedParts, probeView } from '../contract/model.js';
import { Authenticator } from './auth.js';
import { TestClock } from './clock.js';
import type { MockContext } from './context.js';
import { dispatch } from './dispatch.js';
import { ErrorReplies } from './errors.js';
import { LazyParams, type Reply } from './exchange.js';
import { selectFault } from './faults.js';
import { createMint } from './issue.js';
import { RequestReader } from './read.js';
import { contractRoutes } from './routes.js';
import { SessionStore, type SessionCounts } from './sessions.js';

/** What a mock instance does, apart from where it listens. */
export interface MockBehaviour {
  /** A fault from FAULTS to run with; it must apply to the contract. */
  readonly fault?: string;
  /** Replaces lifetime.ttl.seconds. */
  readonly ttl?: number;
  /** Replaces lifetime.idle.seconds. */
  readonly idle?: number;
  /**
   * Follow real time between clock advances (a mock for client developers). By default the clock
   * stands still between advances, so the harness's verdicts never depend on the machine's load.
   */
  readonly realTime?: boolean;
}

/** One request, as a client would send it. */
export interface MockRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** The query string without its '?'. */
  readonly query?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface MockApp {
  readonly clock: TestClock;
  /** Answers one request as the server would (without its transport: no body limit, no log). */
  exchange(req: MockRequest): Promise<Reply>;
  sessions(): SessionCounts;
}

export async function mockApp(contract: Contract, behaviour: MockBehaviour = {}): Promise<MockApp> {
  const ctx = await createMockContext(contract, behaviour);
  return {
    clock: ctx.clock,
    async exchange(req) {
      const body = Buffer.from(req.body ?? '', 'utf8');
      const d = await dispatch(ctx, {
        method: req.method,
        path: req.path,
        query: new LazyParams(req.query ?? ''),
        form: new LazyParams(body),
        rawHeaders: Object.entries(req.headers ?? {}).flat(),
        body,
        pathVars: {},
      });
      return d.reply;
    },
    sessions: () => ctx.sessions.counts(),
  };
}

export async function createMockContext(contract: Contract, options: MockBehaviour): Promise<MockContext> {
  const fault = selectFault(contract, options.fault);
  if (fault instanceof Error) throw fault;
  const ttl = lifetimeOverride(options.ttl, contract.lifetime?.ttl?.seconds, 'ttl');
  const idle = lifetimeOverride(options.idle, contract.lifetime?.idle?.seconds, 'idle');
  const clock = new TestClock({ realTime: options.realTime === true });
  const sessions = new SessionStore(contract.token.part, () => clock.nowMs());
  const mint = await createMint(contract, fault);
  const user = `user-${randomUUID()}`;
  const secondUser = contract.mock.secondAccount ? `user-${randomUUID()}` : undefined;
  const auth = new Authenticator(contract, fault, clock, sessions, mint, new Set(issuedParts(contract).keys()), secondUser);
  const routes = contractRoutes(contract);
  const chosen = chosenExpiry(contract);
  const numeric = chosen?.format === 'unix' ? new Set([chosen.var]) : new Set<string>();
  const readers = new Map<string, RequestReader>(routes.map((r) => [r.key, new RequestReader(r.request, fault, r.kind === 'tokens.create' ? numeric : undefined)]));
  const probeErrors = new Map(
    routes.flatMap((r) => (r.probe?.errors && !fault.is('probe-errors-ignored') ? [[r.key, new ErrorReplies(probeView(contract, r.probe), fault, clock)] as const] : [])),
  );
  return {
    contract,
    fault,
    clock,
    sessions,
    mint,
    errors: new ErrorReplies(contract, fault, clock),
    auth,
    routes,
    readers,
    probeErrors,
    acquireReaders: [contract.acquire.request, ...(contract.acquire.alternates ?? []).map((a) => a.request)].map((request) => ({
      request,
      reader: new RequestReader(request, fault),
    })),
    ttl,
    idle,
    user,
    ...(secondUser !== undefined ? { secondUser } : {}),
  };
}

function lifetimeOverride(value: number | undefined, declared: number | undefined, name: 'ttl' | 'idle'): number | undefined {
  if (value === undefined) return declared;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`The ${name} override must be a positive number of seconds.`);
  if (declared === undefined) throw new Error(`The ${name} override replaces lifetime.${name}, but the contract declares no lifetime.${name}.`);
  return value;
}
