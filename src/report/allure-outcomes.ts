/**
 * Playwright reporter, listed after allure-playwright: Allure shows a test that could not judge its
 * target as `broken`, not as a product failure. allure-playwright derives a result's status from
 * Playwright's alone (a failed test is `failed`, a skipped one `skipped`), so once it has written its
 * results this rewrites those whose `outcome` label says `broken` (src/report/describe-test.ts).
 * Allure's categories (scripts/allurerc.ts) then file them apart from product and security findings.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FullConfig, Reporter } from '@playwright/test/reporter';
import { OUTCOME_LABEL } from './describe-test.js';
import { REPORT_PATHS } from './paths.js';

export interface AllureOutcomesOptions {
  /** The Allure results folder, relative to the config file. */
  readonly resultsDir?: string;
}

interface AllureResult {
  status?: string;
  labels?: { name: string; value?: string }[];
}

/** Marks every broken result in the folder; returns how many. */
export function markBroken(resultsDir: string): number {
  let marked = 0;
  let names: string[];
  try {
    names = readdirSync(resultsDir).filter((n) => n.endsWith('-result.json'));
  } catch {
    return 0;
  }
  for (const name of names) {
    const file = join(resultsDir, name);
    const result = JSON.parse(readFileSync(file, 'utf8')) as AllureResult;
    const broken = result.labels?.some((l) => l.name === OUTCOME_LABEL && l.value === 'broken');
    if (!broken || result.status === 'broken') continue;
    result.status = 'broken';
    writeFileSync(file, JSON.stringify(result));
    marked++;
  }
  return marked;
}

export class AllureOutcomesReporter implements Reporter {
  readonly #options: AllureOutcomesOptions;
  #dir = '';

  constructor(options: AllureOutcomesOptions = {}) {
    this.#options = options;
  }

  onBegin(config: FullConfig): void {
    const base = config.configFile ? dirname(config.configFile) : process.cwd();
    this.#dir = resolve(base, this.#options.resultsDir ?? REPORT_PATHS.allureResults);
  }

  async onEnd(): Promise<void> {
    if (this.#dir) markBroken(this.#dir);
  }

  printsToStdio(): boolean {
    return false;
  }
}

// Playwright loads a reporter through its module's default export.
export default AllureOutcomesReporter;
