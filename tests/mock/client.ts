/**
 * Test support for the mock's own tests: a small client that speaks a contract the way a user of it
 * would (rendering its requests from templates, presenting credentials where it says, reading parts
 * back out), plus error matching with ajv. It is deliberately independent of src/checks, so the mock
 * is proved at the HTTP level on its own.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { request } from 'undici';
import { loadContract } from '../../src/contract/load.js';
import type { Contract, ErrorCondition, RequestSpec, ResolvedError, ResponseSpec } from '../../src/contract/model.js';
import { errorFor } from '../../src/contract/model.js';
import { DEFAULT_AUTH_HEADER } from '../../src/contract/schema.js';
import { getPointer, render, renderJson } from '../../src/contract/template.js';
import type { MockApp } from '../../src/mock/app.js';
import { startMock, type MockOptions, type RunningMock } from '../../src/mock/server.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false }));
const validators = new Map<unknown, ValidateFunction>();
export function validator(schema: Record<string, unknown>): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(schema, v);
  }
  return v;
}

/** The five seed specs and the OAuth 2.0 one: every spec under specs/. */
export const SEEDS = ['waldo', 'private-tokens', 'identity-credentials', 'vidizmo', 'basic-key-token', 'oauth2', 'oauth2-mock-server', 'better-auth'] as const;
export type SeedId = (typeof SEEDS)[number];

const contracts = new Map<string, Contract>();
export function seed(id: SeedId): Contract {
  let c = contracts.get(id);
  if (!c) {
    c = loadContract(fileURLToPath(new URL(`../../specs/${id}.yaml`, import.meta.url)));
    contracts.set(id, c);
  }
  return c;
}

