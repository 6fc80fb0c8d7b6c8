/**
 * The conformance matrix as Markdown (conformance.md, and the GitHub job summary): the grid, then
 * every failure with its full message and every skip with its reason.
 */
import type { ConformanceReport, ResultEntry, Totals } from './conformance.js';
import { cellOf } from './conformance.js';

const SYMBOL = { pass: '✅ pass', fail: '❌ fail', skip: '⏭️ skip', broken: '⚠️ broken', 'known-breach': '🔷 known breach', 'unexpected-pass': '❗ unexpected pass' } as const;
const NOT_APPLICABLE = '—';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}text\n${text}\n${ticks}`;
}

function totalsLine(t: Totals): string {
  return (
    `${t.pass} passed, ${t.fail} failed, ${t.skip} skipped${t.broken ? `, ${t.broken} not judged (broken)` : ''}` +
    `${t.knownBreach ? `, ${t.knownBreach} known breach${t.knownBreach === 1 ? '' : 'es'}` : ''}${t.unexpectedPass ? `, ${t.unexpectedPass} unexpected pass${t.unexpectedPass === 1 ? '' : 'es'}` : ''}`
  );
}

export function matrixMarkdown(report: ConformanceReport): string {
  const out: string[] = [];
  const providers = report.providers;
  out.push('# Conformance matrix', '');
  out.push(
    `${report.checks.length} checks on ${providers.length} provider${providers.length === 1 ? '' : 's'}: ${totalsLine(report.totals)}. ` +
      `Run ${report.status}, ${report.generatedAt}.`,
    '',
  );
  for (const p of providers) {
    if (p.broken) out.push(`> ⚠️ **${cell(p.name)} (${p.id}) could not be judged**: ${cell(p.broken)}`, '');
    for (const problem of p.problems) out.push(`> **${cell(p.name)} (${p.id})**: ${cell(problem)}`, '');
  }
  out.push(`| check | level | ${providers.map((p) => cell(p.id)).join(' | ')} |`);
  out.push(`|---|---|${providers.map(() => '---').join('|')}|`);
  for (const c of report.checks) {
    const cells = providers.map((p) => {
      const r = cellOf(report, p.id, c.id);
      return r ? SYMBOL[r.verdict] : NOT_APPLICABLE;
    });
    out.push(`| \`${c.id}\` | ${c.level} | ${cells.join(' | ')} |`);
  }
  out.push(
    `| **total** | | ${providers.map((p) => `${p.totals.pass}✅ ${p.totals.fail}❌ ${p.totals.skip}⏭️${p.totals.broken ? ` ${p.totals.broken}⚠️` : ''}${p.totals.knownBreach ? ` ${p.totals.knownBreach}🔷` : ''}${p.totals.unexpectedPass ? ` ${p.totals.unexpectedPass}❗` : ''}`).join(' | ')} |`,
  );
  out.push('', `${NOT_APPLICABLE} the contract does not state the rule, so the check is not generated.`, '');

  const shared = report.causes.filter((c) => c.cells.length > 1);
  if (shared.length) {
    out.push(`## Root causes (${shared.length})`, '');
    for (const c of shared) out.push(`- ${cell(c.cause)}: ${c.cells.length} findings (${c.cells.map((x) => `\`${x.provider} · ${x.check}\``).join(', ')})`);
    out.push('');
  }
  const failed = report.results.filter((r) => r.verdict === 'fail');
  if (failed.length) {
    out.push(`## Failures (${failed.length})`, '');
    for (const r of failed) out.push(`### ${heading(report, r)}`, '', fence(r.message ?? 'failed without a message'), '');
  }
  const unexpected = report.results.filter((r) => r.verdict === 'unexpected-pass');
  if (unexpected.length) {
    out.push(`## Unexpected passes (${unexpected.length})`, '', 'Known breaches of these servers that passed: each server now honours the rule, so its entry in the known breaches must go.', '');
    for (const r of unexpected) out.push(`- **${heading(report, r)}**: expected to fail because ${cell(r.knownBreach ?? 'a known breach')}`);
    out.push('');
  }
  const breaches = report.results.filter((r) => r.verdict === 'known-breach');
  if (breaches.length) {
    out.push(`## Known breaches (${breaches.length})`, '', 'Rules these servers are known to break: each check failed as expected, with the reason; none fails the run.', '');
    for (const r of breaches) out.push(`- **${heading(report, r)}**: ${cell(r.knownBreach ?? 'a known breach')}`);
    out.push('');
  }
  const skipped = report.results.filter((r) => r.verdict === 'skip');
  if (skipped.length) {
    out.push(`## Skipped (${skipped.length})`, '');
    for (const r of skipped) out.push(`- **${heading(report, r)}**: ${cell(r.reason ?? 'skipped')}`);
    out.push('');
  }
  return out.join('\n');
}

function heading(report: ConformanceReport, r: ResultEntry): string {
  const name = report.providers.find((p) => p.id === r.provider)?.name ?? r.provider;
  return `${name} · ${r.check} (${r.level})`;
}
