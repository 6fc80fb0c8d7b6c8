/**
 * Release: after each check, what it opened on the target is logged out or revoked. A whole run of
 * every check leaves no session open that the contract gives a way to end; nothing the run did not
 * open is touched; what the check ended itself, or what has run out, costs no request; and a release
 * that fails is noted on the verdict without changing it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checksFor } from '../../src/checks/catalog.js';
import type { Check, Verdict } from '../../src/checks/check.js';
import { LOGOUT_PURPOSE } from '../../src/checks/release.js';
import { newRunId, runCheck, type RunScope } from '../../src/checks/run.js';
import type { Contract } from '../../src/contract/model.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock, type RunningMock } from '../../src/mock/server.js';
import { verdictText } from '../../src/report/verdict-text.js';
import { mockTarget } from '../../src/target/mock.js';
import { MockClient } from '../mock/client.js';
import { explain, SEED_IDS, seed } from '../support/mock-scope.js';

const SPECS = [...SEED_IDS, 'oauth2'] as const;

async function withScope<T>(contract: Contract, fn: (scope: RunScope, mock: RunningMock) => Promise<T>): Promise<T> {
  const mock = await startMock(contract);
  try {
    return await fn({ contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() }, mock);
  } finally {
    await mock.close();
  }
}

function byId(contract: Contract, id: string): Check {
  const check = checksFor(contract).find((c) => c.id === id);
  assert.ok(check, `${contract.id} has no applicable check ${id}`);
  return check;
}

const releases = (v: Verdict) => v.exchanges.filter((e) => e.purpose.startsWith('release:'));

describe('a run leaves nothing open that it can end', () => {
  for (const id of SPECS) {
    test(`${id}: after every check, no session the run opened is still open where the contract can end it`, async () => {
      const contract = seed(id);
      await withScope(contract, async (scope, mock) => {
        const notes: string[] = [];
        const leftOpen: string[] = [];
        for (const check of checksFor(contract)) {
          const { verdict } = await runCheck(check, scope);
          assert.equal(verdict.status, 'pass', `${check.id}: ${explain(verdict)}`);
          if (verdict.release) notes.push(`${check.id}: ${verdict.release}`);
          // Counted right after each check: on a live target nothing expires while the run goes on.
          // Without a logout a login session can only run out; private tokens are always revocable.
          const { open } = mock.sessions();
          if (contract.logout && open.login) leftOpen.push(`${check.id}: ${open.login} sessions`);
          if (contract.tokens && open.private) leftOpen.push(`${check.id}: ${open.private} private tokens`);
        }
        assert.ok(mock.sessions().issued > 0, 'the run opened sessions');
        assert.deepEqual(leftOpen, [], 'still open after the check');
        assert.deepEqual(notes, [], 'every release succeeded');
      });
    });
  }
});

describe('release after one check', () => {
  test('logs out what the check opened, with the exchange in the evidence and the token redacted', async () => {
    await withScope(seed('vidizmo'), async (scope, mock) => {
      const { verdict } = await runCheck(byId(scope.contract, 'present.ok'), scope);
      assert.equal(verdict.status, 'pass', explain(verdict));
      const [logout, ...more] = releases(verdict);
      assert.equal(more.length, 0);
      assert.equal(logout?.purpose, LOGOUT_PURPOSE);
      assert.equal(logout?.response?.status, 200);
      assert.equal(verdict.exchanges.at(-1), logout, 'released after the check, last in the evidence');
      const shown = JSON.stringify(verdict);
      for (const secret of scope.redactor.values()) assert.ok(!shown.includes(secret), 'a secret is shown in clear');
      assert.equal(mock.sessions().open.login, 0);
    });
  });

  test('touches nothing the check did not open: a session opened beside the run keeps working', async () => {
    for (const id of ['vidizmo', 'basic-key-token'] as const) {
      await withScope(seed(id), async (scope, mock) => {
        const client = new MockClient(scope.contract, mock.url);
        const bystander = await client.login();
        for (const check of ['acquire.ok', 'present.ok', 'refresh.ok', 'revoke.isolated', 'robust.no-5xx']) {
          const { verdict } = await runCheck(byId(scope.contract, check), scope);
          assert.equal(verdict.status, 'pass', `${check}: ${explain(verdict)}`);
        }
        assert.ok(client.isSuccess(await client.probe(bystander)), `${id}: the session opened outside the run still works`);
        assert.equal(mock.sessions().open.login, 1, `${id}: only that session is open`);
      });
    }
  });

  test('sends nothing for a credential the check ended itself or that has run out', async () => {
    const cases = [
      ['vidizmo', 'revoke.logout'],
      ['vidizmo', 'revoke.isolated'],
      ['vidizmo', 'expiry.sliding'],
      ['basic-key-token', 'expiry.ttl'],
      ['private-tokens', 'tokens.rotate'],
      ['private-tokens', 'revoke.isolated'],
    ] as const;
    for (const [id, check] of cases) {
      await withScope(seed(id), async (scope) => {
        const { verdict } = await runCheck(byId(scope.contract, check), scope);
        assert.equal(verdict.status, 'pass', `${id} ${check}: ${explain(verdict)}`);
        assert.deepEqual(releases(verdict).map((e) => e.purpose), [], `${id} ${check}`);
      });
    }
  });

  test('revokes a private token the check created and left behind, with the login that created it', async () => {
    const contract = seed('private-tokens');
    // A check that creates a private token and keeps it: release is what revokes it.
    const keeps: Check = {
      ...byId(contract, 'tokens.list'),
      id: 'tokens.kept',
      async run(ctx) {
        const { mustAcquire, mustCreateToken } = await import('../../src/checks/flows.js');
        const login = await mustAcquire(ctx);
        await mustCreateToken(ctx, login, (await ctx.time.now()) + 3600);
        return { status: 'pass', exchanges: [] };
      },
    };
    await withScope(contract, async (scope, mock) => {
      const { verdict } = await runCheck(keeps, scope);
      assert.equal(verdict.release, undefined, explain(verdict));
      assert.deepEqual(
        releases(verdict).map((e) => [e.purpose, e.response?.status]),
        [['release: revoke the private token this check created', 204]],
      );
      assert.equal(mock.sessions().open.private, 0);
    });
  });

  test("a refusal is no failure when it is the contract's own revoked error; a plain invalid-token refusal of a fresh session is", async () => {
    // A check that ends its session behind the flows' back, so the ledger still holds it as open.
    const endsUnseen = (contract: Contract): Check => ({
      ...byId(contract, 'present.ok'),
      id: 'present.ended-unseen',
      async run(ctx) {
        const { buildRequest, mustAcquire } = await import('../../src/checks/flows.js');
        const credential = await mustAcquire(ctx);
        const logout = ctx.contract.logout;
        assert.ok(logout);
        await ctx.http.send(buildRequest(ctx, logout.request, { purpose: 'log out unseen', credential }, true));
        return { status: 'pass', exchanges: [] };
      },
    });
    // vidizmo declares its own error for a logged-out token: the release learns the session has ended.
    await withScope(seed('vidizmo'), async (scope) => {
      const { verdict } = await runCheck(endsUnseen(scope.contract), scope);
      assert.deepEqual(releases(verdict).map((e) => e.response?.status), [400]);
      assert.equal(verdict.release, undefined);
    });
    // basic-key-token answers it with its invalid-token error, which could as well refuse the logout itself.
    await withScope(seed('basic-key-token'), async (scope) => {
      const { verdict } = await runCheck(endsUnseen(scope.contract), scope);
      assert.equal(verdict.status, 'pass', explain(verdict));
      assert.match(verdict.release ?? '', /logging out a session it opened: answered 401$/);
    });
  });

  test('a release that fails is noted on the verdict and shown by the report, and the verdict stands', async () => {
    const served = seed('vidizmo');
    const logout = served.logout;
    assert.ok(logout);
    // The checks believe in a logout the mock does not serve, so every release of a login is a 404.
    const contract: Contract = { ...served, logout: { ...logout, request: { ...logout.request, path: '/no-logout-here' } } };
    const mock = await startMock(served);
    try {
      const scope: RunScope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
      const check = byId(contract, 'present.garbage');
      const { verdict } = await runCheck(check, scope);
      assert.equal(verdict.status, 'pass', explain(verdict));
      assert.match(verdict.release ?? '', /^could not release everything this check opened: logging out a session it opened: answered 404$/);
      assert.match(verdictText(check, contract, scope.target, verdict), /\n {2}release: {2}could not release everything/);
      assert.equal(mock.sessions().open.login, 1, 'the session is indeed still open');
    } finally {
      await mock.close();
    }
  });
});
