/**
 * Configuration for merging the blob reports of a sharded run into one set of reports:
 *
 *   npx playwright merge-reports --config merge.config.ts <folder of blob reports>
 *
 * The reporters are those of playwright.config.ts — Allure results, Playwright's HTML report, JUnit, the
 * conformance matrix — rebuilt from the shards' replayed events, with allure-playwright wrapped so that
 * it accepts a merge's configuration (fixtures/allure-merge-reporter.ts).
 */
import { defineConfig } from '@playwright/test';
import config from './playwright.config.js';

const reporters = Array.isArray(config.reporter) ? config.reporter : [];

export default defineConfig({
  testDir: config.testDir,
  reporter: reporters.map(([name, options]) => (name === 'allure-playwright' ? ['./fixtures/allure-merge-reporter.ts', options] : [name, options])),
});
