/**
 * Known breaches, as a user sees them in a whole run: a check the project's server is known to break
 * is an expected failure (Playwright's `test.fail`) that fails no run and is counted apart, with its
 * reason; a known breach that passes fails the run and says so. The third-party server is started by
 * the run's global setup on a free loopback port, judged as a live target, and stopped after the run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { THIRD_PARTY_SERVERS } from '../../fixtures/third-party/registry.js';
import { cleanEnv, PROJECT_ROOT, runPlaywright } from '../support/playwright-cli.js';

const work = mkdtempSync(join(tmpdir(), 'authconform-breach-run-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface JsonTest {
  readonly expectedStatus: string;
  readonly status: string;
  readonly annotations: readonly { type: string; description?: string }[];
  readonly results: readonly { status: string; annotations?: readonly { type: string; description?: string }[] }[];
}
interface JsonSuite {
  readonly specs?: readonly { title: string; tests: readonly JsonTest[] }[];
  readonly suites?: readonly JsonSuite[];
}

function specsOf(suite: JsonSuite): { title: string; tests: readonly JsonTest[] }[] {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(specsOf)];
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('known breaches in a run', () => {
  it('better-auth: its known breaches are expected failures with their reasons, and the run passes', async () => {
    const report = join(work, 'better-auth.json');
    const { code, output } = await runPlaywright(
      ['test', '--project=better-auth', '--grep', 'security\\.(no-store|www-authenticate)|acquire\\.ok', '--reporter=line,json,./src/report/outcome-reporter.ts', `--output=${join(work, 'out')}`],
      { env: { ...cleanEnv(), PLAYWRIGHT_JSON_OUTPUT_NAME: report } },
    );
    assert.equal(code, 0, output);
    assert.match(output, /authconform: 0 findings · 2 known breaches \(expected failures\) · 0 MUST checks skipped → exit 0/);
    const specs = specsOf(JSON.parse(readFileSync(report, 'utf8')) as JsonSuite);
    const reasons = THIRD_PARTY_SERVERS.find((s) => s.id === 'better-auth')?.knownBreaches ?? {};
    const byCheck = new Map(specs.map((s) => [s.title.split(':')[0], s.tests[0]]));
    for (const check of ['security.no-store', 'security.www-authenticate']) {
      const t = byCheck.get(check);
      assert.equal(t?.expectedStatus, 'failed', check);
      assert.equal(t?.results.at(-1)?.status, 'failed', check);
      const notes = [...(t?.annotations ?? []), ...(t?.results.at(-1)?.annotations ?? [])];
      assert.ok(notes.some((a) => a.type === 'known-breach' && a.description === reasons[check]), `${check}: the reason travels with the test`);
    }
    const ok = byCheck.get('acquire.ok');
    assert.equal(ok?.expectedStatus, 'passed', 'a check the server honours is judged as ever');
    // It ran against the real server, which the run started on loopback and stopped at its end.
    const target = [...(ok?.annotations ?? []), ...(ok?.results.at(-1)?.annotations ?? [])].find((a) => a.type === 'target')?.description ?? '';
    assert.match(target, /^live http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(await refused(target.slice('live '.length)), 'the server is stopped after the run');
  });

  it('a known breach that passes fails the run, as Playwright reports an expected failure that did not happen', async () => {
    // The suite against a seed spec's embedded mock, which honours its contract, with a made-up breach.
    const out = join(work, 'stale');
    const { code, output } = await runPlaywright(['test', `--config=${join(PROJECT_ROOT, 'tests/suites/fixtures/known-breach.config.ts')}`, '--grep', 'acquire\\.ok'], {
      env: { ...cleanEnv(), AUTHCONFORM_SPECS: join(PROJECT_ROOT, 'specs/basic-key-token.yaml'), BREACH_TEST_OUT: out },
    });
    assert.equal(code, 1, output);
    assert.match(output, /Expected to fail, but passed/);
    assert.match(output, /authconform: 0 findings · 1 known breach passed \(the server now honours the rule: remove it from its known breaches\) · 0 MUST checks skipped → exit 1/);
    const json = JSON.parse(readFileSync(join(out, 'matrix', 'conformance.json'), 'utf8')) as { results: { check: string; verdict: string; knownBreach?: string }[] };
    assert.deepEqual(
      json.results.map((r) => [r.check, r.verdict, r.knownBreach]),
      [['acquire.ok', 'unexpected-pass', 'a breach this server does not have']],
    );
  });
});
