/**
 * Test support: a synthetic conformance run as Playwright reporter events — two providers, with
 * passing, failing, skipped and not-applicable cells — shaped exactly like the tests of
 * suites/conformance.spec.ts (title, tags, annotations, exchanges attachment, verdict error).
 */
import type { Exchange } from '../../src/http/exchange.js';
import type { ResultLike, TestLike } from '../../src/report/test-record.js';

/** A response body a hostile server might send: the page must show it as text. */
export const HOSTILE_BODY = '{"error":"invalid_token","hint":"</script><img id=injected src=x onerror=alert(1)>"}';

export const GARBAGE_FAILURE = [
  'present.garbage (MUST) failed on Alpha API (alpha), the embedded mock (http://127.0.0.1:4010)',
  '  expected: a random credential of the right shape to be refused with 401 (errors.invalid)',
  '  got:      status 200 instead of 401: GET http://127.0.0.1:4010/me → 200 {}',
  '  rule:     “Requests with an invalid token are answered 401 Unauthorized.”',
  '  from:     Alpha authentication guide (https://docs.alpha.example/auth)',
  '  spec:     specs/alpha.yaml',
].join('\n');

export const TTL_SKIP = 'needs 3601 s of server time to pass, but the target has no test clock and AUTHCONFORM_MAX_WAIT is 0';

export interface SyntheticTest {
  readonly test: TestLike & { readonly id: string };
  readonly result: ResultLike;
}

function exchange(seq: number, purpose: string, status: number, body: string): Exchange {
  return {
    seq,
    purpose,
    request: { method: 'GET', url: 'http://127.0.0.1:4010/me', headers: { authorization: 'Bearer [redacted]' } },
    response: { status, headers: { 'content-type': 'application/json' }, body, truncated: false },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 3,
  };
}

interface Cell {
  provider: string;
  check: string;
  level: 'MUST' | 'SHOULD';
  summary: string;
  status: ResultLike['status'];
  message?: string;
  reason?: string;
  observed?: string;
  exchanges?: Exchange[];
}

const PROVIDERS: Record<string, { name: string; document: string; url?: string; target: string }> = {
  alpha: { name: 'Alpha API', document: 'Alpha authentication guide', url: 'https://docs.alpha.example/auth', target: 'mock http://127.0.0.1:4010' },
  beta: { name: 'Beta Cloud', document: 'Beta — API keys and sessions', target: 'live https://staging.beta.example' },
};

const CELLS: Cell[] = [
  { provider: 'alpha', check: 'acquire.ok', level: 'MUST', summary: 'valid credentials give the documented status', status: 'passed', observed: '200 with token', exchanges: [exchange(1, 'acquire with valid credentials', 200, '{"token":"[redacted]"}')] },
  {
    provider: 'alpha',
    check: 'present.garbage',
    level: 'MUST',
    summary: 'a random credential of the right shape is refused with the documented error',
    status: 'failed',
    message: `ConformanceFailure: ${GARBAGE_FAILURE}`,
    exchanges: [exchange(1, 'positive control', 200, '{}'), exchange(2, 'probe with a garbage token', 200, HOSTILE_BODY)],
  },
  { provider: 'alpha', check: 'expiry.ttl', level: 'MUST', summary: 'a fresh token works at TTL − 2 s and is refused as expired at TTL + 1 s', status: 'passed' },
  { provider: 'alpha', check: 'jwt.alg-none', level: 'MUST', summary: 'unsigned tokens are refused', status: 'passed' },
  { provider: 'beta', check: 'acquire.ok', level: 'MUST', summary: 'valid credentials give the documented status', status: 'passed' },
  { provider: 'beta', check: 'present.missing', level: 'MUST', summary: 'a request without the credential is refused with the documented error', status: 'passed' },
  { provider: 'beta', check: 'present.garbage', level: 'MUST', summary: 'a random credential of the right shape is refused with the documented error', status: 'passed' },
  { provider: 'beta', check: 'expiry.ttl', level: 'MUST', summary: 'a fresh token works at TTL − 2 s and is refused as expired at TTL + 1 s', status: 'skipped', reason: TTL_SKIP },
  { provider: 'beta', check: 'refresh.rolling-success-only', level: 'SHOULD', summary: 'a refused request hands back no rolling token', status: 'passed' },
];

export function syntheticRun(): SyntheticTest[] {
  return CELLS.map((c, i) => {
    const p = PROVIDERS[c.provider]!;
    const staticNotes = [
      { type: 'check', description: c.check },
      { type: 'level', description: c.level },
      { type: 'source', description: c.check === 'jwt.alg-none' ? 'RFC 8725 §2.1: unsigned tokens must be refused' : `The ${c.check} rule of ${p.document}.` },
    ];
    const runtimeNotes = [
      { type: 'provider', description: p.name },
      { type: 'document', description: p.document },
      ...(p.url ? [{ type: 'document-url', description: p.url }] : []),
      { type: 'target', description: p.target },
      ...(c.observed ? [{ type: 'observed', description: c.observed }] : []),
      ...(c.reason ? [{ type: 'skip', description: c.reason }] : []),
    ];
    return {
      test: {
        id: `t${i}`,
        title: `${c.check}: ${c.summary}`,
        tags: [`@spec:${c.provider}`, `@${c.level.toLowerCase()}`, `@${c.check.split('.')[0]}`],
        annotations: staticNotes,
        parent: { project: () => ({ name: c.provider }) },
      },
      result: {
        status: c.status,
        duration: 12 + i,
        errors: c.message ? [{ message: c.message }] : [],
        annotations: [...staticNotes, ...runtimeNotes],
        attachments: c.exchanges ? [{ name: 'exchanges.json', contentType: 'application/json', body: Buffer.from(JSON.stringify(c.exchanges)) }] : [],
      },
    };
  });
}
