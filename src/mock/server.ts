/**
 * The mock server: `startMock(contract)` serves any resolved contract over node:http on loopback.
 * This file owns only the transport: reading a body (at most 64 KiB, else 413), splitting path and
 * query, turning an unexpected exception into a generic 500 (a bug for the tests to catch, never a
 * path to rely on), and one log line per exchange. What each exchange does lives in its own file.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Contract } from '../contract/model.js';
import { createMockContext, type MockBehaviour } from './app.js';
import type { MockContext } from './context.js';
import { dispatch, type Dispatched } from './dispatch.js';
import type { Reply } from './exchange.js';
import { header, jsonReply, LazyParams, NO_PARAMS, preparedReply, writeReply } from './exchange.js';
import { ExchangeLog } from './log.js';
import type { Route } from './routes.js';
import type { SessionCounts } from './sessions.js';

export interface MockOptions extends MockBehaviour {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Receives one redacted line per exchange. */
  readonly log?: (line: string) => void;
}

export interface RunningMock {
  /** Base URL, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
  /** The sessions it has issued and still holds (tests of what a client leaves open). */
  sessions(): SessionCounts;
}

/** Largest request body read; a larger one is answered 413. */
export const BODY_LIMIT = 64 * 1024;
/** A body up to this size is read to its end before the 413, so the client sees the answer. */
const DRAIN_LIMIT = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
/** Path values before routing (dispatch gives the route's own). */
const NO_VARS: Readonly<Record<string, string>> = Object.freeze({});
/** What an unexpected exception becomes: a generic 500, nothing about the request or the error. */
const INTERNAL_ERROR = preparedReply(jsonReply(500, { error: 'internal_error' }));
const TOO_LARGE = preparedReply(jsonReply(413, { error: 'payload_too_large', limit: BODY_LIMIT }, { connection: 'close' }));

export async function startMock(contract: Contract, options: MockOptions = {}): Promise<RunningMock> {
  const ctx = await createMockContext(contract, options);
  const log = options.log ? { write: options.log, format: new ExchangeLog(contract) } : undefined;
  const server = createServer((req, res) => {
    const started = log ? performance.now() : 0;
    // Most requests carry no body and are answered in the same tick, without a promise.
    if (!hasBody(req)) exchange(ctx, req, res, EMPTY, started, log);
    else void readBody(req).then((body) => exchange(ctx, req, res, body, started, log));
  });
  await listen(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
    sessions: () => ctx.sessions.counts(),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

type Log = { write: (line: string) => void; format: ExchangeLog } | undefined;

function exchange(ctx: MockContext, req: IncomingMessage, res: ServerResponse, body: Buffer | 'too-large' | 'aborted', started: number, log: Log): void {
  if (body === 'aborted') return;
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  let path: string;
  let rawQuery: string;
  if (url.startsWith('/')) {
    // origin-form, nearly every request: split in place, no object built.
    const q = url.indexOf('?');
    path = q < 0 ? url : url.slice(0, q);
    rawQuery = q < 0 ? '' : url.slice(q + 1);
  } else ({ path, rawQuery } = splitUrl(url));
  const line: LogLine | undefined = log && { log, method, path, rawQuery, started };
  if (body === 'too-large') return send(res, TOO_LARGE, undefined, line);
  let out: Dispatched | Promise<Dispatched>;
  try {
    const query = rawQuery === '' ? NO_PARAMS : new LazyParams(rawQuery);
    const form = body.length === 0 ? NO_PARAMS : new LazyParams(body);
    out = dispatch(ctx, { method, path, query, form, rawHeaders: req.rawHeaders, body, pathVars: NO_VARS });
  } catch {
    return send(res, INTERNAL_ERROR, undefined, line);
  }
  if (out instanceof Promise) {
    out.then(
      (d) => send(res, d.reply, d.route, line),
      () => send(res, INTERNAL_ERROR, undefined, line),
    );
  } else send(res, out.reply, out.route, line);
}

/** What the log line of an exchange needs once the reply is known. */
interface LogLine {
  readonly log: NonNullable<Log>;
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly started: number;
}

function send(res: ServerResponse, reply: Reply, route: Route | undefined, line: LogLine | undefined): void {
  if (res.headersSent || res.destroyed) return;
  try {
    writeReply(res, reply);
  } catch {
    // A header value the contract declares may be unsendable; answer without headers.
    if (!res.headersSent) writeReply(res, INTERNAL_ERROR);
  }
  if (line) line.log.write(line.log.format.line(line.method, line.path, line.rawQuery, reply.status, performance.now() - line.started, route));
}

function splitUrl(url: string): { path: string; rawQuery: string } {
  let target = url;
  if (!target.startsWith('/')) {
    // absolute-form (a proxy request) or '*'
    try {
      const u = new URL(target);
      target = `${u.pathname}${u.search}`;
    } catch {
      return { path: target, rawQuery: '' };
    }
  }
  const q = target.indexOf('?');
  return q < 0 ? { path: target, rawQuery: '' } : { path: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/**
 * Whether the request announces a body (most GETs do not, and are served without waiting for one).
 * One pass over rawHeaders for both headers that can announce one.
 */
function hasBody(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  let length: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    // The first Content-Length counts, as `header` reads it.
    if (key.length === 14 && length === undefined && key.toLowerCase() === 'content-length') length = raw[i + 1];
    else if (key.length === 17 && key.toLowerCase() === 'transfer-encoding') return true;
  }
  return length !== undefined && length !== '0';
}

/** The body, 'too-large' past BODY_LIMIT, or 'aborted' when the client went away. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> {
  const length = header(req, 'content-length');
  if (length !== undefined && Number(length) > DRAIN_LIMIT) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted') => {
      if (!done) {
        done = true;
        resolve(v);
      }
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
      else if (size > DRAIN_LIMIT) finish('too-large');
    });
    req.on('end', () => finish(size > BODY_LIMIT ? 'too-large' : Buffer.concat(chunks, size)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? (size > BODY_LIMIT ? 'too-large' : Buffer.concat(chunks, size)) : 'aborted'));
  });
}
