/**
 * Reading a request back into template values: the reverse of how a client renders a contract's
 * request. Body (JSON or form), headers, query and inline client authentication are matched against
 * their templates; what the request should carry and does not is reported as absent, and a body of
 * the wrong shape (not JSON, wrong JSON type, wrong field type) as malformed. Callers decide what
 * absence means (a missing credential is malformed; a missing harness value is fine).
 */
import type { RequestSpec } from '../contract/model.js';
import { DEFAULT_AUTH_HEADER } from '../contract/schema.js';
import { compileTemplate, placeholders, type TemplateMatcher } from '../contract/template.js';
import type { Incoming } from './exchange.js';
import { header } from './exchange.js';
import type { ActiveFault } from './faults.js';

export interface RequestReading {
  /** The body's shape is wrong: not JSON, a JSON value of the wrong type, a field of the wrong type, empty. */
  readonly malformed: boolean;
  readonly vars: Readonly<Record<string, string>>;
  /** Placeholders the request does not carry (left out, empty, not matching their template, or in client authentication that cannot be read). */
  readonly absent: ReadonlySet<string>;
  /** Fixed values the request should carry and does not (a grant_type other than the documented one, or none). */
  readonly mismatches: readonly Mismatch[];
  /** The parsed body: a JSON value, form fields as an object, or undefined. */
  readonly body: unknown;
}

/** A field whose documented value is fixed (no placeholder) but which the request sent otherwise. */
export interface Mismatch {
  readonly in: 'form' | 'json' | 'query' | 'headers';
  readonly name: string;
  /** What was sent; undefined when the field was left out. */
  readonly actual: string | undefined;
}

const NO_MISMATCHES: readonly Mismatch[] = [];

const NOTHING: ReadonlySet<string> = new Set();
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;


export class RequestReader {
  readonly #spec: RequestSpec;
  readonly #numeric: ReadonlySet<string>;
  readonly #fault: ActiveFault;
  readonly #compiled = new Map<string, TemplateMatcher>();
  /** Nothing to read beyond the path: no body, headers, inline auth or query placeholders. */
  readonly #pathOnly: boolean;

  /** `numeric`: placeholders that may also arrive as a JSON number (an expiry in epoch seconds). */
  constructor(spec: RequestSpec, fault: ActiveFault, numeric: ReadonlySet<string> = new Set()) {
    this.#spec = spec;
    this.#fault = fault;
    this.#numeric = numeric;
    this.#pathOnly =
      spec.body === undefined &&
      spec.headers === undefined &&
      typeof spec.auth !== 'object' &&
      Object.values(spec.query ?? {}).every((t) => placeholders(t).length === 0);
  }

