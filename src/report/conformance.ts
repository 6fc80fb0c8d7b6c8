/**
 * The conformance result: providers × checks with a verdict in each cell. This is the shape written
 * to `conformance.json` (documented in docs/conformance-json.md); the HTML and Markdown views are
 * rendered from it. Bump CONFORMANCE_VERSION on any change a tool reading the file would notice.
 */
import { FAMILIES, type Level } from '../checks/check.js';
import type { Outcome, TestRecord } from './test-record.js';

export const CONFORMANCE_VERSION = 3;

/**
 * `fail` is a finding: the server broke a rule. `broken`: the check could not judge the target (its
 * pre-flight failed, the spec is invalid, or the harness failed), which says nothing about the server.
 * `skip`: unobservable on this target, with the reason. `known-breach`: the server broke the rule, as
 * its run expected (the check is one its server is known to break, with the reason): a finding that
 * fails no run. `unexpected-pass`: such a check passed: the server now honours the rule, and the run
 * fails until the known breach is removed.
 */
export type CellVerdict = 'pass' | 'fail' | 'skip' | 'broken' | 'known-breach' | 'unexpected-pass';

export interface Totals {
  readonly pass: number;
  readonly fail: number;
  readonly skip: number;
  readonly broken: number;
  readonly knownBreach: number;
  readonly unexpectedPass: number;
}

export interface ProviderEntry {
  /** Spec id, also the Playwright project name. */
  readonly id: string;
  /** Human name of the provider. */
  readonly name: string;
  readonly document?: { readonly title: string; readonly url?: string };
  /** Where the checks ran. */
  readonly target?: { readonly kind: string; readonly baseUrl: string };
  readonly totals: Totals;
  /** Why the provider could not be judged (its pre-flight failed, its spec is invalid); absent when it was. */
  readonly broken?: string;
  /** Other failures of tests that are not checks; empty in a healthy run. */
  readonly problems: readonly string[];
}

export interface CheckEntry {
  readonly id: string;
  readonly family: string;
  readonly level: Level;
  readonly summary: string;
}

export interface ResultEntry {
  readonly provider: string;
  readonly check: string;
  readonly verdict: CellVerdict;
  /** Playwright's status, which tells an interrupted or unreached check from a skipped one. */
  readonly outcome: Outcome;
  readonly level: Level;
  /** The clause enforced, quoted. */
  readonly rule: string;
  /** Why the check failed: expected, got, rule and the last exchanges. */
  readonly message?: string;
  /** The root cause a finding shares with others (see ConformanceReport.causes). */
  readonly cause?: string;
  /** Why the check was not observed. */
  readonly reason?: string;
  /** For `known-breach` and `unexpected-pass`: why the server is known to break the rule. */
  readonly knownBreach?: string;
  /** What a passing check observed. */
  readonly observed?: string;
  readonly durationMs: number;
  readonly sleptSeconds?: number;
  /** Number of exchanges recorded. */
  readonly exchanges: number;
  /** Path of the evidence file (the redacted exchanges), relative to conformance.json. */
  readonly evidence?: string;
}

export interface ConformanceReport {
  readonly version: typeof CONFORMANCE_VERSION;
  readonly generatedAt: string;
  /** Playwright's status of the whole run. */
  readonly status: string;
  readonly totals: Totals;
  readonly providers: readonly ProviderEntry[];
  readonly checks: readonly CheckEntry[];
  readonly results: readonly ResultEntry[];
  /** Findings grouped by the root cause they share, largest group first. */
  readonly causes: readonly RootCause[];
}

/** One reason many checks failed for: fixing it is expected to turn them all green. */
export interface RootCause {
  readonly cause: string;
  readonly cells: readonly { readonly provider: string; readonly check: string }[];
}

