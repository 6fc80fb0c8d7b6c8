/**
 * The mock serves what its spec declares, or lint says which declaration it cannot serve (issue 12,
 * "the mock drifts from its spec silently"): token parts drawn from a documented `pattern` (random
 * enough for security.token-entropy), acquire cases that differ only in a header (a Content-Type that
 * switches the form body to JSON included, sent as one header), a probe that is the token list's own
 * request, private-token ids of the declared type, a dropped path placeholder sent as an empty segment,
 * and the client authenticated before the user's password. Each is judged by the checks a user runs,
 * or over HTTP as a client would see it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checksFor } from '../../src/checks/catalog.js';
import type { Verdict } from '../../src/checks/check.js';
import type { CheckContext } from '../../src/checks/context.js';
import { buildRequest } from '../../src/checks/flows.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import type { Contract } from '../../src/contract/model.js';
import { unsampleablePattern } from '../../src/contract/pattern.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';
import { explain } from '../support/mock-scope.js';
import { headerCases, integerTokenIds, probeOnTokenList, tokenPattern, tokenPatternProblems } from '../support/format2-variants.js';
import { call, seed } from './client.js';

/** Verdicts of the checks whose id is in `ids` (every applicable check when omitted). */
async function verdicts(contract: Contract, ids?: readonly string[], fault?: string): Promise<Map<string, Verdict>> {
  const mock = await startMock(contract, fault ? { fault } : {});
  try {
    const scope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
    const out = new Map<string, Verdict>();
    for (const check of checksFor(contract).filter((c) => ids === undefined || ids.includes(c.id))) out.set(check.id, (await runCheck(check, scope)).verdict);
    return out;
  } finally {
    await mock.close();
  }
}

function assertPass(found: Map<string, Verdict>, ids: readonly string[]): void {
  for (const id of ids) {
    const v = found.get(id);
    assert.ok(v, `${id} ran`);
    assert.equal(v.status, 'pass', `${id}: ${explain(v)}`);
  }
}

function assertNoFailure(found: Map<string, Verdict>): void {
  const failed = [...found].filter(([, v]) => v.status === 'fail');
  assert.deepEqual(failed.map(([id, v]) => `${id}: ${explain(v)}`), []);
}

describe('token patterns', () => {
  const PATTERN = /^[A-Za-z0-9]{40}$/;

  test('oauth2 with a 40-character alphabet pinned: the mock issues matching tokens, judged by acquire.ok, refresh.ok and security.token-entropy', async () => {
    const found = await verdicts(tokenPattern(), ['acquire.ok', 'refresh.ok', 'refresh.rotation', 'security.token-entropy']);
    assertPass(found, ['acquire.ok', 'refresh.ok', 'refresh.rotation', 'security.token-entropy']);
  });

  test('the issued access and refresh tokens match the pattern over HTTP', async () => {
    const contract = tokenPattern();
    const mock = await startMock(contract);
    try {
      const creds = contract.mock.credentials;
      const res = await call(mock.url, 'POST', '/token', {
        headers: { authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: creds.username ?? '', password: creds.password ?? '' }).toString(),
      });
      assert.equal(res.status, 200, res.text);
      const body = res.json as { access_token: string; refresh_token: string };
      assert.match(body.access_token, PATTERN);
      assert.match(body.refresh_token, PATTERN);
    } finally {
      await mock.close();
    }
  });

  test('under low-entropy-tokens the patterned token stays guessable, so security.token-entropy still fails', async () => {
    const found = await verdicts(tokenPattern(), ['acquire.ok', 'security.token-entropy'], 'low-entropy-tokens');
    assertPass(found, ['acquire.ok']);
    assert.equal(found.get('security.token-entropy')?.status, 'fail');
  });

  test('a pattern with an unbounded quantifier still gives long tokens', async () => {
    const found = await verdicts(tokenPattern('^[a-z0-9]+$'), ['acquire.ok', 'security.token-entropy']);
    assertPass(found, ['acquire.ok', 'security.token-entropy']);
  });

  test('lint refuses a pattern the mock cannot satisfy, naming where it is written', () => {
    const problems = tokenPatternProblems('^(?=.*[0-9])[A-Za-z0-9]{40}$');
    const at = problems.filter((p) => p.pointer === '/acquire/response/schema/properties/access_token/pattern');
    assert.equal(at.length, 1, JSON.stringify(problems));
    const p = at[0];
    assert.ok(p?.line !== undefined && p.col !== undefined, 'the problem has a line and column');
    assert.match(p?.message ?? '', /lookaround/);
    assert.deepEqual(tokenPatternProblems('^[A-Za-z0-9]{40}$'), []);
  });

  test('the generator covers the usual token alphabets and refuses what it cannot do', () => {
    for (const ok of ['^[A-Za-z0-9_-]{43}$', '^tok_[a-f0-9]{32}$', '^(ghp|gho)_[A-Za-z0-9]{36}$', '^\\d{6}$', '[^\\s]{10,}', '^[\\w.-]+$']) {
      assert.equal(unsampleablePattern(ok), undefined, ok);
    }
    for (const bad of ['^(a)\\1$', '\\bword\\b', '^\\p{L}+$']) assert.ok(unsampleablePattern(bad), bad);
    assert.ok(unsampleablePattern('^[a-z]{10}$', { maxLength: 5 }));
  });
});

