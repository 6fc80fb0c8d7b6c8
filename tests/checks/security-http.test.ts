/**
 * security.* on HTTP behaviour: each check passes against the faultless mock of every seed it applies
 * to and fails under every fault that names it a killer (family-cases.ts); the error-hygiene finding
 * quotes the offending trace line; the pattern and entropy helpers judge small good and bad inputs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findLeaks, isHtml } from '../../src/checks/leak-patterns.js';
import { securityHttpChecks } from '../../src/checks/security-http.js';
import { estimateEntropy } from '../../src/checks/token-entropy.js';
import { explain, mockScope, SEED_IDS } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

const OPAQUE = ['basic-key-token', 'identity-credentials', 'vidizmo'] as const;

familyTests(securityHttpChecks, {
  'security.error-hygiene': {
    seeds: SEED_IDS,
    rule: /stack trace, a server path, a framework banner or a raw parser message/,
    actual: /a Node\.js stack frame|an HTML page/,
    // A handful of single requests, not a battery.
    exchanges: { min: 4, max: 8 },
  },
  'security.no-store': {
    seeds: SEED_IDS,
    rule: /Cache-Control: no-store/,
    actual: /has no Cache-Control header/,
  },
  'security.www-authenticate': {
    seeds: ['waldo', 'private-tokens'],
    rule: /WWW-Authenticate header starting with "Bearer"/,
    actual: /→ 401 without WWW-Authenticate/,
  },
  'security.no-query-token': {
    seeds: SEED_IDS,
    rule: /token sent in the URL query/,
    actual: /accepted as the user/,
  },
  'security.token-entropy': {
    seeds: OPAQUE,
    rule: /at least 128 bits/,
    actual: /about 32 bits: 4 samples of 12 characters, 4 of 12 positions the same in every sample; 8 varying positions of lower-case hex/,
  },
});

const byId = new Map(securityHttpChecks.map((c) => [c.id, c]));

describe('security.error-hygiene findings', () => {
  test('against the stack-trace fault, the finding quotes the trace line', async () => {
    const mock = await mockScope('private-tokens', { fault: 'stack-trace-in-errors' });
    try {
      const verdict = await mock.verdict(byId.get('security.error-hygiene')!);
      assert.equal(verdict.status, 'fail', explain(verdict));
      if (verdict.status !== 'fail') return;
      assert.match(verdict.actual, /acquire with malformed JSON \(POST → 400\): a Node\.js stack frame: "at parse \(\/usr\/src\/app\/node_modules\/body-parser\/lib\/types\/json\.js:89:19\)"/);
      assert.match(verdict.actual, /a raw JSON parser message: "SyntaxError: Unexpected token } in JSON at position 5"/);
      assert.match(verdict.actual, /a server file-system path/);
      // Only the malformed body provoked it: the probes were answered in JSON.
      assert.doesNotMatch(verdict.actual, /probe with/);
    } finally {
      await mock.close();
    }
  });
});

describe('leak patterns', () => {
  test('find traces, paths, banners and parser messages, each with its line', () => {
    const cases: [string, RegExp][] = [
      ['Error: boom\n    at handler (/home/deploy/api/src/login.js:12:5)', /Node\.js stack frame/],
      ['{"error":"Traceback (most recent call last):\\n  File \\"/srv/app/views.py\\", line 42, in login"}', /Python traceback/],
      ['java.lang.NullPointerException\n\tat com.example.Auth.login(Auth.java:31)', /Java stack trace/],
      ['<pre>Cannot POST /api/login</pre>', /Express's default error page/],
      ['<h1>Whitelabel Error Page</h1>', /Whitelabel/],
      ['{"message":"Unexpected token } in JSON at position 5"}', /raw JSON parser message/],
      ['{"detail":"JSONDecodeError: Expecting value: line 1 column 6 (char 5)"}', /raw JSON parser message/],
      ['{"error":"cannot open C:\\\\inetpub\\\\wwwroot\\\\web.config"}', /file-system path/],
      ['<center>nginx/1.18.0</center>', /server version banner/],
    ];
    for (const [body, label] of cases) {
      const leaks = findLeaks(body);
      assert.ok(leaks.some((l) => label.test(l.label)), `${body} → ${JSON.stringify(leaks)}`);
    }
  });

  test('leave ordinary error bodies alone', () => {
    for (const body of [
      '{"error":"invalid_token","error_description":"The access token expired"}',
      '{"message":"See https://api.example.com/home/docs for the login flow","incidentId":"5f0c…"}',
      '{"error":"Express Checkout is not enabled for this account"}',
      '<html><body>Unauthorized</body></html>',
      '',
    ]) {
      assert.deepEqual(findLeaks(body), [], body);
    }
  });

  test('tell an HTML page by its content type or its first characters', () => {
    assert.equal(isHtml('text/html; charset=utf-8', '{}'), true);
    assert.equal(isHtml(undefined, '  <!doctype html><html></html>'), true);
    assert.equal(isHtml('application/json', '{"html":"<b>x</b>"}'), false);
  });
});

describe('token entropy estimate', () => {
  test('counts only the positions that vary, at the smallest usual alphabet', () => {
    const weak = estimateEntropy(['tok_0a1b2c3d', 'tok_9f8e7d6c', 'tok_55aa33bb', 'tok_c0ffee12']);
    assert.equal(weak.bits, 32);
    const strong = estimateEntropy(['3q2-7wEVxN4sJmZ0a1b2c3d4e5f6g7h8i9j0kLmNoPq', 'Zx9_yW8vU7tS6rQ5pO4nM3lK2jI1hG0fEdCbA-zyxwv', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u_X', 'QwErTy-UiOpAsDfGhJkLzXcVbNm1234567890qwerty']);
    assert.ok(strong.bits >= 240, strong.account);
    // A UUIDv4's fixed dashes and version digit count for nothing: it stays under 128.
    const uuids = estimateEntropy(['1b4e28ba-2fa1-41d2-883f-0016d3cca427', '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', '9c5b94b1-35ad-49bb-b118-8e8fc24abf80']);
    assert.ok(uuids.bits < 128 && uuids.bits >= 100, uuids.account);
  });
});
