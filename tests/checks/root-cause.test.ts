/**
 * One cause, one red. A server whose error bodies differ from the contract (the mock's
 * wrong-error-body fault: every error body is {}) breaks one thing, the shape of its errors. The
 * security checks, which judge that a forged or missing credential is refused, stay green when the
 * status is right; the errors.* checks, which judge the error's shape, are red; and every red that
 * fault causes names the same root cause, so the matrix groups them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checksFor } from '../../src/checks/catalog.js';
import type { CheckContext, Unmet } from '../../src/checks/context.js';
import { mustRefuseStatus } from '../../src/checks/flows.js';
import type { HttpResponse } from '../../src/http/client.js';
import type { Verdict } from '../../src/checks/check.js';
import { buildConformance } from '../../src/report/conformance.js';
import type { TestRecord } from '../../src/report/test-record.js';
import { explain, mockScope, seed, SEED_IDS } from '../support/mock-scope.js';

async function verdicts(id: string, fault?: string): Promise<Map<string, Verdict>> {
  const mock = await mockScope(id, fault ? { fault } : {});
  try {
    const out = new Map<string, Verdict>();
    for (const check of checksFor(seed(id))) out.set(check.id, await mock.verdict(check));
    return out;
  } finally {
    await mock.close();
  }
}

/** The records a run would report, for the matrix. */
function records(id: string, all: Map<string, Verdict>): TestRecord[] {
  return [...all].map(([check, v]) => ({
    provider: id,
    title: check,
    check,
    level: 'MUST',
    summary: check,
    outcome: v.status === 'pass' ? 'passed' : v.status === 'fail' ? 'failed' : 'skipped',
    durationMs: 0,
    ...(v.status === 'fail' && v.cause ? { cause: v.cause } : {}),
  }));
}

describe('wrong error bodies', () => {
  for (const id of SEED_IDS) {
    it(`${id}: no security check is red, the error-body checks are, all under one root cause`, async () => {
      const all = await verdicts(id, 'wrong-error-body');
      const red = [...all].filter(([, v]) => v.status === 'fail');
      const security = red.filter(([check]) => check.startsWith('jwt.') || check.startsWith('present.'));
      assert.deepEqual(security.map(([check, v]) => `${check}: ${explain(v)}`), []);
      assert.equal(all.get('errors.invalid')?.status, 'fail', 'the invalid error has its own check');
      const report = buildConformance(records(id, all), { status: 'failed', generatedAt: new Date(0) });
      assert.equal(report.causes.length, 1, JSON.stringify(report.causes, null, 2));
      assert.deepEqual(report.causes[0]?.cells.map((c) => c.check).sort(), red.map(([check]) => check).sort(), 'every red is under the one cause');
      assert.match(report.causes[0]?.cause ?? '', /error responses do not match the contract's error schemas: the server answers errors with \{\}/);
    });
  }
});

describe('a forgery answered with success', () => {
  it('says whether it was accepted as the user, with both answers', async () => {
    const all = await verdicts('vidizmo', 'prefix-match');
    const v = all.get('present.tampered');
    assert.equal(v?.status, 'fail');
    assert.match(v.status === 'fail' ? v.actual : '', /accepted as the user: 200, the same answer as the positive control\.\n  positive control: .*\n  this request: /);
  });

  it('tells an answer unlike the positive control apart: anonymous or partial access', () => {
    const contract = seed('vidizmo');
    const answer = (status: number, text: string) =>
      ({ status, text, headers: {}, truncated: false, json: () => JSON.parse(text), describe: () => `GET /api/v1/user/x → ${status} ${text}` }) as unknown as HttpResponse;
    const ctx = { contract } as unknown as CheckContext;
    const positive = answer(200, '{"id":7,"email":"john.doe@example.test"}');
    assert.throws(
      () => mustRefuseStatus(ctx, answer(200, '{"id":null}'), 'missing', 'a request without the Authorization header', positive),
      (e: Unmet) =>
        /answered 200, differently from the positive control \(as an anonymous caller, or with partial access\)/.test(e.actual) &&
        e.actual.includes('positive control: GET /api/v1/user/x → 200 {"id":7') &&
        e.actual.includes('this request:     GET /api/v1/user/x → 200 {"id":null}'),
    );
    assert.throws(
      () => mustRefuseStatus(ctx, answer(200, '{"email":"john.doe@example.test","id":7}'), 'missing', 'a request without the Authorization header', positive),
      (e: Unmet) => /accepted as the user: 200, the same answer as the positive control/.test(e.actual),
    );
    assert.doesNotThrow(() => mustRefuseStatus(ctx, answer(400, '{}'), 'missing', 'a request without the Authorization header', positive));
  });
});
