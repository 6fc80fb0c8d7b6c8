/**
 * A verdict as text a person reads in a terminal or a report: what the contract expected, what came
 * back, which rule was broken and where it is written, and the last exchanges — one screen.
 */
import type { Contract } from '../contract/model.js';
import type { Check, Verdict } from '../checks/check.js';
import type { Target } from '../checks/context.js';
import { describeExchange } from '../http/exchange.js';
import { citesRfc, rfcLinks } from './clause-links.js';
import { providerLabel } from './provider-label.js';

const MAX_EXCHANGES_SHOWN = 6;
/** Longest expected / got / reason shown; the attached exchanges hold everything. */
const MAX_FIELD = 900;
const INDENT = '            ';

export function targetLabel(target: Target): string {
  return target.kind === 'mock' ? `the embedded mock (${target.baseUrl})` : `${target.baseUrl}`;
}

/** A field's text: clipped to one screen, continuation lines aligned under the first. */
function field(text: string): string {
  const clipped = text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD)}… (${text.length - MAX_FIELD} more characters in exchanges.json)` : text;
  return clipped.replace(/\n/g, `\n${INDENT}`);
}

/** The rule as quoted, and where it is written: the provider's document, or the RFC it cites. */
function ruleLines(check: Check, contract: Contract): string[] {
  const source = check.source(contract);
  const doc = contract.document;
  const rfc = citesRfc(source);
  const lines = [`  rule:     ${rfc ? field(source) : `“${field(source)}”`}`];
  if (!rfc) lines.push(`  from:     ${doc.title}${doc.url ? ` (${doc.url})` : ''}`);
  const links = rfcLinks(source);
  if (links.length) lines.push(`  see:      ${links.map((l) => l.url).join(' ')}`);
  return lines;
}

export function verdictText(check: Check, contract: Contract, target: Target, verdict: Verdict): string {
  const lines: string[] = [];
  const outcome = verdict.status === 'fail' ? 'failed' : verdict.status === 'skip' ? 'was skipped' : 'passed';
  lines.push(`${check.id} (${check.level}) ${outcome} on ${providerLabel(contract)}, ${targetLabel(target)}`);
  if (verdict.status === 'fail') {
    lines.push(`  expected: ${field(verdict.expected)}`);
    lines.push(`  got:      ${field(verdict.actual)}`);
  } else if (verdict.status === 'skip') {
    lines.push(`  reason:   ${field(verdict.reason)}`);
  } else if (verdict.detail) {
    lines.push(`  observed: ${field(verdict.detail)}`);
  }
  // Left open on the target after the check: said apart from the finding, which it never changes.
  if (verdict.release) lines.push(`  release:  ${field(verdict.release)}`);
  lines.push(...ruleLines(check, contract));
  lines.push(`  spec:     ${contract.file}`);
  const shown = verdict.exchanges.slice(-MAX_EXCHANGES_SHOWN);
  if (shown.length) {
    const skipped = verdict.exchanges.length - shown.length;
    lines.push(`  exchanges (${verdict.exchanges.length}, secrets redacted${skipped ? `, last ${shown.length} shown` : ''}):`);
    for (const e of shown) lines.push(`    ${e.seq}. ${e.purpose}: ${describeExchange(e, 160)}`);
  }
  return lines.join('\n');
}
