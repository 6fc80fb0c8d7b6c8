/**
 * One HTTP exchange as the mock sees it: the request already parsed once (`Incoming`), and the
 * answer as a plain value (`Reply`). Handlers return replies instead of writing to the socket, so a
 * refusal is a value that can be inspected, decorated (a rolling token) and logged in one place.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface Incoming {
  readonly method: string;
  /** Path without the query string, as sent (still percent-encoded). */
  readonly path: string;
  readonly query: Params;
  /** The body read as form fields (parsed on first use, whatever the route declares). */
  readonly form: Params;
  /** Request headers as sent: name, value, name, value… (node's rawHeaders). */
  readonly rawHeaders: readonly string[];
  /** The raw body; empty when none was sent. */
  readonly body: Buffer;
  /** Values of the route's path placeholders, decoded. */
  readonly pathVars: Readonly<Record<string, string>>;
}

/** Query parameters or form fields, read by name. */
export interface Params {
  get(name: string): string | null;
}

/** URL-encoded parameters parsed only when a route asks for one (most requests never do). */
export class LazyParams implements Params {
  readonly #raw: string | Buffer;
  #parsed: URLSearchParams | undefined;

  constructor(raw: string | Buffer) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    if (this.#raw.length === 0) return null;
    this.#parsed ??= new URLSearchParams(typeof this.#raw === 'string' ? this.#raw : this.#raw.toString('utf8'));
    return this.#parsed.get(name);
  }
}

/** Parameters of a request that sent none (no query string, no body): nothing to parse, one shared instance. */
export const NO_PARAMS: Params = { get: () => null };

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value; undefined sends no body (e.g. 204). */
  readonly body?: unknown;
  /**
   * A body sent as it is, under the content-type header of `headers`, instead of JSON: only the faults
   * that answer like a misconfigured web framework (an HTML error page) use it.
   */
  readonly text?: string;
}

export function jsonReply(status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

/** Adds headers to a reply without mutating it. */
export function withHeaders(reply: Reply, headers: Readonly<Record<string, string>>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

/**
 * Reads one request header by name, case-insensitively; a repeated header counts as its first value.
 * It scans node's rawHeaders instead of building the headers object: a protected request reads one
 * or two headers, and building all of them is a measurable part of answering one.
 */
export function header(req: Pick<Incoming, 'rawHeaders'>, name: string): string | undefined {
  const raw = req.rawHeaders;
  let lower: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length !== name.length) continue;
    if (key === name || key.toLowerCase() === (lower ??= name.toLowerCase())) return raw[i + 1];
  }
  return undefined;
}

/** What is written for a prepared reply: the headers object and the body text, both built once. */
interface Wire {
  readonly headers: OutgoingHttpHeaders | undefined;
  readonly text: string | undefined;
}

/** Keyed by the reply object itself: a copy (spread, withHeaders) is another object and is serialized as usual. */
const wires = new WeakMap<Reply, Wire>();

/**
 * Marks a reply that is sent unchanged many times (a 404, a probe's success whose body does not vary):
 * its headers object and JSON text are built now, once, instead of on every send. The reply and its
 * headers are frozen, since what is sent no longer follows later changes to them.
 */
export function preparedReply(reply: Reply): Reply {
  if (reply.headers) Object.freeze(reply.headers);
  Object.freeze(reply);
  wires.set(reply, wire(reply));
  return reply;
}

function wire(reply: Reply): Wire {
  if (reply.text !== undefined) return { headers: { ...reply.headers, 'content-length': Buffer.byteLength(reply.text) }, text: reply.text };
  if (reply.body === undefined || reply.status === 204 || reply.status === 304) return { headers: reply.headers, text: undefined };
  const text = JSON.stringify(reply.body);
  const json = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  // Declared headers first, then the two that describe the body (a contract cannot override them).
  return { headers: reply.headers && hasAny(reply.headers) ? { ...reply.headers, ...json } : json, text };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  const { headers, text } = wires.get(reply) ?? wire(reply);
  res.writeHead(reply.status, headers);
  if (text === undefined) res.end();
  else res.end(text);
}

function hasAny(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
