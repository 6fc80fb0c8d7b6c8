/**
 * Playwright reporter, listed last: the run's outcome, told apart. A finding (a server broke a rule of
 * its contract), a broken run (a target, a spec or the harness could not be judged) and a skip are
 * different things for a CI team, so the summary counts them apart and the exit code says which:
 *
 *   0  every provider was judged and conforms
 *   1  findings: at least one check failed
 *   2  broken: something could not be judged (a target failed its pre-flight, a spec is invalid, the
 *      harness failed, the leak scan found a secret); settings errors also exit 2, before any test
 *   3  both findings and broken
 *   130 interrupted (Playwright's own)
 *
 * MUST checks that were skipped (not observable on this target) are counted in the summary line too,
 * so a green exit code never hides them. So are known breaches (checks a third-party server is known to
 * break, expected to fail with the reason): they fail no run, but a known breach that passed does
 * (exit 1 with the findings), since the server now honours the rule and its entry must go.
 */
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { buildConformance } from './conformance.js';
import { recordOf, shownAttempt } from './test-record.js';

export const EXIT_CODE = { conforms: 0, findings: 1, broken: 2, findingsAndBroken: 3 } as const;

const plural = (n: number, word: string, words = `${word}s`): string => `${n} ${n === 1 ? word : words}`;

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim())?.trim() ?? text;
}

export interface Outcome {
  readonly code: number;
  readonly lines: string[];
}

/** The exit code and summary lines of a run, from its tests and Playwright's status. */
export function outcomeOf(tests: readonly TestCase[], finished: ReadonlyMap<TestCase, TestResult>, status: FullResult['status']): Outcome {
  const records = tests.map((t) => recordOf(t, finished.get(t)));
  const report = buildConformance(records, { status, generatedAt: new Date(0) });
  const findings = report.results.filter((r) => r.verdict === 'fail');
  const mustFindings = findings.filter((r) => r.level === 'MUST').length;
  const problems = report.providers.reduce((n, p) => n + p.problems.length, 0);
  const brokenProviders = report.providers.filter((p) => p.broken !== undefined);
  const brokenCells = report.results.filter((r) => r.verdict === 'broken' && !brokenProviders.some((p) => p.id === r.provider));
  const mustSkipped = report.results.filter((r) => r.verdict === 'skip' && r.level === 'MUST').length;
  const knownBreaches = report.results.filter((r) => r.verdict === 'known-breach').length;
  const unexpectedPasses = report.results.filter((r) => r.verdict === 'unexpected-pass').length;
  // A run Playwright calls failed for no finding and nothing broken failed in the harness (the leak scan, a reporter).
  const harnessFailed = status === 'failed' && !findings.length && !problems && !brokenProviders.length && !brokenCells.length && !unexpectedPasses;
  const hasFindings = findings.length > 0 || problems > 0 || unexpectedPasses > 0;
  const hasBroken = brokenProviders.length > 0 || brokenCells.length > 0 || harnessFailed;
  const code = (hasFindings ? EXIT_CODE.findings : 0) | (hasBroken ? EXIT_CODE.broken : 0);

  const lines = brokenProviders.map((p) => `authconform: broken: ${firstLine(p.broken ?? `${p.id} could not be judged`)}`);
  const parts = [
    `${plural(findings.length + problems, 'finding')}${mustFindings ? ` (${mustFindings} MUST)` : ''}`,
    ...(brokenProviders.length ? [`${plural(brokenProviders.length, 'provider')} not judged (broken)`] : []),
    ...(brokenCells.length ? [`${plural(brokenCells.length, 'check')} broken by a harness error`] : []),
    ...(unexpectedPasses ? [`${plural(unexpectedPasses, 'known breach', 'known breaches')} passed (the server now honours the rule: remove it from its known breaches)`] : []),
    ...(harnessFailed ? ['the run failed outside the checks (see above)'] : []),
    ...(knownBreaches ? [`${plural(knownBreaches, 'known breach', 'known breaches')} (expected failures)`] : []),
    `${plural(mustSkipped, 'MUST check')} skipped`,
  ];
  lines.push(`authconform: ${parts.join(' · ')} → exit ${code}`);
  return { code, lines };
}

export class OutcomeReporter implements Reporter {
  #planned: TestCase[] = [];
  readonly #finished = new Map<TestCase, TestResult>();
  #exit: number | undefined;
  #listing = false;

  onBegin(_config: FullConfig, suite: Suite): void {
    this.#planned = suite.allTests();
    this.#listing = process.argv.includes('--list');
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.#finished.set(test, shownAttempt(this.#finished.get(test), result));
  }

  async onEnd(result: FullResult): Promise<void> {
    if (this.#listing || !this.#planned.length || result.status === 'interrupted') return;
    const { code, lines } = outcomeOf(this.#planned, this.#finished, result.status);
    (code ? console.error : console.log)(lines.join('\n'));
    // Playwright exits 0 for passed and 1 otherwise; only a different code needs saying.
    if (code !== (result.status === 'passed' ? 0 : 1)) this.#exit = code;
  }

  async onExit(): Promise<void> {
    if (this.#exit !== undefined) process.exit(this.#exit);
  }

  printsToStdio(): boolean {
    return false;
  }
}

// Playwright loads a reporter through its module's default export.
export default OutcomeReporter;
