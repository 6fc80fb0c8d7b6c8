/**
 * Error replies, all from `errorFor(contract, condition)`: the declared status, each declared header
 * with its `example` value, and a body sampled from the declared schema on every call (so ids such as
 * an incident id are fresh). Nothing from the request ever goes into an error body: a refused
 * password or token is never repeated back (the `secret-echo` fault is the one exception).
 */
import type { Contract, ErrorCondition, ErrorSpec, ResolvedError } from '../contract/model.js';
import { credentialError, errorFor } from '../contract/model.js';
import type { TestClock } from './clock.js';
import type { Reply } from './exchange.js';
import type { ActiveFault } from './faults.js';
import { sample } from './sample.js';

export class ErrorReplies {
  readonly #contract: Contract;
  readonly #fault: ActiveFault;
  readonly #clock: TestClock;

  constructor(contract: Contract, fault: ActiveFault, clock: TestClock) {
    this.#contract = contract;
    this.#fault = fault;
    this.#clock = clock;
  }

  /**
   * A login's refusal for one credential wrong or missing: the credential's own error (format 2), else
   * the spec-wide one, as `reply` gives it. The credential-errors-ignored fault answers the spec-wide one.
   */
  credential(name: string, kind: 'wrong' | 'missing', echo?: Readonly<Record<string, string>>): Reply {
    const condition = kind === 'wrong' ? 'badCredentials' : 'malformed';
    const own = this.#contract.credentials[name]?.errors?.[kind];
    if (!own || this.#fault.is('credential-errors-ignored')) return this.reply(condition, echo);
    return this.of(credentialError(this.#contract, name, kind), condition, echo);
  }

  /** The contract's refusal for `condition`; `echo` is only used by the secret-echo fault. */
  reply(condition: ErrorCondition, echo?: Readonly<Record<string, string>>): Reply {
    const asked =
      this.#fault.is('expired-as-invalid') && condition === 'expired'
        ? 'invalid'
        : this.#fault.is('logged-out-as-revoked') && condition === 'loggedOut'
          ? 'revoked'
          : condition;
    let reply = this.#challenged(this.of(errorFor(this.#contract, asked), asked, echo), asked);
    if (this.#fault.is('malformed-error-body') && asked === 'malformed') reply = { ...reply, body: {} };
    if (this.#fault.is('wrong-error-status') && (asked === 'invalid' || asked === 'tampered')) {
      reply = { ...reply, status: reply.status === 422 ? 400 : 422 };
    }
    if (this.#fault.is('html-errors') && PRESENTATION_ERRORS.has(asked) && reply.status >= 400) return htmlPage(reply);
    return reply;
  }

  /**
   * A refusal already resolved: a spec-wide entry (`errors.*`) is answered as its condition is, a
   * declaration of its own (such as `refresh.errors.replayed`) as written.
   */
  refusal(err: ResolvedError): Reply {
    return err.pointer === `/errors/${err.declaredAs}` ? this.reply(err.condition) : this.of(err, err.label);
  }

  /**
   * The refusal of an acquire body that is not JSON. The stack-trace-in-errors fault answers it as
   * Express does in development: its HTML error page with the parser's message and stack.
   */
  unparsable(): Reply {
    const reply = this.reply('malformed');
    if (!this.#fault.is('stack-trace-in-errors')) return reply;
    return {
      status: reply.status,
      headers: { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' },
      text: EXPRESS_TRACE_PAGE,
    };
  }

  /**
   * RFC 6750 §3: a 401 to a request that presents (or should present) a Bearer token carries a
   * Bearer challenge. The contract's own WWW-Authenticate, when its error declares one, is sent as
   * declared (by `of`); otherwise this baseline one, with the error code §3.1 gives a bad token.
   */
  #challenged(reply: Reply, condition: ErrorCondition): Reply {
    const present = this.#contract.present;
    if (reply.status !== 401 || present.scheme !== 'Bearer' || present.in !== 'header' || !PRESENTATION_ERRORS.has(condition)) return reply;
    const headers = { ...reply.headers };
    const declared = Object.keys(errorFor(this.#contract, condition).headers ?? {}).some((h) => h.toLowerCase() === 'www-authenticate');
    if (this.#fault.is('no-bearer-challenge')) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'www-authenticate') delete headers[name];
      return { ...reply, headers };
    }
    if (declared) return reply;
    // §3.1: a request without a token gets no error code, a refused token gets invalid_token.
    headers['WWW-Authenticate'] = condition === 'missing' || condition === 'companionMissing' ? 'Bearer realm="authconform-mock"' : 'Bearer realm="authconform-mock", error="invalid_token"';
    return { ...reply, headers };
  }

  /** The refusal an error declaration describes (a condition's, or an acquire case's). */
  of(spec: ErrorSpec, label: string, echo?: Readonly<Record<string, string>>): Reply {
    const headers: Record<string, string> = {};
    if (!this.#fault.is('missing-challenge')) for (const [name, h] of Object.entries(spec.headers ?? {})) headers[name] = h.example;
    let body: unknown = spec.schema ? sample(spec.schema, this.#clock.nowMs()) : { error: label };
    if (this.#fault.is('wrong-error-body')) body = {};
    if (echo && body !== null && typeof body === 'object' && !Array.isArray(body)) body = { ...body, submitted: { ...echo } };
    // Every refusal but those security.error-hygiene always provoked: a spec-wide condition, a credential's or a refresh cause's own error, an acquire case's.
    if (this.#fault.is('debug-detail-in-refusals') && !PLAIN_REFUSALS.has(label)) body = withDebugDetail(body, label);
    // Only the refusals a further probe declares itself (format 2), whatever their condition.
    if (this.#fault.is('debug-detail-in-probe-refusals') && this.#contract.probeId !== undefined) body = withDebugDetail(body, label);
    return { status: spec.status, headers, body };
  }
}

/** The refusals of a presented (or missing) credential on a protected request. */
const PRESENTATION_ERRORS: ReadonlySet<ErrorCondition> = new Set(['missing', 'invalid', 'tampered', 'wrongScheme', 'expired', 'revoked', 'loggedOut', 'companionMissing', 'mismatched']);

/** The refusals the debug-detail-in-refusals fault leaves alone: those security.error-hygiene always provoked. */
const PLAIN_REFUSALS: ReadonlySet<string> = new Set<ErrorCondition>(['missing', 'invalid', 'malformed']);

/** The debug-detail-in-refusals fault: the exception a framework in debug mode adds to an error body (fixed, nothing from the request). */
function withDebugDetail(body: unknown, label: string): Record<string, unknown> {
  const object = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : { error: label };
  return { ...object, debug: { exception: 'AuthenticationError', stack: DEBUG_STACK } };
}

const DEBUG_STACK = [
  'AuthenticationError: credential refused',
  '    at verifyCredential (/srv/app/src/auth/verify.js:42:11)',
  '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
].join('\n');

/** The html-errors fault: the refusal as a web framework's default HTML error page, status kept. */
function htmlPage(reply: Reply): Reply {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) if (name.toLowerCase() !== 'content-type') headers[name] = value;
  headers['content-type'] = 'text/html; charset=utf-8';
  return {
    status: reply.status,
    headers,
    text: `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Unauthorized</pre>\n</body>\n</html>\n`,
  };
}

/** What Express's default error handler shows in development for a body-parser failure (fixed, nothing from the request). */
const EXPRESS_TRACE_PAGE = [
  '<!DOCTYPE html>',
  '<html lang="en">',
  '<head>',
  '<meta charset="utf-8">',
  '<title>Error</title>',
  '</head>',
  '<body>',
  '<pre>SyntaxError: Unexpected token } in JSON at position 5<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/usr/src/app/node_modules/body-parser/lib/types/json.js:89:19)<br> &nbsp; &nbsp;at /usr/src/app/node_modules/body-parser/lib/read.js:121:18<br> &nbsp; &nbsp;at invokeCallback (/usr/src/app/node_modules/raw-body/index.js:224:16)</pre>',
  '</body>',
  '</html>',
  '',
].join('\n');
