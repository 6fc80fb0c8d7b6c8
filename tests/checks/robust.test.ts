/**
 * robust.*: both checks pass against the faultless mock of every seed, and fail under every mock
 * fault that names them as killers (family-cases.ts); a found echo is named in the verdict without
 * showing the secret; a spent bad-login allowance keeps wrong logins off a live account, and a live
 * target that has not opted in is sent no hostile-looking payload.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadCredentialBudget } from '../../src/checks/context.js';
import { robustChecks } from '../../src/checks/robust.js';
import { runCheck } from '../../src/checks/run.js';
import type { Verdict } from '../../src/checks/check.js';
import { planTarget } from '../../src/target/plan.js';
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

describe('robust.* and hostile-looking payloads', () => {
  /** What a firewall would take for an attack, by the exchange's purpose or in the request's body. */
  const hostile = (v: Verdict): string[] =>
    v.exchanges
      .filter((e) => /injection-looking|fields holding objects|punctuation/.test(e.purpose) || /\$ne|<script>|' OR '1'='1/.test(e.request.body ?? ''))
      .map((e) => e.purpose);

  /** robust.no-5xx against the vidizmo mock posing as a live server, set up from the environment. */
  async function liveBattery(extra: Record<string, string>): Promise<Verdict> {
    const mock = await mockScope('vidizmo');
    try {
      const { contract } = mock.scope;
      const env: Record<string, string> = { AUTHCONFORM_VIDIZMO_BASE_URL: mock.scope.target.baseUrl, AUTHCONFORM_VIDIZMO_CLOCK: '1', ...extra };
      for (const [name, c] of Object.entries(contract.credentials)) env[c.env] = contract.mock.credentials[name] ?? '';
      const plan = planTarget(contract, env);
      assert.equal(plan.kind, 'live');
      if (plan.kind !== 'live') throw new Error('not live');
      const check = robustChecks.find((c) => c.id === 'robust.no-5xx')!;
      return (await runCheck(check, { ...mock.scope, target: plan.target })).verdict;
    } finally {
      await mock.close();
    }
  }

  test('a live target without AUTHCONFORM_<ID>_HOSTILE is sent none, and the pass says they were left out', async () => {
    const verdict = await liveBattery({});
    assert.equal(verdict.status, 'pass', explain(verdict));
    assert.deepEqual(hostile(verdict), []);
    if (verdict.status === 'pass') assert.match(verdict.detail ?? '', /3 hostile-looking payloads left out: .*AUTHCONFORM_VIDIZMO_HOSTILE=1/);
    assert.ok(verdict.exchanges.some((e) => /wrong password/.test(e.purpose)), 'the other wrong logins are still sent');
  });

  for (const flag of ['1', 'true']) {
    test(`a live target with AUTHCONFORM_<ID>_HOSTILE=${flag} is sent them`, async () => {
      const verdict = await liveBattery({ AUTHCONFORM_VIDIZMO_HOSTILE: flag });
      assert.equal(verdict.status, 'pass', explain(verdict));
      assert.deepEqual(hostile(verdict), [
        'acquire with injection-looking wrong password',
        'acquire with fields holding objects',
        'probe with a credential of punctuation',
      ]);
      if (verdict.status === 'pass') assert.doesNotMatch(verdict.detail ?? '', /hostile/);
    });
  }

  test('the embedded mock accepts them', async () => {
    const mock = await mockScope('vidizmo');
    try {
      assert.equal(mock.scope.target.hostile, true);
      const verdict = await mock.verdict(robustChecks.find((c) => c.id === 'robust.no-5xx')!);
      assert.equal(hostile(verdict).length, 3, explain(verdict));
    } finally {
      await mock.close();
    }
  });
});
