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
import type { Check, Verdict } from '../../src/checks/check.js';
import { BadCredentialBudget } from '../../src/checks/context.js';
import { decodeToken } from '../../src/checks/jwt-forge.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import type { Contract } from '../../src/contract/model.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';
import { explain, mockScope, seed, SEED_IDS } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

const OPAQUE = ['basic-key-token', 'identity-credentials', 'vidizmo'] as const;

familyTests(securityHttpChecks, {
  'security.error-hygiene': {
    seeds: SEED_IDS,
    rule: /stack trace, a server path, a framework banner or a raw parser message/,
    actual: /a Node\.js stack frame|an HTML page/,
    // A handful of single requests, not a battery.
    exchanges: { min: 8, max: 30 },
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
    // tok_ + 8 hex digits (the token) or rt_ + 8 hex digits (the refresh token).
    actual: /about 32 bits: 4 samples of 1[12] characters, [34] of 1[12] positions the same in every sample; 8 varying positions of lower-case hex/,
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
      assert.match(verdict.actual, /acquire with malformed JSON \(errors\.malformed\) \(POST → 400\): a Node\.js stack frame: "at parse \(\/usr\/src\/app\/node_modules\/body-parser\/lib\/types\/json\.js:89:19\)"/);
      assert.match(verdict.actual, /a raw JSON parser message: "SyntaxError: Unexpected token } in JSON at position 5"/);
      assert.match(verdict.actual, /a server file-system path/);
      // Only the malformed body provoked it: the probes were answered in JSON.
      assert.doesNotMatch(verdict.actual, /probe with/);
    } finally {
      await mock.close();
    }
  });
});

describe('security.error-hygiene covers one refusal of each condition', () => {
  const hygiene = (): Check => byId.get('security.error-hygiene')!;

  for (const id of SEED_IDS) {
    test(`${id}: a leak in any refusal the old probes never provoked is found and quoted`, async () => {
      const contract = seed(id);
      const mock = await mockScope(id, { fault: 'debug-detail-in-refusals' });
      try {
        const verdict = await mock.verdict(hygiene());
        assert.equal(verdict.status, 'fail', explain(verdict));
        if (verdict.status !== 'fail') return;
        const expected = [
          '(errors.wrongScheme)',
          '(errors.badCredentials, one attempt)',
          ...(contract.logout ? ['(errors.loggedOut)'] : contract.tokens ? ['(errors.revoked)'] : []),
          ...(contract.refresh ? ['(errors.refreshInvalid)'] : []),
          ...(contract.lifetime ? ['(errors.expired)'] : []),
          ...(contract.present.companions.length ? ['(errors.companionMissing)'] : []),
        ];
        for (const what of expected) assert.ok(verdict.actual.includes(`${what} (`), `${what} in: ${verdict.actual}`);
        assert.match(verdict.actual, /a Node\.js stack frame: "at verifyCredential \(\/srv\/app\/src\/auth\/verify\.js:42:11\)"/);
        // The refusals the fault leaves alone are not named.
        assert.doesNotMatch(verdict.actual, /\(errors\.(missing|invalid|malformed)\) \(/);
      } finally {
        await mock.close();
      }
    });
  }

  test('spends one bad-credential attempt, and none once the allowance is spent', async () => {
    const mock = await mockScope('vidizmo');
    try {
      const live = (budget: BadCredentialBudget) => ({ ...mock.scope, target: { ...mock.scope.target, badCredentialBudget: budget } });
      const one = new BadCredentialBudget(3);
      const { verdict } = await runCheck(hygiene(), live(one));
      assert.equal(verdict.status, 'pass', explain(verdict));
      assert.equal(verdict.exchanges.filter((e) => /a wrong/.test(e.purpose)).length, 1);
      assert.equal(one.take(2), true, 'exactly one of three attempts was taken');
      assert.equal(one.take(1), false);
      const spent = new BadCredentialBudget(0);
      const after = (await runCheck(hygiene(), live(spent))).verdict;
      assert.equal(after.status, 'pass', explain(after));
      assert.equal(after.exchanges.filter((e) => /a wrong/.test(e.purpose)).length, 0);
      if (after.status === 'pass') assert.match(after.detail ?? '', /left out: a wrong \w+: the target's bad-credential allowance is spent/);
    } finally {
      await mock.close();
    }
  });

  test('on a target without a test clock, the expired token is left out, saying why', async () => {
    const mock = await mockScope('waldo');
    try {
      const scope = { ...mock.scope, target: { ...mock.scope.target, kind: 'live' as const, clock: false, maxWait: 0 } };
      const { verdict } = await runCheck(hygiene(), scope);
      assert.equal(verdict.status, 'pass', explain(verdict));
      if (verdict.status === 'pass') assert.match(verdict.detail ?? '', /left out: a token past its lifetime: .*no test clock.*AUTHCONFORM_MAX_WAIT/);
      assert.ok(!verdict.exchanges.some((e) => /errors\.expired/.test(e.purpose)));
    } finally {
      await mock.close();
    }
  });
});

describe('security.token-entropy of refresh tokens beside a JWT', () => {
  // basic-key-token's login issues a refresh token; here its access token is a JWT, which is not sampled.
  const jwtWithRefresh = (): Contract => {
    const c = seed('basic-key-token');
    return { ...c, token: { ...c.token, format: 'jwt', alg: 'HS256' } };
  };
  const entropy = (): Check => byId.get('security.token-entropy')!;

  test('applies, samples the refresh token only, and passes against the faultless mock', async () => {
    const contract = jwtWithRefresh();
    assert.equal(entropy().applies(contract), true);
    assert.equal(entropy().applies({ ...seed('waldo') }), false, 'a JWT without a refresh token');
    const verdict = await verdictOn(contract);
    assert.equal(verdict.status, 'pass', explain(verdict));
    if (verdict.status === 'pass') assert.match(verdict.detail ?? '', /^refresh: about \d+ bits/);
    if (verdict.status === 'pass') assert.doesNotMatch(verdict.detail ?? '', /\btoken: about/);
  });

  test('fails when the refresh tokens carry 32 random bits', async () => {
    const verdict = await verdictOn(jwtWithRefresh(), 'low-entropy-refresh-tokens');
    assert.equal(verdict.status, 'fail', explain(verdict));
    if (verdict.status === 'fail') assert.match(verdict.actual, /^refresh: about 32 bits/);
  });

  test('a refresh token that is itself a JWT is judged by its signature, not estimated', () => {
    const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"u"}').toString('base64url')}.c2ln`;
    assert.equal('problem' in decodeToken(jwt), false);
    assert.equal('problem' in decodeToken('opaque-refresh-token'), true);
  });
});

async function verdictOn(contract: Contract, fault?: string): Promise<Verdict> {
  const mock = await startMock(contract, fault ? { fault } : {});
  try {
    const scope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
    return (await runCheck(byId.get('security.token-entropy')!, scope)).verdict;
  } finally {
    await mock.close();
  }
}

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
