/**
 * Playwright reporter running the leak scan after every `npx playwright test`: it opens the secret
 * hand-over before workers start, and in onEnd — listed last, so every other reporter has written its
 * files — scans reports/, test-results/ and blob-report/ for every secret the workers handed over. A hit,
 * or a file it could not search, fails the run; a clean scan prints one line.
 *
 * (A global teardown would run too early: Playwright calls reporters' onEnd after global teardown, and
 * the HTML, JUnit, Allure and matrix reports are written in onEnd.)
 */
import { dirname, resolve } from 'node:path';
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { EXCHANGES_ATTACHMENT } from './annotations.js';
import { describeLeakScan, scanForLeaks } from './leak-scan.js';
import { closeSecretDrop, collectSecrets, openSecretDrop } from './secret-drop.js';

export interface LeakReporterOptions {
  /** Folders to scan, relative to the config file. */
  readonly roots?: readonly string[];
}

export const DEFAULT_LEAK_ROOTS = ['reports', 'test-results', 'blob-report'] as const;

export class LeakScanReporter implements Reporter {
  readonly #roots: readonly string[];
  #base = process.cwd();
  #drop: string | undefined;
  #withEvidence = 0;
  #merging = false;

  constructor(options: LeakReporterOptions = {}) {
    this.#roots = options.roots ?? DEFAULT_LEAK_ROOTS;
  }

  onBegin(config: FullConfig): void {
    if (config.configFile) this.#base = dirname(config.configFile);
    // merge-reports replays shard results: no worker runs, so no secret can be handed over here.
    this.#merging = process.argv.includes('merge-reports');
    if (!this.#merging) this.#drop = openSecretDrop();
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    if (result.attachments.some((a) => a.name === EXCHANGES_ATTACHMENT)) this.#withEvidence++;
  }

  async onEnd(): Promise<{ status?: FullResult['status'] } | undefined> {
    if (this.#merging || !this.#drop) {
      console.log('Leak scan: not run (merge-reports replays results; each shard run scans its own files).');
      return undefined;
    }
    const { secrets, handOvers, problems } = collectSecrets(this.#drop);
    this.#drop = undefined;
    const lines: string[] = [];
    if (this.#withEvidence > 0 && handOvers === 0) {
      problems.push(`${this.#withEvidence} tests recorded exchanges, but no worker handed its secrets over, so nothing proves the reports hold none`);
    }
    const result = scanForLeaks(
      this.#roots.map((r) => resolve(this.#base, r)),
      secrets,
      this.#base,
    );
    lines.push(...describeLeakScan({ ...result, problems: [...problems, ...result.problems] }));
    const failed = result.hits.length > 0 || result.problems.length > 0 || problems.length > 0;
    (failed ? console.error : console.log)(lines.join('\n'));
    return failed ? { status: 'failed' } : undefined;
  }

  async onExit(): Promise<void> {
    // A run stopped before onEnd still must not leave secrets in the temporary folder.
    if (this.#drop) closeSecretDrop(this.#drop);
  }

  printsToStdio(): boolean {
    return false;
  }
}

// Playwright loads a reporter through its module's default export.
export default LeakScanReporter;
