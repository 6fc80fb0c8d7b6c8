/**
 * One HTTP exchange as the mock sees it: the request already parsed once (`Incoming`), and the
 * answer as a plain value (`Reply`). Handlers return replies instead of writing to the socket, so a
 * refusal is a value that can be inspected, decorated (a rolling token) and logged in one place.
 */
import type { ServerResponse } from 'node:http';

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
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && (key === name || key.toLowerCase() === name.toLowerCase())) return raw[i + 1];
  }
  return undefined;
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (reply.text !== undefined) {
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.text) });
    res.end(reply.text);
    return;
  }
  if (reply.body === undefined || reply.status === 204 || reply.status === 304) {
    res.writeHead(reply.status, reply.headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  const json = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  // Declared headers first, then the two that describe the body (a contract cannot override them).
  res.writeHead(reply.status, reply.headers && hasAny(reply.headers) ? { ...reply.headers, ...json } : json);
  res.end(text);
}

function hasAny(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