export interface Res {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface Send {
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export async function call(url: string, method: string, path: string, opts: Send = {}): Promise<Res> {
  const q = opts.query && Object.keys(opts.query).length ? `?${new URLSearchParams(opts.query as Record<string, string>)}` : '';
  const res = await request(`${url}${path}${q}`, {
    method: method as 'GET',
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: res.statusCode, headers, text, json };
}

/** How a client reaches the mock: over HTTP (`call`), or in-process (`inProcess`). */
export type Transport = (url: string, method: string, path: string, opts: Send) => Promise<Res>;

/** Requests answered by a mock in this process (src/mock/app.ts), read back as `call` would read them. */
export function inProcess(app: MockApp): Transport {
  return async (_url, method, path, opts) => {
    const query = opts.query && Object.keys(opts.query).length ? new URLSearchParams(opts.query as Record<string, string>).toString() : '';
    const headers = { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
    const reply = await app.exchange({ method, path, query, headers, ...(opts.body !== undefined ? { body: opts.body.toString() } : {}) });
    const text = reply.body === undefined || reply.status === 204 ? '' : JSON.stringify(reply.body);
    const lower = Object.fromEntries(Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { status: reply.status, headers: lower, text, json: text === '' ? undefined : JSON.parse(text) };
  };
}

/** Issued values of one credential set, by part name. */
export type Creds = Record<string, string>;

export interface PresentOptions {
  /** Replace the scheme word (null: send the value with no scheme word). */
  readonly scheme?: string | null;
  /** Replace the whole header value. */
  readonly raw?: string;
  /** Leave the presentation (header, form field or query parameter) out. */
  readonly omit?: boolean;
  /** Leave a companion out of every placement. */
  readonly omitCompanion?: string;
  /** Put a companion in this placement instead of its first. */
  readonly placement?: Readonly<Record<string, 'header' | 'query'>>;
  /** Override values used to render the presentation. */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface SendOptions extends PresentOptions {
  /** Placeholders to drop from the request. */
  readonly drop?: readonly string[];
  /** Extra or replaced variables for rendering the request. */
  readonly with?: Readonly<Record<string, string>>;
  /** Send this body instead of the rendered one. */
  readonly rawBody?: string | Buffer;
  /** Do not present the token even if the route wants it. */
  readonly anonymous?: boolean;
  /** Present the token even if the route does not say `auth: token` (the probe always does). */
  readonly present?: boolean;
}

export class MockClient {
  readonly contract: Contract;
  readonly url: string;
  readonly #transport: Transport;

  constructor(contract: Contract, url: string, transport: Transport = call) {
    this.contract = contract;
    this.url = url;
    this.#transport = transport;
  }

  baseVars(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { ...this.contract.mock.credentials, run: 'test', ...extra };
  }

  /** The presentation headers, query parameters and form fields for a credential set. */
  presentation(creds: Creds, opts: PresentOptions = {}): { headers: Record<string, string>; query: Record<string, string>; form: Record<string, string> } {
    const p = this.contract.present;
    const vars = { ...this.baseVars(), ...creds, ...opts.vars };
    const headers: Record<string, string> = {};
    const query: Record<string, string> = {};
    const form: Record<string, string> = {};
    const value = render(p.value, vars) ?? '';
    const encoded = p.scheme === 'Basic' ? Buffer.from(value, 'utf8').toString('base64') : value;
    const word = opts.scheme === undefined ? (p.scheme === 'none' ? null : p.scheme) : opts.scheme;
    if (!opts.omit) ({ header: headers, form, query })[p.in][p.name] = opts.raw ?? (word === null ? encoded : `${word} ${encoded}`);
    for (const c of p.companions) {
      if (opts.omitCompanion === c.name) continue;
      const where = opts.placement?.[c.name] ?? c.in[0] ?? 'header';
      const v = render(c.value, vars);
      if (v === undefined) continue;
      if (where === 'header') headers[c.name] = v;
      else query[c.name] = v;
    }
    return { headers, query, form };
  }

  /** Sends a contract request rendered with the mock credentials, `creds` and options. */
  async send(req: RequestSpec, creds: Creds | undefined, opts: SendOptions = {}): Promise<Res> {
    const vars: Record<string, string | undefined> = { ...this.baseVars(), ...creds, ...opts.with };
    for (const d of opts.drop ?? []) vars[d] = undefined;
    const pathVars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v === undefined ? undefined : encodeURIComponent(v)]));
    const path = render(req.path, pathVars) ?? req.path;
    const headers: Record<string, string> = {};
    const query: Record<string, string> = {};
    for (const [k, t] of Object.entries(req.query ?? {})) {
      const v = render(t, vars);
      if (v !== undefined) query[k] = v;
    }
    for (const [k, t] of Object.entries(req.headers ?? {})) {
      const v = render(t, vars);
      if (v !== undefined) headers[k] = v;
    }
    if (typeof req.auth === 'object') {
      // Client authentication, e.g. client_secret_basic.
      const v = render(req.auth.value, vars);
      const encoded = v === undefined ? undefined : req.auth.scheme === 'Basic' ? Buffer.from(v, 'utf8').toString('base64') : v;
      if (encoded !== undefined) headers[req.auth.header ?? DEFAULT_AUTH_HEADER] = req.auth.scheme === 'none' ? encoded : `${req.auth.scheme} ${encoded}`;
    }
    let presentedForm: Record<string, string> = {};
    if ((req.auth === 'token' || opts.present) && !opts.anonymous) {
      const p = this.presentation(creds ?? {}, opts);
      Object.assign(headers, p.headers);
      Object.assign(query, p.query);
      presentedForm = p.form;
    }
    let body: string | Buffer | undefined = opts.rawBody;
    if (body === undefined && req.body?.json !== undefined) body = JSON.stringify(renderJson(req.body.json, vars));
    if (body === undefined && (req.body?.form !== undefined || Object.keys(presentedForm).length)) {
      const form = new URLSearchParams();
      for (const [k, t] of Object.entries(req.body?.form ?? {})) {
        const v = render(t, vars);
        if (v !== undefined) form.set(k, v);
      }
      for (const [k, v] of Object.entries(presentedForm)) form.set(k, v);
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    return this.#transport(this.url, req.method, path, { headers, query, ...(body !== undefined ? { body } : {}) });
  }

  /** Values of a response's parts (pointer or header). */
  parts(response: ResponseSpec, res: Res): Creds {
    const out: Creds = {};
    for (const [name, part] of Object.entries(response.parts ?? {})) {
      let v: unknown;
      if (part.pointer !== undefined) v = getPointer(res.json, part.pointer);
      else if (part.header !== undefined) {
        const h = res.headers[part.header.toLowerCase()];
        v = h !== undefined && part.scheme && part.scheme !== 'none' ? h.slice(part.scheme.length + 1) : h;
      }
      if (typeof v === 'string' || typeof v === 'number') out[name] = String(v);
    }
    return out;
  }

  acquire(opts: SendOptions = {}): Promise<Res> {
    return this.send(this.contract.acquire.request, undefined, opts);
  }

  /** Logs in with the mock credentials; fails the test unless it works. */
  async login(): Promise<Creds> {
    const res = await this.acquire();
    assert.equal(res.status, this.contract.acquire.response.status, `login: ${res.text}`);
    return this.parts(this.contract.acquire.response, res);
  }

  probe(creds: Creds | undefined, opts: SendOptions = {}): Promise<Res> {
    return this.send(this.contract.probe.request, creds, { present: true, ...opts });
  }

  /** Whether `res` is the probe's success: its status and, if declared, its body schema. */
  isSuccess(res: Res): boolean {
    const r = this.contract.probe.response;
    return res.status === r.status && (!r.schema || validator(r.schema)(res.json));
  }

  async refresh(creds: Creds, opts: SendOptions = {}): Promise<{ res: Res; creds: Creds }> {
    const spec = this.contract.refresh;
    assert.ok(spec, 'the contract has no refresh');
    const res = await this.send(spec.request, creds, opts);
    return { res, creds: { ...creds, ...this.parts(spec.response, res) } };
  }

  logout(creds: Creds, opts: SendOptions = {}): Promise<Res> {
    assert.ok(this.contract.logout, 'the contract has no logout');
    return this.send(this.contract.logout.request, creds, opts);
  }

  /** Creates a private token; `expiry` undefined leaves the expiry out. */
  async createToken(creds: Creds, expiry: string | undefined): Promise<{ res: Res; token: Creds }> {
    const t = this.contract.tokens;
    assert.ok(t, 'the contract has no tokens');
    const e = t.create.expiry;
    const v = e.mode === 'chosen' ? e.var : undefined;
    const res = await this.send(t.create.request, creds, v === undefined ? {} : expiry === undefined ? { drop: [v] } : { with: { [v]: expiry } });
    return { res, token: { ...creds, ...this.parts(t.create.response, res) } };
  }

  async advance(seconds: number): Promise<number> {
    const res = await this.#transport(this.url, 'POST', '/__test/clock/advance', { body: JSON.stringify({ seconds }) });
    assert.equal(res.status, 200, res.text);
    return (res.json as { now: number }).now;
  }

  async now(): Promise<number> {
    return ((await call(this.url, 'GET', '/__test/clock')).json as { now: number }).now;
  }

  /**
   * Whether `res` is the contract's error for `condition`, or an error already resolved (a credential's
   * own, `credentialError`; a refresh cause's, `refreshRefusal`): status, body schema and declared headers.
   */
  isError(res: Res, condition: ErrorCondition | ResolvedError): boolean {
    return this.errorProblem(res, condition) === undefined;
  }

  errorProblem(res: Res, condition: ErrorCondition | ResolvedError): string | undefined {
    const e = typeof condition === 'string' ? errorFor(this.contract, condition) : condition;
    const what = e.label === `errors.${e.condition}` ? e.condition : `${e.condition}, as ${e.label}`;
    if (res.status !== e.status) return `status ${res.status}, expected ${e.status} (${what}): ${res.text}`;
    if (e.schema && !validator(e.schema)(res.json)) return `body does not match the ${what} schema: ${res.text}`;
    for (const [name, h] of Object.entries(e.headers ?? {})) {
      const v = res.headers[name.toLowerCase()];
      if (v === undefined || !new RegExp(h.pattern).test(v)) return `header ${name} is ${v ?? 'missing'}`;
    }
    return undefined;
  }

  assertError(res: Res, condition: ErrorCondition | ResolvedError): void {
    const problem = this.errorProblem(res, condition);
    assert.equal(problem, undefined, problem);
  }
}

/** A mock of a seed for one test, closed by `close`. */
export async function mockOf(id: SeedId, options: MockOptions = {}): Promise<{ client: MockClient; mock: RunningMock; close: () => Promise<void> }> {
  const contract = seed(id);
  const mock = await startMock(contract, options);
  return { client: new MockClient(contract, mock.url), mock, close: () => mock.close() };
}

/** Runs `fn` against a fresh mock of a seed and closes it afterwards. */
export async function withMock<T>(id: SeedId, options: MockOptions, fn: (client: MockClient) => Promise<T>): Promise<T> {
  const { client, close } = await mockOf(id, options);
  try {
    return await fn(client);
  } finally {
    await close();
  }
}

/** One character of `s` changed at `index` (negative counts from the end), staying in the base64url alphabet. */
export function changeChar(s: string, index: number): string {
  const i = index < 0 ? s.length + index : index;
  const c = s[i] ?? 'A';
  const next = c === 'A' ? 'B' : 'A';
  return s.slice(0, i) + next + s.slice(i + 1);
}
