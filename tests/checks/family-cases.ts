/**
 * The tests every check family owes: each check applies to exactly the seeds expected, passes against
 * the faultless mock of every seed it applies to, and fails against every mock fault that names it a
 * killer (for every seed where that fault applies), with an expectation that names the rule. No
 * verdict shows a secret in clear.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Check, Verdict } from '../../src/checks/check.js';
import { runCheck } from '../../src/checks/run.js';
import { FAULTS } from '../../src/mock/faults.js';
import { SEED_IDS, explain, mockScope, seed } from '../support/mock-scope.js';

export interface CheckCase {
  /** Seeds the check applies to. */
  readonly seeds: readonly (typeof SEED_IDS)[number][];
  /** What a failed verdict's expectation must mention: the rule it enforces. */
  readonly rule: RegExp;
  /** The check needs server time to pass: on a target without a clock it skips, saying why. */
  readonly needsTime?: boolean;
  /** What a failed verdict's `actual` must show, beyond saying something. */
  readonly actual?: RegExp;
  /** What a failed verdict's `actual` must never show, such as a value the check sent and names rather than quotes. */
  readonly actualNever?: RegExp;
  /** How many exchanges a passing verdict may carry: a check that sends a battery keeps it bounded. */
  readonly exchanges?: { readonly min: number; readonly max: number };
}

async function verdictOf(check: Check, seedId: string, fault?: string): Promise<{ verdict: Verdict; secrets: string[] }> {
  const mock = await mockScope(seedId, fault ? { fault } : {});
  try {
    const verdict = await mock.verdict(check);
    return { verdict, secrets: mock.scope.redactor.values() };
  } finally {
    await mock.close();
  }
}

/** The check against a mock that poses as a live target with no test clock and no time to wait. */
async function clocklessVerdict(check: Check, seedId: string): Promise<Verdict> {
  const mock = await mockScope(seedId);
  try {
    const scope = { ...mock.scope, target: { ...mock.scope.target, kind: 'live' as const, clock: false, maxWait: 0 } };
    return (await runCheck(check, scope)).verdict;
  } finally {
    await mock.close();
  }
}

/** Whole secrets, and the middle of long ones (a clipped quote can show part of a token). */
function assertNoSecret(verdict: Verdict, secrets: readonly string[]): void {
  const shown = JSON.stringify(verdict);
  for (const s of secrets) {
    assert.ok(!shown.includes(s), `the verdict shows a secret in clear (${s.length} chars)`);
    if (s.length >= 32) {
      const middle = s.slice(s.length / 2 - 8, s.length / 2 + 8);
      assert.ok(!shown.includes(middle), `the verdict shows part of a ${s.length}-char secret in clear`);
    }
  }
}

export function familyTests(checks: readonly Check[], cases: Readonly<Record<string, CheckCase>>): void {
  test('every check of the family has a case', () => {
    assert.deepEqual(checks.map((c) => c.id).sort(), Object.keys(cases).sort());
  });
  for (const check of checks) {
    const c = cases[check.id];
    if (!c) continue;
    describe(check.id, () => {
      test(`applies to ${c.seeds.join(', ')} and to no other seed`, () => {
        for (const id of SEED_IDS) assert.equal(check.applies(seed(id)), c.seeds.includes(id), `applies(${id})`);
      });
      test('cites a source sentence wherever it applies', () => {
        for (const id of c.seeds) assert.ok(check.source(seed(id)).length > 10, `source(${id})`);
      });
      for (const id of c.seeds) {
        test(`passes against the faultless ${id} mock`, async () => {
          const { verdict, secrets } = await verdictOf(check, id);
          assert.equal(verdict.status, 'pass', explain(verdict));
          assert.ok(verdict.exchanges.length > 0, 'the verdict carries its exchanges as evidence');
          if (c.exchanges) {
            const n = verdict.exchanges.length;
            assert.ok(n >= c.exchanges.min && n <= c.exchanges.max, `between ${c.exchanges.min} and ${c.exchanges.max} requests (sent ${n})`);
          }
          assertNoSecret(verdict, secrets);
        });
      }
      if (c.needsTime) {
        for (const id of c.seeds) {
          test(`skips with the reason against a ${id} target without a clock`, async () => {
            const verdict = await clocklessVerdict(check, id);
            assert.equal(verdict.status, 'skip', explain(verdict));
            if (verdict.status === 'skip') assert.match(verdict.reason, /no test clock.*AUTHCONFORM_MAX_WAIT/);
          });
        }
      }
      for (const fault of FAULTS) {
        for (const id of SEED_IDS) {
          const contract = seed(id);
          if (!fault.applies(contract) || !fault.killers(contract).includes(check.id)) continue;
          test(`fails against the ${id} mock with fault ${fault.name}`, async () => {
            const { verdict, secrets } = await verdictOf(check, id, fault.name);
            assert.equal(verdict.status, 'fail', explain(verdict));
            if (verdict.status !== 'fail') return;
            assert.match(verdict.expected, c.rule, explain(verdict));
            assert.ok(verdict.actual.length > 0, 'the verdict says what came');
            if (c.actual) assert.match(verdict.actual, c.actual);
            if (c.actualNever) assert.doesNotMatch(verdict.actual, c.actualNever);
            assert.ok(verdict.exchanges.length > 0, 'the verdict carries its exchanges as evidence');
            assertNoSecret(verdict, secrets);
          });
        }
      }
    });
  }
}
