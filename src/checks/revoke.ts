/**
 * revoke.*: ending a credential before its time. After logout the token is refused as logged out
 * (`errors.loggedOut`, which falls back to `errors.revoked`), after a private token is revoked it is
 * refused as revoked; a logout answers the body and headers it declares; ending one credential leaves
 * the user's others working.
 *
 * These checks end only credentials they created themselves (a live target is someone's real
 * account), and clean up the extra ones they made.
 */
import type { Check } from './check.js';
import { observed, successProblem } from './expect.js';
import { CannotObserve, Unmet, type CheckContext } from './context.js';
import { control, logout, mustAcquire, mustCreateToken, mustRefuse, mustWork, probe, send } from './flows.js';
import { discardToken, findListed, listTokens, mustRevokeToken, tokenId } from './private-tokens.js';
import { serverNow } from './boundary.js';
import { pass } from './run.js';

/** Lifetime of the private tokens these checks create: long enough for the check, short if left behind. */
const TOKEN_LIFETIME = 3600;

export const revokeChecks: readonly Check[] = [
  {
    id: 'revoke.logout',
    family: 'revoke',
    level: 'MUST',
    summary: 'after logout the token is refused as logged out',
    source: (c) => c.logout?.source ?? '',
    applies: (c) => c.logout !== undefined,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      await control(ctx, credential);
      await logout(ctx, credential);
      const res = await probe(ctx, credential, undefined, 'probe with the logged-out token');
      mustRefuse(ctx, res, 'loggedOut', 'the token after logout');
      return pass(`logged out; the token was then refused with ${res.status}`);
    },
  },
  {
    id: 'revoke.logout-response',
    family: 'revoke',
    level: 'MUST',
    summary: 'a logout answers the body and headers the contract declares for it',
    source: (c) => c.logout?.source ?? '',
    applies: (c) => c.logout?.response.schema !== undefined || Object.keys(c.logout?.response.headers ?? {}).length > 0,
    async run(ctx) {
      const spec = ctx.contract.logout;
      if (!spec) throw new CannotObserve('the contract declares no logout');
      const credential = await mustAcquire(ctx);
      await control(ctx, credential);
      const res = await send(ctx, spec.request, { purpose: 'log out', credential });
      const problem = successProblem(res, spec.response);
      if (problem) {
        const declared = [spec.response.schema ? 'a body matching logout.response.schema' : '', ...Object.keys(spec.response.headers ?? {})].filter(Boolean);
        throw new Unmet(`logout to answer ${spec.response.status} with ${declared.join(' and ')} (logout.response)`, `${problem}: ${observed(res)}`);
      }
      return pass(`${res.status} with the declared ${[spec.response.schema ? 'body' : '', spec.response.headers ? 'headers' : ''].filter(Boolean).join(' and ')}`);
    },
  },
  {
    id: 'revoke.token',
    family: 'revoke',
    level: 'MUST',
    summary: 'a revoked private token is refused as revoked and is gone from the list',
    source: (c) => c.tokens?.revoke.source ?? '',
    applies: (c) => c.tokens !== undefined,
    async run(ctx) {
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const token = await mustCreateToken(ctx, login, (await serverNow(ctx)) + TOKEN_LIFETIME);
      const id = tokenId(ctx, token);
      await control(ctx, token);
      await mustRevokeToken(ctx, login, token);
      const res = await probe(ctx, token, undefined, 'probe with the revoked private token');
      mustRefuse(ctx, res, 'revoked', 'the private token after it was revoked');
      if (id !== undefined) {
        const { res: listed, items } = await listTokens(ctx, login, 'list the private tokens after the revocation');
        if (findListed(ctx, items, id) !== undefined) {
          throw new Unmet(`the revoked private token ${id} to be gone from the list (tokens.list)`, `it is still listed: ${observed(listed)}`);
        }
      }
      return pass(`revoked; the token was then refused with ${res.status}${id !== undefined ? ' and is no longer listed' : ''}`);
    },
  },
  {
    id: 'revoke.isolated',
    family: 'revoke',
    level: 'MUST',
    summary: "ending one credential (logout, revocation) leaves the user's other credentials working",
    source: (c) => c.logout?.source ?? c.tokens?.revoke.source ?? '',
    applies: (c) => c.logout !== undefined || c.tokens !== undefined,
    async run(ctx) {
      const seen: string[] = [];
      if (ctx.contract.logout) seen.push(await logoutIsolated(ctx));
      if (ctx.contract.tokens) seen.push(await revocationIsolated(ctx));
      if (!seen.length) throw new CannotObserve('the contract declares neither logout nor private tokens');
      return pass(seen.join('; '));
    },
  },
];

/** Two logins; logging out one leaves the other working. */
async function logoutIsolated(ctx: CheckContext): Promise<string> {
  const ended = await mustAcquire(ctx, 'log in (session A, to be logged out)');
  const kept = await mustAcquire(ctx, 'log in again (session B, to be kept)');
  try {
    await control(ctx, ended);
    await control(ctx, kept);
    await logout(ctx, ended, 'log out session A');
    await mustWork(ctx, kept, 'another session of the same user to keep working after one session logs out', 'probe with session B after session A logged out');
  } finally {
    // Best effort: the outcome is evidence, and must not hide the verdict above.
    await logout(ctx, kept, 'clean up: log out session B').catch(() => undefined);
  }
  return 'logging out one session left another working';
}

/** Two private tokens; revoking one leaves the other, and the login, working. */
async function revocationIsolated(ctx: CheckContext): Promise<string> {
  const login = await mustAcquire(ctx, 'log in to create private tokens');
  const expiresAt = (await serverNow(ctx)) + TOKEN_LIFETIME;
  const ended = await mustCreateToken(ctx, login, expiresAt);
  const kept = await mustCreateToken(ctx, login, expiresAt);
  try {
    await control(ctx, ended);
    await control(ctx, kept);
    await mustRevokeToken(ctx, login, ended, 'revoke private token A');
    await mustWork(ctx, kept, 'another private token of the same user to keep working after one is revoked', 'probe with private token B after A was revoked');
    await mustWork(ctx, login, 'the login token to keep working after a private token is revoked', 'probe with the login token after A was revoked');
  } finally {
    await discardToken(ctx, login, kept);
  }
  return 'revoking one private token left another and the login working';
}
