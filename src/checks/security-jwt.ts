/** security.* checks on issued JWTs: weak HMAC secrets and forgery probes. */
import type { Check } from './check.js';

export const securityJwtChecks: readonly Check[] = [];