  #template(t: string): TemplateMatcher {
    let c = this.#compiled.get(t);
    if (!c) {
      c = compileTemplate(t);
      this.#compiled.set(t, c);
    }
    return c;
  }

  read(req: Incoming): RequestReading {
    if (this.#pathOnly) return { malformed: false, vars: req.pathVars, absent: NOTHING, mismatches: NO_MISMATCHES, body: undefined };
    const vars: Record<string, string> = { ...req.pathVars };
    const absent = new Set<string>();
    const mismatches: Mismatch[] = [];
    const take = (where: Mismatch['in'], name: string, t: string, value: string | undefined): void => {
      const c = this.#template(t);
      if (c.names.length === 0) {
        if (value !== t) mismatches.push({ in: where, name, actual: value });
        return;
      }
      const m = value === undefined || value === '' ? undefined : c.match(value);
      if (!m) for (const n of c.names) absent.add(n);
      else Object.assign(vars, m);
    };

    for (const [name, t] of Object.entries(this.#spec.query ?? {})) take('query', name, t, req.query.get(name) ?? undefined);
    for (const [name, t] of Object.entries(this.#spec.headers ?? {})) take('headers', name, t, header(req, name));

    let malformed = false;
    const auth = this.#spec.auth;
    if (typeof auth === 'object') {
      // Client authentication that is missing or cannot be decoded leaves its credentials unknown.
      const name = auth.header ?? DEFAULT_AUTH_HEADER;
      const raw = header(req, name);
      take('headers', name, auth.value, raw === undefined ? undefined : unscheme(raw, auth.scheme));
    }

    let body: unknown;
    const spec = this.#spec.body;
    if (spec?.json !== undefined) {
      const text = req.body.toString('utf8');
      if (text.trim() === '') malformed = true;
      else {
        try {
          body = JSON.parse(text);
        } catch (e) {
          if (this.#fault.is('crash-on-bad-input')) throw new Error('unparsed request body', { cause: e });
          malformed = true;
        }
        if (!malformed && !this.#walk(spec.json, body, vars, absent)) malformed = true;
        if (!malformed) mismatches.push(...jsonMismatches(spec.json, body));
      }
    } else if (spec?.form !== undefined) {
      // The body is read as the request declares it: one declared as another type (JSON) carries no form fields.
      const type = mediaType(header(req, 'content-type'));
      const asForm = type === undefined || type === FORM;
      for (const [name, t] of Object.entries(spec.form)) take('form', name, t, asForm ? req.form.get(name) ?? undefined : undefined);
      body = asForm ? Object.fromEntries(new URLSearchParams(req.body.toString('utf8'))) : undefined;
    }
    return { malformed, vars, absent, mismatches, body };
  }

  /** Matches a JSON value against a JSON template; false when the shape is wrong. */
  #walk(t: unknown, v: unknown, vars: Record<string, string>, absent: Set<string>): boolean {
    if (v === undefined) {
      for (const n of jsonNames(t)) absent.add(n);
      return true;
    }
    if (typeof t === 'string') {
      const c = this.#template(t);
      if (c.names.length === 0) return true;
      const sole = c.names.length === 1 && t === `{${c.names[0]}}` ? (c.names[0] as string) : undefined;
      if (typeof v === 'number' && sole !== undefined && this.#numeric.has(sole) && Number.isFinite(v)) {
        vars[sole] = String(v);
        return true;
      }
      if (typeof v !== 'string') return false;
      const m = v === '' ? undefined : c.match(v);
      if (!m) for (const n of c.names) absent.add(n);
      else Object.assign(vars, m);
      return true;
    }
    if (Array.isArray(t)) {
      if (!Array.isArray(v)) return false;
      return t.every((item, i) => this.#walk(item, v[i], vars, absent));
    }
    if (t !== null && typeof t === 'object') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      const obj = v as Record<string, unknown>;
      return Object.entries(t).every(([k, item]) => this.#walk(item, Object.hasOwn(obj, k) ? obj[k] : undefined, vars, absent));
    }
    return true;
  }
}

/** Top-level JSON fields whose documented value is a fixed string the body does not carry. */
function jsonMismatches(t: unknown, v: unknown): Mismatch[] {
  if (t === null || typeof t !== 'object' || Array.isArray(t) || v === null || typeof v !== 'object') return [];
  const body = v as Record<string, unknown>;
  return Object.entries(t as Record<string, unknown>).flatMap(([name, expected]) => {
    if (typeof expected !== 'string' || placeholders(expected).length > 0) return [];
    const actual = Object.hasOwn(body, name) ? body[name] : undefined;
    if (actual === expected) return [];
    return [{ in: 'json' as const, name, actual: actual === undefined ? undefined : String(actual) }];
  });
}

function jsonNames(t: unknown): string[] {
  if (typeof t === 'string') return placeholders(t);
  if (Array.isArray(t)) return t.flatMap(jsonNames);
  if (t !== null && typeof t === 'object') return Object.values(t).flatMap(jsonNames);
  return [];
}

const FORM = 'application/x-www-form-urlencoded';

/** The media type of a Content-Type value, lower-case and without parameters (`application/json`). */
export function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const type = value.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/**
 * The credential value of an Authorization-style header under `scheme`: after `Bearer `, the base64
 * text after `Basic ` decoded, or the raw value for `none`. Undefined when the scheme does not match
 * or the Basic value is not base64.
 */
export function unscheme(raw: string, scheme: 'Bearer' | 'Basic' | 'none'): string | undefined {
  if (scheme === 'none') return raw;
  const space = raw.indexOf(' ');
  if (space < 0 || raw.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return undefined;
  const rest = raw.slice(space + 1).trim();
  return scheme === 'Basic' ? decodeBase64(rest) : rest;
}

export function decodeBase64(text: string): string | undefined {
  if (text === '' || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64').toString('utf8');
}
