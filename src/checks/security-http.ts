/**
 * security.* checks on HTTP behaviour: error hygiene and the transport rules of the RFCs. Each is a
 * handful of single requests after a positive control. Only error hygiene sends a wrong password,
 * once, and only while the live account's bad-credential allowance lasts. The extra logins (the
 * entropy samples, the sessions the negative probes need) are released after the check like every
 * other (release.ts).
 */
import { errorFor, probeView, type Contract, type ErrorCondition } from '../contract/model.js';
import type { RequestSpec } from '../contract/schema.js';
import { acquiredRefreshToken, acquireSecrets, caseRequest, refreshFinder } from '../contract/facts.js';
import { render } from '../contract/template.js';
import type { HttpResponse } from '../http/client.js';
import { wrongValue } from './acquire.js';
import { presentedSecretParts, sameShape } from './alter.js';
import type { Check } from './check.js';
import { CannotObserve, lifetimes, Unmet, type CheckContext } from './context.js';
import { observed, successProblem } from './expect.js';
import { acquire, acquireWith, buildRequest, control, createToken, mustAcquire, mustRefuseStatus, probe, refresh, send, varsFor, type Credential, type SendOptions } from './flows.js';
import { serverNow } from './boundary.js';
import { decodeToken } from './jwt-forge.js';
import { findLeaks, isHtml } from './leak-patterns.js';
import { estimateEntropy, type EntropyEstimate } from './token-entropy.js';
import { garbageVariant, mismatchedProbe, presentedValue, tamperedVariant, wrongSchemes } from './present.js';
import { revokeToken } from './private-tokens.js';
import { methodsByPath } from './robust.js';
import { pass } from './run.js';

/** RFC 6749 §10.10: the probability of guessing a token must be at most 2^-128. */
const MIN_TOKEN_BITS = 128;
/** Tokens sampled for the entropy estimate: enough that a random position is rarely the same in all. */
const ENTROPY_SAMPLES = 4;
/** The query parameter RFC 6750 §2.3 defines for a bearer token in the URI. */
const QUERY_TOKEN = 'access_token';
/** Lifetime of the private token error hygiene creates and revokes at once: short, should the revocation fail. */
const PRIVATE_TOKEN_LIFETIME = 600;
/** Methods tried, in order, on the acquire path for a method the contract never uses there. */
const WRONG_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'] as const;

