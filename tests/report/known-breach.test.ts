/**
 * A check a third-party server is known to break is an expected failure (suites/conformance.spec.ts
 * marks it with `test.fail` and a `known-breach` annotation carrying the reason). The reports must show
 * it as a known breach with that reason, never as a plain pass or a finding, and must show a known
 * breach that passed as what it is: the server now honours the rule, and the run fails.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestCase, TestResult } from '@playwright/test/reporter';
import { buildConformance, verdictOf } from '../../src/report/conformance.js';
import { matrixHtml } from '../../src/report/matrix-html.js';
import { matrixMarkdown } from '../../src/report/matrix-markdown.js';
import { writeMatrix } from '../../src/report/matrix-reporter.js';
import { EXIT_CODE, outcomeOf } from '../../src/report/outcome-reporter.js';
import { recordOf } from '../../src/report/test-record.js';
import { syntheticRun, type SyntheticTest } from './synthetic-run.js';

const temps: string[] = [];
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const NO_VALIDATION = 'the server accepts any password (its README, "Security")';
const NO_STORE = 'the sign-in answer carries no Cache-Control: no-store';

/** A check test of provider `gamma` as the suite reports it when the check is a known breach. */
function breachTest(check: string, status: 'passed' | 'failed' | 'timedOut', reason: string): SyntheticTest {
  const notes = [
    { type: 'check', description: check },
    { type: 'level', description: 'MUST' },
    { type: 'source', description: `the ${check} rule` },
  ];
  return {
    test: { id: `gamma-${check}`, title: `${check}: what ${check} proves`, tags: ['@spec:gamma', '@must'], annotations: notes, parent: { project: () => ({ name: 'gamma' }) } },
    result: {
      status,
      duration: 5,
      errors: status === 'passed' ? [] : [{ message: `ConformanceFailure: ${check} (MUST) failed on Gamma\n  expected: 401\n  got:      200` }],
      annotations: [
        ...notes,
        { type: 'provider', description: 'Gamma server' },
        { type: 'target', description: 'live http://127.0.0.1:4500' },
        { type: 'known-breach', description: reason },
        { type: 'fail', description: `known breach: ${reason}` },
      ],
      attachments: [],
    },
  };
}

function report(events: readonly SyntheticTest[]) {
  return buildConformance(
    events.map((e) => recordOf(e.test, e.result)),
    { status: 'passed', generatedAt: new Date('2026-01-02T03:04:05.000Z') },
  );
}

function outcome(events: readonly SyntheticTest[], status: 'passed' | 'failed') {
  const finished = new Map(events.map((e) => [e.test as unknown as TestCase, e.result as unknown as TestResult]));
  return outcomeOf([...finished.keys()], finished, status);
}

describe('known breaches in the reports', () => {
  it('an expected failure is a known breach with its reason; a known breach that passed is an unexpected pass', () => {
    assert.equal(verdictOf('failed', false, true), 'known-breach');
    assert.equal(verdictOf('passed', false, true), 'unexpected-pass');
    assert.equal(verdictOf('timedOut', false, true), 'fail', 'Playwright counts a timeout as unexpected, so the matrix does too');
    assert.equal(verdictOf('skipped', false, true), 'skip');
    assert.equal(verdictOf('failed', true, true), 'broken', 'a check that could not judge its target is never a breach');

    const r = report([...syntheticRun(), breachTest('acquire.bad-credentials', 'failed', NO_VALIDATION), breachTest('security.no-store', 'passed', NO_STORE)]);
    const breach = r.results.find((x) => x.provider === 'gamma' && x.check === 'acquire.bad-credentials');
    assert.equal(breach?.verdict, 'known-breach');
    assert.equal(breach?.knownBreach, NO_VALIDATION);
    assert.match(breach?.message ?? '', /expected: 401/, 'the finding itself is kept: what was expected and what came back');
    const passed = r.results.find((x) => x.provider === 'gamma' && x.check === 'security.no-store');
    assert.equal(passed?.verdict, 'unexpected-pass');
    assert.equal(passed?.knownBreach, NO_STORE);
    assert.deepEqual(r.totals, { pass: 7, fail: 1, skip: 1, broken: 0, knownBreach: 1, unexpectedPass: 1 });
    assert.deepEqual(r.providers.find((p) => p.id === 'gamma')?.totals, { pass: 0, fail: 0, skip: 0, broken: 0, knownBreach: 1, unexpectedPass: 1 });
    assert.ok(!r.causes.some((c) => c.cells.some((x) => x.provider === 'gamma')), 'a known breach is not a root cause to fix');
  });

  it('the page and the Markdown show the known breach and its reason, and the unexpected pass', () => {
    const r = report([breachTest('acquire.bad-credentials', 'failed', NO_VALIDATION), breachTest('security.no-store', 'passed', NO_STORE)]);
    const html = matrixHtml(r, () => undefined);
    assert.match(html, /<td class="cell-td" data-provider="gamma" data-verdict="known-breach">\s*<button type="button" class="cell known-breach"[^>]*>\s*<span class="verdict">◆ known breach<\/span><span class="note">the server accepts any password/);
    assert.match(html, /data-verdict="unexpected-pass">\s*<button type="button" class="cell unexpected-pass"[^>]*>\s*<span class="verdict">! unexpected pass<\/span><span class="note">expected to fail: the sign-in answer/);
    assert.match(html, /<option value="known-breach">Known breach \(expected\)<\/option>/);
    const md = matrixMarkdown(r);
    assert.match(md, /\| `acquire\.bad-credentials` \| MUST \| 🔷 known breach \|/);
    assert.match(md, /\| `security\.no-store` \| MUST \| ❗ unexpected pass \|/);
    assert.ok(md.includes(`## Known breaches (1)`));
    assert.ok(md.includes(`- **Gamma server · acquire.bad-credentials (MUST)**: ${NO_VALIDATION}`));
    assert.match(md, /## Unexpected passes \(1\)[\s\S]*security\.no-store \(MUST\)\*\*: expected to fail because the sign-in answer/);
    assert.doesNotMatch(md, /## Failures/, 'a known breach is not listed among the failures');
  });

  it('conformance.json carries the verdict and the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authconform-breach-test-'));
    temps.push(dir);
    const events = [breachTest('acquire.bad-credentials', 'failed', NO_VALIDATION)];
    writeMatrix(dir, report(events), events.map((e) => recordOf(e.test, e.result)));
    const json = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as { version: number; results: { verdict: string; knownBreach?: string }[] };
    assert.equal(json.version, 3);
    assert.deepEqual(
      json.results.map((x) => [x.verdict, x.knownBreach]),
      [['known-breach', NO_VALIDATION]],
    );
  });

  it('known breaches fail no run and are counted in the summary; a known breach that passed fails the run', () => {
    const breaches = [breachTest('acquire.bad-credentials', 'failed', NO_VALIDATION), breachTest('present.missing', 'failed', NO_VALIDATION)];
    const green = outcome(breaches, 'passed');
    assert.equal(green.code, EXIT_CODE.conforms);
    assert.deepEqual(green.lines, ['authconform: 0 findings · 2 known breaches (expected failures) · 0 MUST checks skipped → exit 0']);

    const stale = outcome([...breaches, breachTest('security.no-store', 'passed', NO_STORE)], 'failed');
    assert.equal(stale.code, EXIT_CODE.findings);
    assert.match(stale.lines.join('\n'), /1 known breach passed \(the server now honours the rule: remove it from its known breaches\)/);
    assert.doesNotMatch(stale.lines.join('\n'), /failed outside the checks/);
  });
});
