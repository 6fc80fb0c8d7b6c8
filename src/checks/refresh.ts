/**
 * refresh.*: getting a new token without the user's credentials. A refresh yields a working token; a
 * rotated refresh credential cannot be replayed, nor won by more than one of several concurrent
 * refreshes; garbage, another session's key, a logged-out session or (when the contract says so) an
 * expired token cannot be refreshed; the access token a refresh replaces is retired or kept as the
 * contract says; a rolling token handed back on success works and outlives the one it replaces, and a
 * refused request (a garbage or an expired token) hands back none.
 *
 * Each refusal is judged against its cause's error (`refresh.errors`, falling back to the spec-wide
 * one: see `refreshRefusal`). Its status is judged everywhere; its body and headers once: a cause's
 * own declaration by that cause's check, `errors.refreshInvalid` by refresh.invalid (or
 * refresh.mismatched-key when garbage has its own), and an entry other families judge (errors.invalid,
 * errors.expired) by them, so a wrong error body is one finding rather than a red in every check.
 *
 * A contract refreshes in one of two ways: the request carries issued parts in its body (a refresh
 * token, with the key it belongs to), or it presents the token being refreshed (`auth: token`). The
 * "refresh credential" is the first secret part of the request that the presentation does not use,
 * else the presented token itself.
 */
