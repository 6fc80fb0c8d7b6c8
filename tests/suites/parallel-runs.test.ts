/**
 * Two runs on one machine (two checkouts, two CI jobs) never meet: each starts its own OAuth server
 * for the `oauth2` project on a free port, and every mock binds a free port too.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanEnv, runPlaywright } from '../support/playwright-cli.js';

const work = mkdtempSync(join(tmpdir(), 'authconform-parallel-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(name: string): Promise<{ code: number | null; output: string }> {
  return runPlaywright(
    ['test', '--project=oauth2', '--project=vidizmo', '--grep', 'acquire\\.ok|present\\.missing', '--reporter=line', `--output=${join(work, name)}`],
    { env: cleanEnv() },
  );
}

describe('two runs at the same moment', () => {
  it('both pass, each against servers it started itself', async () => {
    // Something else already listens where a fixed port would be: it must never be taken for ours.
    const squatter = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    await new Promise<void>((resolve) => {
      squatter.once('error', () => resolve());
      squatter.listen(47320, '127.0.0.1', () => resolve());
    });
    after(() => void squatter.close());
    const [a, b] = await Promise.all([run('a'), run('b')]);
    for (const r of [a, b]) {
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /4 passed/);
    }
  });
});
