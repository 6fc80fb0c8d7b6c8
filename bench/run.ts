/**
 * `npm run bench`: every figure of bench/RESULTS.md, measured in one run on one machine.
 *
 *   npm run bench [-- --rounds N] [--baseline DIR] [--no-mock]
 *
 * - the five seed specs against their mocks ÷ Playwright running one empty test (same reporters),
 *   and both again with `--reporter=dot`;
 * - 50 providers (copies of the seed specs) ÷ a raw undici replay of the same exchanges;
 * - seconds slept against the mocks;
 * - the mock's throughput ÷ a bare node:http server (bench/mock.ts, which writes its own section);
 * - 100 concurrent refreshes with one rotating refresh credential.
 *
 * Every timed command runs once per round, rounds interleave the commands so drift on a shared
 * machine hits all alike, and each figure is reported as min / median / max of the rounds. Ratios are
 * taken per round. `--baseline DIR` also times the same runs in another checkout (the code before a
 * change) for a before/after table. The Playwright runs write reports/ and test-results/ as any run does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFloor } from './floor.js';
import { generateSpecs, SEED_SPECS } from './generate-specs.js';
import type { RecordSummary } from './record.js';
import { refreshRace, type RaceResult } from './refresh-race.js';
import { fmt, fmtStats, load, playwrightCounts, ratioStats, stats, timeCommand, type Command, type Stats, type Timed } from './timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const MOCK_SECTION = '## Mock throughput';
const PROVIDERS = 50;
const GOALS = { floor: 1.5, replay: 4, mock: 0.8 } as const;

interface Options {
  readonly rounds: number;
  readonly baseline?: string;
  readonly mock: boolean;
}

function options(argv: readonly string[]): Options {
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const rounds = Number(at('--rounds') ?? 3);
  if (!Number.isInteger(rounds) || rounds < 3) throw new Error('--rounds must be an integer ≥ 3');
  const baseline = at('--baseline');
  return { rounds, ...(baseline ? { baseline: resolve(baseline) } : {}), mock: !argv.includes('--no-mock') };
}

const PLAYWRIGHT = (root: string): string => join(root, 'node_modules', '@playwright', 'test', 'cli.js');
const FIVE = SEED_SPECS.map((id) => `--project=${id}`);

/** One timed command and the series of its rounds. */
interface Series {
  readonly cmd: Command;
  readonly runs: Timed[];
  /** For Playwright runs: the pass count every round must reproduce. */
  readonly expectPassed?: number;
  /** File the slept reporter writes, when the run uses it. */
  readonly sleptFile?: string;
  /** Too slow to repeat: timed in the first round only. */
  readonly firstRoundOnly?: boolean;
}

