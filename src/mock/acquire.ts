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
import type { Mismatch, RequestReading } from './read.js';

export async function acquire(ctx: MockContext, req: Incoming): Promise<Reply> {
  const { contract, fault, errors } = ctx;
  const candidates = ctx.acquireReaders.map(({ request, reader }) => {
    const names = requestPlaceholders(request).filter((n) => n in contract.credentials);
    return { names, reading: reader.read(req) };
  });
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
  // A declared case that puts its own value in a credential's field (an unknown client_id) gets its error.
  const valued = fault.is('cases-ignored') ? undefined : (contract.acquire.cases ?? []).find((c) => sendsCaseValue(c, req, reading));
  if (valued) return errors.of(valued.error, valued.id);
  // Several credentials can go missing at once (both halves of a Basic header): one that declares its
  // own refusal names the request's.
  const absent = names.filter((n) => reading.absent.has(n));
  const missing = absent.find((n) => contract.credentials[n]?.errors?.missing !== undefined) ?? absent[0];
  if (missing !== undefined) {
    return fault.is('missing-field-accepted') ? errors.reply('badCredentials') : errors.credential(missing, 'missing');
  }
  // The first account's values, or (format 2) the second account's, which log in as another user.
  const second = contract.mock.secondAccount;
  const wrongFor = (values: Readonly<Record<string, string>>): string | undefined =>
    names.find((n) => {
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

/** Whether an acquire case is the one that changes this field this way (null: removed; a value: replaced). */
function describes(c: AcquireCase, m: Mismatch): boolean {
  const set = (c.set as Record<string, Record<string, unknown> | undefined>)[m.in];
  if (!set || !Object.hasOwn(set, m.name)) return false;
  return set[m.name] === null ? m.actual === undefined : m.actual !== undefined;
}

/**
 * Whether the request carries a value a case sets in a field whose documented value is a template (a
 * credential's field): `set: { form: { client_id: unknown-client } }` and the request sends exactly that.
 */
function sendsCaseValue(c: AcquireCase, req: Incoming, reading: RequestReading): boolean {
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
      if (sent(where, name) !== value) return false;
      matched = true;
    }
  }
  return matched;
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