export const securityHttpChecks: readonly Check[] = [
  {
    id: 'security.error-hygiene',
    family: 'security',
    level: 'SHOULD',
    security: true,
    summary:
      'no error response to a negative request (one of each refusal the contract states) shows a stack trace, a server path, a framework banner or a raw parser message; a JSON API answers its errors in JSON, not HTML',
    source: () =>
      'OWASP ASVS V7.4.1 and CWE-209, CWE-497: when an unexpected or security-sensitive error occurs, a generic message is shown, with no stack trace, file path, framework or parser detail that exposes the system to an attacker',
    applies: () => true,
    async run(ctx) {
      const credential = await mustAcquire(ctx, 'acquire a credential for the positive control');
      await control(ctx, credential);
      const { responses, left } = await negativeRequests(ctx, credential);
      const json = jsonErrors(ctx.contract) || responses.some((r) => r.status >= 400 && r.json() !== undefined);
      const findings: string[] = [];
      for (const res of responses) {
        const what = `${res.exchange.purpose} (${res.exchange.request.method} → ${res.status || 'no response'})`;
        for (const leak of findLeaks(res.text)) findings.push(`${what}: ${leak.label}: "${leak.line}"`);
        if (json && res.status >= 400 && isHtml(res.headers['content-type'], res.text)) {
          findings.push(`${what}: an HTML page (${res.headers['content-type'] ?? 'no content type'}) where the contract's errors are JSON`);
        }
      }
      if (findings.length) {
        throw new Unmet(
          `no error response to ${responses.length} negative requests to show a stack trace, a server path, a framework banner or a raw parser message${json ? ', nor to be an HTML page (the contract\'s errors are JSON)' : ''}`,
          findings.join('; '),
        );
      }
      const notes = left.length ? ` (left out: ${left.join('; ')})` : '';
      return pass(`${responses.length} negative requests (${responses.map((r) => r.exchange.purpose).join('; ')}) answered without stack traces, paths, banners or parser messages${json ? ', none as HTML' : ''}${notes}`);
    },
  },
  {
    id: 'security.no-store',
    family: 'security',
    level: 'SHOULD',
    security: true,
    summary: 'every response that hands out a token carries Cache-Control: no-store (and Pragma: no-cache where the contract declares it)',
    source: () =>
      'RFC 6749 §5.1: the authorization server MUST include the HTTP "Cache-Control" response header field with a value of "no-store" in any response containing tokens, credentials, or other sensitive information, as well as the "Pragma" response header field with a value of "no-cache"; RFC 6750 §5.3: don\'t store bearer tokens in cookies or caches',
    applies: () => true,
    async run(ctx) {
      const { res, credential, problem } = await acquireWith(ctx, ctx.contract.acquire.request, { purpose: 'acquire a credential' });
      if (!credential) throw new Unmet(`valid credentials to give ${ctx.contract.acquire.response.status} and a credential (acquire)`, `${problem ?? 'no credential'}: ${observed(res)}`);
      const judged: { what: string; res: HttpResponse; pragma: boolean }[] = [{ what: 'the acquire response', res, pragma: declares(ctx.contract.acquire.response.headers, 'pragma') }];
      const spec = ctx.contract.refresh;
      if (spec) {
        const refreshed = await refresh(ctx, credential, { purpose: 'refresh the credential' });
        if (!refreshed.credential) throw new Unmet(`refresh to answer ${spec.response.status} with a new credential`, `${refreshed.problem ?? 'no credential'}: ${observed(refreshed.res)}`);
        judged.push({ what: 'the refresh response', res: refreshed.res, pragma: declares(spec.response.headers, 'pragma') });
      }
      const failures: string[] = [];
      for (const j of judged) {
        const cacheControl = j.res.headers['cache-control'];
        if (!hasDirective(cacheControl, 'no-store')) failures.push(`${j.what} has ${cacheControl === undefined ? 'no Cache-Control header' : `Cache-Control: ${cacheControl}`}`);
        const pragma = j.res.headers.pragma;
        if (j.pragma && !hasDirective(pragma, 'no-cache')) failures.push(`${j.what} has ${pragma === undefined ? 'no Pragma header' : `Pragma: ${pragma}`}, which the contract declares`);
      }
      if (failures.length) {
        throw new Unmet(`every response that hands out a token (${judged.map((j) => j.what).join(', ')}) to carry Cache-Control: no-store`, failures.join('; '));
      }
      return pass(`${judged.map((j) => j.what).join(' and ')} ${judged.length > 1 ? 'carry' : 'carries'} Cache-Control: no-store${judged.some((j) => j.pragma) ? ' and the declared Pragma: no-cache' : ''}`);
    },
  },
  {
    id: 'security.www-authenticate',
    family: 'security',
    level: 'SHOULD',
    security: true,
    summary: 'a 401 answer to a request presenting a Bearer token carries a WWW-Authenticate: Bearer challenge',
    source: () =>
      'RFC 6750 §3: if the protected resource request does not include authentication credentials or does not contain an access token that enables access to the protected resource, the resource server MUST include the HTTP "WWW-Authenticate" response header field … All challenges defined by this specification MUST use the auth-scheme value "Bearer"',
    applies: (c) => c.present.scheme === 'Bearer' && c.present.in === 'header' && challengedConditions(c).length > 0,
    async run(ctx) {
      const credential = await mustAcquire(ctx, 'acquire a credential for the positive control');
      const seen: string[] = [];
      const failures: string[] = [];
      for (const condition of challengedConditions(ctx.contract)) {
        await control(ctx, credential);
        const res =
          condition === 'missing'
            ? await probe(ctx, credential, { omit: true }, `probe without the ${ctx.contract.present.name} header`)
            : await probe(ctx, credential, garbageVariant(ctx, credential), 'probe with a random Bearer token of the same shape');
        if (res.status !== 401) continue;
        seen.push(res.exchange.purpose);
        const challenge = res.headers['www-authenticate'];
        if (challenge === undefined || !/^\s*Bearer\b/i.test(challenge)) {
          failures.push(`${res.exchange.purpose} → 401 ${challenge === undefined ? 'without WWW-Authenticate' : `with WWW-Authenticate: ${challenge}`}`);
        }
      }
      if (failures.length) throw new Unmet('every 401 answer to a Bearer request to carry a WWW-Authenticate header starting with "Bearer"', failures.join('; '));
      if (!seen.length) throw new CannotObserve('the server answered neither a missing nor a random Bearer token with 401, so there was no challenge to judge (present.* judges the status)');
      return pass(`the 401 answers to ${seen.join(' and ')} carry a Bearer challenge`);
    },
  },
  {
    id: 'security.no-query-token',
    family: 'security',
    level: 'SHOULD',
    security: true,
    summary: `the token sent as a query parameter (?${QUERY_TOKEN}=…) instead of where the contract presents it is refused`,
    source: () =>
      'RFC 6750 §2.3 and §5.3: bearer tokens SHOULD NOT be passed in page URLs (for example, as query string parameters), because URLs are logged by browsers, proxies and web servers; a server that does not offer the URI query parameter method refuses a token sent that way',
    applies: (c) => c.present.in !== 'query',
    async run(ctx) {
      const credential = await mustAcquire(ctx, 'acquire a credential for the positive control');
      const positive = await control(ctx, credential);
      const value = presentedValue(ctx, credential);
      ctx.redactor.add(value, 'presented');
      const built = buildRequest(
        ctx,
        ctx.contract.probe.request,
        { purpose: `probe with the token in the query (?${QUERY_TOKEN}=…) and not in ${placeOf(ctx.contract)}`, credential, variant: { omit: true } },
        true,
      );
      const url = new URL(built.url);
      url.searchParams.set(QUERY_TOKEN, value);
      const res = await ctx.http.send({ ...built, url: url.toString() });
      const invalid = errorFor(ctx.contract, 'invalid');
      // A server that reads the parameter and refuses the token anyway (the invalid error) refuses it too.
      if (res.status === invalid.status && res.status !== errorFor(ctx.contract, 'missing').status && successProblem(res, ctx.contract.probe.response) !== undefined) {
        return pass(`the token in the query was refused with ${res.status} (${invalid.label})`);
      }
      mustRefuseStatus(ctx, res, 'missing', `the token sent in the URL query (?${QUERY_TOKEN}=…) without ${placeOf(ctx.contract)}`, positive);
      return pass(`the token in the query was refused with ${res.status}, as a request without the credential`);
    },
  },
  {
    id: 'security.token-entropy',
    family: 'security',
    level: 'SHOULD',
    security: true,
    summary: `opaque tokens, and the refresh tokens a login issues (beside a JWT too), carry at least ${MIN_TOKEN_BITS} bits of entropy, estimated conservatively over ${ENTROPY_SAMPLES} samples`,
    source: () =>
      'RFC 6749 §10.10: the probability of an attacker guessing generated tokens (and other credentials not intended for handling by end-users) MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160); RFC 6750 §5.2: tokens must be unguessable',
    applies: (c) => c.token.format === 'opaque' || acquiredRefreshToken(c) !== undefined,
    async run(ctx) {
      const names = sampledParts(ctx.contract);
      const samples: Credential[] = [];
      for (let i = 1; i <= ENTROPY_SAMPLES; i++) samples.push(await mustAcquire(ctx, `acquire token sample ${i} of ${ENTROPY_SAMPLES}`));
      const estimates: { name: string; estimate: EntropyEstimate }[] = [];
      const notes: string[] = [];
      for (const name of names) {
        const values = samples.map((s) => s.parts[name]).filter((v): v is string => v !== undefined);
        const distinct = [...new Set(values)];
        // A signed token's strength is its signature's (jwt.signature, security.weak-hmac-secret), not its characters'.
        if (values.length && values.every((v) => !('problem' in decodeToken(v)))) {
          notes.push(`${name} is a JWT, judged by its signature rather than its entropy`);
          continue;
        }
        if (distinct.length < 3) {
          // A refresh token handed out again on every login is a finding of its own kind (no rotation), not a weak one.
          if (name === names[0]) {
            throw new CannotObserve(`${ENTROPY_SAMPLES} logins gave only ${distinct.length} distinct ${name} values (the server hands out the same token again), too few to estimate its entropy`);
          }
          notes.push(`${ENTROPY_SAMPLES} logins gave only ${distinct.length} distinct ${name} values, too few to estimate`);
          continue;
        }
        estimates.push({ name, estimate: estimateEntropy(distinct) });
      }
      if (!estimates.length) throw new CannotObserve(`no issued token could be estimated: ${notes.join('; ')}`);
      const weak = estimates.filter((e) => e.estimate.bits < MIN_TOKEN_BITS);
      const describe = (e: { name: string; estimate: EntropyEstimate }): string => `${e.name}: ${e.estimate.account}`;
      if (weak.length) throw new Unmet(`each issued token to carry at least ${MIN_TOKEN_BITS} bits of entropy`, weak.map(describe).join('; '));
      return pass([...estimates.map(describe), ...notes].join('; '));
    },
  },
];

