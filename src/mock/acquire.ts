/**
 * Acquire (login): the request's credential placeholders are read back and compared with the
 * contract's fake mock credentials. The documented request or any of its alternates (client_secret_post
 * beside client_secret_basic) may be used. A fixed field sent otherwise gets the error of the acquire
 * case that describes it (RFC 6749 §5.2 unsupported_grant_type), else the malformed one. A credential
 * left out is a malformed request; one present but wrong is bad credentials. Success issues a new
 * session with every part the response declares.
 */
import type { AcquireCase } from '../contract/schema.js';
import type { MockContext } from './context.js';
import { issueParts, startLogin, successReply } from './credentials.js';
import type { Incoming, Reply } from './exchange.js';
import { header } from './exchange.js';
import { placeholders } from '../contract/template.js';
import { isSecretCredential, requestPlaceholders } from '../contract/facts.js';
import { mediaType, type Mismatch, type RequestReading } from './read.js';
import type { RequestSpec } from '../contract/model.js';

export async function acquire(ctx: MockContext, req: Incoming): Promise<Reply> {
  const { contract, fault, errors } = ctx;
  const candidates = ctx.acquireReaders.map(({ request, reader }) => {
    const names = requestPlaceholders(request).filter((n) => n in contract.credentials);
    return { request, names, reading: reader.read(req) };
  });
  // A declared case whose own values the request carries (an unknown client_id, a Content-Type that
  // switches the form body to JSON) gets its error, however the rest of the request reads.
  const first = candidates[0]?.reading;
  const valued = fault.is('cases-ignored') || !first ? undefined : (contract.acquire.cases ?? []).find((c) => sendsCaseValue(c, req, first, contract.acquire.request));
  if (valued) return errors.of(valued.error, valued.id);
  const readable = candidates.filter((c, i) => !c.reading.malformed && !(i > 0 && fault.is('alternate-refused')));
  // The first request shape that carries all its credentials; else the first readable one, to judge.
  const chosen = readable.find((c) => !c.names.some((n) => c.reading.absent.has(n))) ?? readable[0];
  if (!chosen) return contract.acquire.request.body?.json !== undefined && !isJson(req.body) ? errors.unparsable() : errors.reply('malformed');
  const { names, reading } = chosen;

  const mismatch = reading.mismatches[0];
  if (mismatch) {
    const known = fault.is('cases-ignored') ? undefined : (contract.acquire.cases ?? []).find((c) => describes(c, mismatch));
    return known ? errors.of(known.error, known.id) : errors.reply('malformed');
  }
  // RFC 6749 §3.2.1, §4.3.2: the client is authenticated before the user's password is judged, so
  // with both wrong (or both missing) the answer is the client's error.
  const judged = clientFirst(names, chosen.request);
  // Several credentials can go missing at once (both halves of a Basic header): one that declares its
  // own refusal names the request's.
  const absent = judged.filter((n) => reading.absent.has(n));
  const missing = absent.find((n) => contract.credentials[n]?.errors?.missing !== undefined) ?? absent[0];
  if (missing !== undefined) {
    return fault.is('missing-field-accepted') ? errors.reply('badCredentials') : errors.credential(missing, 'missing');
  }
  // The first account's values, or (format 2) the second account's, which log in as another user.
  const second = contract.mock.secondAccount;
  const wrongFor = (values: Readonly<Record<string, string>>): string | undefined =>
    judged.find((n) => {
      if (fault.is('bad-credentials-accepted') && isSecretCredential(contract, n)) return false;
      return reading.vars[n] !== (values[n] ?? contract.mock.credentials[n]);
    });
  const wrong = wrongFor(contract.mock.credentials);
  const other = wrong !== undefined && second !== undefined && wrongFor(second) === undefined;
  if (wrong !== undefined && !other) return errors.credential(wrong, 'wrong', fault.is('secret-echo') ? submittedSecrets(ctx, names, reading) : undefined);

  const session = startLogin(ctx, other ? ctx.secondUser : undefined);
  const values = await issueParts(ctx, contract.acquire.response, session);
  ctx.sessions.add(session);
  let status = contract.acquire.response.status;
  if (fault.is('wrong-success-status')) status = status === 200 ? 201 : 200;
  return successReply(ctx, contract.acquire.response, values, status);
}

/** Credential names with those of the request's inline client authentication first. */
function clientFirst(names: readonly string[], request: RequestSpec): string[] {
  const client = new Set(typeof request.auth === 'object' ? placeholders(request.auth.value) : []);
  return [...names.filter((n) => client.has(n)), ...names.filter((n) => !client.has(n))];
}

/**
 * Whether an acquire case is the one that changes this field this way (null: removed; a value:
 * replaced). Header names are matched without case, as HTTP does.
 */
function describes(c: AcquireCase, m: Mismatch): boolean {
  const set = (c.set as Record<string, Record<string, unknown> | undefined>)[m.in];
  if (!set) return false;
  const key = m.in === 'headers' ? Object.keys(set).find((k) => k.toLowerCase() === m.name.toLowerCase()) : Object.hasOwn(set, m.name) ? m.name : undefined;
  if (key === undefined) return false;
  return set[key] === null ? m.actual === undefined : m.actual !== undefined;
}

/**
 * Whether the request carries a value a case sets in a field whose documented value is a template (a
 * credential's field): `set: { form: { client_id: unknown-client } }` and the request sends exactly that.
 */
function sendsCaseValue(c: AcquireCase, req: Incoming, reading: RequestReading, documented: RequestSpec): boolean {
  const sets = c.set as Record<string, Record<string, unknown> | undefined>;
  const sent = (where: string, name: string): unknown => {
    if (where === 'form') return req.form.get(name) ?? undefined;
    if (where === 'query') return req.query.get(name) ?? undefined;
    if (where === 'headers') return header(req, name);
    const body = reading.body;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
  };
  let matched = false;
  for (const where of ['form', 'json', 'query', 'headers']) {
    for (const [name, value] of Object.entries(sets[where] ?? {})) {
      if (typeof value !== 'string' || placeholders(value).length > 0) continue;
      // A header the documented request sends with this very value anyway tells nothing apart.
      if (where === 'headers' && sameHeaderValue(name, documentedHeader(documented, name), value)) return false;
      if (where === 'headers' ? !sameHeaderValue(name, sent(where, name), value) : sent(where, name) !== value) return false;
      matched = true;
    }
  }
  return matched;
}

/** What the documented request sends in header `name`: a declared value, or the content type of its body. */
function documentedHeader(request: RequestSpec, name: string): string | undefined {
  const declared = Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (declared) return declared[1];
  if (name.toLowerCase() !== 'content-type') return undefined;
  return request.body?.json !== undefined ? 'application/json' : request.body?.form !== undefined ? 'application/x-www-form-urlencoded' : undefined;
}

/** Two values of a header are the same: a content type by its media type (parameters and case aside). */
function sameHeaderValue(name: string, a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  if (name.toLowerCase() !== 'content-type') return a === b;
  return mediaType(a) === mediaType(b);
}

/** The secret-echo fault's leak: the secrets a failed login submitted. */
function submittedSecrets(ctx: MockContext, names: readonly string[], reading: RequestReading): Record<string, string> {
  return Object.fromEntries(names.filter((n) => isSecretCredential(ctx.contract, n)).map((n) => [n, reading.vars[n] ?? '']));
}

/** Whether a body parses as JSON (a body that does not is what a JSON parser's error page reports). */
function isJson(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
