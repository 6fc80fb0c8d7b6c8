/**
 * Playwright reporter, listed first: a run that executes no test (`--list`, a `--grep` that matches
 * nothing) leaves the last run's reports exactly as they were. Every other reporter writes its files
 * in onEnd whatever happened, so this one sets the reports folder aside in onBegin and puts it back
 * in onExit, after they have written, discarding what they wrote about nothing.
 *
 * A run that does execute tests starts with an empty Allure results folder instead: allure-playwright
 * only adds files to it, so `npm run report` would otherwise mix this run with every earlier one.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';
import { REPORT_PATHS, REPORTS_ROOT } from './paths.js';

export class KeepReportsReporter implements Reporter {
  /** The reports folder, and where it was set aside while a run without tests wrote its reports. */
  #kept: { root: string; aside?: string } | undefined;

  onBegin(config: FullConfig, suite: Suite): void {
    const base = config.configFile ? dirname(config.configFile) : process.cwd();
    const listing = process.argv.includes('--list');
    if (suite.allTests().length > 0 && !listing) {
      rmSync(resolve(base, REPORT_PATHS.allureResults), { recursive: true, force: true });
      return;
    }
    const root = resolve(base, REPORTS_ROOT);
    if (!existsSync(root)) {
      this.#kept = { root };
      return;
    }
    const aside = `${root}.kept-${process.pid}`;
    rmSync(aside, { recursive: true, force: true });
    renameSync(root, aside);
    this.#kept = { root, aside };
  }

  async onExit(): Promise<void> {
    const kept = this.#kept;
    if (!kept) return;
    this.#kept = undefined;
    rmSync(kept.root, { recursive: true, force: true });
    if (kept.aside) renameSync(kept.aside, kept.root);
  }

  printsToStdio(): boolean {
    return false;
  }
}

// Playwright loads a reporter through its module's default export.
export default KeepReportsReporter;
