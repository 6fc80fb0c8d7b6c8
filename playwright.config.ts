/**
 * One Playwright project per spec in specs/ (or AUTHCONFORM_SPECS): `--project=<id>` runs one
 * provider, `--grep @expiry` one family, `--grep @must` the MUST rules. Providers run in parallel;
 * the checks of one provider run in order in one worker, since they share its server's clock.
 */
import { defineConfig } from '@playwright/test';
import type { ConformanceWorkerFixtures } from './fixtures/conformance.js';
import { RUN_THIRD_PARTY_ENV, serverDefaults, serversToStart } from './fixtures/third-party/registry.js';
import { runContracts } from './fixtures/run-contracts.js';
import { basename, extname } from 'node:path';
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

const found = findSpecs(settings.specsDir);
if ('problem' in found) {
  const named = processEnv().AUTHCONFORM_SPECS ? 'AUTHCONFORM_SPECS names a folder of specs or one spec file, but ' : '';
  refuse([`${named}${found.problem}.`]);
}

// Every spec is loaded and validated once per run, here in the main process; workers read the result.
const specs = runContracts(found.files);
// Counters every worker of the run shares, such as each live target's bad-credential allowance.
openRunState();

/**
 * Some specs are judged against real third-party servers (fixtures/third-party/registry.ts), which the
 * run's global setup starts on free ports with the specs' demo credentials (none has a test clock, so
 * expiry is waited for, bounded). Setting AUTHCONFORM_<ID>_BASE_URL points such a project elsewhere and
 * starts nothing; so does a run without the project (another specs folder, or `--project` naming only
 * other providers). What a server is known to break is passed to its project as `knownBreaches`.
 *
 * Which servers this run starts is decided once, in the main process, and handed to the global setup
 * and the workers (which evaluate this file again, with the base URLs already set).
 */
const thirdParty = serversToStart(
  specs.map(({ file, result: { contract } }) => ({ file, contract })),
  { selected: (id) => projectSelected(id), env: processEnv(), handed: processEnv()[RUN_THIRD_PARTY_ENV] },
);
process.env[RUN_THIRD_PARTY_ENV] = thirdParty.map(({ server }) => server.id).join(',');
for (const { server, contract } of thirdParty) applyDefaults(serverDefaults(server, contract));
const knownBreaches = new Map(thirdParty.map(({ server }) => [server.id, server.knownBreaches]));
const projects = specs.map(({ file, result }) => {
  const id = result.contract?.id ?? basename(file, extname(file));
  return { name: id, grep: specGrep(id), use: { specFile: file, knownBreaches: knownBreaches.get(id) ?? {} } };
});

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

export default defineConfig<{}, Pick<ConformanceWorkerFixtures, 'specFile' | 'knownBreaches'>>({
  testDir: 'suites',
  outputDir: 'test-results',
  fullyParallel: false,
  // Playwright's default is half the cores, sized for browsers. A worker here mostly waits on HTTP to its
  // own in-process mock, and each project costs a worker start (about a second): every core is used.
  workers: '100%',
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000 + settings.maxWait * 2_000,
  ...(thirdParty.length ? { globalSetup: './fixtures/third-party/global-setup.ts' } : {}),
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
