/**
 * One Playwright project per spec in specs/ (or AUTHCONFORM_SPECS): `--project=<id>` runs one
 * provider, `--grep @expiry` one family, `--grep @must` the MUST rules. Providers run in parallel;
 * the checks of one provider run in order in one worker, since they share its server's clock.
 */
import { defineConfig } from '@playwright/test';
import type { ConformanceWorkerFixtures } from './fixtures/conformance.js';
import { runContracts } from './fixtures/run-contracts.js';
import { basename, extname, resolve } from 'node:path';
import { specFiles } from './src/contract/discover.js';
import { REPORT_PATHS } from './src/report/paths.js';
import { specGrep } from './src/report/tags.js';
import { applyDefaults, processEnv, runSettings, SettingsError } from './src/target/env.js';

let settings: ReturnType<typeof runSettings>;
try {
  settings = runSettings();
} catch (e) {
  if (!(e instanceof SettingsError)) throw e;
  console.error(`authconform: ${e.message}`);
  process.exit(2);
}

/**
 * The `oauth2` spec is judged against a real third-party server, oidc-provider, started here with the
 * spec's demo clients and a 5 s token lifetime (it has no test clock, so expiry is waited for, bounded).
 * Setting AUTHCONFORM_OAUTH2_BASE_URL points the project elsewhere and starts nothing; so does a run
 * without the oauth2 project (another specs folder, or `--project` naming only other providers).
 */
const OIDC_PORT = 47320;
const OAUTH2_SPEC = 'specs/oauth2.yaml';

// Every spec is loaded and validated once per run, here in the main process; workers read the result.
const specs = runContracts(specFiles(settings.specsDir));
const projects = specs.map(({ file, result }) => {
  const id = result.contract?.id ?? basename(file, extname(file));
  return { name: id, grep: specGrep(id), use: { specFile: file } };
});

const oauth2 = specs.find(({ file }) => resolve(file) === resolve(OAUTH2_SPEC))?.result.contract;
const startOidc = oauth2 !== undefined && projectSelected(oauth2.id) && !processEnv().AUTHCONFORM_OAUTH2_BASE_URL;
if (oauth2 && startOidc) {
  const demo = oauth2.mock.credentials;
  applyDefaults({
    AUTHCONFORM_OAUTH2_BASE_URL: `http://127.0.0.1:${OIDC_PORT}`,
    AUTHCONFORM_OAUTH2_TTL: '5',
    AUTHCONFORM_OAUTH2_MAX_WAIT: '60',
    AUTHCONFORM_OAUTH2_MAX_BAD_ATTEMPTS: '100',
    ...Object.fromEntries(Object.entries(oauth2.credentials).map(([name, c]) => [c.env, demo[name]])),
  });
}

/**
 * Whether the command line leaves a project in the run, read as Playwright reads `--project`
 * (names compared without case; a `*` pattern counts as selecting it). Without `--project`, and in
 * worker processes, every project is selected.
 */
function projectSelected(name: string, argv: readonly string[] = process.argv): boolean {
  const picked: string[] = [];
  let filtered = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--project=')) {
      filtered = true;
      picked.push(arg.slice('--project='.length));
    } else if (arg === '--project') {
      filtered = true;
      while (argv[i + 1] !== undefined && !(argv[i + 1] ?? '').startsWith('-')) picked.push(argv[++i] ?? '');
    }
  }
  return !filtered || picked.some((p) => p.toLowerCase() === name.toLowerCase() || p.includes('*'));
}

export default defineConfig<{}, Pick<ConformanceWorkerFixtures, 'specFile'>>({
  testDir: 'suites',
  outputDir: 'test-results',
  fullyParallel: false,
  // Playwright's default is half the cores, sized for browsers. A worker here mostly waits on HTTP to its
  // own in-process mock, and each project costs a worker start (about a second): every core is used.
  workers: '100%',
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
  webServer: startOidc
    ? {
        command: `npx tsx fixtures/oidc-provider/server.ts --port ${OIDC_PORT} --ttl 5`,
        url: `http://127.0.0.1:${OIDC_PORT}/.well-known/openid-configuration`,
        reuseExistingServer: !process.env.CI,
        stdout: 'ignore',
        stderr: 'ignore',
        timeout: 30_000,
      }
    : undefined,
});
