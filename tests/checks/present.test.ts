/**
 * present.*: every check passes against the faultless mock of each seed it applies to, and fails under
 * every mock fault that names it as a killer, for every seed that fault applies to (family-cases.ts);
 * inline client authentication that leaves out its header uses Authorization; the alterations a check
 * presents are what they claim to be.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { changeAt, sameShape, tamper } from '../../src/checks/alter.js';
import { checksFor } from '../../src/checks/catalog.js';
import { presentChecks } from '../../src/checks/present.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import { parseContract } from '../../src/contract/load.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';
import { explain, seed, SEED_IDS } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

familyTests(presentChecks, {
  'present.ok': { seeds: SEED_IDS, rule: /probe answers \d{3}/ },
  'present.missing': { seeds: SEED_IDS, rule: /errors\.missing/ },
  'present.garbage': { seeds: SEED_IDS, rule: /errors\.invalid/ },
  'present.tampered': { seeds: SEED_IDS, rule: /errors\.(tampered|invalid)/ },
  'present.wrong-scheme': { seeds: SEED_IDS, rule: /errors\.(wrongScheme|invalid)/ },
  'present.companion': { seeds: ['identity-credentials'], rule: /errors\.(companionMissing|missing)/ },
  'present.alternate': { seeds: ['identity-credentials'], rule: /query parameter/ },
  'present.mismatched-parts': { seeds: ['basic-key-token'], rule: /errors\.(mismatched|invalid)/ },
  // Every header presentation with a scheme; identity-credentials presents its token without one.
  'present.scheme-case': {
    seeds: ['waldo', 'private-tokens', 'vidizmo', 'basic-key-token'],
    rule: /scheme name is case-insensitive \(RFC 7235 §2\.1\)|matches the scheme as written/,
    actual: /status \d{3} instead of \d{3}|accepted as the user|answered \d{3}/,
  },
  // Only where a second account is declared beside a companion value.
  'present.companion-owner': {
    seeds: ['identity-credentials'],
    rule: /second account's \w+ to be refused with status \d{3} \(errors\.(mismatched|invalid)\)/,
    actual: /accepted as the user|answered \d{3}/,
  },
});

describe('present.* applicability', () => {
  test('companion, alternate and mismatched-parts are generated only where the contract states them', () => {
    const where = (checkId: string): string[] => SEED_IDS.filter((id) => checksFor(seed(id)).some((c) => c.id === checkId));
    assert.deepEqual(where('present.companion'), ['identity-credentials']);
    assert.deepEqual(where('present.alternate'), ['identity-credentials']);
    assert.deepEqual(where('present.mismatched-parts'), ['basic-key-token']);
    assert.deepEqual(where('present.companion-owner'), ['identity-credentials']);
    assert.deepEqual(where('present.scheme-case'), ['waldo', 'private-tokens', 'vidizmo', 'basic-key-token']);
    assert.deepEqual(where('present.ok'), [...SEED_IDS]);
  });
});

describe('inline client authentication without `header`', () => {
  test('an oauth2 spec that leaves out auth.header loads, and present.ok passes against its mock (Authorization by default)', async () => {
    const file = fileURLToPath(new URL('../../specs/oauth2.yaml', import.meta.url));
    const text = readFileSync(file, 'utf8').replaceAll('auth: { header: Authorization, ', 'auth: { ');
    const { contract, problems } = parseContract(text, file);
    assert.deepEqual(problems, []);
    assert.ok(contract);
    assert.ok(typeof contract.acquire.request.auth === 'object' && contract.acquire.request.auth.header === undefined);
    assert.ok(typeof contract.probe.request.auth === 'object' && contract.probe.request.auth.header === undefined);
    const check = presentChecks.find((c) => c.id === 'present.ok');
    assert.ok(check);
    const mock = await startMock(contract);
    try {
      const scope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
      const { verdict } = await runCheck(check, scope);
      assert.equal(verdict.status, 'pass', explain(verdict));
    } finally {
      await mock.close();
    }
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
