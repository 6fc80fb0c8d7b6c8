/**
 * security.*: the baseline every token-issuing API should pass, whatever its contract says — the
 * checks jwt_tool and the OpenID conformance suite set the bar with, done declaratively. SHOULD by
 * default, each adjustable per spec (`security.levels`), each citing its RFC, OWASP or CWE clause,
 * each proven by a fault of the mock. Every check here is offline (judging a token already issued) or
 * a handful of single requests: nothing here brute-forces a live account, and the bad-credential
 * allowance holds (error hygiene spends one attempt of it). The forgeries that need more than an
 * issued token — the published key set (`token.jwks`), the key a test environment signs with
 * (`token.signingKey`) — apply where the spec states it.
 */
import type { Check } from './check.js';
import { securityClaimChecks } from './security-claims.js';
import { securityHttpChecks } from './security-http.js';
import { securityJwtChecks } from './security-jwt.js';

export const securityChecks: readonly Check[] = [...securityJwtChecks, ...securityClaimChecks, ...securityHttpChecks];
