import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expiryChecks } from '../../src/checks/expiry.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import type { Contract } from '../../src/contract/model.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';
import { explain, seed } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

familyTests(expiryChecks, {
  'expiry.ttl': { seeds: ['waldo', 'private-tokens', 'basic-key-token'], rule: /lifetime\.ttl.*errors\.(expired|invalid)/, needsTime: true },
  'expiry.sliding': { seeds: ['vidizmo'], rule: /lifetime\.idle|errors\.expired/, needsTime: true },
  'expiry.custom': { seeds: ['private-tokens'], rule: /chosen expiry/, needsTime: true },
  'expiry.required': { seeds: ['private-tokens'], rule: /tokens\.create\.expiry\.required/ },
  'expiry.reported': { seeds: ['basic-key-token'], rule: /issue time \+ TTL.*lifetime\.ttl/ },
});

// A contract with both a fixed lifetime and a shorter idle timeout: the TTL can only be measured by
// keeping the session in use, and the sliding timeout only when the TTL leaves room for it.
describe('a contract with both lifetime.ttl and lifetime.idle', () => {
  const vidizmo = seed('vidizmo');
  const both = (ttl: number): Contract => ({
    ...vidizmo,
    lifetime: { ...vidizmo.lifetime, ttl: { seconds: ttl, source: 'a fixed lifetime added for this test' } },
  });

  async function verdictOn(contract: Contract, id: string, fault?: string) {
    const check = expiryChecks.find((c) => c.id === id);
    assert.ok(check);
    const mock = await startMock(contract, fault ? { fault } : {});
    try {
      const scope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
      return (await runCheck(check, scope)).verdict;
    } finally {
      await mock.close();
    }
  }

  test('expiry.ttl keeps the session in use so the idle timeout does not end it first', async () => {
    const v = await verdictOn(both(7200), 'expiry.ttl');
    assert.equal(v.status, 'pass', explain(v));
  });

  test('expiry.ttl still fails when the TTL is not enforced', async () => {
    const v = await verdictOn(both(7200), 'expiry.ttl', 'no-expiry');
    assert.equal(v.status, 'fail', explain(v));
  });

  test('expiry.sliding skips, saying why, when the TTL ends before the idle timeout can be shown reset', async () => {
    const v = await verdictOn(both(2400), 'expiry.sliding');
    assert.equal(v.status, 'skip', explain(v));
    if (v.status === 'skip') assert.match(v.reason, /fixed lifetime \(2400 s\)/);
  });
});
