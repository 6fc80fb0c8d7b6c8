/**
 * One HTTP exchange as evidence. Exchanges are kept raw while a check runs and handed out only
 * through the redactor (see recorder.ts), so a token captured after the request was sent is still
 * hidden in every copy that leaves the recorder.
 */
export interface Exchange {
  /** Position in the check's sequence, from 1. */
  readonly seq: number;
  /** What the check was doing, e.g. "probe with a tampered token". */
  readonly purpose: string;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: string;
  };
  /** Absent when no response came (refused, reset, timed out). */
  readonly response?: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
    /** The body was longer than the cap and was cut. */
    readonly truncated: boolean;
  };
  /** Why no (complete) response came, as a sentence. */
  readonly error?: string;
  readonly startedAt: string;
  readonly durationMs: number;
}

/** `curl` command reproducing an exchange (already redacted). */
export function toCurl(e: Exchange): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['curl', '-i', '-X', e.request.method, q(e.request.url)];
  for (const [k, v] of Object.entries(e.request.headers)) parts.push('-H', q(`${k}: ${v}`));
  if (e.request.body !== undefined) parts.push('--data-raw', q(e.request.body));
  return parts.join(' ');
}

/** A short one-screen rendering of an exchange for failure messages. */
export function describeExchange(e: Exchange, maxBody = 300): string {
  const clip = (s: string): string => (s.length > maxBody ? `${s.slice(0, maxBody)}… (${s.length} chars)` : s);
  const req = `${e.request.method} ${e.request.url}`;
  if (!e.response) return `${req} → no response: ${e.error ?? 'unknown error'}`;
  const body = e.response.body === '' ? '(empty body)' : clip(e.response.body.replace(/\s+/g, ' '));
  return `${req} → ${e.response.status} ${body}${e.error ? ` (${e.error})` : ''}`;
}
