/**
 * refresh.*: every check passes against the faultless mock of each seed it applies to and fails under
 * every fault that names it a killer (family-cases.ts). Beyond the seeds: refusals declared per cause
 * are each judged against their own error, in their own check; refresh.race runs against a live target
 * only where the spec allows it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Check, Verdict } from '../../src/checks/check.js';
import { refreshChecks } from '../../src/checks/refresh.js';
import type { Contract } from '../../src/contract/model.js';
import { faultByName } from '../../src/mock/faults.js';
import { raceLive, refreshErrorsPerCause, retiresAccess } from '../support/format2-variants.js';
import { explain, seed, verdictsOn } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

familyTests(refreshChecks, {
  'refresh.ok': { seeds: ['vidizmo', 'basic-key-token'], rule: /refreshed token to work|\(refresh\)/ },
  'refresh.rotation': { seeds: ['vidizmo', 'basic-key-token'], rule: /refresh\.rotation/ },
  'refresh.invalid': { seeds: ['vidizmo', 'basic-key-token'], rule: /garbage.*errors\.(refreshInvalid|invalid)/ },
  'refresh.expired': { seeds: ['vidizmo', 'basic-key-token'], rule: /refresh\.expired/, needsTime: true },
  'refresh.mismatched-key': { seeds: ['basic-key-token'], rule: /of one session and the .* of another.*errors\.refreshInvalid/ },
  'refresh.retires-access': {
    seeds: ['vidizmo'],
    rule: /access token a refresh replaced (\(refresh\.retiresAccess: true\) to be refused with status \d+ \(errors\.(revoked|invalid)\)|to keep working until it expires \(refresh\.retiresAccess: false\))/,
  },
  'refresh.race': { seeds: ['vidizmo', 'basic-key-token'], rule: /exactly one of 5 concurrent refreshes/, actual: /[2-5] of 5 succeeded/, exchanges: { min: 9, max: 12 } },
  'refresh.after-logout': { seeds: ['vidizmo', 'basic-key-token'], rule: /session that was logged out to be refused with .*errors\.(refreshInvalid|invalid)/ },
  'refresh.rolling': { seeds: ['waldo'], rule: /rolling/, needsTime: true },
  'refresh.rolling-success-only': { seeds: ['waldo'], rule: /refused request \((a garbage token|a token \d+ s after .*)\) to carry no token/, needsTime: true },
});

const byId = (id: string): Check => {
  const check = refreshChecks.find((c) => c.id === id);
  assert.ok(check, id);
  return check;
};

const verdicts = (contract: Contract, ids: readonly string[], options: { fault?: string; live?: boolean } = {}): Promise<Record<string, Verdict>> =>
  verdictsOn(contract, ids.map(byId), options);

describe('a refresh that retires the access token it replaces (retiresAccess: true)', () => {
  const contract = retiresAccess();

  test('passes against the faultless mock, and fails when the replaced token still works', async () => {
    const ok = await verdicts(contract, ['refresh.retires-access']);
    assert.equal(ok['refresh.retires-access']?.status, 'pass', explain(ok['refresh.retires-access'] as Verdict));
    const v = (await verdicts(contract, ['refresh.retires-access'], { fault: 'refresh-keeps-old-access' }))['refresh.retires-access'];
    assert.ok(v?.status === 'fail', v && explain(v));
    assert.match(v.expected, /\(refresh\.retiresAccess: true\) to be refused/);
  });
});

describe('refusals declared per cause (refresh.errors)', () => {
  const contract = refreshErrorsPerCause();
  const ids = ['refresh.invalid', 'refresh.rotation', 'refresh.expired', 'refresh.after-logout', 'refresh.race'];

  test('each refusal check passes against the faultless mock', async () => {
    for (const [id, v] of Object.entries(await verdicts(contract, ids))) assert.equal(v.status, 'pass', `${id}: ${explain(v)}`);
  });

  test('answering every cause as garbage fails the checks of the other causes, each naming its own error', async () => {
    const fault = faultByName('refresh-errors-swapped');
    assert.ok(fault);
    assert.ok(fault.applies(contract));
    assert.deepEqual(fault.killers(contract), ['refresh.rotation', 'refresh.expired', 'refresh.after-logout']);
    const v = await verdicts(contract, ids, { fault: 'refresh-errors-swapped' });
    assert.equal(v['refresh.invalid']?.status, 'pass');
    const named: Record<string, RegExp> = {
      'refresh.rotation': /error=refresh_token_reused \(refresh\.errors\.replayed, /,
      'refresh.expired': /error=refresh_token_expired \(refresh\.errors\.expired, /,
      'refresh.after-logout': /status 403 \(refresh\.errors\.afterLogout\)|403 with error=session_ended \(refresh\.errors\.afterLogout, /,
    };
    for (const [id, rule] of Object.entries(named)) {
      const x = v[id];
      assert.ok(x?.status === 'fail', `${id}: ${x && explain(x)}`);
      assert.match(x.expected, rule);
    }
  });

  test('the swapped-errors fault applies to no seed: none declares refusals per cause', () => {
    for (const id of ['vidizmo', 'basic-key-token'] as const) assert.equal(faultByName('refresh-errors-swapped')?.applies(seed(id)), false, id);
  });
});

describe('refresh.race against a live target', () => {
  test('skips, saying how to allow it, unless the spec says refresh.race.live: true', async () => {
    const v = await verdicts(seed('basic-key-token'), ['refresh.race'], { live: true });
    const race = v['refresh.race'];
    assert.ok(race?.status === 'skip', race && explain(race));
    assert.match(race.reason, /refresh\.race\.live: true/);
    assert.equal(race.exchanges.length, 0, 'nothing is sent');
  });

  test('runs where the spec allows it', async () => {
    const v = await verdicts(raceLive(), ['refresh.race'], { live: true });
    assert.equal(v['refresh.race']?.status, 'pass', v['refresh.race'] && explain(v['refresh.race']));
  });
});
