/**
 * The scale benchmark's pieces: generated copies of the seed specs are valid specs with their seed's
 * checks; a recorded run replays against fresh mocks with every status as recorded; and a replay whose
 * statuses differ from the recording fails, naming the exchange (its assertions are real).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { Recording } from '../../bench/exchange.js';
import { generateSpecs, SEED_SPECS } from '../../bench/generate-specs.js';
import { checksFor } from '../../src/checks/catalog.js';
import { loadContract } from '../../src/contract/load.js';

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'authconform-bench-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(script: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(BENCH, script), ...args], { encoding: 'utf8' });
}

describe('generated providers', () => {
  it('are valid specs under new ids, each with exactly its seed\'s checks', () => {
    const generated = generateSpecs(join(work, 'many'), 12);
    assert.equal(new Set(generated.map((g) => g.id)).size, 12);
    assert.deepEqual([...new Set(generated.map((g) => g.seed))], [...SEED_SPECS]);
    for (const g of generated) {
      const copy = loadContract(g.file);
      const seed = loadContract(fileURLToPath(new URL(`../../specs/${g.seed}.yaml`, import.meta.url)));
      assert.equal(copy.id, g.id);
      assert.deepEqual(checksFor(copy).map((c) => c.id), checksFor(seed).map((c) => c.id), g.id);
    }
  });
});

describe('record and replay', () => {
  const specs = join(work, 'two');
  const recording = join(work, 'recording.json');

  it('replays a recorded run against fresh mocks with every status as recorded', () => {
    generateSpecs(specs, 5);
    const rec = run('record.ts', specs, recording);
    assert.equal(rec.status, 0, rec.stderr);
    const summary = JSON.parse(rec.stdout) as { providers: number; exchanges: number; notPassed: string[]; slept: number };
    assert.equal(summary.providers, 5);
    assert.deepEqual(summary.notPassed, []);
    assert.equal(summary.slept, 0, 'no check slept against a mock');
    assert.ok(summary.exchanges > 100);

    const replay = run('replay.ts', recording);
    assert.equal(replay.status, 0, replay.stderr);
    assert.deepEqual(JSON.parse(replay.stdout), { providers: 5, exchanges: summary.exchanges });
  });

  it('fails, naming the exchange, when a status differs from the recording', () => {
    const rec = JSON.parse(readFileSync(recording, 'utf8')) as Recording;
    const provider = rec.providers[0];
    const first = provider?.exchanges[0];
    assert.ok(provider && first);
    const altered: Recording = { ...rec, providers: [{ ...provider, exchanges: [{ ...first, status: first.status === 200 ? 299 : 200 }] }] };
    const file = join(work, 'altered.json');
    writeFileSync(file, JSON.stringify(altered));
    const replay = run('replay.ts', file);
    assert.notEqual(replay.status, 0);
    assert.match(replay.stderr, new RegExp(`${provider.id} exchange 1 \\(${first.method} `));
  });
});
