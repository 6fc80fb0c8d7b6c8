/**
 * refresh.*: getting a new token without the user's credentials. A refresh yields a working token; a
 * rotated refresh credential cannot be replayed; garbage, another session's key, or (when the
 * contract says so) an expired token cannot be refreshed; a rolling token handed back on success works
 * and outlives the one it replaces, and a refused request hands back none.
 *
 * A contract refreshes in one of two ways: the request carries issued parts in its body (a refresh
 * token, with the key it belongs to), or it presents the token being refreshed (`auth: token`). The
 * "refresh credential" is the first secret part of the request that the presentation does not use,
 * else the presented token itself.
 */
import { decodeJwt } from 'jose';
import { refreshFinder, refreshSecretParts } from '../contract/facts.js';
import type { Contract } from '../contract/model.js';
import { errorFor } from '../contract/model.js';
import { render } from '../contract/template.js';
import type { HttpResponse } from '../http/client.js';
import { passUntil, serverNow } from './boundary.js';
import type { Check } from './check.js';
import { CannotObserve, Unmet, lifetimes, requireTime, type CheckContext } from './context.js';
import { describeError, observed, successProblem } from './expect.js';
import {
  control,
  mustAcquire,
  mustRefuse,
  mustWork,
  probe,
  refresh,
  stripScheme,
  varsFor,
  type Credential,
  type SendOptions,
} from './flows.js';
import { sameShape } from './alter.js';
import { pass } from './run.js';

/** Seconds the clock moves before the probe whose rolling token must outlive the presented one. */
const ROLLING_HEADSTART = 10;

