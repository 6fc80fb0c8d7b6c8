/**
 * The CI workflow (.github/workflows/conformance.yml) is valid YAML and runs the suite the way
 * docs/reports.md describes: shards with the blob reporter and the leak scan, blob reports uploaded
 * and merged by `npx playwright merge-reports` with merge.config.ts, the Allure report
 * rendered, reports/ uploaded; Node 20 and `npm ci` everywhere, a browser only where a test opens one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly needs?: readonly string[];
  readonly if?: string;
  readonly strategy?: { readonly 'fail-fast'?: boolean; readonly matrix: Record<string, readonly unknown[]> };
  readonly steps: readonly Step[];
}

const FILE = fileURLToPath(new URL('../../.github/workflows/conformance.yml', import.meta.url));
const workflow = parse(readFileSync(FILE, 'utf8'), { prettyErrors: true, uniqueKeys: true }) as { jobs: Record<string, Job> };
const jobs = workflow.jobs;
const runs = (job: Job | undefined): string[] => (job?.steps ?? []).flatMap((s) => (s.run ? [s.run] : []));
const uses = (job: Job | undefined, action: string): Step[] => (job?.steps ?? []).filter((s) => s.uses?.startsWith(`${action}@`));

describe('the conformance workflow', () => {
  const shard = jobs.conformance;
  const merge = jobs['merge-reports'];

  it('runs every shard of a matrix with the blob reporter, the leak scan last', () => {
    assert.ok(shard?.strategy, 'a matrix job');
    assert.equal(shard.strategy['fail-fast'], false, 'one failing shard does not cancel the others');
    const { shardIndex, shardTotal } = shard.strategy.matrix;
    assert.equal(shardTotal?.length, 1);
    const total = Number(shardTotal?.[0]);
    assert.deepEqual(shardIndex, Array.from({ length: total }, (_, i) => i + 1), 'one job per shard, 1..N');
    assert.ok(
      runs(shard).includes('npx playwright test --shard=${{ matrix.shardIndex }}/${{ matrix.shardTotal }} --reporter=blob,./src/report/leak-reporter.ts'),
      runs(shard).join('\n'),
    );
    const upload = uses(shard, 'actions/upload-artifact');
    assert.equal(upload.length, 1);
    assert.equal(upload[0]?.with?.path, 'blob-report/');
    assert.equal(upload[0]?.with?.name, 'blob-report-${{ matrix.shardIndex }}');
    assert.equal(upload[0]?.if, '${{ !cancelled() }}', 'a failing shard still uploads its results');
  });

  it('merges the blobs of every shard into one set of reports and uploads reports/', () => {
    assert.deepEqual(merge?.needs, ['conformance']);
    assert.equal(merge?.if, '${{ !cancelled() }}', 'reports are merged when a shard found a non-conformance');
    const download = uses(merge, 'actions/download-artifact');
    assert.equal(download.length, 1);
    assert.deepEqual(download[0]?.with, { path: 'all-blob-reports', pattern: 'blob-report-*', 'merge-multiple': true });
    const commands = runs(merge);
    const mergeAt = commands.indexOf('npx playwright merge-reports --config merge.config.ts all-blob-reports');
    const reportAt = commands.indexOf('npm run report');
    assert.ok(mergeAt >= 0 && reportAt > mergeAt, commands.join('\n'));
    const render = merge?.steps.find((st) => st.run === 'npm run report');
    assert.equal(render?.if, '${{ !cancelled() }}', 'the Allure report is rendered when a shard failed too');
    const upload = uses(merge, 'actions/upload-artifact');
    assert.equal(upload[0]?.with?.path, 'reports/');
    assert.equal(upload[0]?.if, '${{ !cancelled() }}');
  });

  it('uses Node 20 and npm ci in every job, and installs a browser only for the harness tests', () => {
    for (const [name, job] of Object.entries(jobs)) {
      const node = uses(job, 'actions/setup-node');
      assert.equal(node.length, 1, name);
      assert.equal(node[0]?.with?.['node-version'], 20, name);
      assert.equal(runs(job)[0], 'npm ci', `${name} starts from npm ci`);
      const installsBrowser = runs(job).some((r) => r.includes('playwright install'));
      assert.equal(installsBrowser, runs(job).includes('npm test'), `${name}: a browser is installed exactly where npm test runs`);
    }
  });
});