import { decodeJwt } from 'jose';
import { logoutEndsRefresh, refreshFinder, refreshRefusal, refreshSecretParts } from '../contract/facts.js';
import type { Contract, RefreshCause, ResolvedError } from '../contract/model.js';
import { errorFor } from '../contract/model.js';
import { render } from '../contract/template.js';
import type { HttpResponse } from '../http/client.js';
import { passUntil, serverNow } from './boundary.js';
import type { Check } from './check.js';
import { CannotObserve, Unmet, lifetimes, requireTime, type CheckContext } from './context.js';
import { describeError, describeResolved, observed, successProblem } from './expect.js';
import {
  control,
  logout,
  mustAcquire,
  mustMatchError,
  mustRefuse,
  mustRefuseStatus,
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
/** Concurrent refreshes refresh.race sends with one credential: enough to race, few enough for a live server. */
export const RACE = 5;

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
      judgeRefusal(ctx, res, 'replayed', `replaying the ${refreshCredentialName(ctx.contract)} already used to refresh (refresh.rotation)`);
      return pass(`the replayed ${refreshCredentialName(ctx.contract)} was refused with ${res.status}`);
    },
  },
  {
    id: 'refresh.invalid',
    family: 'refresh',
    level: 'MUST',
    summary: 'a garbage refresh credential is refused',
    source: (c) => refreshRefusal(c, 'garbage').source,
    applies: (c) => c.refresh !== undefined,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      await control(ctx, credential);
      const { opts, what } = garbageRefresh(ctx, credential);
      const { res } = await refresh(ctx, credential, opts);
      judgeRefusal(ctx, res, 'garbage', `a refresh with ${what}`);
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
      judgeRefusal(ctx, res, 'expired', `refreshing a token ${after} (refresh.expired: refused)`);
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
      judgeRefusal(ctx, res, 'mismatched', `a refresh with the ${others.join(', ')} of one session and the ${finder} of another`);
      return pass(`the mismatched refresh was refused with ${res.status}`);
    },
  },
  {
    id: 'refresh.retires-access',
    family: 'refresh',
    level: 'MUST',
    summary: 'after a refresh, the access token it replaced is refused or keeps working, as refresh.retiresAccess says',
    source: (c) => c.refresh?.retiresAccess?.source ?? '',
    applies: (c) => c.refresh?.retiresAccess !== undefined,
    async run(ctx) {
      const retires = ctx.contract.refresh?.retiresAccess?.value;
      if (retires === undefined) throw new CannotObserve('the contract does not say whether a refresh retires the access token it replaces');
      const old = await mustAcquire(ctx);
      await control(ctx, old);
      const renewed = await mustRefresh(ctx, old, 'refresh the credential');
      // Positive control: the refreshed token works, so what the old one gets next is about the refresh.
      const positive = await mustWork(ctx, renewed, 'the refreshed token to work (positive control)', 'positive control: probe with the refreshed token');
      const res = await probe(ctx, old, undefined, 'probe with the access token the refresh replaced');
      if (retires) {
        // The session lives on under the new token, so the old one was neither logged out nor expired:
        // the server ended it before its time, which is what a revoked token is (errors.revoked).
        mustRefuseStatus(ctx, res, 'revoked', 'the access token a refresh replaced (refresh.retiresAccess: true)', positive);
        return pass(`the replaced access token was refused with ${res.status}`);
      }
      const problem = successProblem(res, ctx.contract.probe.response);
      if (problem) {
        throw new Unmet(
          `the access token a refresh replaced to keep working until it expires (refresh.retiresAccess: false): the probe answers ${ctx.contract.probe.response.status}`,
          `${problem}: ${observed(res)}`,
        );
      }
      return pass(`the replaced access token still works (${res.status})`);
    },
  },
  {
    id: 'refresh.race',
    family: 'refresh',
    level: 'MUST',
    summary: `of ${RACE} concurrent refreshes with one rotating refresh credential exactly one succeeds; the others are refused`,
    source: (c) => c.refresh?.source ?? '',
    applies: (c) => c.refresh?.rotation === true,
    async run(ctx) {
      const spec = ctx.contract.refresh;
      if (!spec) throw new CannotObserve('the contract declares no refresh');
      if (ctx.target.kind !== 'mock' && spec.race?.live !== true) {
        throw new CannotObserve(
          `refresh.race sends ${RACE} concurrent refreshes of one session, which a live server may take for token theft and end the session or the grant over; it runs against a live target only when the spec says refresh.race.live: true`,
        );
      }
      const name = refreshCredentialName(ctx.contract);
      const first = await mustAcquire(ctx);
      // Positive control: a refresh of this session works, one at a time.
      const session = await mustRefresh(ctx, first, 'refresh the session (positive control)', 'a refresh on its own (positive control)');
      await control(ctx, session);
      const outcomes = await Promise.all(
        Array.from({ length: RACE }, (_, i) => refresh(ctx, session, { purpose: `refresh ${i + 1} of ${RACE}, sent at once with the same ${name}` })),
      );
      const err = refreshRefusal(ctx.contract, 'replayed');
      const statuses = outcomes.map((o) => o.res.status).join(', ');
      const rule = `exactly one of ${RACE} concurrent refreshes with the same ${name} to succeed and the others to be refused with status ${err.status} (${err.label}) (refresh.rotation)`;
      const winners = outcomes.filter((o) => o.credential !== undefined);
      if (winners.length !== 1) {
        const one = outcomes[0]?.res;
        throw new Unmet(rule, winners.length ? `${winners.length} of ${RACE} succeeded (statuses ${statuses})` : `none succeeded (statuses ${statuses})${one ? `: ${observed(one)}` : ''}`);
      }
      const loser = outcomes.find((o) => o.credential === undefined && o.res.status !== err.status);
      if (loser) throw new Unmet(rule, `one succeeded; another was answered ${loser.res.status} (statuses ${statuses}): ${observed(loser.res)}`);
      const won = winners[0]?.credential;
      if (won) await mustWork(ctx, { parts: { ...session.parts, ...won.parts } }, 'the token the winning refresh issued to work', 'probe with the token the winning refresh issued');
      return pass(`1 of ${RACE} won; the others were refused with ${err.status} (statuses ${statuses})`);
    },
  },
  {
    id: 'refresh.after-logout',
    family: 'refresh',
    level: 'MUST',
    summary: 'a session that was logged out cannot be refreshed',
    source: (c) => c.refresh?.errors?.afterLogout?.source ?? c.logout?.source ?? '',
    applies: logoutEndsRefresh,
    async run(ctx) {
      const name = refreshCredentialName(ctx.contract);
      const first = await mustAcquire(ctx);
      // Positive control: a refresh of this session works before it is logged out.
      const session = await mustRefresh(ctx, first, 'refresh the session (positive control)', 'a refresh before logout (positive control)');
      await control(ctx, session);
      await logout(ctx, session, 'log out the session');
      const { res } = await refresh(ctx, session, { purpose: `refresh with the ${name} of the logged-out session` });
      judgeRefusal(ctx, res, 'afterLogout', `a refresh with the ${name} of a session that was logged out`);
      return pass(`the refresh after logout was refused with ${res.status}`);
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
    summary: 'a refused request (a garbage token, an expired one) hands back no rolling token',
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
      noRollingToken(ctx, res, 'a garbage token');
      const garbage = `a garbage token's ${res.status} refusal carried no ${rolling.header}`;
      // An expired token: a server that renews before it looks at the expiry hands a fresh token to a
      // caller whose token has run out. Time passes as in the expiry checks, on the server's clock.
      const { ttl, idle } = lifetimes(ctx);
      const lifetime = Math.min(ttl ?? Infinity, idle ?? Infinity);
      if (!Number.isFinite(lifetime)) return pass(`${garbage} (the contract declares no lifetime, so no token can be let expire)`);
      const why = ctx.time.cannotPass(lifetime + 1);
      if (why) throw new CannotObserve(`${why} (an expired token was not tried; ${garbage})`);
      const stale = await mustAcquire(ctx, 'acquire the credential that will expire');
      await control(ctx, stale);
      const lastUse = await serverNow(ctx);
      await passUntil(ctx, lastUse + lifetime + 1, 'after');
      const after = `${lifetime + 1} s after its issue and last use (${ttl === lifetime ? 'lifetime.ttl' : 'lifetime.idle'} is ${lifetime} s)`;
      const expired = await probe(ctx, stale, undefined, `probe with the token ${after}`);
      if (successProblem(expired, ctx.contract.probe.response) === undefined || (expired.status >= 200 && expired.status < 300)) {
        // Accepting an expired token is expiry.ttl's (or expiry.sliding's) finding, not this one's.
        throw new CannotObserve(`the token was still accepted ${after} (${expired.status}), so no refusal of an expired token could be observed; ${garbage}`);
      }
      noRollingToken(ctx, expired, `a token ${after}`);
      return pass(`${garbage}; an expired token's ${expired.status} refusal carried none either`);
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

/** Why a refresh is refused: one of the declarable causes, or another session's key with this refresh credential. */
type Refusal = RefreshCause | 'mismatched';

/** The error the contract promises for a refused refresh. */
function refusalError(contract: Contract, why: Refusal): ResolvedError {
  return why === 'mismatched' ? errorFor(contract, 'refreshInvalid') : refreshRefusal(contract, why);
}

/**
 * Whether this refusal's check judges its error's body and headers, not its status only: a cause's own
 * declaration is judged by its check; the spec-wide refreshInvalid entry by refresh.invalid, or by
 * refresh.mismatched-key when garbage declares its own; entries of other families (errors.invalid,
 * errors.expired) by those families.
 */
function judgesShape(contract: Contract, why: Refusal): boolean {
  const err = refusalError(contract, why);
  if (err.pointer === `/refresh/errors/${why}`) return true;
  if (err.pointer !== '/errors/refreshInvalid') return false;
  return why === 'garbage' || (why === 'mismatched' && refreshRefusal(contract, 'garbage').pointer !== err.pointer);
}

/** The refusal the contract promises for `why`, after checking nothing was refreshed. */
function judgeRefusal(ctx: CheckContext, res: HttpResponse, why: Refusal, what: string): void {
  const spec = ctx.contract.refresh;
  const err = refusalError(ctx.contract, why);
  if (spec && res.status === spec.response.status) {
    throw new Unmet(`${what} to be refused with ${describeResolved(ctx.contract, err)}`, `it was refreshed: ${observed(res)}`);
  }
  if (judgesShape(ctx.contract, why)) mustMatchError(res, err, `${what} to be refused with ${describeResolved(ctx.contract, err)}`);
  else refusedWithStatus(res, err, what);
}

/** The refusal's status is the error's (its body and headers are judged by another check). */
function refusedWithStatus(res: HttpResponse, err: ResolvedError, what: string): void {
  if (res.status === err.status) return;
  throw new Unmet(
    `${what} to be refused with status ${err.status} (${err.label})`,
    `${res.status === 0 ? `no response: ${res.error ?? 'unknown error'}` : `status ${res.status} instead of ${err.status}`}: ${observed(res)}`,
  );
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

/** A refused request carries no token in the rolling header, or the check fails naming what was refused. */
function noRollingToken(ctx: CheckContext, res: HttpResponse, what: string): void {
  const rolling = ctx.contract.rolling;
  if (!rolling || rollingToken(ctx, res) === undefined) return;
  throw new Unmet(
    `a refused request (${what}) to carry no token in the ${rolling.header} response header (rolling: "after each successful API request")`,
    `the ${res.status} refusal carried one: ${observed(res)} with ${rolling.header}: ${ctx.redactor.text(res.headers[rolling.header.toLowerCase()] ?? '')}`,
  );
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
