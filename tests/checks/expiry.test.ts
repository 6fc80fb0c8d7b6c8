import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expiryChecks } from '../../src/checks/expiry.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import type { Contract } from '../../src/contract/model.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';
import { explain, seed, verdictOn } from '../support/mock-scope.js';
import { tokensNeverExpire, tokensServerExpiry } from '../support/format2-variants.js';
import { familyTests } from './family-cases.js';

familyTests(expiryChecks, {
  'expiry.ttl': { seeds: ['waldo', 'private-tokens', 'basic-key-token'], rule: /lifetime\.ttl.*errors\.(expired|invalid)/, needsTime: true },
  'expiry.sliding': { seeds: ['vidizmo'], rule: /lifetime\.idle|errors\.expired/, needsTime: true },
  'expiry.custom': { seeds: ['private-tokens'], rule: /chosen expiry/, needsTime: true },
  'expiry.required': { seeds: ['private-tokens'], rule: /tokens\.create\.expiry\.required/ },
  'expiry.reported': { seeds: ['basic-key-token'], rule: /issue time \+ TTL.*lifetime\.ttl/ },
  // No seed's server picks a token's expiry, nor has tokens that never expire: the variants below.
  'expiry.server': { seeds: [], rule: /expiry the server reported/ },
  'expiry.never': { seeds: [], rule: /valid until revoked/ },
});

// A contract with both a fixed lifetime and a shorter idle timeout: the TTL can only be measured by
// keeping the session in use, and the sliding timeout only when the TTL leaves room for it.
describe('a contract with both lifetime.ttl and lifetime.idle', () => {
  const vidizmo = seed('vidizmo');
  const both = (ttl: number): Contract => ({
    ...vidizmo,
    lifetime: { ...vidizmo.lifetime, ttl: { seconds: ttl, source: 'a fixed lifetime added for this test' } },
  });

  const verdictOf = (contract: Contract, id: string, fault?: string) => verdictOn(contract, expiryChecks.find((c) => c.id === id), fault);

  test('expiry.ttl keeps the session in use so the idle timeout does not end it first', async () => {
    const v = await verdictOf(both(7200), 'expiry.ttl');
    assert.equal(v.status, 'pass', explain(v));
  });

  test('expiry.ttl still fails when the TTL is not enforced', async () => {
    const v = await verdictOf(both(7200), 'expiry.ttl', 'no-expiry');
    assert.equal(v.status, 'fail', explain(v));
  });

  test('expiry.sliding skips, saying why, when the TTL ends before the idle timeout can be shown reset', async () => {
    const v = await verdictOf(both(2400), 'expiry.sliding');
    assert.equal(v.status, 'skip', explain(v));
    if (v.status === 'skip') assert.match(v.reason, /fixed lifetime \(2400 s\)/);
  });
});

async function verdictFor(contract: Contract, id: string, opts: { fault?: string; clockless?: boolean } = {}) {
  const check = expiryChecks.find((c) => c.id === id);
  assert.ok(check);
  const mock = await startMock(contract, opts.fault ? { fault: opts.fault } : {});
  try {
    const target = mockTarget(contract, mock.url);
    const scope = { contract, target: opts.clockless ? { ...target, kind: 'live' as const, clock: false, maxWait: 0 } : target, redactor: new Redactor(), run: newRunId() };
    return (await runCheck(check, scope)).verdict;
  } finally {
    await mock.close();
  }
}

describe('expiry.custom without a clock', () => {
  test('says what would make it run, and not that the login lifetimes shorten its wait', async () => {
    const v = await verdictFor(seed('private-tokens'), 'expiry.custom', { clockless: true });
    assert.equal(v.status, 'skip', explain(v));
    if (v.status !== 'skip') return;
    assert.match(v.reason, /no test clock.*AUTHCONFORM_MAX_WAIT=601.*AUTHCONFORM_PRIVATE_TOKENS_CLOCK=1/);
    assert.match(v.reason, /_TTL \/ _IDLE shorten login tokens only, not this wait/);
    assert.doesNotMatch(v.reason, /a shorter lifetime on the target/);
  });
});

// tokens.create.expiry.mode: server, the create response reporting the expiry the server picked.
describe('a private token whose expiry the server picks', () => {
  const contract = tokensServerExpiry();

  test('only expiry.server judges its expiry: expiry.custom and expiry.required do not apply', () => {
    const applies = expiryChecks.filter((c) => c.applies(contract)).map((c) => c.id);
    assert.deepEqual(applies, ['expiry.ttl', 'expiry.server']);
  });

  test('expiry.server passes against the faultless mock, the reported expiry reached through the clock', async () => {
    const v = await verdictFor(contract, 'expiry.server');
    assert.equal(v.status, 'pass', explain(v));
    if (v.status === 'pass') assert.match(v.detail ?? '', /works at E − 2 s, refused at E \+ 1 s/);
  });

  test('expiry.server fails when the token outlives the expiry the server reported', async () => {
    const v = await verdictFor(contract, 'expiry.server', { fault: 'server-expiry-ignored' });
    assert.equal(v.status, 'fail', explain(v));
    if (v.status === 'fail') assert.match(v.expected, /1 s after the expiry the server reported.*to be refused/);
  });

  test('expiry.server skips without a clock, saying what would make it run', async () => {
    const v = await verdictFor(contract, 'expiry.server', { clockless: true });
    assert.equal(v.status, 'skip', explain(v));
    if (v.status === 'skip') assert.match(v.reason, /the expiry the server reported, \d+ s after creation.*no test clock.*AUTHCONFORM_MAX_WAIT/);
  });

  test('does not apply when the create response reports no expiry', () => {
    const silent: Contract = { ...contract, tokens: contract.tokens && { ...contract.tokens, create: { ...contract.tokens.create, response: { status: 201 } } } };
    assert.equal(expiryChecks.find((c) => c.id === 'expiry.server')?.applies(silent), false);
  });
});

// tokens.create.expiry.mode: never, as npm automation tokens.
describe('a private token that never expires', () => {
  const contract = tokensNeverExpire();

  test('only expiry.never judges its expiry', () => {
    const applies = expiryChecks.filter((c) => c.applies(contract)).map((c) => c.id);
    assert.deepEqual(applies, ['expiry.ttl', 'expiry.never']);
  });

  test('expiry.never passes against the faultless mock: works 400 days on, refused once revoked', async () => {
    const v = await verdictFor(contract, 'expiry.never');
    assert.equal(v.status, 'pass', explain(v));
    if (v.status === 'pass') assert.match(v.detail ?? '', /works 400 days after creation; refused with 401 once revoked/);
  });

  test('expiry.never fails when the token quietly expires after a year', async () => {
    const v = await verdictFor(contract, 'expiry.never', { fault: 'never-token-expires' });
    assert.equal(v.status, 'fail', explain(v));
    if (v.status === 'fail') assert.match(v.expected, /valid until revoked.*400 days after its creation/);
  });

  test('expiry.never fails when revocation does not end the token', async () => {
    const v = await verdictFor(contract, 'expiry.never', { fault: 'no-revocation' });
    assert.equal(v.status, 'fail', explain(v));
  });

  test('expiry.never skips without a clock, saying what would make it run', async () => {
    const v = await verdictFor(contract, 'expiry.never', { clockless: true });
    assert.equal(v.status, 'skip', explain(v));
    if (v.status === 'skip') assert.match(v.reason, /needs 34560000 s.*no test clock.*AUTHCONFORM_MAX_WAIT/);
  });
});
