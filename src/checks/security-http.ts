/** security.* checks on HTTP behaviour: error hygiene and the transport rules of the RFCs. */
import type { Check } from './check.js';

export const securityHttpChecks: readonly Check[] = [];