/**
 * One request provoking each refusal the contract states, each a single request (a few need a session
 * of their own first): a missing, random, tampered and wrongly-schemed credential, a missing
 * companion, parts of two sessions, a token after logout or revocation, a body that cannot be parsed,
 * each declared acquire case, a method the path does not take, one wrong secret (one attempt of the
 * bad-credential allowance, left out when it is spent), a garbage refresh credential, and a token past
 * its lifetime (last, and only where that time can pass: ctx.time). What could not be sent is said.
 */
async function negativeRequests(ctx: CheckContext, credential: Credential): Promise<{ responses: HttpResponse[]; left: string[] }> {
  const c = ctx.contract;
  const out: HttpResponse[] = [];
  const left: string[] = [];
  // Presentation.
  out.push(await probe(ctx, credential, { omit: true }, `probe without the credential in ${placeOf(c)} (errors.missing)`));
  out.push(await probe(ctx, credential, garbageVariant(ctx, credential), 'probe with a random credential of the same shape (errors.invalid)'));
  const tampered = tamperedVariant(ctx, credential);
  out.push(await probe(ctx, credential, tampered.variant, `probe with the token with ${tampered.where} (errors.tampered)`));
  const [scheme] = wrongSchemes(c, presentedValue(ctx, credential));
  if (scheme) out.push(await probe(ctx, credential, scheme.variant, `probe with ${c.present.name}: ${scheme.label} (errors.wrongScheme)`));
  const companion = c.present.companions[0];
  if (companion) out.push(await probe(ctx, credential, { omitCompanion: companion.name }, `probe without ${companion.name} (errors.companionMissing)`));
  if (presentedSecretParts(c).length >= 2) {
    try {
      out.push((await mismatchedProbe(ctx)).res);
    } catch (e) {
      if (!(e instanceof CannotObserve)) throw e;
      left.push(`parts of two sessions (${e.message})`);
    }
  }
  // Each further probe answers its own refusals (format 2): a missing and a random credential there.
  for (const p of c.probes) {
    const view: CheckContext = { ...ctx, contract: probeView(c, p) };
    out.push(await probe(view, credential, { omit: true }, `probe ${p.id} without the credential (its errors.missing)`));
    out.push(await probe(view, credential, garbageVariant(view, credential), `probe ${p.id} with a random credential of the same shape (its errors.invalid)`));
  }
  const ended = await endedCredential(ctx, credential);
  if (ended) out.push(await probe(ctx, ended.credential, undefined, `probe with ${ended.what} (${ended.error})`));
  // Login.
  const malformed = malformedBody(c.acquire.request);
  if (malformed) {
    // The body cannot be read, so no credential in it is judged: this is no wrong login.
    out.push((await acquireWith(ctx, c.acquire.request, { purpose: `acquire with ${malformed.label} (errors.malformed)`, rawBody: malformed.body })).res);
  }
  for (const k of c.acquire.cases ?? []) {
    out.push((await acquireWith(ctx, caseRequest(c.acquire.request, k), { purpose: `acquire: ${k.summary} (acquire.cases ${k.id})` })).res);
  }
  const wrong = wrongMethod(c);
  if (wrong) {
    const spec: RequestSpec = { method: wrong, path: c.acquire.request.path };
    out.push(await ctx.http.send(buildRequest(ctx, spec, { purpose: `${wrong} ${spec.path}, a method the contract does not use there` }, false)));
  }
  const [secret] = acquireSecrets(c);
  if (secret !== undefined) {
    const budget = ctx.target.badCredentialBudget;
    if (budget && !budget.take(1)) left.push(`a wrong ${secret}: the target's bad-credential allowance is spent`);
    else {
      const value = wrongValue(ctx.target.credentials[secret] ?? '');
      ctx.redactor.add(value, secret);
      out.push((await acquire(ctx, { purpose: `acquire with a wrong ${secret} (errors.badCredentials, one attempt)`, vars: { [secret]: value } })).res);
    }
  }
  // Refresh.
  if (c.refresh) {
    const garbage = garbageRefresh(ctx, credential);
    if (garbage) out.push((await refresh(ctx, credential, garbage)).res);
  }
  // Expiry, last: the time it lets pass ends every credential of this check.
  const { ttl, idle } = lifetimes(ctx);
  const lifetime = Math.min(ttl ?? Infinity, idle ?? Infinity);
  if (Number.isFinite(lifetime)) {
    const cannot = ctx.time.cannotPass(lifetime + 1);
    if (cannot !== undefined) left.push(`a token past its lifetime: ${cannot}`);
    else {
      const stale = await mustAcquire(ctx, 'acquire a credential to let expire');
      await ctx.time.pass(lifetime + 1);
      out.push(await probe(ctx, stale, undefined, `probe with the token ${lifetime + 1} s after issue (errors.expired)`));
    }
  }
  return { responses: out, left };
}

