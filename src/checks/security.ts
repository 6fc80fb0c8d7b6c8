/**
 * security.*: the baseline every token-issuing API should pass, whatever its contract says — the
 * checks jwt_tool and the OpenID conformance suite set the bar with, done declaratively. SHOULD by
 * default, each adjustable per spec (`security.levels`), each citing its RFC, OWASP or CWE clause,
 * each proven by a fault of the mock. Every check here is offline (judging a token already issued) or
 * a single request: nothing here brute-forces a live account, and the bad-credential allowance holds.
 */
import type { Check } from './check.js';
import { securityHttpChecks } from './security-http.js';
import { securityJwtChecks } from './security-jwt.js';

export const securityChecks: readonly Check[] = [...securityJwtChecks, ...securityHttpChecks];
