import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { revokeChecks } from '../../src/checks/revoke.js';
import { tokensChecks } from '../../src/checks/tokens.js';
import type { Check } from '../../src/checks/check.js';
import { tokensNeverExpire, tokensRotateBySequence, tokensServerExpiry } from '../support/format2-variants.js';
import { explain, verdictOn } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

familyTests(tokensChecks, {
  'tokens.list': { seeds: ['private-tokens'], rule: /tokens\.list/ },
  'tokens.rotate': { seeds: ['private-tokens'], rule: /rotated-out private token.*errors\.(revoked|invalid)/ },
});


const byId = (id: string): Check | undefined => [...tokensChecks, ...revokeChecks].find((c) => c.id === id);

// tokens.rotate.by: [create, revoke], a rotation with no request of its own.
describe('rotation by a sequence: create a new token, then revoke the old one', () => {
  const contract = tokensRotateBySequence();

  test('resolves to a sequence and no rotate request', () => {
    assert.deepEqual(contract.tokens?.rotateSequence?.steps, ['create', 'revoke']);
    assert.equal(contract.tokens?.rotate, undefined);
    assert.equal(byId('tokens.rotate')?.applies(contract), true);
    assert.match(byId('tokens.rotate')?.source(contract) ?? '', /create a new one and then revoke the old one/);
  });

  test('tokens.rotate passes against the faultless mock, the chosen expiration carried over', async () => {
    const v = await verdictOn(contract, byId('tokens.rotate'));
    assert.equal(v.status, 'pass', explain(v));
    if (v.status === 'pass') assert.match(v.detail ?? '', /the new token works, the old one is refused with 401, the expiration stays/);
    const sent = v.exchanges.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`);
    assert.ok(!sent.some((s) => s.endsWith('/rotate')), 'no rotate request is sent');
  });

  test('tokens.rotate fails when revoking the old token also ends the new one', async () => {
    const v = await verdictOn(contract, byId('tokens.rotate'), 'revoke-cascades');
    assert.equal(v.status, 'fail', explain(v));
    if (v.status === 'fail') assert.match(v.expected, /new token to work after the rotation \(create, then revoke; tokens\.rotate\.by\)/);
  });

  test('revoke.isolated fails under the same fault', async () => {
    const v = await verdictOn(contract, byId('revoke.isolated'), 'revoke-cascades');
    assert.equal(v.status, 'fail', explain(v));
  });

  test('tokens.rotate fails when the old token is not revoked', async () => {
    const v = await verdictOn(contract, byId('tokens.rotate'), 'no-revocation');
    assert.equal(v.status, 'fail', explain(v));
    if (v.status === 'fail') assert.match(v.expected, /rotated-out private token/);
  });
});

describe('tokens.list and tokens.rotate with an expiry the server picks or none', () => {
  test('with a server-picked expiry, the list shows the expiry the create response reported', async () => {
    const v = await verdictOn(tokensServerExpiry(), byId('tokens.list'));
    assert.equal(v.status, 'pass', explain(v));
    const f = await verdictOn(tokensServerExpiry(), byId('tokens.list'), 'list-without-expiration');
    assert.equal(f.status, 'fail', explain(f));
    if (f.status === 'fail') assert.match(f.expected, /tokens\.list/);
  });

  test('with a server-picked expiry, rotation keeps the reported expiry', async () => {
    const v = await verdictOn(tokensServerExpiry(), byId('tokens.rotate'));
    assert.equal(v.status, 'pass', explain(v));
    if (v.status === 'pass') assert.match(v.detail ?? '', /the expiration stays/);
  });

  test('with tokens that never expire, no expiration is compared', async () => {
    const list = await verdictOn(tokensNeverExpire(), byId('tokens.list'));
    assert.equal(list.status, 'pass', explain(list));
    if (list.status === 'pass') assert.match(list.detail ?? '', /never expires/);
    const rotate = await verdictOn(tokensNeverExpire(), byId('tokens.rotate'));
    assert.equal(rotate.status, 'pass', explain(rotate));
    const kept = await verdictOn(tokensNeverExpire(), byId('tokens.rotate'), 'rotate-keeps-old');
    assert.equal(kept.status, 'fail', explain(kept));
  });
});
