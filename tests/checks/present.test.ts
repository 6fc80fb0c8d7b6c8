/**
 * present.*: every check passes against the faultless mock of each seed it applies to, and fails under
 * every mock fault that names it as a killer, for every seed that fault applies to.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { changeAt, sameShape, tamper } from '../../src/checks/alter.js';
import { checksFor } from '../../src/checks/catalog.js';
import { presentChecks } from '../../src/checks/present.js';
import { FAULTS } from '../../src/mock/faults.js';
import { explain, mockScope, seed, SEED_IDS, type MockScope } from '../support/mock-scope.js';

/** What a failed verdict's `expected` must name: the rule that was broken. */
const RULE: Record<string, RegExp> = {
  'present.ok': /probe answers \d{3}/,
  'present.missing': /errors\.missing/,
  'present.garbage': /errors\.invalid/,
  'present.tampered': /errors\.(tampered|invalid)/,
  'present.wrong-scheme': /errors\.(wrongScheme|invalid)/,
  'present.companion': /errors\.(companionMissing|missing)/,
  'present.alternate': /query parameter/,
  'present.mismatched-parts': /errors\.(mismatched|invalid)/,
};

for (const id of SEED_IDS) {
  describe(`present.* against the faultless ${id} mock`, () => {
    let mock: MockScope;
    before(async () => {
      mock = await mockScope(id);
    });
    after(() => mock.close());
    for (const check of presentChecks.filter((c) => c.applies(seed(id)))) {
      test(`${check.id} passes`, async () => {
        const v = await mock.verdict(check);
        assert.equal(v.status, 'pass', explain(v));
      });
    }
  });
}

describe('present.* under the faults that must kill them', () => {
  for (const check of presentChecks) {
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
            assert.ok(v.actual.length > 0);
            assert.ok(v.exchanges.length > 0, 'the failure carries its exchanges as evidence');
          } finally {
            await mock.close();
          }
        });
      }
    }
  }
});

describe('present.* applicability', () => {
  test('companion, alternate and mismatched-parts are generated only where the contract states them', () => {
    const where = (checkId: string): string[] => SEED_IDS.filter((id) => checksFor(seed(id)).some((c) => c.id === checkId));
    assert.deepEqual(where('present.companion'), ['identity-credentials']);
    assert.deepEqual(where('present.alternate'), ['identity-credentials']);
    assert.deepEqual(where('present.mismatched-parts'), ['basic-key-token']);
    assert.deepEqual(where('present.ok'), [...SEED_IDS]);
  });
});

describe('credential alterations', () => {
  test('a random value of the same shape keeps separators and character classes', () => {
    const v = 'Ab3-xy.Z9_q:k';
    const g = sameShape(v);
    assert.notEqual(g, v);
    assert.equal(g.length, v.length);
    assert.match(g, /^[A-Z][a-z]\d-[a-z]{2}\.[A-Z]\d_[a-z]:[a-z]$/);
  });

  test('a value with nothing to randomise still changes', () => {
    assert.notEqual(sameShape('..--'), '..--');
  });

  test('a tampered opaque token differs in one character, in its second half', () => {
    const token = 'N2UCSNDDGI4NND5NMBZLV7ZBV2I3BZLU';
    const t = tamper(token, false);
    const diffs = [...token].map((ch, i) => (ch === t[i] ? -1 : i)).filter((i) => i >= 0);
    assert.equal(diffs.length, 1);
    assert.ok((diffs[0] ?? 0) >= token.length / 2);
  });

  test('a tampered JWT differs in one character of its payload only', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmMiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl';
    const [h, p, s] = jwt.split('.');
    const [th, tp, ts] = tamper(jwt, true).split('.');
    assert.equal(th, h);
    assert.equal(ts, s);
    assert.notEqual(tp, p);
    assert.equal([...(p ?? '')].filter((ch, i) => ch !== tp?.[i]).length, 1);
  });

  test('changing a character keeps base64url characters base64url', () => {
    assert.equal(changeAt('a-b', 1), 'a_b');
    assert.equal(changeAt('a_b', 1), 'a-b');
    assert.equal(changeAt('z', 0), 'a');
  });
});