describe('cases that differ only in a header', () => {
  test('oauth2 with a retired API version and a JSON Content-Type: acquire.cases and acquire.ok pass against the mock', async () => {
    const found = await verdicts(headerCases(), ['acquire.ok', 'acquire.cases', 'acquire.missing-field', 'acquire.bad-credentials']);
    assertPass(found, ['acquire.ok', 'acquire.cases', 'acquire.missing-field', 'acquire.bad-credentials']);
  });

  test('a declared Content-Type replaces the default one: the request carries one, whatever its case', () => {
    const contract = headerCases();
    const ctx = fakeContext(contract);
    const json = contract.acquire.cases?.find((c) => c.id === 'json-body');
    assert.ok(json);
    const request = { ...contract.acquire.request, headers: { ...contract.acquire.request.headers, 'Content-Type': 'application/json', 'x-api-version': '1' } };
    const built = buildRequest(ctx, request, { purpose: 'test' }, false);
    const names = Object.keys(built.headers ?? {}).map((n) => n.toLowerCase());
    assert.equal(names.filter((n) => n === 'content-type').length, 1, JSON.stringify(built.headers));
    assert.equal(names.filter((n) => n === 'x-api-version').length, 1, JSON.stringify(built.headers));
    assert.equal(Object.entries(built.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1], 'application/json');
    assert.equal(Object.entries(built.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-api-version')?.[1], '1');
  });
});

describe('a probe that is the token list', () => {
  test('private-tokens whose probe promises a count: the list answers a body both schemas accept', async () => {
    const found = await verdicts(probeOnTokenList(), ['acquire.ok', 'present.ok', 'tokens.list']);
    assertPass(found, ['acquire.ok', 'present.ok', 'tokens.list']);
  });
});

describe('private-token ids of the declared type', () => {
  test('integer ids: created, listed, rotated and revoked by an integer id; no check fails', async () => {
    const contract = integerTokenIds();
    const found = await verdicts(contract);
    assertNoFailure(found);
    assertPass(found, ['tokens.list', 'tokens.rotate']);
  });
});

describe('a dropped path placeholder', () => {
  test('leaves its segment empty, never the literal {name}', () => {
    const contract = seed('private-tokens');
    const revoke = contract.tokens?.revoke.request;
    assert.ok(revoke);
    const built = buildRequest(fakeContext(contract), revoke, { purpose: 'test', credential: { parts: { token: 't' } }, vars: { id: undefined } }, true);
    assert.ok(!built.url.includes('%7B') && !built.url.includes('{'), built.url);
    assert.match(built.url, /\/api\/v1\/private-tokens\/$/);
  });
});

describe('client authentication before the password (RFC 6749 §3.2.1, §4.3.2)', () => {
  test('oauth2 with both the client secret and the password wrong: the client secret\'s error, 401 invalid_client', async () => {
    const contract = seed('oauth2');
    const mock = await startMock(contract);
    try {
      const creds = contract.mock.credentials;
      const res = await call(mock.url, 'POST', '/token', {
        headers: { authorization: `Basic ${Buffer.from(`${creds.clientId}:wrong-secret`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: creds.username ?? '', password: 'wrong-password' }).toString(),
      });
      assert.equal(res.status, 401, res.text);
      assert.equal((res.json as { error?: string }).error, 'invalid_client');
    } finally {
      await mock.close();
    }
  });
});

/** Just what buildRequest reads of a check's context. */
function fakeContext(contract: Contract): CheckContext {
  return { contract, target: { baseUrl: 'http://127.0.0.1:1', credentials: { ...contract.mock.credentials } }, run: 'run', redactor: new Redactor() } as unknown as CheckContext;
}
