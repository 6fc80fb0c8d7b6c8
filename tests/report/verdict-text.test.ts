import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { Check, Verdict } from '../../src/checks/check.js';
import type { Target } from '../../src/checks/context.js';
import { loadContract } from '../../src/contract/load.js';
import type { Exchange } from '../../src/http/exchange.js';
import { verdictText } from '../../src/report/verdict-text.js';

const vidizmo = loadContract(fileURLToPath(new URL('../../specs/vidizmo.yaml', import.meta.url)));
const live: Target = { kind: 'live', baseUrl: 'https://staging.example.com', credentials: {}, clock: false, maxWait: 0, timeoutMs: 1000 };
const mock: Target = { ...live, kind: 'mock', baseUrl: 'http://127.0.0.1:4010', clock: true };

const SENTENCE = 'When a user is automatically logged out after few minutes of inactivity (The default time for login timeout is 20 minutes which can be changed as well).';

function check(source: string): Check {
  return {
    id: 'expiry.sliding',
    family: 'expiry',
    level: 'MUST',
    summary: 'use resets the inactivity timeout',
    source: () => source,
    applies: () => true,
    run: () => Promise.reject(new Error('not run here')),
  };
}

function exchange(seq: number, status: number): Exchange {
  return {
    seq,
    purpose: seq === 9 ? 'probe at idle − 2 s after the last use' : `step ${seq}`,
    request: { method: 'GET', url: 'https://staging.example.com/api/v1/user/me', headers: { authorization: 'Bearer [redacted]' } },
    response: { status, headers: {}, body: `{"name":"ExpiredAccessTokenException","detail":"${'x'.repeat(400)}"}`, truncated: false },
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 2,
  };
}

const failed: Verdict = {
  status: 'fail',
  expected: 'the token, last used 1198 s ago, to still work: use resets the inactivity timeout (lifetime.idle is 1200 s)',
  actual: 'status 400 instead of 200: GET https://staging.example.com/api/v1/user/me → 400 {"name":"ExpiredAccessTokenException"}',
  exchanges: Array.from({ length: 9 }, (_, i) => exchange(i + 1, i === 8 ? 400 : 200)),
};

describe('verdictText of a failed check', () => {
  const text = verdictText(check(SENTENCE), vidizmo, live, failed);
  const lines = text.split('\n');

  it('says which check failed, on which provider and target', () => {
    assert.equal(lines[0], 'expiry.sliding (MUST) failed on VIDIZMO, https://staging.example.com');
  });

  it('says what the contract expected and what came back', () => {
    assert.equal(lines[1], `  expected: ${failed.status === 'fail' ? failed.expected : ''}`);
    assert.equal(lines[2], `  got:      ${failed.status === 'fail' ? failed.actual : ''}`);
  });

  it('quotes the broken rule and names the document it is written in, and the spec', () => {
    assert.equal(lines[3], `  rule:     “${SENTENCE}”`);
    assert.equal(lines[4], '  from:     VIDIZMO — obtaining an authentication token with the REST API');
    assert.match(lines[5] ?? '', /^ {2}spec: {5}.*specs\/vidizmo\.yaml$/);
  });

  it('fits one screen: the last exchanges only, each on one clipped line', () => {
    assert.ok(lines.length <= 16, `${lines.length} lines:\n${text}`);
    assert.equal(lines[6], '  exchanges (9, secrets redacted, last 6 shown):');
    assert.match(lines.at(-1) ?? '', /^ {4}9\. probe at idle − 2 s after the last use: GET https:\/\/staging\.example\.com\/api\/v1\/user\/me → 400 /);
    for (const l of lines.slice(7)) assert.ok(l.length <= 300, `a long line: ${l}`);
  });

  it('links the RFC clause of a rule cited from an RFC', () => {
    const rfc = verdictText(check('RFC 6750 §3.1: an expired token is answered 401 invalid_token'), vidizmo, mock, failed).split('\n');
    assert.equal(rfc[0], 'expiry.sliding (MUST) failed on VIDIZMO, the embedded mock (http://127.0.0.1:4010)');
    assert.equal(rfc[3], '  rule:     RFC 6750 §3.1: an expired token is answered 401 invalid_token');
    assert.equal(rfc[4], '  see:      https://www.rfc-editor.org/rfc/rfc6750#section-3.1');
  });

  it('clips a very long finding and keeps continuation lines aligned', () => {
    const long: Verdict = { status: 'fail', expected: 'first line\nsecond line', actual: 'y'.repeat(5000), exchanges: [] };
    const out = verdictText(check(SENTENCE), vidizmo, live, long).split('\n');
    assert.equal(out[1], '  expected: first line');
    assert.equal(out[2], '            second line');
    assert.match(out[3] ?? '', /^ {2}got: {6}y{900}… \(4100 more characters in exchanges\.json\)$/);
  });
});

describe('verdictText of a skipped check', () => {
  it('gives the reason instead of expected and got', () => {
    const out = verdictText(check(SENTENCE), vidizmo, live, { status: 'skip', reason: 'needs 1201 s of server time', exchanges: [] }).split('\n');
    assert.equal(out[0], 'expiry.sliding (MUST) was skipped on VIDIZMO, https://staging.example.com');
    assert.equal(out[1], '  reason:   needs 1201 s of server time');
  });
});
