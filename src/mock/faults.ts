/**
 * The mock's faults: mutants that each break exactly one rule of a contract, so the harness can
 * prove every check is able to fail. Each is a named object (what it breaks, where it applies, which
 * checks must catch it); the mock asks `fault.is(name)` at one small branch point per fault, so a
 * reader finds every effect of a fault by searching for its name.
 *
 * Names and killers are the agreement with src/checks (see the shared catalog): keep them exact.
 */
import { bodySchemaAjv } from '../contract/body-schema.js';
import type { Contract, ErrorCondition, ErrorSpec, RefreshCause } from '../contract/model.js';
import { chosenExpiry, credentialError, errorFor } from '../contract/model.js';
import {
  acquireCredentials,
  acquiredRefreshToken,
  acquireSecrets,
  errorsDiffer,
  everyJwtExpires,
  expiredDiffersFromInvalid,
  hasHeaders,
  hasQueryAlternate,
  lifetimeParts,
  logoutEndsRefresh,
  presentedSecretParts,
  refreshRefusal,
  refreshSecretParts,
} from '../contract/facts.js';


export const FAULT_NAMES = [
  'alternate-refused',
  'cases-ignored',
  'no-expiry',
  'long-expiry',
  'no-revocation',
  'refresh-reuse',
  'wrong-error-status',
  'wrong-error-body',
  'missing-header-accepted',
  'alg-none-accepted',
  'tampered-accepted',
  'prefix-match',
  'no-rolling-token',
  'rolling-not-longer',
  'rolling-on-error',
  'no-sliding',
  'wrong-key-accepted',
  'default-expiry-accepted',
  'custom-expiry-ignored',
  'bad-credentials-accepted',
  'missing-field-accepted',
  'crash-on-bad-input',
  'wrong-success-status',
  'query-placement-ignored',
  'expired-as-invalid',
  'secret-echo',
  'refresh-broken',
  'refresh-garbage-accepted',
  'expired-refresh-flipped',
  'refresh-key-unchecked',
  'revoke-all',
  'list-without-expiration',
  'rotate-keeps-old',
  'any-scheme-accepted',
  'missing-token-accepted',
  'missing-challenge',
  'wrong-expires-field',
  'jwt-missing-claims',
  'weak-hmac-secret',
  'kid-traversal-honoured',
  'jku-honoured',
  'stack-trace-in-errors',
  'html-errors',
  'missing-no-store',
  'no-bearer-challenge',
  'query-token-accepted',
  'low-entropy-tokens',
  'low-entropy-refresh-tokens',
  'debug-detail-in-refusals',
  'alg-confusion-accepted',
  'x5u-honoured',
  'no-exp-accepted',
  'future-nbf-accepted',
  'other-audience-accepted',
  'other-issuer-accepted',
  'refresh-keeps-old-access',
  'refresh-retires-old-access',
  'refresh-race',
  'refresh-errors-swapped',
  'refresh-after-logout',
  'logout-body-undeclared',
  'logged-out-as-revoked',
  'rolling-on-expired',
  'credential-errors-ignored',
  'probe-errors-ignored',
  'scheme-case-sensitive',
  'scheme-case-ignored',
  'companion-owner-unchecked',
  'malformed-error-body',
  'server-expiry-ignored',
  'never-token-expires',
  'revoke-cascades',
  'debug-detail-in-probe-refusals',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

export interface Fault {
  readonly name: FaultName;
  /** One sentence: the rule it breaks. */
  readonly breaks: string;
  /** One phrase: the contracts it applies to. */
  readonly when: string;
  applies(contract: Contract): boolean;
  /** Check ids (shared catalog) that must fail under this fault, only those that apply to the contract. */
  killers(contract: Contract): string[];
}

const always = (): boolean => true;
/** The server picks a private token's expiry and the create response reports it. */
const serverReportsExpiry = (c: Contract): boolean =>
  c.tokens?.create.expiry.mode === 'server' && Object.values(c.tokens.create.response.parts ?? {}).some((p) => p.kind === 'expires-at' || p.kind === 'expires-in');
const hasTtl = (c: Contract): boolean => c.lifetime?.ttl !== undefined;
const hasIdle = (c: Contract): boolean => c.lifetime?.idle !== undefined;
const isJwt = (c: Contract): boolean => c.token.format === 'jwt';
const acquireHasJsonBody = (c: Contract): boolean => c.acquire.request.body?.json !== undefined;
/** RFC 6750 §3: a Bearer token in a header whose missing or invalid refusal is a 401, which carries a challenge. */
const bearerChallenged = (c: Contract): boolean =>
  c.present.scheme === 'Bearer' && c.present.in === 'header' && (errorFor(c, 'missing').status === 401 || errorFor(c, 'invalid').status === 401);

function acceptsEmptyObject(schema: Record<string, unknown> | undefined): boolean {
  if (!schema) return true;
  try {
    // The same draft (2020-12) and formats the loader and the checks compile body schemas with.
    return bodySchemaAjv().validate(schema, {}) === true;
  } catch {
    return true;
  }
}

/** The checks that see the headers of the errors they provoke, for the errors that declare headers. */
function challengeKillers(c: Contract): string[] {
  const seen: [string, boolean][] = [
    ['errors.missing', errorFor(c, 'missing').declaredAs === 'missing' && hasHeaders(errorFor(c, 'missing'))],
    ['errors.invalid', hasHeaders(errorFor(c, 'invalid'))],
    // A login's refusals as the credential declares them (format 2), else the spec-wide ones.
    ['acquire.bad-credentials', acquireSecrets(c).some((n) => hasHeaders(credentialError(c, n, 'wrong')))],
    ['acquire.missing-field', acquireCredentials(c).some((n) => hasHeaders(credentialError(c, n, 'missing')))],
  ];
  return seen.filter(([, has]) => has).map(([id]) => id);
}

function fault(
  name: FaultName,
  breaks: string,
  when: string,
  applies: (c: Contract) => boolean,
  killers: (c: Contract) => string[],
): Fault {
  return { name, breaks, when, applies, killers };
}

export const FAULTS: readonly Fault[] = [
  fault(
    'alternate-refused',
    'Only the documented acquire request issues a credential; its alternates (client_secret_post) are refused as malformed.',
    'acquire.alternates',
    (c) => (c.acquire.alternates ?? []).length > 0,
    () => ['acquire.alternate'],
  ),
  fault(
    'cases-ignored',
    "A request described by an acquire case gets the generic malformed error instead of the case's own (e.g. invalid_request for unsupported_grant_type).",
    'acquire.cases whose error differs from errors.malformed',
    (c) => (c.acquire.cases ?? []).some((k) => errorsDiffer(k.error, errorFor(c, 'malformed'))),
    () => ['acquire.cases'],
  ),
  fault('no-expiry', 'The fixed TTL is ignored: tokens never expire by TTL (a JWT still states its exp).', 'lifetime.ttl', hasTtl, () => ['expiry.ttl']),
  fault('long-expiry', 'The TTL is doubled (JWT exp and reported expiry parts too).', 'lifetime.ttl', hasTtl, () => ['expiry.ttl']),
  fault(
    'no-revocation',
    'Logout and token revocation answer success but revoke nothing.',
    'logout or tokens',
    (c) => c.logout !== undefined || c.tokens !== undefined,
    (c) => [...(c.logout ? ['revoke.logout'] : []), ...(c.tokens ? ['revoke.token'] : [])],
  ),
  fault('refresh-reuse', 'A used refresh credential can be used again.', 'refresh.rotation', (c) => c.refresh?.rotation === true, () => ['refresh.rotation']),
  fault(
    'wrong-error-status',
    "An invalid (garbage, tampered, unknown) token is refused with 422 instead of the contract's status.",
    'always',
    always,
    () => ['present.garbage'],
  ),
  fault(
    'wrong-error-body',
    'Error bodies are {} instead of matching the error schema.',
    'errors.invalid.schema rejects {}',
    (c) => !acceptsEmptyObject(errorFor(c, 'invalid').schema),
    () => ['errors.invalid'],
  ),
  fault('missing-header-accepted', 'A missing companion is not required.', 'present.companions', (c) => c.present.companions.length > 0, () => ['present.companion']),
  fault('alg-none-accepted', 'Unsigned JWTs (alg none, any case) naming a live session are accepted.', 'token.format jwt', isJwt, () => ['jwt.alg-none']),
  fault('tampered-accepted', 'The JWT signature is not verified (the payload is read without verification).', 'token.format jwt', isJwt, () => ['jwt.signature']),
  fault('prefix-match', 'An opaque token matches on its first half only.', 'token.format opaque', (c) => c.token.format === 'opaque', () => ['present.tampered']),
  fault('no-rolling-token', 'No rolling token is sent.', 'rolling', (c) => c.rolling !== undefined, () => ['refresh.rolling']),
  fault(
    'rolling-not-longer',
    'The rolling token expires when the presented one does.',
    'rolling and lifetime.ttl',
    (c) => c.rolling !== undefined && hasTtl(c),
    () => ['refresh.rolling'],
  ),
  fault('rolling-on-error', 'Refused requests also carry a rolling token.', 'rolling', (c) => c.rolling !== undefined, () => ['refresh.rolling-success-only']),
  fault('no-sliding', 'The inactivity timeout counts from issue and is not reset by use.', 'lifetime.idle', hasIdle, () => ['expiry.sliding']),
  fault(
    'wrong-key-accepted',
    'The key part of a multi-part presentation is not checked against the token.',
    'a presentation of two or more secret parts',
    (c) => presentedSecretParts(c).length >= 2,
    () => ['present.mismatched-parts'],
  ),
  fault(
    'default-expiry-accepted',
    'A private token created without an expiry gets a default one.',
    'tokens.create.expiry.required',
    (c) => chosenExpiry(c)?.required === true,
    () => ['expiry.required'],
  ),
  fault(
    'custom-expiry-ignored',
    'The chosen expiry is replaced by one year from now (but reported as chosen).',
    'tokens with a chosen expiry',
    (c) => chosenExpiry(c) !== undefined,
    () => ['expiry.custom'],
  ),
  fault(
    'bad-credentials-accepted',
    'Any password or secret value is accepted at acquire.',
    'acquire uses a secret credential',
    (c) => acquireSecrets(c).length > 0,
    () => ['acquire.bad-credentials'],
  ),
  fault(
    'missing-field-accepted',
    'A missing credential field is treated as a wrong one (errors.badCredentials instead of errors.malformed).',
    'errors.badCredentials differs from errors.malformed',
    (c) => acquireCredentials(c).length > 0 && errorsDiffer(c.errors.badCredentials, c.errors.malformed),
    () => ['acquire.missing-field'],
  ),
  fault(
    'crash-on-bad-input',
    'A body that is not valid JSON answers 500.',
    'acquire body json',
    acquireHasJsonBody,
    () => ['acquire.malformed-body', 'robust.no-5xx'],
  ),
  fault('wrong-success-status', 'Acquire answers a different 2xx (201 instead of 200, 200 instead of any other).', 'always', always, () => ['acquire.ok']),
  fault(
    'query-placement-ignored',
    'Companions in the query string are not read.',
    'a companion with a query alternate',
    hasQueryAlternate,
    () => ['present.alternate'],
  ),
  fault(
    'expired-as-invalid',
    'An expired token is answered with errors.invalid.',
    'errors.expired differs from errors.invalid',
    expiredDiffersFromInvalid,
    (c) => [
      ...(hasTtl(c) ? ['expiry.ttl'] : []),
      ...(hasIdle(c) ? ['expiry.sliding'] : []),
      ...(chosenExpiry(c) ? ['expiry.custom'] : []),
      ...(serverReportsExpiry(c) ? ['expiry.server'] : []),
    ],
  ),
  fault(
    'secret-echo',
    "A failed login's error body has an extra property echoing the submitted secrets.",
    'acquire uses a secret credential',
    (c) => acquireSecrets(c).length > 0,
    () => ['robust.no-secret-echo'],
  ),
  fault('refresh-broken', 'The refreshed token is not accepted.', 'refresh', (c) => c.refresh !== undefined, () => ['refresh.ok']),
  fault('refresh-garbage-accepted', 'An unknown refresh credential is refreshed (a new session).', 'refresh', (c) => c.refresh !== undefined, () => ['refresh.invalid']),
  fault(
    'expired-refresh-flipped',
    'Refreshing an expired token does the opposite of refresh.expired.',
    'refresh and a lifetime',
    (c) => c.refresh !== undefined && (hasTtl(c) || hasIdle(c)),
    () => ['refresh.expired'],
  ),
  fault(
    'refresh-key-unchecked',
    "Refresh accepts another session's key.",
    'a refresh request with two or more secret parts',
    (c) => refreshSecretParts(c).length >= 2,
    () => ['refresh.mismatched-key'],
  ),
  fault(
    'revoke-all',
    'Revoking or logging out one token revokes every token of the user.',
    'logout or tokens',
    (c) => c.logout !== undefined || c.tokens !== undefined,
    () => ['revoke.isolated'],
  ),
  fault(
    'list-without-expiration',
    'Listed tokens lack the expiration field.',
    'tokens.list.fields.expiration, and a token expiry the client chooses or the server reports',
    (c) => c.tokens?.list.fields.expiration !== undefined && (chosenExpiry(c) !== undefined || serverReportsExpiry(c)),
    () => ['tokens.list'],
  ),
  fault('rotate-keeps-old', 'A rotated-out private token still works.', 'tokens.rotate', (c) => c.tokens?.rotate !== undefined, () => ['tokens.rotate']),
  fault(
    'any-scheme-accepted',
    'The scheme is not checked (the value is accepted after any scheme word, or none).',
    'always',
    always,
    () => ['present.wrong-scheme'],
  ),
  fault('missing-token-accepted', 'A request without the credential header is served.', 'always', always, () => ['present.missing']),
  fault(
    'missing-challenge',
    'The headers an error declares (such as WWW-Authenticate) are omitted.',
    "errors.missing or errors.invalid declares headers, or a login's refusal of a wrong or missing credential does",
    (c) => challengeKillers(c).length > 0,
    challengeKillers,
  ),
  fault(
    'wrong-expires-field',
    'Expires-at and expires-in parts report half the real lifetime.',
    'an expires-at or expires-in part in acquire or refresh',
    (c) => lifetimeParts(c).length > 0,
    () => ['expiry.reported'],
  ),
  fault('jwt-missing-claims', 'JWTs are issued without iat.', 'token.format jwt', isJwt, () => ['jwt.claims']),
  fault(
    'weak-hmac-secret',
    "HMAC tokens are signed with a published secret (jwt.io's example 'your-256-bit-secret') instead of a random key.",
    'token.format jwt with an HMAC alg (or none declared)',
    (c) => isJwt(c) && (c.token.alg ?? 'HS256').startsWith('HS'),
    () => ['security.weak-hmac-secret'],
  ),
  fault(
    'kid-traversal-honoured',
    'A JWT whose kid traverses a path (..) or names /dev/null is verified with the empty key that file yields.',
    'token.format jwt',
    isJwt,
    () => ['security.jwt-kid-injection'],
  ),
  fault(
    'jku-honoured',
    'A JWT with a jku header is verified with the key fetched from that URL (loopback URLs only).',
    'token.format jwt',
    isJwt,
    () => ['security.jwt-jku-injection'],
  ),
  fault(
    'stack-trace-in-errors',
    "An acquire body that is not JSON is answered with Express's development error page: the parser's message and a stack trace with the server's paths.",
    'acquire body json',
    acquireHasJsonBody,
    () => ['security.error-hygiene'],
  ),
  fault(
    'html-errors',
    'Refusals of a missing or wrong credential are an HTML page (text/html) instead of the JSON the contract documents.',
    'errors documented as JSON objects',
    (c) => Object.values(c.errors).some((e) => e?.schema?.type === 'object' || e?.schema?.properties !== undefined),
    () => ['security.error-hygiene'],
  ),
  fault(
    'missing-no-store',
    'Responses that hand out tokens (acquire, refresh) carry no Cache-Control: no-store, declared or not.',
    'always',
    always,
    () => ['security.no-store'],
  ),
  fault(
    'no-bearer-challenge',
    'A 401 refusal of a Bearer request carries no WWW-Authenticate challenge, declared or baseline.',
    'a Bearer token in a header, refused with 401 when missing or invalid',
    bearerChallenged,
    () => ['security.www-authenticate'],
  ),
  fault(
    'query-token-accepted',
    'The token is also accepted from the access_token query parameter, in place of its presentation.',
    'a token not presented in the query',
    (c) => c.present.in !== 'query',
    () => ['security.no-query-token'],
  ),
  fault(
    'low-entropy-tokens',
    'Opaque tokens are a fixed prefix and 8 hex digits (32 random bits) instead of 256 random bits.',
    'token.format opaque',
    (c) => c.token.format === 'opaque',
    () => ['security.token-entropy'],
  ),
  fault(
    'low-entropy-refresh-tokens',
    'Refresh tokens are a fixed prefix and 8 hex digits (32 random bits); access tokens stay strong.',
    'a refresh token issued at acquire',
    (c) => acquiredRefreshToken(c) !== undefined,
    () => ['security.token-entropy'],
  ),
  fault(
    'debug-detail-in-refusals',
    "Refusals other than a missing or random credential (a wrong password, a tampered or wrongly-schemed token, a refused refresh, a token after logout…) carry the exception's stack trace, with the server's paths, in a debug member.",
    'always',
    always,
    () => ['security.error-hygiene'],
  ),
  fault(
    'alg-confusion-accepted',
    "A JWT whose header says HS256 is verified as an HMAC keyed with the PEM text of the server's public key (the key the contract says is published).",
    'token.jwks (an asymmetric alg)',
    (c) => isJwt(c) && c.token.jwks !== undefined,
    () => ['security.jwt-alg-confusion'],
  ),
  fault(
    'x5u-honoured',
    'A JWT with an x5u header is verified with the public key of the certificate fetched from that URL (loopback URLs only).',
    'token.format jwt',
    isJwt,
    () => ['security.jwt-x5u-injection'],
  ),
  fault(
    'no-exp-accepted',
    'A JWT signed with the server key but without exp is accepted as the session its jti names.',
    'token.signingKey, and every token expires',
    (c) => c.token.signingKey !== undefined && everyJwtExpires(c),
    () => ['security.jwt-exp-required'],
  ),
  fault(
    'future-nbf-accepted',
    'The nbf claim is not checked: a JWT not valid before tomorrow is accepted today.',
    'token.signingKey',
    (c) => isJwt(c) && c.token.signingKey !== undefined,
    () => ['security.jwt-nbf'],
  ),
  fault(
    'other-audience-accepted',
    'The aud claim is not checked: a JWT for another audience is accepted.',
    'token.signingKey and token.audience',
    (c) => isJwt(c) && c.token.signingKey !== undefined && c.token.audience !== undefined,
    () => ['security.jwt-audience'],
  ),
  fault(
    'other-issuer-accepted',
    'The iss claim is not checked: a JWT of another issuer, signed with the same key, is accepted.',
    'token.signingKey and token.issuer',
    (c) => isJwt(c) && c.token.signingKey !== undefined && c.token.issuer !== undefined,
    () => ['security.jwt-issuer'],
  ),
  fault(
    'refresh-keeps-old-access',
    'A refresh leaves the access token it replaces working.',
    'refresh.retiresAccess true',
    (c) => c.refresh?.retiresAccess?.value === true,
    () => ['refresh.retires-access'],
  ),
  fault(
    'refresh-retires-old-access',
    'A refresh retires the access token it replaces.',
    'refresh.retiresAccess false',
    (c) => c.refresh?.retiresAccess?.value === false,
    () => ['refresh.retires-access'],
  ),
  fault(
    'refresh-race',
    'A refresh marks its rotating credential used only after a slow write, so concurrent refreshes of one credential all win.',
    'refresh.rotation',
    (c) => c.refresh?.rotation === true,
    () => ['refresh.race'],
  ),
  fault(
    'refresh-errors-swapped',
    'Every refused refresh is answered with the error of a garbage refresh credential, whatever its cause.',
    'refresh causes whose errors differ from the garbage one',
    (c) => refreshCauseKillers(c).length > 0,
    refreshCauseKillers,
  ),
  fault(
    'refresh-after-logout',
    'A session that was logged out can still be refreshed.',
    'refresh, and a logout that ends the session (it presents the token or names the refresh credential)',
    logoutEndsRefresh,
    () => ['refresh.after-logout'],
  ),
  fault(
    'logout-body-undeclared',
    'Logout answers its status with an empty object, without the body or headers it declares.',
    'logout.response declares a body {} does not match, or headers',
    (c) => c.logout !== undefined && (!acceptsEmptyObject(c.logout.response.schema) || Object.keys(c.logout.response.headers ?? {}).length > 0),
    () => ['revoke.logout-response'],
  ),
  fault(
    'logged-out-as-revoked',
    'A token after logout is answered with errors.revoked instead of errors.loggedOut.',
    'logout, and errors.loggedOut differs from errors.revoked',
    (c) => c.logout !== undefined && errorsDiffer(errorFor(c, 'loggedOut'), errorFor(c, 'revoked')),
    () => ['revoke.logout'],
  ),
  fault(
    'rolling-on-expired',
    'A request with an expired token is refused but carries a rolling token (renewed before its expiry is looked at).',
    'rolling and a lifetime',
    (c) => c.rolling !== undefined && (hasTtl(c) || hasIdle(c)),
    () => ['refresh.rolling-success-only'],
  ),
  fault(
    'credential-errors-ignored',
    "A login with one credential wrong or missing gets the spec-wide error, not the credential's own (credentials.<name>.errors).",
    'a credential declares its own login error that differs from the spec-wide one',
    (c) => credentialErrorKillers(c).length > 0,
    credentialErrorKillers,
  ),
  fault(
    'probe-errors-ignored',
    "A further probe refuses with the spec-wide errors, not the ones it declares (probes[].errors).",
    'a further probe declares its own error that differs from the spec-wide one',
    (c) => probeErrorKillers(c).length > 0,
    probeErrorKillers,
  ),
  fault(
    'scheme-case-sensitive',
    'The authentication scheme is matched with its case (`bearer` is refused), against RFC 7235 §2.1.',
    "a Bearer or Basic header presentation whose scheme case is 'insensitive' (the default)",
    (c) => schemeCaseApplies(c) && (c.present.schemeCase ?? 'insensitive') === 'insensitive',
    () => ['present.scheme-case'],
  ),
  fault(
    'scheme-case-ignored',
    "The scheme is matched without case although the contract matches it as written (present.schemeCase: exact).",
    "a Bearer or Basic header presentation whose scheme case is 'exact'",
    (c) => schemeCaseApplies(c) && c.present.schemeCase === 'exact',
    () => ['present.scheme-case'],
  ),
  fault(
    'companion-owner-unchecked',
    "A companion value that belongs to another user (the second account's) is accepted beside my token.",
    'a second account and a companion value',
    (c) => c.secondAccount !== undefined && c.present.companions.length > 0,
    () => ['present.companion-owner'],
  ),
  fault(
    'malformed-error-body',
    'A malformed request is refused with the status errors.malformed declares but an empty object for a body, not one its schema matches.',
    'errors.malformed.schema rejects {}, and a malformed login body or a credential left out is answered with it',
    (c) => malformedErrorKillers(c).length > 0,
    malformedErrorKillers,
  ),
  fault(
    'server-expiry-ignored',
    'A private token outlives the expiry the server picked and reported at its creation.',
    'tokens.create.expiry.mode: server, and the create response reports the expiry',
    serverReportsExpiry,
    () => ['expiry.server'],
  ),
  fault(
    'never-token-expires',
    'A private token declared valid until revoked expires a year after its creation.',
    'tokens.create.expiry.mode: never',
    (c) => c.tokens?.create.expiry.mode === 'never',
    () => ['expiry.never'],
  ),
  fault(
    'revoke-cascades',
    'Revoking a private token also revokes the private tokens the user created after it, so a rotation by create-then-revoke ends its new token.',
    'tokens.rotate.by',
    (c) => c.tokens?.rotateSequence !== undefined,
    () => ['tokens.rotate', 'revoke.isolated'],
  ),
  fault(
    'debug-detail-in-probe-refusals',
    "The refusals a further probe declares itself (probes[].errors) carry the exception's stack trace, with the server's paths, in a debug member.",
    'a further probe that declares its own refusals',
    (c) => c.probes.some((p) => p.errors !== undefined),
    () => ['security.error-hygiene'],
  ),
];

/**
 * The refresh checks that tell a refusal cause's error from a garbage credential's, as they judge it:
 * by status, or by the whole error where the cause declares its own (refresh.ts judges the shape of
 * a spec-wide error once, in refresh.invalid).
 */
function refreshCauseKillers(c: Contract): string[] {
  if (!c.refresh) return [];
  const garbage = refreshRefusal(c, 'garbage');
  const apart = (cause: RefreshCause): boolean => {
    const e = refreshRefusal(c, cause);
    return e.status !== garbage.status || (e.pointer === `/refresh/errors/${cause}` && errorsDiffer(e, garbage));
  };
  const judged: [string, RefreshCause, boolean][] = [
    ['refresh.rotation', 'replayed', c.refresh.rotation],
    ['refresh.expired', 'expired', c.refresh.expired === 'refused' && (hasTtl(c) || hasIdle(c))],
    ['refresh.after-logout', 'afterLogout', logoutEndsRefresh(c)],
  ];
  return judged.filter(([, cause, applies]) => applies && apart(cause)).map(([id]) => id);
}

/** The acquire checks that see a credential's own error, where it differs from the spec-wide one. */
function credentialErrorKillers(c: Contract): string[] {
  const differs = (kind: 'wrong' | 'missing', names: string[]): boolean =>
    names.some((n) => {
      const own = c.credentials[n]?.errors?.[kind];
      return own !== undefined && errorsDiffer(own, errorFor(c, kind === 'wrong' ? 'badCredentials' : 'malformed'));
    });
  return [
    ...(differs('wrong', acquireSecrets(c)) ? ['acquire.bad-credentials'] : []),
    ...(differs('missing', acquireCredentials(c)) ? ['acquire.missing-field'] : []),
  ];
}

/**
 * The acquire checks that see the spec-wide errors.malformed, where its schema rejects {}: a body that is
 * not the documented shape (truncated JSON always; a form body without its fields unless an acquire case
 * describes a request that leaves one out, whose own error then answers it), and a credential left out
 * that declares no refusal of its own.
 */
function malformedErrorKillers(c: Contract): string[] {
  if (acceptsEmptyObject(errorFor(c, 'malformed').schema)) return [];
  const body = c.acquire.request.body;
  const leavesOut = (c.acquire.cases ?? []).some((k) => Object.values(k.set).some((fields) => Object.values(fields ?? {}).includes(null)));
  return [
    ...(body !== undefined && (body.json !== undefined || !leavesOut) ? ['acquire.malformed-body'] : []),
    ...(acquireCredentials(c).some((n) => credentialError(c, n, 'missing').pointer === '/errors/malformed') ? ['acquire.missing-field'] : []),
  ];
}

/** The per-probe errors checks that see a probe's own error, where it differs from the spec-wide one. */
function probeErrorKillers(c: Contract): string[] {
  return c.probes.flatMap((p) =>
    (Object.entries(p.errors ?? {}) as [ErrorCondition, ErrorSpec | undefined][]).flatMap(([condition, own]) => {
      const checks = PROBE_ERROR_CHECKS[condition];
      const global = errorFor(c, condition);
      if (!own || !checks || !errorsDiffer(own, global)) return [];
      // The refusal's status is judged by present.*, the whole error by errors.*.
      return [...(own.status !== global.status ? [checks.status] : []), checks.shape].map((id) => `${id}/${p.id}`);
    }),
  );
}

/** The checks that provoke each presentation error on a probe: the one judging its status, the one judging its shape. */
const PROBE_ERROR_CHECKS: Partial<Record<ErrorCondition, { readonly status: string; readonly shape: string }>> = {
  missing: { status: 'present.missing', shape: 'errors.missing' },
  invalid: { status: 'present.garbage', shape: 'errors.invalid' },
  tampered: { status: 'present.tampered', shape: 'errors.tampered' },
  wrongScheme: { status: 'present.wrong-scheme', shape: 'errors.wrong-scheme' },
  companionMissing: { status: 'present.companion', shape: 'errors.companion-missing' },
};

/** A scheme name travels in a header: Bearer or Basic. */
export function schemeCaseApplies(c: Contract): boolean {
  return c.present.in === 'header' && c.present.scheme !== 'none';
}

const BY_NAME = new Map<string, Fault>(FAULTS.map((f) => [f.name, f]));

export function faultByName(name: string): Fault | undefined {
  return BY_NAME.get(name);
}

/** The fault a mock runs with (possibly none); the one place the mock asks which rule to break. */
export class ActiveFault {
  readonly name: FaultName | undefined;

  constructor(name?: FaultName) {
    this.name = name;
  }

  is(name: FaultName): boolean {
    return this.name === name;
  }
}

/** The fault to run with, or an Error saying why it cannot run against this contract. */
export function selectFault(contract: Contract, name: string | undefined): ActiveFault | Error {
  if (name === undefined) return new ActiveFault();
  const f = faultByName(name);
  if (!f) return new Error(`Unknown fault '${name}'. Known faults: ${FAULT_NAMES.join(', ')}.`);
  if (!f.applies(contract)) {
    return new Error(`Fault '${name}' does not apply to the contract '${contract.id}': it needs ${f.when}.`);
  }
  return new ActiveFault(f.name);
}
