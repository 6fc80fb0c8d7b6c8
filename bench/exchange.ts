/**
 * The HTTP exchanges of a conformance run as the replay benchmark stores them: raw (the mocks' fake
 * credentials and the tokens they issued), kept in a temporary folder for the length of a benchmark.
 */

export interface RawExchange {
  readonly method: string;
  /** Path and query, without the origin (the replay sends them to a fresh mock). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly status: number;
  /** Lower-case names. */
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: string;
}

export interface ProviderRecording {
  /** Spec file the mock was started from. */
  readonly spec: string;
  readonly id: string;
  readonly exchanges: readonly RawExchange[];
}

export interface Recording {
  /** What Date.now() returned, frozen, while the exchanges were recorded; the replay freezes it the same. */
  readonly frozenAt: number;
  readonly providers: readonly ProviderRecording[];
}

/**
 * Stops the wall clock at `at` for this process. The mocks' test clocks are real time plus what the
 * checks advanced, so with the clock stopped a fresh mock reads exactly the times the recorded one did,
 * and a request carrying an absolute time (a private token's expiration) means the same on replay.
 * Timing uses performance.now(), which this leaves alone.
 */
export function freezeClock(at: number): void {
  Date.now = () => at;
}

/** Lower-cased names, string values: a header list in any form undici accepts. */
export function flatHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (Array.isArray(h)) {
    for (let i = 0; i + 1 < h.length; i += 2) out[String(h[i]).toLowerCase()] = String(h[i + 1]);
    return out;
  }
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(', ') : String(v);
  }
  return out;
}
