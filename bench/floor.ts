/**
 * Playwright's floor for the speed benchmark: a throw-away project holding one empty test, configured
 * as this project is — an ES module package, the same reporters with their outputs inside the
 * throw-away folder, the same global setup — so a run of it costs what Playwright itself costs before
 * any check runs. With `projects > 1` each project holds its own empty test, as each spec is its own
 * project here (Playwright starts one worker process per project).
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Floor {
  readonly dir: string;
  /** Config path, for `-c`. */
  readonly config: string;
}

export function makeFloor(projects: number, parent = tmpdir()): Floor {
  const dir = mkdtempSync(join(parent, `authconform-floor-${projects}-`));
  // Packages resolve from the project's node_modules, as they do for the suite.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'authconform-floor', private: true, type: 'module' }));
  mkdirSync(join(dir, 'suites'));
  writeFileSync(
    join(dir, 'suites', 'empty.spec.ts'),
    ["import { test } from '@playwright/test';", '', "test('empty', () => {});", ''].join('\n'),
  );
  const src = (p: string): string => JSON.stringify(join(ROOT, p));
  writeFileSync(
    join(dir, 'playwright.config.ts'),
    [
      "import { defineConfig } from '@playwright/test';",
      '',
      'export default defineConfig({',
      "  testDir: 'suites',",
      "  outputDir: 'test-results',",
      '  fullyParallel: false,',
      "  workers: '100%',",
      '  retries: 0,',
      '  reporter: [',
      `    [${src('src/report/keep-reports.ts')}],`,
      "    ['list'],",
      "    ['html', { outputFolder: 'reports/playwright', open: 'never' }],",
      "    ['junit', { outputFile: 'reports/junit.xml', includeProjectInTestName: true, stripANSIControlSequences: true }],",
      "    ['allure-playwright', { resultsDir: 'reports/allure-results', suiteTitle: false }],",
      `    [${src('src/report/matrix-reporter.ts')}, { outputDir: 'reports/conformance' }],`,
      `    [${src('src/report/leak-reporter.ts')}],`,
      '  ],',
      `  projects: ${JSON.stringify(Array.from({ length: projects }, (_, i) => ({ name: `empty-${i + 1}` })))},`,
      '});',
      '',
    ].join('\n'),
  );
  return { dir, config: join(dir, 'playwright.config.ts') };
}
