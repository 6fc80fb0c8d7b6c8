/**
 * `npm run report`: renders the Allure report of the last `npx playwright test` into
 * reports/allure-report/index.html with the Allure 3 command-line tool (JavaScript, no Java).
 * Playwright's own report is already at reports/playwright/ and the conformance matrix at
 * reports/conformance/; this prints where all three are.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORT_PATHS } from '../src/report/paths.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, REPORT_PATHS.allureResults);
const output = join(root, REPORT_PATHS.allureReport);

if (!existsSync(results) || !readdirSync(results).some((f) => f.endsWith('-result.json'))) {
  console.error(`No Allure results in ${REPORT_PATHS.allureResults}: run \`npx playwright test\` first.`);
  process.exit(1);
}

// The package exports no path to its command; its entry point sits in dist/, the command beside dist/.
const cli = join(dirname(createRequire(import.meta.url).resolve('allure')), '..', 'cli.js');
rmSync(output, { recursive: true, force: true });
const run = spawnSync(process.execPath, [cli, 'generate', results, '--config', join(root, 'scripts', 'allurerc.ts'), '--output', output], {
  cwd: root,
  stdio: 'inherit',
});
if (run.status !== 0 || !existsSync(join(output, 'index.html'))) {
  console.error(`allure generate failed (exit ${run.status ?? run.signal}); no report at ${REPORT_PATHS.allureReport}/index.html.`);
  process.exit(1);
}

for (const [what, path] of [
  ['Allure report', `${REPORT_PATHS.allureReport}/index.html`],
  ['Playwright report', `${REPORT_PATHS.playwright}/index.html`],
  ['Conformance matrix', `${REPORT_PATHS.conformance}/index.html`],
] as const) {
  console.log(`${what.padEnd(19)} ${existsSync(join(root, path)) ? path : `${path} (missing: run \`npx playwright test\`)`}`);
}