function playwrightRun(label: string, root: string, args: readonly string[], env: Record<string, string> = {}): Command {
  return { label, argv: [process.execPath, PLAYWRIGHT(root), 'test', ...args], cwd: root, env: { ...env, FORCE_COLOR: '0' } };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const started = new Date();
  const loadAtStart = load();
  const work = mkdtempSync(join(tmpdir(), 'authconform-bench-'));
  try {
    console.log(`load average at start: ${loadAtStart}`);

    // The mock's throughput first, alone on the machine: its own script writes its section.
    let mockLine = 'not measured in this run (--no-mock); the section below is from an earlier run';
    let mockRatio: number | undefined;
    let mockErrors: number | undefined;
    if (opts.mock) {
      console.log('mock throughput (bench/mock.ts) …');
      const res = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'mock.ts')], { cwd: ROOT, encoding: 'utf8' });
      const m = /mock\/bare = ([\d.]+)x req\/s; errors: mock (\d+)/.exec(res.stdout);
      if (res.status !== 0 || !m) throw new Error(`bench/mock.ts failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
      mockRatio = Number(m[1]);
      mockErrors = Number(m[2]);
      mockLine = `${fmt(mockRatio)}× (median of bench/mock.ts's rounds), ${mockErrors} errors`;
    }

    // Fixtures of the timed runs.
    const floor1 = makeFloor(1, work);
    const floor5 = makeFloor(5, work);
    const floor50 = makeFloor(PROVIDERS, work);
    const specs = join(work, 'specs');
    generateSpecs(specs, PROVIDERS);
    const recordingFile = join(work, 'recording.json');
    console.log(`recording the exchanges of ${PROVIDERS} providers …`);
    const rec = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'record.ts'), specs, recordingFile], { cwd: ROOT, encoding: 'utf8' });
    if (rec.status !== 0) throw new Error(`bench/record.ts failed:\n${rec.stdout}\n${rec.stderr}`);
    const recorded = JSON.parse(rec.stdout.trim().split('\n').at(-1) ?? '{}') as RecordSummary;
    if (recorded.notPassed.length) throw new Error(`the recorded run has checks that did not pass: ${recorded.notPassed.join('; ')}`);

    const slept = (name: string): string => join(work, `slept-${name}.json`);
    const dotSlept = (): string[] => [`--reporter=dot,${join(ROOT, 'bench', 'slept-reporter.ts')}`];
    const series: Record<string, Series> = {
      floor1: { cmd: { label: 'npx playwright test (one empty test, the project\'s reporters)', argv: [process.execPath, PLAYWRIGHT(ROOT), 'test', '-c', floor1.config], cwd: floor1.dir, env: { FORCE_COLOR: '0' } }, runs: [], expectPassed: 1 },
      five: { cmd: playwrightRun(`npx playwright test ${FIVE.join(' ')}`, ROOT, FIVE), runs: [] },
      floor1Dot: { cmd: { label: 'npx playwright test --reporter=dot (one empty test)', argv: [process.execPath, PLAYWRIGHT(ROOT), 'test', '-c', floor1.config, ...dotSlept()], cwd: floor1.dir, env: { FORCE_COLOR: '0', BENCH_SLEPT_OUT: slept('floor') } }, runs: [], expectPassed: 1 },
      fiveDot: { cmd: playwrightRun(`npx playwright test ${FIVE.join(' ')} --reporter=dot`, ROOT, [...FIVE, ...dotSlept()], { BENCH_SLEPT_OUT: slept('five') }), runs: [], sleptFile: slept('five') },
      floor5: { cmd: { label: 'npx playwright test (five projects of one empty test each, the project\'s reporters)', argv: [process.execPath, PLAYWRIGHT(ROOT), 'test', '-c', floor5.config], cwd: floor5.dir, env: { FORCE_COLOR: '0' } }, runs: [], expectPassed: 5 },
      fifty: { cmd: playwrightRun(`AUTHCONFORM_SPECS=<${PROVIDERS} copies> npx playwright test`, ROOT, [], { AUTHCONFORM_SPECS: specs }), runs: [] },
      fiftyDot: { cmd: playwrightRun(`AUTHCONFORM_SPECS=<${PROVIDERS} copies> npx playwright test --reporter=dot`, ROOT, dotSlept(), { AUTHCONFORM_SPECS: specs, BENCH_SLEPT_OUT: slept('fifty') }), runs: [], sleptFile: slept('fifty') },
      floor50: { cmd: { label: `npx playwright test (${PROVIDERS} projects of one empty test each, the project's reporters)`, argv: [process.execPath, PLAYWRIGHT(ROOT), 'test', '-c', floor50.config], cwd: floor50.dir, env: { FORCE_COLOR: '0' } }, runs: [], expectPassed: PROVIDERS },
      replay: { cmd: { label: 'npx tsx bench/replay.ts <recording>', argv: [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'replay.ts'), recordingFile], cwd: ROOT }, runs: [] },
    };
    if (opts.baseline) {
      if (!existsSync(PLAYWRIGHT(opts.baseline))) throw new Error(`--baseline ${opts.baseline} has no node_modules/@playwright/test`);
      series.beforeFive = { cmd: playwrightRun(`(baseline) npx playwright test ${FIVE.join(' ')}`, opts.baseline, FIVE), runs: [] };
      // Before the speed work a run of N providers validated N² specs: minutes at 50, so it runs in the first round only.
      series.beforeFifty = { cmd: playwrightRun(`(baseline) AUTHCONFORM_SPECS=<${PROVIDERS} copies> npx playwright test --reporter=dot`, opts.baseline, ['--reporter=dot'], { AUTHCONFORM_SPECS: specs }), runs: [], firstRoundOnly: true };
    }

    const loads: string[] = [];
    const sleptTotals: Record<string, number[]> = {};
    for (let round = 1; round <= opts.rounds; round++) {
      loads.push(load());
      console.log(`round ${round}/${opts.rounds} (load ${load()})`);
      for (const [name, s] of Object.entries(series)) {
        if (s.firstRoundOnly && round > 1) continue;
        const t = await timeCommand(s.cmd);
        const output = t.stdout + t.stderr;
        if (s.cmd.argv[2] === 'test') {
          const counts = playwrightCounts(output);
          const expected = s.expectPassed ?? (s.runs.length ? playwrightCounts(s.runs[0]!.stdout + s.runs[0]!.stderr).passed : counts.passed);
          if (t.code !== 0 || counts.failed || counts.passed !== expected || !counts.passed) {
            throw new Error(`${s.cmd.label} gave ${JSON.stringify(counts)} (exit ${t.code}), expected ${expected} passed:\n${output.slice(-3000)}`);
          }
        } else if (t.code !== 0) {
          throw new Error(`${s.cmd.label} failed (exit ${t.code}):\n${output.slice(-3000)}`);
        }
        if (s.sleptFile) (sleptTotals[name] ??= []).push((JSON.parse(readFileSync(s.sleptFile, 'utf8')) as { slept: number }).slept);
        s.runs.push(t);
        console.log(`  ${name.padEnd(11)} ${fmt(t.seconds)} s`);
      }
    }
    const loadAtEnd = load();

    const secs = (name: string): number[] => series[name]?.runs.map((r) => r.seconds) ?? [];
    const passed = (name: string): number => playwrightCounts((series[name]?.runs[0]?.stdout ?? '') + (series[name]?.runs[0]?.stderr ?? '')).passed;
    const replayed = JSON.parse(series.replay?.runs[0]?.stdout.trim().split('\n').at(-1) ?? '{}') as { exchanges?: number };

    console.log('refresh races …');
    const races = (await Promise.all(SEED_SPECS.map((id) => refreshRace(join(ROOT, 'specs', `${id}.yaml`))))).filter((r): r is RaceResult => r !== undefined);

    writeResults({
      opts,
      started,
      loads: { start: loadAtStart, rounds: loads, end: loadAtEnd },
      secs,
      passed,
      series,
      recorded,
      replayedExchanges: replayed.exchanges ?? 0,
      sleptTotals,
      races,
      mockLine,
      ...(mockRatio !== undefined ? { mockRatio } : {}),
      ...(mockErrors !== undefined ? { mockErrors } : {}),
    });
    console.log(`wrote ${RESULTS}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface Measured {
  readonly opts: Options;
  readonly started: Date;
  readonly loads: { start: string; rounds: string[]; end: string };
  secs(name: string): number[];
  passed(name: string): number;
  readonly series: Record<string, Series>;
  readonly recorded: RecordSummary;
  readonly replayedExchanges: number;
  readonly sleptTotals: Record<string, number[]>;
  readonly races: readonly RaceResult[];
  readonly mockLine: string;
  readonly mockRatio?: number;
  readonly mockErrors?: number;
}

const verdict = (ok: boolean): string => (ok ? 'meets the goal' : 'misses the goal');

function writeResults(m: Measured): void {
  const { secs } = m;
  const r = (a: string, b: string): Stats => ratioStats(secs(a), secs(b));
  const med = (name: string): number => stats(secs(name)).median;
  const floorDefault = r('five', 'floor1');
  const floorDot = r('fiveDot', 'floor1Dot');
  const overFloor5 = r('five', 'floor5');
  const floor5OverFloor1 = r('floor5', 'floor1');
  const replayDefault = r('fifty', 'replay');
  const replayDot = r('fiftyDot', 'replay');
  const sleptAll = Object.values(m.sleptTotals).flat();
  const sleptMax = Math.max(0, ...sleptAll, m.recorded.slept);
  const winners = m.races.map((x) => x.winners);
  const racesOk = m.races.length > 0 && winners.every((w) => w === 1);
  const row = (name: string): string => {
    const s = m.series[name];
    return s ? `| \`${s.cmd.label}\` | ${fmtStats(stats(secs(name)))} |` : '';
  };
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const five = m.passed('five');
  const fifty = m.passed('fifty');

  const summary = [
    '## Summary',
    '',
    '| figure | goal | measured (min / median / max) | |',
    '|---|---|---|---|',
    `| five-spec run ÷ one empty test, the project's reporters on both | ≤ ${GOALS.floor}× | ${fmtStats(floorDefault)} × | ${verdict(floorDefault.median <= GOALS.floor)} |`,
    `| the same with \`--reporter=dot\` on both | ≤ ${GOALS.floor}× | ${fmtStats(floorDot)} × | ${verdict(floorDot.median <= GOALS.floor)} |`,
    `| ${PROVIDERS} providers ÷ raw undici replay of the same ${m.recorded.exchanges} exchanges (project's reporters) | ≤ ${GOALS.replay}× | ${fmtStats(replayDefault)} × | ${verdict(replayDefault.median <= GOALS.replay)} |`,
    `| the same with \`--reporter=dot\` | ≤ ${GOALS.replay}× | ${fmtStats(replayDot)} × | ${verdict(replayDot.median <= GOALS.replay)} |`,
    `| seconds slept against the mocks | 0 | ${fmt(sleptMax, 0)} (every run, every test) | ${verdict(sleptMax === 0)} |`,
    `| mock throughput ÷ bare node:http | ≥ ${GOALS.mock}×, 0 errors | ${m.mockLine} | ${m.mockRatio === undefined ? 'see its section' : verdict(m.mockRatio >= GOALS.mock && m.mockErrors === 0)} |`,
    `| winners among 100 concurrent refreshes of one rotating refresh credential | exactly 1 | ${m.races.map((x) => `${x.winners} (${x.spec})`).join(', ')} | ${verdict(racesOk)} |`,
    '',
  ];

  const machine = [
    '# Benchmark results',
    '',
    `Produced by \`npm run bench\` (bench/run.ts${m.opts.baseline ? ` --baseline <checkout>` : ''}) on ${m.started.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${model}, ${availableParallelism()} CPUs, Node ${process.version}. ${m.opts.rounds} rounds; each round runs every timed command once, in the order of the tables, so drift on the machine hits all alike; figures are min / median / max over the rounds, ratios are taken round by round. Load average (1, 5, 15 min) at the start ${m.loads.start}, at each round's start ${m.loads.rounds.map((l) => `(${l})`).join(' ')}, at the end ${m.loads.end}. Times are wall-clock seconds of the whole process, from spawn to exit; Playwright runs as \`node node_modules/@playwright/test/cli.js\` (what \`npx playwright\` runs, without npx's own start-up), with one worker per core (\`workers: '100%'\` in playwright.config.ts and in the floor projects: ${availableParallelism()} here).`,
    '',
  ];

  const floorSection = [
    "## Five-spec run ÷ Playwright's floor",
    '',
    `The full run of the five seed specs against their embedded mocks (${five} tests, all passed in every round) selects the five seed projects, so the \`oauth2\` project, which waits for a real server's tokens to expire, is neither run nor started. Its floor is Playwright running one empty test from a throw-away project configured like this one (an ES module package, the same six reporters — list, HTML, JUnit, Allure, the conformance matrix, the leak scan — and the same global setup; bench/floor.ts). Both are measured again with \`--reporter=dot\` (plus a reporter summing the \`slept\` annotations).`,
    '',
    '| command | seconds (min / median / max) |',
    '|---|---|',
    row('floor1'),
    row('five'),
    row('floor1Dot'),
    row('fiveDot'),
    row('floor5'),
    '',
    `- Five-spec run ÷ one empty test: **${fmtStats(floorDefault)}×** with the project's reporters, **${fmtStats(floorDot)}×** with \`--reporter=dot\` (goal ≤ ${GOALS.floor}×): ${verdict(floorDefault.median <= GOALS.floor)}. The project's reporters (medians, default − dot) cost ${fmt(med('five') - med('fiveDot'))} s on the five-spec run and ${fmt(med('floor1') - med('floor1Dot'))} s on the empty test: ${floorDot.median <= GOALS.floor === floorDefault.median <= GOALS.floor ? 'the verdict is the same with either' : 'they decide the verdict'}.`,
    `- What limits it: Playwright starts one worker process per project, and here every spec is a project (\`--project=<id>\` selects a provider). Five projects of one empty test each cost **${fmtStats(floor5OverFloor1)}×** one empty test; the five-spec run is **${fmtStats(overFloor5)}×** that five-project floor. So most of the gap is Playwright's own per-worker start (loading Playwright and its ES module loader in each worker: about 1.2–2 s per worker on this machine), which no harness code runs in; what the harness adds on top, per worker, is its modules (undici, ajv, jose, the mock; about 0.5 s), the mock's start, and about 30–50 ms per test, of which the check itself is 2–5 ms: the rest is Playwright's per-test bookkeeping (each step and attachment captures a source-mapped stack) and Allure's runtime messages, five attachments per test (src/report/describe-test.ts). Measured with \`--cpu-prof\`-style profiles of the workers (an inspector session started by a preloaded script, since Playwright refuses \`--cpu-prof\` in NODE_OPTIONS); not measured by this script.`,
    '',
  ];

  const replaySection = [
    `## ${PROVIDERS} providers ÷ a raw undici replay`,
    '',
    `${PROVIDERS} providers are generated copies of the five seed specs under other ids (bench/generate-specs.ts: ${PROVIDERS / SEED_SPECS.length} of each, only \`id\` and \`provider\` changed), in a temporary folder named by \`AUTHCONFORM_SPECS\`; Playwright runs them all (${fifty} tests, all passed in every round). The exchanges are recorded once, before the rounds, by running the same checks in the suite's order against the embedded mocks through a recording undici dispatcher (bench/record.ts: ${m.recorded.checks} checks, ${m.recorded.exchanges} exchanges, all checks passed). The replay (bench/replay.ts) is a plain program: it loads the ${PROVIDERS} specs, starts fresh mocks, sends every recorded request with undici — each provider's in recorded order, all providers at once — and asserts each status with \`assert.equal\`; tokens, keys and ids the fresh mocks issue replace the recorded ones (bench/substitute.ts), and both processes stop \`Date.now()\` at the recording's start so the mocks' test clocks read the same times. It replayed ${m.replayedExchanges} exchanges with every status as recorded, in every round.`,
    '',
    '| command | seconds (min / median / max) |',
    '|---|---|',
    row('fifty'),
    row('fiftyDot'),
    row('replay'),
    row('floor50'),
    '',
    `- ${PROVIDERS} providers ÷ raw replay: **${fmtStats(replayDefault)}×** with the project's reporters, **${fmtStats(replayDot)}×** with \`--reporter=dot\` (goal ≤ ${GOALS.replay}×): ${verdict(replayDefault.median <= GOALS.replay)}.`,
    `- What limits it: the same per-project worker start as above, ${PROVIDERS} times over (the replay is one process): Playwright running ${PROVIDERS} projects of one empty test each, with the project's reporters, already costs **${fmtStats(r('floor50', 'replay'))}×** the replay, and the ${PROVIDERS}-provider run is **${fmtStats(r('fifty', 'floor50'))}×** that floor. On top of it come the reporters (default − dot: ${fmt(med('fifty') - med('fiftyDot'))} s, medians; Allure's writer alone flushes every result and attachment file to disk with an fsync, in the main process), plus each worker registering the tests of every provider (Playwright loads the whole suite file in every worker and captures a source-mapped call location per test: about 0.1 s per worker at ${PROVIDERS} providers), and Playwright's per-test bookkeeping for ${fifty} tests. The specs are validated once per run, in the main process: workers read the resolved contracts back (fixtures/run-contracts.ts) instead of compiling the spec format's JSON Schema and validating every spec again, which before made a run of N providers validate N² specs.`,
    '',
  ];

  const sleptSection = [
    '## Seconds slept against the mocks',
    '',
    `Summed from the \`slept\` annotations of every test of the \`--reporter=dot\` runs (five specs: ${(m.sleptTotals.fiveDot ?? []).join(', ') || '—'} s per round; ${PROVIDERS} providers: ${(m.sleptTotals.fiftyDot ?? []).join(', ') || '—'} s per round) and from the recorded run's verdicts (${fmt(m.recorded.slept, 0)} s over ${m.recorded.checks} checks): **${fmt(sleptMax, 0)} s** (goal 0). Expiry checks advance the mocks' test clock instead of waiting.`,
    '',
  ];

  const raceSection = [
    '## Concurrent refreshes',
    '',
    'For every seed spec whose refresh credential rotates, one credential is acquired from the embedded mock and refreshed by 100 requests sent at once over 100 connections, through the check library\'s own refresh (bench/refresh-race.ts).',
    '',
    '| spec | requests | winners | statuses |',
    '|---|---|---|---|',
    ...m.races.map((x) => `| ${x.spec} | ${x.attempts} | ${x.winners} | ${Object.entries(x.statuses).map(([s, n]) => `${n} × ${s}`).join(', ')} |`),
    '',
    `Exactly one winner per spec (goal 1): ${verdict(racesOk)}.`,
    '',
  ];

  const beforeSection = m.series.beforeFive
    ? [
        '## Before and after the speed work',
        '',
        'The same runs in a checkout of the code before the changes (`--baseline`), in the same rounds:',
        '',
        '| run | before (s, min / median / max) | after (s) | after ÷ before (median) |',
        '|---|---|---|---|',
        `| five-spec run, the project's reporters | ${fmtStats(stats(secs('beforeFive')))} | ${fmtStats(stats(secs('five')))} | ${fmt(stats(secs('five')).median / stats(secs('beforeFive')).median)} |`,
        `| ${PROVIDERS} providers, \`--reporter=dot\` (before: first round only) | ${fmtStats(stats(secs('beforeFifty')))} | ${fmtStats(stats(secs('fiftyDot')))} | ${fmt(stats(secs('fiftyDot')).median / stats(secs('beforeFifty')).median)} |`,
        '',
      ]
    : keptSection('## Before and after the speed work');

  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const mockSection = section(current, MOCK_SECTION) ?? `${MOCK_SECTION}\n\nNot measured yet: run \`npx tsx bench/mock.ts\`.\n`;
  const text = [...machine, ...summary, ...floorSection, ...replaySection, ...sleptSection, ...raceSection, ...beforeSection].join('\n');
  writeFileSync(RESULTS, `${text.trimEnd()}\n\n${mockSection.trimEnd()}\n`);
}

/** A `## ` section of a Markdown text, up to the next one; undefined when absent. */
export function section(text: string, heading: string): string | undefined {
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) return undefined;
  const next = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, next < 0 ? undefined : next + 1);
}

/** An existing section kept as it is (a before/after table from an earlier run with --baseline). */
function keptSection(heading: string): string[] {
  const kept = existsSync(RESULTS) ? section(readFileSync(RESULTS, 'utf8'), heading) : undefined;
  return kept ? [kept.trimEnd(), ''] : [];
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) await main();
