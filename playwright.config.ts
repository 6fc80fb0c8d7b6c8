/**
 * One Playwright project per spec in specs/ (or AUTHCONFORM_SPECS): `--project=<id>` runs one
 * provider, `--grep @expiry` one family, `--grep @must` the MUST rules. Providers run in parallel;
 * the checks of one provider run in order in one worker, since they share its server's clock.
 */
import { defineConfig } from '@playwright/test';
import type { ConformanceWorkerFixtures } from './fixtures/conformance.js';
import { basename, extname } from 'node:path';
import { specFiles } from './src/contract/discover.js';
import { loadContractFile } from './src/contract/load.js';
import { REPORT_PATHS } from './src/report/paths.js';
import { specGrep } from './src/report/tags.js';
import { runSettings } from './src/target/env.js';

const settings = runSettings();

const projects = specFiles(settings.specsDir).map((file) => {
  const id = loadContractFile(file).contract?.id ?? basename(file, extname(file));
  return { name: id, grep: specGrep(id), use: { specFile: file } };
});

export default defineConfig<{}, Pick<ConformanceWorkerFixtures, 'specFile'>>({
  testDir: 'suites',
  outputDir: 'test-results',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000 + settings.maxWait * 2_000,
  // Reports (src/report): the leak scan stays last — it reads what every reporter before it wrote.
  globalSetup: './src/report/fresh-results.ts',
  reporter: [
    ['list'],
    ['html', { outputFolder: REPORT_PATHS.playwright, open: 'never' }],
    ['junit', { outputFile: REPORT_PATHS.junit, includeProjectInTestName: true, stripANSIControlSequences: true }],
    ['allure-playwright', { resultsDir: REPORT_PATHS.allureResults, suiteTitle: false }],
    ['./src/report/matrix-reporter.ts', { outputDir: REPORT_PATHS.conformance }],
    ['./src/report/leak-reporter.ts'],
  ],
  projects,
});
