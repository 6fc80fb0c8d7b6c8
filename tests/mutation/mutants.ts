/**
 * The mutation run: every seed spec against its faultless mock and against the mock with each fault
 * that applies to it, with the check library called directly (no Playwright), so it is fast enough
 * for every `npm test`. A fault no check catches — or a check no fault can make fail — is a defect
 * of the harness, and the table says which.
 */
import { loadContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/model.js';
import { specFiles } from '../../src/contract/discover.js';
import { checksFor } from '../../src/checks/catalog.js';
import type { Verdict } from '../../src/checks/check.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import { Redactor } from '../../src/http/redact.js';
import { FAULTS, type Fault } from '../../src/mock/faults.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';

export interface Outcome {
  readonly verdicts: ReadonlyMap<string, Verdict>;
}

export interface MutantRow {
  readonly spec: string;
  readonly fault: string;
  /** Checks that failed under the fault. */
  readonly killedBy: readonly string[];
  /** Declared killers that did not fail. */
  readonly missedKillers: readonly string[];
}

export interface SpecResult {
  readonly spec: string;
  readonly baseline: Outcome;
  readonly rows: readonly MutantRow[];
  /** Applicable checks that no fault made fail. */
  readonly neverFailed: readonly string[];
}

/** Runs every applicable check of a contract against a mock (with an optional fault). */
export async function runAgainstMock(contract: Contract, fault?: string): Promise<Outcome> {
  const mock = await startMock(contract, fault ? { fault } : {});
  try {
    const scope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
    const verdicts = new Map<string, Verdict>();
    for (const check of checksFor(contract)) verdicts.set(check.id, (await runCheck(check, scope)).verdict);
    return { verdicts };
  } finally {
    await mock.close();
  }
}

export async function mutateSpec(contract: Contract, faults: readonly Fault[] = FAULTS): Promise<SpecResult> {
  const baseline = await runAgainstMock(contract);
  const applicable = faults.filter((f) => f.applies(contract));
  const rows = await Promise.all(
    applicable.map(async (fault): Promise<MutantRow> => {
      const { verdicts } = await runAgainstMock(contract, fault.name);
      const killedBy = [...verdicts].filter(([, v]) => v.status === 'fail').map(([id]) => id);
      const missedKillers = fault.killers(contract).filter((k) => !killedBy.includes(k));
      return { spec: contract.id, fault: fault.name, killedBy, missedKillers };
    }),
  );
  const everFailed = new Set(rows.flatMap((r) => r.killedBy));
  const neverFailed = checksFor(contract).map((c) => c.id).filter((id) => !everFailed.has(id));
  return { spec: contract.id, baseline, rows, neverFailed };
}

export function seedContracts(dir = 'specs'): Contract[] {
  return specFiles(dir).map((f) => loadContract(f));
}

/** The table printed by `npm test`: provider × fault → the checks that killed it, then the score. */
export function mutationTable(results: readonly SpecResult[]): string {
  const lines: string[] = ['', 'mutation table (provider × fault → checks that failed)'];
  let killed = 0;
  let total = 0;
  for (const r of results) {
    lines.push(`  ${r.spec}`);
    for (const row of r.rows) {
      total++;
      const ok = row.killedBy.length > 0 && row.missedKillers.length === 0;
      if (ok) killed++;
      const mark = ok ? 'killed  ' : 'SURVIVED';
      const by = row.killedBy.length ? row.killedBy.join(', ') : '—';
      const missed = row.missedKillers.length ? `  (declared killers that passed: ${row.missedKillers.join(', ')})` : '';
      lines.push(`    ${mark} ${row.fault.padEnd(26)} ${by}${missed}`);
    }
    if (r.neverFailed.length) lines.push(`    checks no fault made fail: ${r.neverFailed.join(', ')}`);
  }
  const pct = total ? Math.floor((killed / total) * 1000) / 10 : 0;
  lines.push(`mutation score: ${killed}/${total} killed (${pct} %)`);
  return lines.join('\n');
}