export const refreshChecks: readonly Check[] = [
  {
    id: 'refresh.ok',
    family: 'refresh',
    level: 'MUST',
    summary: 'a refresh answers the documented success with every declared part, and the new token works',
    source: (c) => c.refresh?.source ?? '',
    applies: (c) => c.refresh !== undefined,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const renewed = await mustRefresh(ctx, credential, 'refresh the credential');
      await mustWork(ctx, renewed, 'the refreshed token to work (refresh)', 'probe with the refreshed token');
      return pass(`refreshed with ${Object.keys(ctx.contract.refresh?.response.parts ?? {}).join(', ') || 'a new token'}; the new token works`);
    },
  },
  {
    id: 'refresh.rotation',
    family: 'refresh',
    level: 'MUST',
    summary: 'a refresh credential that has been used cannot refresh again',
    source: (c) => c.refresh?.source ?? '',
    applies: (c) => c.refresh?.rotation === true,
    async run(ctx) {
      const first = await mustAcquire(ctx);
      const renewed = await mustRefresh(ctx, first, 'refresh the credential');
      await control(ctx, renewed);
      const { res } = await refresh(ctx, first, { purpose: 'replay the used refresh credential' });
      judgeRefusal(ctx, res, 'refreshInvalid', `replaying the ${refreshCredentialName(ctx.contract)} already used to refresh (refresh.rotation)`);
      return pass(`the replayed ${refreshCredentialName(ctx.contract)} was refused with ${res.status}`);
    },
  },
  {
    id: 'refresh.invalid',
    family: 'refresh',
    level: 'MUST',
    summary: 'a garbage refresh credential is refused',
    source: (c) => errorFor(c, 'refreshInvalid').source,
    applies: (c) => c.refresh !== undefined,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      await control(ctx, credential);
      const { opts, what } = garbageRefresh(ctx, credential);
      const { res } = await refresh(ctx, credential, opts);
      judgeRefusal(ctx, res, 'refreshInvalid', `a refresh with ${what}`);
      return pass(`${what} refused with ${res.status}`);
    },
  },
  {
    id: 'refresh.expired',
    family: 'refresh',
    level: 'MUST',
    summary: 'refreshing an expired token succeeds or is refused as the contract says (refresh.expired)',
    source: (c) => c.refresh?.source ?? '',
    applies: (c) => c.refresh !== undefined && (c.lifetime?.ttl !== undefined || c.lifetime?.idle !== undefined),
    async run(ctx) {
      const spec = ctx.contract.refresh;
      if (!spec) throw new CannotObserve('the contract declares no refresh');
      const { ttl, idle } = lifetimes(ctx);
      const lifetime = Math.min(ttl ?? Infinity, idle ?? Infinity);
      if (!Number.isFinite(lifetime)) throw new CannotObserve('the contract declares no lifetime after which a token expires');
      requireTime(ctx, lifetime + 1);
      const stale = await mustAcquire(ctx, 'acquire the credential that will expire');
      await control(ctx, stale);
      const lastUse = await serverNow(ctx);
      await passUntil(ctx, lastUse + lifetime + 1, 'after');
      const after = `${lifetime + 1} s after issue and last use (${ttl === lifetime ? 'lifetime.ttl' : 'lifetime.idle'} is ${lifetime} s)`;
      if (spec.expired === 'allowed') {
        const renewed = await mustRefresh(ctx, stale, `refresh the expired credential, ${after}`, `the refresh of a token ${after} (refresh.expired: allowed)`);
        await mustWork(ctx, renewed, `the token refreshed from an expired one to work (refresh.expired: allowed)`, 'probe with the token refreshed after expiry');
        return pass(`refreshed ${after}; the new token works`);
      }
      // Positive control: refresh works right now for a fresh credential, so the refusal that follows is about expiry.
      const fresh = await mustAcquire(ctx, 'acquire a fresh credential (positive control)');
      await mustRefresh(ctx, fresh, 'refresh a fresh credential (positive control)', 'the refresh of a fresh credential (positive control)');
      const { res } = await refresh(ctx, stale, { purpose: `refresh the expired credential, ${after}` });
      const condition = spec.request.auth === 'token' ? 'expired' : 'refreshInvalid';
      judgeRefusal(ctx, res, condition, `refreshing a token ${after} (refresh.expired: refused)`);
      return pass(`refresh ${after} refused with ${res.status}`);
    },
  },
  {
    id: 'refresh.mismatched-key',
    family: 'refresh',
    level: 'MUST',
    summary: "a refresh carrying one session's key with another session's refresh credential is refused",
    source: (c) => errorFor(c, 'refreshInvalid').source,
    applies: (c) => refreshSecretParts(c).length >= 2,
    async run(ctx) {
      const finder = refreshFinder(ctx.contract);
      if (finder === undefined) throw new CannotObserve('the refresh request carries no issued secret part');
      const others = refreshSecretParts(ctx.contract).filter((n) => n !== finder);
      const a = await mustAcquire(ctx, 'acquire session A');
      const b = await mustAcquire(ctx, 'acquire session B');
      await control(ctx, a);
      await control(ctx, b);
      const borrowed = b.parts[finder];
      if (borrowed === undefined || borrowed === a.parts[finder]) {
        throw new Unmet(`two logins to issue two different ${finder} values (acquire)`, `both sessions hold the same ${finder}`);
      }
      const mixed: Credential = { parts: { ...a.parts, [finder]: borrowed } };
      const { res } = await refresh(ctx, mixed, { purpose: `refresh with the ${others.join(', ')} of session A and the ${finder} of session B` });
      judgeRefusal(ctx, res, 'refreshInvalid', `a refresh with the ${others.join(', ')} of one session and the ${finder} of another`);
      return pass(`the mismatched refresh was refused with ${res.status}`);
    },
  },
  {
    id: 'refresh.rolling',
    family: 'refresh',
    level: 'MUST',
    summary: 'a successful request hands back a new token in the rolling header; it works and outlives the one presented',
    source: (c) => c.rolling?.source ?? '',
    applies: (c) => c.rolling !== undefined,
    async run(ctx) {
      const rolling = ctx.contract.rolling;
      if (!rolling) throw new CannotObserve('the contract declares no rolling token');
      const { ttl } = lifetimes(ctx);
      const isJwt = ctx.contract.token.format === 'jwt';
      const boundary = ttl !== undefined && ctx.time.cannotPass(ttl + 1) === undefined;
      if (!boundary && !isJwt) {
        throw new CannotObserve(
          ttl === undefined
            ? 'an opaque token without lifetime.ttl gives no way to tell which token expires later'
            : (ctx.time.cannotPass(ttl + 1) ?? ''),
        );
      }
      requireTime(ctx, ROLLING_HEADSTART);
      const old = await mustAcquire(ctx);
      const issued = await serverNow(ctx);
      await ctx.time.pass(ROLLING_HEADSTART);
      const res = await mustWork(ctx, old, `a successful probe ${ROLLING_HEADSTART} s after issue`, `probe ${ROLLING_HEADSTART} s after issue`);
      const handed = rollingToken(ctx, res);
      if (handed === undefined) {
        throw new Unmet(
          `a successful request to hand back a new token in the ${rolling.header} response header${rolling.scheme !== 'none' ? ` (${rolling.scheme} scheme)` : ''} (rolling)`,
          `no such header: ${observed(res)}`,
        );
      }
      const part = ctx.contract.token.part;
      const renewed: Credential = { parts: { ...old.parts, [part]: handed } };
      await mustWork(ctx, renewed, 'the rolling token to work (rolling)', 'probe with the rolling token');
      const seen: string[] = [];
      if (isJwt) {
        const before = expOf(old.parts[part]);
        const after = expOf(handed);
        if (before === undefined || after === undefined) {
          throw new Unmet('both tokens to be JWTs with a numeric exp (token.format jwt)', `exp of the presented token: ${before ?? 'none'}; of the rolling token: ${after ?? 'none'}`);
        }
        if (after <= before) {
          throw new Unmet(
            `the rolling token, handed back ${ROLLING_HEADSTART} s after the presented one was issued, to expire later than it (rolling)`,
            `its exp ${after} is ${after === before ? 'the same as' : `${before - after} s before`} the presented token's exp ${before}`,
          );
        }
        seen.push(`exp ${after - before} s later`);
      }
      if (boundary && ttl !== undefined) {
        await passUntil(ctx, issued + ttl + 1, 'after');
        const stale = await probe(ctx, old, undefined, 'probe with the presented token at its TTL + 1 s');
        mustRefuse(ctx, stale, 'expired', `the presented token at its TTL + 1 s (lifetime.ttl is ${ttl} s)`);
        await mustWork(
          ctx,
          renewed,
          `the rolling token to still work when the token it replaces has expired, ${ttl + 1} s after that one was issued (rolling)`,
          'probe with the rolling token at the old TTL + 1 s',
        );
        seen.push('still works when the presented token has expired');
      }
      return pass(`the rolling token works; ${seen.join('; ')}`);
    },
  },
  {
    id: 'refresh.rolling-success-only',
    family: 'refresh',
    level: 'SHOULD',
    summary: 'a refused request hands back no rolling token',
    source: (c) => c.rolling?.source ?? '',
    applies: (c) => c.rolling !== undefined,
    async run(ctx) {
      const rolling = ctx.contract.rolling;
      if (!rolling) throw new CannotObserve('the contract declares no rolling token');
      const credential = await mustAcquire(ctx);
      await control(ctx, credential);
      const presented = render(ctx.contract.present.value, varsFor(ctx, credential)) ?? '';
      const res = await probe(ctx, credential, { value: sameShape(presented) }, 'probe with a garbage token');
      if (successProblem(res, ctx.contract.probe.response) === undefined || (res.status >= 200 && res.status < 300)) {
        throw new Unmet(`a garbage token to be refused with ${describeError(ctx.contract, 'invalid')}`, observed(res));
      }
      const handed = rollingToken(ctx, res);
      if (handed !== undefined) {
        throw new Unmet(
          `a refused request to carry no token in the ${rolling.header} response header (rolling: "after each successful API request")`,
          `the ${res.status} refusal carried one: ${observed(res)} with ${rolling.header}: ${ctx.redactor.text(res.headers[rolling.header.toLowerCase()] ?? '')}`,
        );
      }
      return pass(`the ${res.status} refusal carried no ${rolling.header}`);
    },
  },
];

