/**
 * A verdict as text a person reads in a terminal or a report: what the contract expected, what came
 * back, which rule was broken and where it is written, and the last exchanges — one screen.
 */
import type { Contract } from '../contract/model.js';
import type { Check, Verdict } from '../checks/check.js';
import type { Target } from '../checks/context.js';
import { describeExchange } from '../http/exchange.js';

const MAX_EXCHANGES_SHOWN = 6;

export function targetLabel(target: Target): string {
  return target.kind === 'mock' ? `the embedded mock (${target.baseUrl})` : `${target.baseUrl}`;
}

export function verdictText(check: Check, contract: Contract, target: Target, verdict: Verdict): string {
  const lines: string[] = [];
  const head = `${check.id} (${check.level}) ${verdict.status === 'fail' ? 'failed' : verdict.status === 'skip' ? 'was skipped' : 'passed'} on ${contract.id}, ${targetLabel(target)}`;
  lines.push(head);
  if (verdict.status === 'fail') {
    lines.push(`  expected: ${verdict.expected}`);
    lines.push(`  got:      ${verdict.actual}`);
  } else if (verdict.status === 'skip') {
    lines.push(`  reason:   ${verdict.reason}`);
  } else if (verdict.detail) {
    lines.push(`  observed: ${verdict.detail}`);
  }
  lines.push(`  rule:     ${check.source(contract)}`);
  lines.push(`  spec:     ${contract.file}`);
  const shown = verdict.exchanges.slice(-MAX_EXCHANGES_SHOWN);
  if (shown.length) {
    const skipped = verdict.exchanges.length - shown.length;
    lines.push(`  exchanges (${verdict.exchanges.length}, secrets redacted${skipped ? `, last ${shown.length} shown` : ''}):`);
    for (const e of shown) lines.push(`    ${e.seq}. ${e.purpose}: ${describeExchange(e, 160)}`);
  }
  return lines.join('\n');
}
