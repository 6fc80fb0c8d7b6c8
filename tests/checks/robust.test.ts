/**
 * robust.*: both checks pass against the faultless mock of every seed, and fail under every mock
 * fault that names them as killers (family-cases.ts); a found echo is named in the verdict without
 * showing the secret; a spent bad-login allowance keeps wrong logins off a live account.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadCredentialBudget } from '../../src/checks/context.js';
import { robustChecks } from '../../src/checks/robust.js';
import { runCheck } from '../../src/checks/run.js';
import { explain, mockScope, SEED_IDS } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

familyTests(robustChecks, {
  'robust.no-5xx': {
    seeds: SEED_IDS,
    rule: /never a 5xx/,
    actual: /→ 5\d\d/,
    // A bounded battery of tens of requests.
    exchanges: { min: 15, max: 80 },
  },
  'robust.no-secret-echo': {
    seeds: SEED_IDS,
    rule: /submitted secret/,
    actual: /the error body of the response to .* echoes the submitted \w+/,
    // The distinctive value is named, not quoted.
    actualNever: /acf-/,
  },
});

describe('robust.* on a live account', () => {
  test('a spent bad-login allowance leaves the wrong logins out of no-5xx and skips no-secret-echo', async () => {
    const mock = await mockScope('vidizmo');
    try {
      const scope = { ...mock.scope, target: { ...mock.scope.target, badCredentialBudget: new BadCredentialBudget(0) } };
      const byId = new Map(robustChecks.map((c) => [c.id, c]));
      const battery = (await runCheck(byId.get('robust.no-5xx')!, scope)).verdict;
      assert.equal(battery.status, 'pass', explain(battery));
      if (battery.status === 'pass') assert.match(battery.detail ?? '', /wrong-login requests left out/);
      assert.ok(!battery.exchanges.some((e) => /wrong password/.test(e.purpose)), 'no wrong login was sent');
      const echo = (await runCheck(byId.get('robust.no-secret-echo')!, scope)).verdict;
      assert.equal(echo.status, 'skip', explain(echo));
      if (echo.status === 'skip') assert.match(echo.reason, /bad-credential attempts/);
    } finally {
      await mock.close();
    }
  });
});
