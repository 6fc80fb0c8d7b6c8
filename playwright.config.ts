/**
 * One Playwright project per spec in specs/ (or AUTHCONFORM_SPECS): `--project=<id>` runs one
 * provider, `--grep @expiry` one family, `--grep @must` the MUST rules. Providers run in parallel;
 * the checks of one provider run in order in one worker, since they share its server's clock.
 */
import { defineConfig } from '@playwright/test';
import type { ConformanceWorkerFixtures } from './fixtures/conformance.js';
import { DEMO_TTL_SECONDS } from './fixtures/oidc-provider/settings.js';
import { runContracts } from './fixtures/run-contracts.js';
import { basename, extname, resolve } from 'node:path';
import { findSpecs } from './src/contract/discover.js';
import { REPORT_PATHS } from './src/report/paths.js';
import { specGrep } from './src/report/tags.js';
import { openRunState } from './src/target/run-state.js';
import { applyDefaults, processEnv, runSettings, SettingsError } from './src/target/env.js';
import { planTarget } from './src/target/plan.js';

/** Settings errors end the run before anything starts: one line each, with the fix, and exit code 2. */
function refuse(problems: readonly string[]): never {
  for (const p of problems) console.error(`authconform: ${p}`);
  process.exit(2);
}

let settings: ReturnType<typeof runSettings>;
try {
  settings = runSettings();
} catch (e) {
  if (!(e instanceof SettingsError)) throw e;
  refuse([e.message]);
}

/**
 * The `oauth2` spec is judged against a real third-party server, oidc-provider, which the run's global
 * setup starts on a free port with the spec's demo clients and a 5 s token lifetime (it has no test
 * clock, so expiry is waited for, bounded). Setting AUTHCONFORM_OAUTH2_BASE_URL points the project
 * elsewhere and starts nothing; so does a run without the oauth2 project (another specs folder, or
 * `--project` naming only other providers).
 */
const OAUTH2_SPEC = 'specs/oauth2.yaml';

const found = findSpecs(settings.specsDir);
if ('problem' in found) {
  const named = processEnv().AUTHCONFORM_SPECS ? 'AUTHCONFORM_SPECS names a folder of specs or one spec file, but ' : '';
  refuse([`${named}${found.problem}.`]);
}

// Every spec is loaded and validated once per run, here in the main process; workers read the result.
const specs = runContracts(found.files);
// Counters every worker of the run shares, such as each live target's bad-credential allowance.
openRunState();
const projects = specs.map(({ file, result }) => {
  const id = result.contract?.id ?? basename(file, extname(file));
  return { name: id, grep: specGrep(id), use: { specFile: file } };
});

const oauth2 = specs.find(({ file }) => resolve(file) === resolve(OAUTH2_SPEC))?.result.contract;
const startOidc = oauth2 !== undefined && projectSelected(oauth2.id) && processEnv().AUTHCONFORM_OAUTH2_BASE_URL === undefined;
if (oauth2 && startOidc) {
  const demo = oauth2.mock.credentials;
  applyDefaults({
    AUTHCONFORM_OAUTH2_TTL: String(DEMO_TTL_SECONDS),
    AUTHCONFORM_OAUTH2_MAX_WAIT: '60',
    AUTHCONFORM_OAUTH2_MAX_BAD_ATTEMPTS: '100',
    ...Object.fromEntries(Object.entries(oauth2.credentials).map(([name, c]) => [c.env, demo[name]])),
  });
}

// A target's settings (base URL, credentials, lifetimes) are checked for every selected provider
// before any test starts, so a typo is one line here rather than a failure in each of its checks.
// (Workers evaluate this file too; the main process has already checked what they will run.)
const inWorker = process.env.TEST_WORKER_INDEX !== undefined;
const settingsProblems = specs.flatMap(({ result: { contract } }) => {
  if (inWorker || !contract || !projectSelected(contract.id)) return [];
  try {
    const plan = planTarget(contract);
    return plan.kind === 'misconfigured' ? [plan.reason] : [];
  } catch (e) {
    if (e instanceof SettingsError) return [e.message];
    throw e;
  }
});
if (settingsProblems.length) refuse(settingsProblems);

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
  ...(startOidc ? { globalSetup: './fixtures/oidc-provider/global-setup.ts' } : {}),
  // Reports (src/report): keep-reports first (a run without tests leaves the last reports alone), the
  // leak scan after every writer (it reads what they wrote), and the outcome last (summary, exit code).
  reporter: [
    ['./src/report/keep-reports.ts'],
    ['list'],
    ['html', { outputFolder: REPORT_PATHS.playwright, open: 'never' }],
    ['junit', { outputFile: REPORT_PATHS.junit, includeProjectInTestName: true, stripANSIControlSequences: true }],
    ['allure-playwright', { resultsDir: REPORT_PATHS.allureResults, suiteTitle: false }],
    ['./src/report/allure-outcomes.ts', { resultsDir: REPORT_PATHS.allureResults }],
    ['./src/report/matrix-reporter.ts', { outputDir: REPORT_PATHS.conformance }],
    ['./src/report/leak-reporter.ts'],
    ['./src/report/outcome-reporter.ts'],
  ],
  projects,
});
