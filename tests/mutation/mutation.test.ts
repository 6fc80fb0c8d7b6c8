/**
 * Proof that every verdict can go both ways: the faultless mock passes every applicable check of every
 * seed spec, every applicable fault is killed by at least one check (and by the checks it declares as
 * its killers), and no applicable check is left that no fault can make fail.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { explain } from '../support/mock-scope.js';
import { mutateSpec, mutationTable, seedContracts, type SpecResult } from './mutants.js';

describe('mutation run over the seed specs', () => {
  let results: SpecResult[] = [];

  before(async () => {
    results = await Promise.all(seedContracts().map((c) => mutateSpec(c)));
    console.log(mutationTable(results));
  });

  it('the faultless mock passes every applicable check, with no skips', () => {
    const bad = results.flatMap((r) =>
      [...r.baseline.verdicts].filter(([, v]) => v.status !== 'pass').map(([id, v]) => `${r.spec} ${id}: ${explain(v)}`),
    );
    assert.deepEqual(bad, []);
  });

  it('every applicable fault is killed, by its declared killers among others', () => {
    const survivors = results.flatMap((r) =>
      r.rows
        .filter((row) => row.killedBy.length === 0 || row.missedKillers.length > 0)
        .map((row) => `${row.spec} × ${row.fault}: failed [${row.killedBy.join(', ')}], declared killers that passed [${row.missedKillers.join(', ')}]`),
    );
    assert.deepEqual(survivors, []);
  });

  it('no applicable check is left that no fault can make fail', () => {
    const never = results.flatMap((r) => r.neverFailed.map((id) => `${r.spec} ${id}`));
    assert.deepEqual(never, []);
  });

  it('covers the five seed providers, the OAuth 2.0 spec and the specs of the two other third-party servers', () => {
    assert.deepEqual(results.map((r) => r.spec).sort(), ['basic-key-token', 'better-auth', 'identity-credentials', 'oauth2', 'oauth2-mock-server', 'private-tokens', 'vidizmo', 'waldo']);
  });
});
