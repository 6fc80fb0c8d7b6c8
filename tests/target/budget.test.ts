import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { badCredentialAllowance } from '../../src/target/budget.js';
import { openRunState, RUN_STATE_ENV } from '../../src/target/run-state.js';

describe('bad-credential allowance', () => {
  it('is one counter per target across every process of the run', () => {
    const env: Record<string, string | undefined> = {};
    const dir = openRunState(env);
    try {
      assert.equal(env[RUN_STATE_ENV], dir);
      assert.equal(openRunState(env), dir, 'a worker inheriting the folder keeps it');
      // Two workers (or a worker and its retry) each build their own view of the same target.
      const first = badCredentialAllowance('acme', 3, env);
      const second = badCredentialAllowance('acme', 3, env);
      assert.equal(first.take(2), true);
      assert.equal(second.take(2), false, 'only one attempt is left');
      assert.equal(second.take(1), true, 'a refused claim took nothing');
      assert.equal(first.take(1), false);
      assert.equal(badCredentialAllowance('other', 1, env).take(1), true, 'each target has its own');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails closed when the run folder is gone', () => {
    const env: Record<string, string | undefined> = {};
    const dir = openRunState(env);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(badCredentialAllowance('acme', 5, env).take(1), false);
  });

  it('lives in memory when no run folder is named (a single process)', () => {
    const allowance = badCredentialAllowance('acme', 1, {});
    assert.equal(allowance.take(1), true);
    assert.equal(allowance.take(1), false);
  });
});
