/**
 * The test clock. Every expiry decision of the mock reads it, so a suite moves time forward with
 * `POST /__test/clock/advance` instead of sleeping. A mock the harness judges stands still between
 * advances (its time is the time it started plus what was advanced), so a verdict never depends on how
 * busy the machine is: a check that presents a token at TTL − 2 s gets the same answer under load.
 * A mock started from the command line for client developers follows real time plus the offset.
 */
import type { Incoming, Reply } from './exchange.js';
import { jsonReply } from './exchange.js';

/** One advance may move the clock by at most this much (about 31 years). */
const MAX_ADVANCE_SECONDS = 1e9;
/** The total offset stays far below the limit of a JavaScript Date (year 275760). */
const MAX_OFFSET_MS = 1e14;

export const CLOCK_PATH = '/__test/clock';
export const ADVANCE_PATH = '/__test/clock/advance';

export class TestClock {
  #offsetMs = 0;
  /** Undefined: real time; else the fixed start the offset is added to. */
  readonly #startMs: number | undefined;

  constructor(options: { readonly realTime?: boolean } = {}) {
    this.#startMs = options.realTime ? undefined : Date.now();
  }

  nowMs(): number {
    return (this.#startMs ?? Date.now()) + this.#offsetMs;
  }

  /** Epoch seconds, as the clock protocol reports them. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Moves the clock forward; returns a reason when the request is refused. */
  advance(seconds: unknown): string | undefined {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      return '"seconds" must be a non-negative finite number.';
    }
    if (seconds > MAX_ADVANCE_SECONDS) return `"seconds" must be at most ${MAX_ADVANCE_SECONDS}.`;
    const next = this.#offsetMs + seconds * 1000;
    if (next > MAX_OFFSET_MS) return 'The clock cannot be advanced that far.';
    this.#offsetMs = next;
    return undefined;
  }
}

/** The clock protocol's two endpoints; undefined when the path is not one of them. */
export function clockExchange(clock: TestClock, req: Pick<Incoming, 'method' | 'path' | 'body'>): Reply | undefined {
  if (req.path === CLOCK_PATH) {
    if (req.method !== 'GET') return jsonReply(405, { error: 'method_not_allowed' }, { allow: 'GET' });
    return jsonReply(200, { now: clock.nowSeconds() });
  }
  if (req.path === ADVANCE_PATH) {
    if (req.method !== 'POST') return jsonReply(405, { error: 'method_not_allowed' }, { allow: 'POST' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      return jsonReply(400, { error: 'bad_request', reason: 'The body must be JSON such as {"seconds": 60}.' });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('seconds' in parsed)) {
      return jsonReply(400, { error: 'bad_request', reason: 'The body must be a JSON object with "seconds", such as {"seconds": 60}.' });
    }
    const reason = clock.advance((parsed as { seconds: unknown }).seconds);
    if (reason) return jsonReply(400, { error: 'bad_request', reason });
    return jsonReply(200, { now: clock.nowSeconds() });
  }
  return undefined;
}
