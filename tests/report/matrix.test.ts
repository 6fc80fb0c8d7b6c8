import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { CONFORMANCE_VERSION, type ConformanceReport } from '../../src/report/conformance.js';
import { ConformanceMatrixReporter } from '../../src/report/matrix-reporter.js';
import { GARBAGE_FAILURE, HOSTILE_BODY, TTL_SKIP, syntheticRun, type SyntheticTest } from './synthetic-run.js';

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'authconform-matrix-test-'));
  temps.push(d);
  return d;
}
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const NOW = new Date('2026-01-02T03:04:05.000Z');

/** Feeds events to the reporter as Playwright would; `planned` are the tests onBegin announces. */
async function runReporter(
  t: TestContext,
  events: readonly SyntheticTest[],
  options: { planned?: readonly SyntheticTest[]; stepSummary?: string } = {},
): Promise<{ dir: string; report: ConformanceReport; printed: string[] }> {
  const dir = tempDir();
  const printed: string[] = [];
  t.mock.method(console, 'log', (s: string) => printed.push(s));
  const reporter = new ConformanceMatrixReporter({ outputDir: dir, stepSummary: options.stepSummary ?? false, now: () => NOW });
  const planned = options.planned ?? events;
  reporter.onBegin({ configFile: join(dir, 'playwright.config.ts') } as FullConfig, { allTests: () => planned.map((e) => e.test) } as unknown as Suite);
  for (const e of events) reporter.onTestEnd(e.test as unknown as TestCase, e.result as unknown as TestResult);
  await reporter.onEnd({ status: 'failed' } as FullResult);
  const report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
  return { dir, report, printed };
}

function cell(report: ConformanceReport, provider: string, check: string) {
  return report.results.find((r) => r.provider === provider && r.check === check);
}