/** A cell's verdict from Playwright's status, whether the test could not judge its target, and whether a breach was expected. */
export function verdictOf(outcome: Outcome, broken = false, knownBreach = false): CellVerdict {
  if (broken && outcome !== 'passed') return 'broken';
  // Playwright counts only `failed` as the expected failure; a timeout stays a failure.
  if (knownBreach && outcome === 'failed') return 'known-breach';
  if (knownBreach && outcome === 'passed') return 'unexpected-pass';
  if (outcome === 'passed') return 'pass';
  if (outcome === 'failed' || outcome === 'timedOut') return 'fail';
  return 'skip';
}

/** How the reason of a check that was not judged (its provider's pre-flight failed) begins. */
export const NOT_JUDGED = 'not judged: ';

const UNREACHED: Partial<Record<Outcome, string>> = {
  interrupted: 'the run was interrupted before this check finished',
  notRun: 'the run ended before this check ran',
};

/** Where a cell's evidence file goes, relative to the report folder. */
export function evidencePath(provider: string, check: string): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `evidence/${safe(provider)}/${safe(check)}.json`;
}

function totalsOf(verdicts: readonly CellVerdict[]): Totals {
  return {
    pass: verdicts.filter((v) => v === 'pass').length,
    fail: verdicts.filter((v) => v === 'fail').length,
    skip: verdicts.filter((v) => v === 'skip').length,
    broken: verdicts.filter((v) => v === 'broken').length,
    knownBreach: verdicts.filter((v) => v === 'known-breach').length,
    unexpectedPass: verdicts.filter((v) => v === 'unexpected-pass').length,
  };
}

/** Builds the report from test records; the last record of a provider × check wins (a retry). */
export function buildConformance(records: readonly TestRecord[], run: { status: string; generatedAt: Date }): ConformanceReport {
  const familyRank = (f: string): number => {
    const i = (FAMILIES as readonly string[]).indexOf(f);
    return i < 0 ? FAMILIES.length : i;
  };
  const checks = new Map<string, CheckEntry>();
  const cells = new Map<string, ResultEntry>();
  const providers = new Map<string, { name?: string; document?: ProviderEntry['document']; target?: ProviderEntry['target']; broken?: string; problems: string[] }>();

  for (const r of records) {
    const p = providers.get(r.provider) ?? { problems: [] };
    providers.set(r.provider, p);
    if (r.providerName) p.name = r.providerName;
    if (r.document) p.document = r.document;
    if (r.target) p.target = r.target;
    if (!r.check || !r.level) {
      const v = verdictOf(r.outcome, r.broken);
      if (v === 'broken') p.broken = r.message ?? `${r.title} failed`;
      else if (v === 'fail') p.problems.push(r.message ?? `${r.title} failed`);
      continue;
    }
    if (!checks.has(r.check)) checks.set(r.check, { id: r.check, family: r.check.split('.')[0] ?? r.check, level: r.level, summary: r.summary });
    const verdict = verdictOf(r.outcome, r.broken, r.knownBreach !== undefined);
    const reason = r.reason ?? UNREACHED[r.outcome];
    cells.set(`${r.provider}\u0000${r.check}`, {
      provider: r.provider,
      check: r.check,
      verdict,
      outcome: r.outcome,
      level: r.level,
      rule: r.rule ?? '',
      ...(r.message ? { message: r.message } : {}),
      ...(verdict === 'fail' && r.cause ? { cause: r.cause } : {}),
      ...((verdict === 'skip' || verdict === 'broken') && reason ? { reason } : {}),
      ...((verdict === 'known-breach' || verdict === 'unexpected-pass') && r.knownBreach ? { knownBreach: r.knownBreach } : {}),
      ...((verdict === 'pass' || verdict === 'unexpected-pass') && r.observed ? { observed: r.observed } : {}),
      durationMs: Math.round(r.durationMs),
      ...(r.sleptSeconds ? { sleptSeconds: r.sleptSeconds } : {}),
      exchanges: r.exchanges?.length ?? 0,
      ...(r.exchanges?.length ? { evidence: evidencePath(r.provider, r.check) } : {}),
    });
  }

  // A provider whose checks were not judged is broken even when its pre-flight's own test was filtered out.
  for (const cell of cells.values()) {
    const p = providers.get(cell.provider);
    if (p && !p.broken && cell.verdict === 'broken' && cell.reason?.startsWith(NOT_JUDGED)) p.broken = cell.reason.slice(NOT_JUDGED.length);
  }

  const sequences = [...new Set(records.map((r) => r.provider))].map((p) =>
    records.filter((r) => r.provider === p && r.check && checks.has(r.check)).map((r) => r.check as string),
  );
  const order = catalogOrder([...checks.keys()], sequences);
  const checkList = [...checks.values()].sort(
    (a, b) => familyRank(a.family) - familyRank(b.family) || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0),
  );
  const providerIds = [...providers.keys()].sort();
  const rank = new Map(checkList.map((c, i) => [c.id, i]));
  const results = [...cells.values()].sort(
    (a, b) => providerIds.indexOf(a.provider) - providerIds.indexOf(b.provider) || (rank.get(a.check) ?? 0) - (rank.get(b.check) ?? 0),
  );
  return {
    version: CONFORMANCE_VERSION,
    generatedAt: run.generatedAt.toISOString(),
    status: run.status,
    totals: totalsOf(results.map((r) => r.verdict)),
    providers: providerIds.map((id) => {
      const p = providers.get(id) ?? { problems: [] };
      return {
        id,
        name: p.name ?? id,
        ...(p.document ? { document: p.document } : {}),
        ...(p.target ? { target: p.target } : {}),
        totals: totalsOf(results.filter((r) => r.provider === id).map((r) => r.verdict)),
        ...(p.broken ? { broken: p.broken } : {}),
        problems: p.problems,
      };
    }),
    checks: checkList,
    results,
    causes: causesOf(results),
  };
}