/** A credential this check ended itself (logged out, or a private token it created and revoked), to be refused. */
async function endedCredential(ctx: CheckContext, login: Credential): Promise<{ credential: Credential; what: string; error: string } | undefined> {
  const { logout, tokens } = ctx.contract;
  if (logout) {
    const ended = await mustAcquire(ctx, 'acquire a credential to log out');
    await send(ctx, logout.request, { purpose: 'log out that credential', credential: ended });
    return { credential: ended, what: 'the logged-out token', error: 'errors.loggedOut' };
  }
  if (!tokens) return undefined;
  const { credential } = await createToken(ctx, login, (await serverNow(ctx)) + PRIVATE_TOKEN_LIFETIME, 'create a private token to revoke');
  if (!credential) return undefined;
  await revokeToken(ctx, login, credential, 'revoke that private token');
  return { credential, what: 'the revoked private token', error: 'errors.revoked' };
}
/** A body the acquire endpoint cannot parse, in its own content type. */
function malformedBody(spec: RequestSpec): { label: string; body: string } | undefined {
  if (spec.body?.json !== undefined) return { label: 'malformed JSON', body: '{"a":}' };
  if (spec.body?.form !== undefined) return { label: 'a form body with a broken escape', body: 'a=%zz&b=%' };
  return undefined;
}

