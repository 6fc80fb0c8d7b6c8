/**
 * revoke.*: every check passes against the faultless mock of each seed it applies to and fails under
 * every fault that names it a killer (family-cases.ts). Beyond the seeds: a declared logout body and
 * headers are judged once, by revoke.logout-response, while the checks that only need a logout to
 * happen judge its status; a token after logout is judged against errors.loggedOut, a revoked private
 * token against errors.revoked.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Check, Verdict } from '../../src/checks/check.js';
import { refreshChecks } from '../../src/checks/refresh.js';
import { revokeChecks } from '../../src/checks/revoke.js';
import type { Contract } from '../../src/contract/model.js';
import { logoutBesideRevocation, logoutWithBody } from '../support/format2-variants.js';
import { explain, verdictsOn } from '../support/mock-scope.js';
import { familyTests } from './family-cases.js';

familyTests(revokeChecks, {
  'revoke.logout': { seeds: ['vidizmo', 'basic-key-token'], rule: /after logout.*errors\.(loggedOut|revoked|invalid)/ },
  'revoke.logout-response': { seeds: [], rule: /logout\.response/ },
  'revoke.token': { seeds: ['private-tokens'], rule: /after it was revoked.*errors\.(revoked|invalid)/ },
  'revoke.isolated': { seeds: ['private-tokens', 'vidizmo', 'basic-key-token'], rule: /keep working/ },
});

const byId = (id: string): Check => {
  const check = [...revokeChecks, ...refreshChecks].find((c) => c.id === id);
  assert.ok(check, id);
  return check;
};

const verdicts = (contract: Contract, ids: readonly string[], fault?: string): Promise<Record<string, Verdict>> =>
  verdictsOn(contract, ids.map(byId), fault ? { fault } : {});

describe('a declared logout body and headers', () => {
  const contract = logoutWithBody();
  const ids = ['revoke.logout-response', 'revoke.logout', 'revoke.isolated', 'refresh.after-logout'];

  test('revoke.logout-response applies, and every logout check passes against the faultless mock', async () => {
    assert.ok(byId('revoke.logout-response').applies(contract));
    for (const [id, v] of Object.entries(await verdicts(contract, ids))) assert.equal(v.status, 'pass', `${id}: ${explain(v)}`);
  });

  test('a logout without them is one finding, in revoke.logout-response; the others judge its status only', async () => {
    const v = await verdicts(contract, ids, 'logout-body-undeclared');
    const failed = Object.entries(v).filter(([, x]) => x.status === 'fail').map(([id]) => id);
    assert.deepEqual(failed, ['revoke.logout-response'], Object.entries(v).map(([id, x]) => `${id}: ${explain(x)}`).join('\n'));
    const finding = v['revoke.logout-response'];
    assert.ok(finding?.status === 'fail');
    assert.match(finding.expected, /logout to answer 200 with a body matching logout\.response\.schema and Clear-Site-Data \(logout\.response\)/);
  });
});

describe('logout and revocation answered differently', () => {
  const contract = logoutBesideRevocation();

  test('revoke.logout expects errors.loggedOut and revoke.token errors.revoked; both pass against the faultless mock', async () => {
    const v = await verdicts(contract, ['revoke.logout', 'revoke.token', 'revoke.isolated']);
    for (const [id, x] of Object.entries(v)) assert.equal(x.status, 'pass', `${id}: ${explain(x)}`);
  });

  test('a token after logout answered as revoked fails revoke.logout, naming errors.loggedOut', async () => {
    const v = await verdicts(contract, ['revoke.logout', 'revoke.token'], 'logged-out-as-revoked');
    const logout = v['revoke.logout'];
    assert.ok(logout?.status === 'fail', logout && explain(logout));
    assert.match(logout.expected, /the token after logout to be refused with 401 with code=session_ended \(errors\.loggedOut, /);
    assert.equal(v['revoke.token']?.status, 'pass');
  });
});