/**
 * One order of all checks that keeps every provider's own order (each is its catalog order, for the
 * checks its contract states): a topological order of those sequences, ties broken by id, so the
 * result does not depend on which provider's tests arrive first.
 */
function catalogOrder(ids: readonly string[], sequences: readonly (readonly string[])[]): Map<string, number> {
  const after = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  const before = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const seq of sequences) {
    for (let i = 1; i < seq.length; i++) {
      const [a, b] = [seq[i - 1]!, seq[i]!];
      if (a !== b && !after.get(a)!.has(b)) {
        after.get(a)!.add(b);
        before.set(b, (before.get(b) ?? 0) + 1);
      }
    }
  }
  const out = new Map<string, number>();
  const ready = ids.filter((id) => before.get(id) === 0).sort();
  while (ready.length) {
    const id = ready.shift()!;
    out.set(id, out.size);
    for (const next of after.get(id) ?? []) {
      const left = (before.get(next) ?? 0) - 1;
      before.set(next, left);
      if (left === 0) {
        ready.push(next);
        ready.sort();
      }
    }
  }
  // Contradicting sequences cannot come from one catalog; anything left keeps id order at the end.
  for (const id of [...ids].sort()) if (!out.has(id)) out.set(id, out.size);
  return out;
}

function causesOf(results: readonly ResultEntry[]): RootCause[] {
  const groups = new Map<string, { provider: string; check: string }[]>();
  for (const r of results) {
    if (r.verdict !== 'fail' || !r.cause) continue;
    const cells = groups.get(r.cause) ?? [];
    cells.push({ provider: r.provider, check: r.check });
    groups.set(r.cause, cells);
  }
  return [...groups].map(([cause, cells]) => ({ cause, cells })).sort((a, b) => b.cells.length - a.cells.length || a.cause.localeCompare(b.cause));
}

/** The cell of a provider × check, or undefined when the check does not apply to that provider. */
export function cellOf(report: ConformanceReport, provider: string, check: string): ResultEntry | undefined {
  return report.results.find((r) => r.provider === provider && r.check === check);
}