describe('conformance matrix reporter', () => {
  it('puts each verdict in its provider × check cell, with reason, message and evidence', async (t) => {
    const { dir, report, printed } = await runReporter(t, syntheticRun());
    assert.equal(report.version, CONFORMANCE_VERSION);
    assert.equal(report.generatedAt, NOW.toISOString());
    assert.deepEqual(report.totals, { pass: 7, fail: 1, skip: 1, broken: 0, knownBreach: 0, unexpectedPass: 0 });
    assert.deepEqual(
      report.providers.map((p) => [p.id, p.name, p.target?.kind, p.document?.url, p.totals]),
      [
        ['alpha', 'Alpha API', 'mock', 'https://docs.alpha.example/auth', { pass: 3, fail: 1, skip: 0, broken: 0, knownBreach: 0, unexpectedPass: 0 }],
        ['beta', 'Beta Cloud', 'live', undefined, { pass: 4, fail: 0, skip: 1, broken: 0, knownBreach: 0, unexpectedPass: 0 }],
      ],
    );
    // Catalog order: families, then within a family the order the providers' own tests give
    // (present.missing comes before present.garbage though alpha, first to report, has no present.missing).
    assert.deepEqual(
      report.checks.map((c) => c.id),
      ['acquire.ok', 'present.missing', 'present.garbage', 'jwt.alg-none', 'expiry.ttl', 'refresh.rolling-success-only'],
    );
    assert.equal(report.checks.find((c) => c.id === 'refresh.rolling-success-only')?.level, 'SHOULD');

    const failed = cell(report, 'alpha', 'present.garbage');
    assert.equal(failed?.verdict, 'fail');
    assert.equal(failed?.message, GARBAGE_FAILURE, 'the message is the verdict text, without the error class name');
    assert.equal(failed?.exchanges, 2);
    assert.equal(failed?.evidence, 'evidence/alpha/present.garbage.json');
    const evidence = JSON.parse(readFileSync(join(dir, failed!.evidence!), 'utf8')) as { response: { body: string } }[];
    assert.equal(evidence[1]?.response.body, HOSTILE_BODY);

    const skipped = cell(report, 'beta', 'expiry.ttl');
    assert.equal(skipped?.verdict, 'skip');
    assert.equal(skipped?.reason, TTL_SKIP);
    assert.equal(cell(report, 'alpha', 'acquire.ok')?.observed, '200 with token');
    assert.equal(cell(report, 'alpha', 'refresh.rolling-success-only'), undefined, 'a check the contract does not state has no cell');
    assert.ok(existsSync(join(dir, 'index.html')));
    assert.match(printed.join('\n'), /Conformance matrix: 7 passed, 1 failed, 1 skipped/);
  });

  it('gives the same matrix whatever order providers and tests arrive in, as a merge of shard blobs replays them', async (t) => {
    const inOrder = (await runReporter(t, syntheticRun())).report;
    // Shards finish in any order: beta's tests first, and its results interleaved with alpha's.
    const run = syntheticRun();
    const planned = [...run.filter((e) => e.test.tags.includes('@spec:beta')), ...run.filter((e) => e.test.tags.includes('@spec:alpha'))];
    const finished = [...run].reverse();
    const replayed = (await runReporter(t, finished, { planned })).report;
    assert.deepEqual(replayed, inOrder);
  });

  it('shows the last attempt of a retried check, and a check the run never reached as skipped', async (t) => {
    const events = syntheticRun();
    const garbage = events.find((e) => e.test.title.startsWith('present.garbage') && e.test.tags.includes('@spec:alpha'))!;
    const retried = { test: garbage.test, result: { ...garbage.result, status: 'passed' as const, errors: [] } };
    const unreached = events.find((e) => e.test.title.startsWith('jwt.alg-none'))!;
    const { report } = await runReporter(t, [...events.filter((e) => e !== unreached), retried], { planned: events });
    assert.equal(cell(report, 'alpha', 'present.garbage')?.verdict, 'pass');
    const notRun = cell(report, 'alpha', 'jwt.alg-none');
    assert.equal(notRun?.verdict, 'skip');
    assert.equal(notRun?.outcome, 'notRun');
    assert.match(notRun?.reason ?? '', /run ended before this check ran/);
  });

  it('reports a failure that is not a check (an invalid spec) against its provider', async (t) => {
    const invalid: SyntheticTest = {
      test: { id: 'spec', title: 'spec is valid', tags: ['@spec:gamma'], annotations: [], parent: { project: () => ({ name: 'gamma' }) } },
      result: { status: 'failed', duration: 1, errors: [{ message: 'ConformanceFailure: specs/gamma.yaml has problems:\nspecs/gamma.yaml:3:1: id is required' }], attachments: [] },
    };
    const { report, dir } = await runReporter(t, [...syntheticRun(), invalid]);
    const gamma = report.providers.find((p) => p.id === 'gamma');
    assert.equal(gamma?.problems.length, 1);
    assert.match(gamma?.problems[0] ?? '', /specs\/gamma\.yaml:3:1: id is required/);
    assert.match(readFileSync(join(dir, 'conformance.md'), 'utf8'), /id is required/);
  });

  it('writes conformance.md and appends it to the GitHub step summary', async (t) => {
    const summary = join(tempDir(), 'step-summary.md');
    writeFileSync(summary, '# Earlier step\n');
    const { dir } = await runReporter(t, syntheticRun(), { stepSummary: summary });
    const md = readFileSync(join(dir, 'conformance.md'), 'utf8');
    assert.match(md, /\| check \| level \| alpha \| beta \|/);
    assert.match(md, /\| `present\.garbage` \| MUST \| ❌ fail \| ✅ pass \|/);
    assert.match(md, /\| `present\.missing` \| MUST \| — \| ✅ pass \|/);
    assert.match(md, /\| `refresh\.rolling-success-only` \| SHOULD \| — \| ✅ pass \|/);
    assert.match(md, /## Failures \(1\)[\s\S]*expected: a random credential[\s\S]*got: {6}status 200 instead of 401/);
    assert.ok(md.includes(`**Beta Cloud · expiry.ttl (MUST)**: ${TTL_SKIP}`));
    const appended = readFileSync(summary, 'utf8');
    assert.ok(appended.startsWith('# Earlier step\n'), 'the summary is appended to, not replaced');
    assert.ok(appended.includes(md));
  });

  it('writes a static page: no network, and evidence from the server shown as text only', async (t) => {
    const { dir } = await runReporter(t, syntheticRun());
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|@import|url\(/i, 'the page loads nothing');
    assert.ok(!html.includes('<img id=injected'), 'a hostile body must not become markup');
    assert.ok(html.includes('\\u003cimg id=injected'), 'the hostile body is embedded as escaped data');
  });
});

describe('docs/conformance-json.md', () => {
  it('documents every field conformance.json holds', async (t) => {
    const { report } = await runReporter(t, syntheticRun());
    const doc = readFileSync(new URL('../../docs/conformance-json.md', import.meta.url), 'utf8');
    const keys = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          keys.add(k);
          walk(x);
        }
      }
    };
    walk(report);
    const missing = [...keys].filter((k) => !doc.includes(`\`${k}\``));
    assert.deepEqual(missing, [], `undocumented fields: ${missing.join(', ')}`);
    assert.ok(doc.includes(`\`"version": ${CONFORMANCE_VERSION}\``), 'the doc names the current version');
  });
});