/** Refreshes or fails the check; the credential with the refreshed parts in place of the old. */
async function mustRefresh(ctx: CheckContext, credential: Credential, purpose: string, expectation?: string): Promise<Credential> {
  const spec = ctx.contract.refresh;
  if (!spec) throw new TypeError('the contract has no refresh');
  const { res, credential: renewed, problem } = await refresh(ctx, credential, { purpose });
  if (!renewed) {
    const parts = Object.keys(spec.response.parts ?? {});
    throw new Unmet(
      `${expectation ?? 'a refresh'} to answer ${spec.response.status}${spec.response.schema ? ' with a body matching refresh.response.schema' : ''}${parts.length ? ` and the parts ${parts.join(', ')}` : ''} (refresh)`,
      `${problem ?? 'no credential'}: ${observed(res)}`,
    );
  }
  return { parts: { ...credential.parts, ...renewed.parts } };
}

/** The refusal the contract promises for `condition`, after checking nothing was refreshed. */
function judgeRefusal(ctx: CheckContext, res: HttpResponse, condition: 'refreshInvalid' | 'expired', what: string): void {
  const spec = ctx.contract.refresh;
  if (spec && res.status === spec.response.status) {
    throw new Unmet(`${what} to be refused with ${describeError(ctx.contract, condition)}`, `it was refreshed: ${observed(res)}`);
  }
  mustRefuse(ctx, res, condition, what);
}


function refreshCredentialName(contract: Contract): string {
  return refreshFinder(contract) ?? 'token';
}

/** How to send a refresh with a garbage refresh credential of the right shape. */
function garbageRefresh(ctx: CheckContext, credential: Credential): { opts: Partial<SendOptions>; what: string } {
  const finder = refreshFinder(ctx.contract);
  if (finder !== undefined) {
    const garbage = sameShape(credential.parts[finder] ?? 'refresh-credential');
    ctx.redactor.add(garbage, `garbage ${finder}`);
    return { opts: { purpose: `refresh with a garbage ${finder}`, vars: { [finder]: garbage } }, what: `a garbage ${finder}` };
  }
  if (ctx.contract.refresh?.request.auth === 'token') {
    const presented = render(ctx.contract.present.value, varsFor(ctx, credential)) ?? '';
    return { opts: { purpose: 'refresh presenting a garbage token', variant: { value: sameShape(presented) } }, what: 'a garbage token presented' };
  }
  throw new CannotObserve('the refresh request carries neither an issued secret part nor the token (auth: token), so there is no refresh credential to garble');
}

/** The token in the rolling response header, or undefined. */
function rollingToken(ctx: CheckContext, res: HttpResponse): string | undefined {
  const rolling = ctx.contract.rolling;
  if (!rolling) return undefined;
  const raw = res.headers[rolling.header.toLowerCase()];
  if (raw === undefined) return undefined;
  const token = stripScheme(raw, rolling.scheme);
  if (token === '') return undefined;
  ctx.redactor.add(token, 'rolling token');
  return token;
}

function expOf(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
