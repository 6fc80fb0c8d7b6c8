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
  if (names.some((n) => reading.absent.has(n))) {
    return errors.reply(fault.is('missing-field-accepted') ? 'badCredentials' : 'malformed');
  }
  const wrong = names.some((n) => {
    if (fault.is('bad-credentials-accepted') && isSecretCredential(contract, n)) return false;
    return reading.vars[n] !== contract.mock.credentials[n];
  });
  if (wrong) return errors.reply('badCredentials', fault.is('secret-echo') ? submittedSecrets(ctx, names, reading) : undefined);

  const session = startLogin(ctx);
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
