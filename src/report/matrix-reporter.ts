/**
 * Playwright reporter writing the conformance matrix: `index.html` (the grid, self-contained),
 * `conformance.json` (for tools, see docs/conformance-json.md), `conformance.md`, and one evidence
 * file per cell with exchanges. When GITHUB_STEP_SUMMARY names a file, the Markdown is appended there.
 *
 * It gathers in onTestEnd and writes once in onEnd, from reporter events only, so
 * `npx playwright merge-reports` over shard blobs gives the same matrix as a single run.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { buildConformance, type ConformanceReport } from './conformance.js';
import { matrixHtml } from './matrix-html.js';
import { matrixMarkdown } from './matrix-markdown.js';
import { recordOf, shownAttempt, type TestRecord } from './test-record.js';

export interface MatrixReporterOptions {
  /** Folder for the matrix, relative to the config file (default reports/conformance). */
  readonly outputDir?: string;
  /** File to append the Markdown to; default GITHUB_STEP_SUMMARY; false to never append. */
  readonly stepSummary?: string | false;
  /** Clock for generatedAt (tests pin it). */
  readonly now?: () => Date;
}

export class ConformanceMatrixReporter implements Reporter {
  readonly #options: MatrixReporterOptions;
  #outputDir = '';
  #planned: TestCase[] = [];
  readonly #finished = new Map<TestCase, TestResult>();

  constructor(options: MatrixReporterOptions = {}) {
    this.#options = options;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    const base = config.configFile ? dirname(config.configFile) : process.cwd();
    this.#outputDir = resolve(base, this.#options.outputDir ?? 'reports/conformance');
    this.#planned = suite.allTests();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // A retry replaces the earlier attempt, unless it was skipped after a failure (shownAttempt).
    this.#finished.set(test, shownAttempt(this.#finished.get(test), result));
  }

  async onEnd(result: FullResult): Promise<void> {
    const tests = [...new Set([...this.#planned, ...this.#finished.keys()])];
    const records = tests.map((t) => recordOf(t, this.#finished.get(t)));
    const report = buildConformance(records, { status: result.status, generatedAt: (this.#options.now ?? (() => new Date()))() });
    const dir = this.#outputDir || resolve('reports/conformance');
    writeMatrix(dir, report, records);
    const summary = this.#options.stepSummary ?? process.env.GITHUB_STEP_SUMMARY;
    if (summary) appendFileSync(summary, `${matrixMarkdown(report)}\n`);
    const t = report.totals;
    console.log(`Conformance matrix: ${t.pass} passed, ${t.fail} failed, ${t.skip} skipped${t.broken ? `, ${t.broken} not judged (broken)` : ''}${t.knownBreach ? `, ${t.knownBreach} known breach${t.knownBreach === 1 ? '' : 'es'}` : ''}${t.unexpectedPass ? `, ${t.unexpectedPass} unexpected pass${t.unexpectedPass === 1 ? '' : 'es'}` : ''} → ${relative(process.cwd(), join(dir, 'index.html')) || 'index.html'}`);
  }

  printsToStdio(): boolean {
    return false;
  }
}

/** Writes index.html, conformance.json, conformance.md and the evidence files into `dir`. */
export function writeMatrix(dir: string, report: ConformanceReport, records: readonly TestRecord[]): void {
  // Evidence of an earlier run must not sit beside this one's.
  rmSync(join(dir, 'evidence'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const evidence = new Map<string, TestRecord['exchanges']>();
  for (const r of records) if (r.check && r.exchanges?.length) evidence.set(`${r.provider} ${r.check}`, r.exchanges);
  for (const r of report.results) {
    const exchanges = evidence.get(`${r.provider} ${r.check}`);
    if (!r.evidence || !exchanges) continue;
    const file = join(dir, r.evidence);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(exchanges, null, 2)}\n`);
  }
  writeFileSync(join(dir, 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'conformance.md'), matrixMarkdown(report));
  writeFileSync(join(dir, 'index.html'), matrixHtml(report, (p, c) => evidence.get(`${p} ${c}`)));
}

// Playwright loads a reporter through its module's default export.
export default ConformanceMatrixReporter;
