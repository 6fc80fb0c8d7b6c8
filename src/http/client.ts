/**
 * The HTTP client every check uses: undici with a per-request deadline and a body-size cap, recording
 * every exchange exactly once. A server that hangs, resets, drips or floods becomes a response-less
 * exchange with the reason, never an exception that escapes a check.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { describeExchange, type Exchange } from './exchange.js';
import type { Redactor } from './redact.js';

export interface HttpRequest {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** What the check is doing, for the evidence. */
  readonly purpose: string;
}

export interface HttpResponse {
  /** 0 when no response came. */
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly truncated: boolean;
  /** Why no complete response came. */
  readonly error?: string;
  readonly exchange: Exchange;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json(): unknown;
  /**
   * One line for a verdict: the exchange redacted with every secret known now, then clipped
   * (clipping first could cut a secret and leave a part of it the redactor no longer recognises).
   */
  describe(maxBody?: number): string;
}

export interface ClientOptions {
  /** Deadline for one whole exchange, headers and body (default 10 s). */
  readonly timeoutMs?: number;
  /** Bytes of a response body kept; the rest is discarded and the exchange marked truncated (default 1 MiB). */
  readonly maxBodyBytes?: number;
  readonly dispatcher?: Dispatcher;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY = 1024 * 1024;

let sharedAgent: Agent | undefined;
function agent(): Agent {
  sharedAgent ??= new Agent({ keepAliveTimeout: 4_000, connections: 16 });
  return sharedAgent;
}

/** Records raw exchanges; hands them out only redacted. */
export class Recorder {
  readonly #raw: Exchange[] = [];
  readonly redactor: Redactor;

  constructor(redactor: Redactor) {
    this.redactor = redactor;
  }

  add(e: Omit<Exchange, 'seq'>): Exchange {
    const full = { ...e, seq: this.#raw.length + 1 };
    this.#raw.push(full);
    return full;
  }

  /** Redacted copies, with every secret known now. */
  exchanges(): Exchange[] {
    return this.#raw.map((e) => this.redact(e));
  }

  redact(e: Exchange): Exchange {
    const r = this.redactor;
    return {
      ...e,
      purpose: r.text(e.purpose),
      request: {
        method: e.request.method,
        url: r.text(e.request.url),
        headers: r.headers(e.request.headers),
        ...(e.request.body !== undefined ? { body: r.body(e.request.body) } : {}),
      },
      ...(e.response
        ? { response: { ...e.response, headers: r.headers(e.response.headers), body: r.body(e.response.body) } }
        : {}),
      ...(e.error !== undefined ? { error: r.text(e.error) } : {}),
    };
  }
}

export class HttpClient {
  readonly #recorder: Recorder;
  readonly #timeoutMs: number;
  readonly #maxBody: number;
  readonly #dispatcher: Dispatcher | undefined;

  constructor(recorder: Recorder, options: ClientOptions = {}) {
    this.#recorder = recorder;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.#dispatcher = options.dispatcher;
  }

  get recorder(): Recorder {
    return this.#recorder;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    const headers = { ...(req.headers ?? {}) };
    let status = 0;
    let resHeaders: Record<string, string> = {};
    let text = '';
    let truncated = false;
    let error: string | undefined;
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    try {
      const res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers,
        body: req.body,
        signal: deadline,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
        dispatcher: this.#dispatcher ?? agent(),
      });
      status = res.statusCode;
      resHeaders = flattenHeaders(res.headers);
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body) {
          const buf = chunk as Buffer;
          if (size + buf.length > this.#maxBody) {
            chunks.push(buf.subarray(0, this.#maxBody - size));
            size = this.#maxBody;
            truncated = true;
            res.body.destroy();
            break;
          }
          chunks.push(buf);
          size += buf.length;
        }
      } catch (e) {
        error = `the response body was cut off: ${reason(e, this.#timeoutMs)}`;
      }
      text = Buffer.concat(chunks).toString('utf8');
      if (truncated) error = `the response body exceeded ${this.#maxBody} bytes and was cut`;
    } catch (e) {
      error = reason(e, this.#timeoutMs);
    }
    const exchange = this.#recorder.add({
      purpose: req.purpose,
      request: { method: req.method, url: req.url, headers, ...(req.body !== undefined ? { body: req.body } : {}) },
      ...(status ? { response: { status, headers: resHeaders, body: text, truncated } } : {}),
      ...(error !== undefined ? { error } : {}),
      startedAt,
      durationMs: Date.now() - started,
    });
    return {
      status,
      headers: resHeaders,
      text,
      truncated,
      ...(error !== undefined ? { error } : {}),
      exchange,
      json: () => parseJson(text),
      describe: (maxBody?: number) => describeExchange(this.#recorder.redact(exchange), maxBody),
    };
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A sentence for a transport failure. */
function reason(e: unknown, timeoutMs: number): string {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (is the server listening?)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the server closed the connection without a complete response';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `no response headers within ${timeoutMs} ms`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `the response body stalled for ${timeoutMs} ms`;
    case 'ENOTFOUND':
      return 'the host name could not be resolved';
    default:
      if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no complete response within ${timeoutMs} ms`;
      return `the request failed: ${err.message ?? String(e)}`;
  }
}
