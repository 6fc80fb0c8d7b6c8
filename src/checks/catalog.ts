/**
 * The check catalog: every check, keyed by its stable id. A registry that refuses duplicate ids, so
 * two checks can never answer to one name in a report.
 */
import type { Contract, ProbeSpec } from '../contract/model.js';
import { probeView } from '../contract/model.js';
import { acquireChecks } from './acquire.js';
import type { Check } from './check.js';
import type { CheckContext } from './context.js';
import { errorChecks } from './errors.js';
import { expiryChecks } from './expiry.js';
import { jwtChecks } from './jwt.js';
import { presentChecks } from './present.js';
import { refreshChecks } from './refresh.js';
import { revokeChecks } from './revoke.js';
import { robustChecks } from './robust.js';
import { securityChecks } from './security.js';
import { tokensChecks } from './tokens.js';

function registry(groups: readonly (readonly Check[])[]): ReadonlyMap<string, Check> {
  const out = new Map<string, Check>();
  for (const check of groups.flat()) {
    if (out.has(check.id)) throw new Error(`two checks share the id ${check.id}`);
    if (!check.id.startsWith(`${check.family}.`)) throw new Error(`check ${check.id} is not named after its family ${check.family}`);
    out.set(check.id, check);
  }
  return out;
}

export const CATALOG: ReadonlyMap<string, Check> = registry([
  acquireChecks,
  presentChecks,
  errorChecks,
  jwtChecks,
  expiryChecks,
  refreshChecks,
  revokeChecks,
  tokensChecks,
  robustChecks,
  securityChecks,
]);

/**
 * The checks a contract states, in catalog order. A security baseline check runs at the level the
 * spec gives it in `security.levels` (SHOULD by default), or not at all when that says `off`.
 */
export function checksFor(contract: Contract): Check[] {
  const levels = contract.security?.levels ?? {};
  const own = [...CATALOG.values()]
    .filter((c) => c.applies(contract) && levels[c.id] !== 'off')
    .map((c) => {
      const level = levels[c.id];
      return c.family === 'security' && (level === 'MUST' || level === 'SHOULD') ? { ...c, level } : c;
    });
  return [...own, ...contract.probes.flatMap((p) => probeChecks(contract, p))];
}

/** The families judged on every probe: where the credential goes, and how each probe refuses. */
const PER_PROBE: ReadonlySet<Check['family']> = new Set(['present', 'errors']);

/**
 * The presentation checks of one further probe (format 2), as `present.missing/<probe id>`: each runs
 * unchanged on the view of the contract in which that probe is the probe and its own errors apply.
 */
function probeChecks(contract: Contract, probe: ProbeSpec): Check[] {
  const view = probeView(contract, probe);
  return [...CATALOG.values()]
    .filter((c) => PER_PROBE.has(c.family) && c.applies(view))
    .map((c) => ({
      ...c,
      id: `${c.id}/${probe.id}`,
      summary: `${c.summary} (probe ${probe.id})`,
      source: () => c.source(view),
      applies: (whole: Contract) => whole.probes.some((p) => p.id === probe.id) && c.applies(view),
      run: (ctx: CheckContext) => c.run({ ...ctx, contract: probeView(ctx.contract, ctx.contract.probes.find((p) => p.id === probe.id) ?? probe) }),
    }));
}

/** The catalog check a listed check runs: `present.missing/session` is `present.missing`. */
export function baseCheckId(id: string): string {
  const at = id.indexOf('/');
  return at < 0 ? id : id.slice(0, at);
}
