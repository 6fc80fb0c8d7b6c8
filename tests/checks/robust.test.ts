/**
 * robust.*: both checks pass against the faultless mock of every seed, and fail under every mock
 * fault that names them as killers; a found echo is named in the verdict without showing the secret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BadCredentialBudget } from '../../src/checks/context.js';
import { robustChecks } from '../../src/checks/robust.js';
import { runCheck } from '../../src/checks/run.js';
import { FAULTS } from '../../src/mock/faults.js';
import { explain, mockScope, seed, SEED_IDS, type MockScope } from '../support/mock-scope.js';

const RULE: Record<string, RegExp> = {
  'robust.no-5xx': /never a 5xx/,
  'robust.no-secret-echo': /submitted secret/,
};

for (const id of SEED_IDS) {
  describe(`robust.* against the faultless ${id} mock`, () => {
    let mock: MockScope;
    before(async () => {
      mock = await mockScope(id);
    });
    after(() => mock.close());
    for (const check of robustChecks.filter((c) => c.applies(seed(id)))) {
      test(`${check.id} passes`, async () => {
        const v = await mock.verdict(check);
        assert.equal(v.status, 'pass', explain(v));
        if (check.id === 'robust.no-5xx') {
          const n = v.exchanges.length;
          assert.ok(n >= 15 && n <= 80, `a bounded battery of tens of requests (sent ${n})`);
        }
      });
    }
  });
}

describe('robust.* under the faults that must kill them', () => {
  for (const check of robustChecks) {
    for (const id of SEED_IDS) {
      const contract = seed(id);
      if (!check.applies(contract)) continue;
      for (const fault of FAULTS.filter((f) => f.applies(contract) && f.killers(contract).includes(check.id))) {
        test(`${check.id} fails on ${id} with ${fault.name}`, async () => {
          const mock = await mockScope(id, { fault: fault.name });
          try {
            const v = await mock.verdict(check);
            assert.equal(v.status, 'fail', explain(v));
            if (v.status !== 'fail') return;
            assert.match(v.expected, RULE[check.id] ?? /./);
            if (check.id === 'robust.no-5xx') assert.match(v.actual, /→ 5\d\d/);
            if (check.id === 'robust.no-secret-echo') {
              assert.match(v.actual, /the error body of the response to .* echoes the submitted \w+/);
              for (const secret of mock.scope.redactor.values()) assert.ok(!v.actual.includes(secret), 'the verdict never shows a secret');
              assert.ok(!/acf-/.test(v.actual), 'the distinctive value is named, not quoted');
            }
          } finally {
            await mock.close();
          }
        });
      }
    }
  }
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
