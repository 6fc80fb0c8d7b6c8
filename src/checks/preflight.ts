/**
 * The pre-flight of a target: before any check judges it, one positive login shows that the target
 * can be judged at all — it answers, and it accepts the configured credentials. When it cannot be,
 * its checks would only repeat one setup problem as many findings (and a hung server would cost a
 * timeout each), so the run reports the target once as broken, with the reason and the fix.
 *
 * It is deliberately lenient about the contract: any 2xx or 3xx answer to the login passes, so a
 * server that breaks a rule of its login (another success status, a wrong body) still has that
 * judged by acquire.ok as a finding. Only what makes judging impossible fails it.
 */
import { acquireCredentials } from '../contract/facts.js';
import type { Check } from './check.js';
import { Unmet } from './context.js';
import { acquire } from './flows.js';
import { observed } from './expect.js';
import { envLabel, pass } from './run.js';

export const preflight: Check = {
  id: 'preflight',
  family: 'acquire',
  level: 'MUST',
  summary: 'the target answers, and a login with the configured credentials succeeds',
  source: () => 'a target that cannot be reached or logged into cannot be judged',
  applies: () => true,
  async run(ctx) {
    const { res } = await acquire(ctx, { purpose: 'pre-flight: log in with the configured credentials' });
    const where = ctx.target.baseUrl;
    // The variables of the credentials the login sends (others, such as an alternate client's, are not in question).
    const env = acquireCredentials(ctx.contract).map((name) => ctx.contract.credentials[name]?.env ?? name);
    if (res.status === 0) {
      const fix = ctx.target.kind === 'live' ? ` Start the server, or correct AUTHCONFORM_${envLabel(ctx.contract.id)}_BASE_URL.` : '';
      throw new Unmet(`${where} to answer a login`, `${where}: ${res.error ?? 'no response'}.${fix}`);
    }
    if (res.status === 401 || res.status === 403) {
      throw new Unmet('the configured credentials to be accepted', `the login was refused with ${res.status}: check ${env.join(', ') || 'the credentials'}. ${observed(res)}`);
    }
    if (res.status >= 400) {
      throw new Unmet(
        'a login with the configured credentials to succeed',
        `the login was answered ${res.status}: the server may not be the one the spec describes (check the base URL and the spec's acquire request). ${observed(res)}`,
      );
    }
    return pass(`${where} answered the login with ${res.status}`);
  },
};