/** A method the contract uses on no request to the acquire path. */
function wrongMethod(contract: Contract): RequestSpec['method'] | undefined {
  const used = methodsByPath(contract).get(contract.acquire.request.path)?.methods;
  return WRONG_METHODS.find((m) => !used?.has(m));
}

/** The contract documents its errors as JSON objects. */
function jsonErrors(contract: Contract): boolean {
  return Object.values(contract.errors).some((e) => e?.schema !== undefined && (e.schema.type === 'object' || e.schema.properties !== undefined));
}

/** Where the contract presents the token, as a phrase. */
function placeOf(contract: Contract): string {
  const p = contract.present;
  return p.in === 'header' ? `the ${p.name} header` : p.in === 'form' ? `the ${p.name} form field` : `the ${p.name} query parameter`;
}

/** The conditions a Bearer request can provoke that the contract answers with 401. */
function challengedConditions(contract: Contract): ErrorCondition[] {
  return (['missing', 'invalid'] as const).filter((c) => errorFor(contract, c).status === 401);
}

/** Whether a comma-separated header value holds a directive (case-insensitive). */
function hasDirective(value: string | undefined, directive: string): boolean {
  return value !== undefined && value.split(',').some((d) => d.trim().toLowerCase().split('=')[0] === directive);
}

function declares(headers: Readonly<Record<string, unknown>> | undefined, name: string): boolean {
  return Object.keys(headers ?? {}).some((h) => h.toLowerCase() === name);
}

/** An opaque token, and the refresh token when the acquire response issues one (beside a JWT, that alone). */
function sampledParts(contract: Contract): string[] {
  const refreshToken = acquiredRefreshToken(contract);
  return [...(contract.token.format === 'opaque' ? [contract.token.part] : []), ...(refreshToken !== undefined ? [refreshToken] : [])];
}

/** A refresh carrying a garbage refresh credential of the right shape (or presenting a garbage token); undefined when the request carries neither. */
function garbageRefresh(ctx: CheckContext, credential: Credential): Partial<SendOptions> | undefined {
  const finder = refreshFinder(ctx.contract);
  if (finder !== undefined) {
    const garbage = sameShape(credential.parts[finder] ?? 'refresh-credential');
    ctx.redactor.add(garbage, `garbage ${finder}`);
    return { purpose: `refresh with a garbage ${finder} (errors.refreshInvalid)`, vars: { [finder]: garbage } };
  }
  if (ctx.contract.refresh?.request.auth !== 'token') return undefined;
  const presented = render(ctx.contract.present.value, varsFor(ctx, credential)) ?? '';
  return { purpose: 'refresh presenting a garbage token (errors.refreshInvalid)', variant: { value: sameShape(presented) } };
}
