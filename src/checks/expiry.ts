/**
 * expiry.*: lifetimes. A token works until just before its lifetime ends and is refused just after
 * with the contract's expired-token error; use resets a sliding inactivity timeout; a private token's
 * chosen expiry is honoured, and cannot be left out when the contract requires it; an expiry the server
 * picked and reported is honoured; a token that never expires still works long after, until revoked;
 * an expiry a response reports tells the truth.
 *
 * Every boundary is reckoned on the server's clock from a time read right after the event it follows
 * (boundary.ts). A target where that much server time cannot pass (no test clock, a lifetime longer
 * than the allowed wait) skips the time-dependent checks with the reason. On a rolling contract every
 * successful probe hands back a new token; these checks ignore it and keep probing with the token
 * whose lifetime they measure.
 */
import { chosenExpiry } from '../contract/model.js';
import { MAX_LIFETIME_SECONDS, type ResponseSpec } from '../contract/schema.js';
import { passUntil, serverNow } from './boundary.js';
import type { Check } from './check.js';
import { CannotObserve, Unmet, lifetimes, requireTime, type CheckContext } from './context.js';
import { describeError, observed } from './expect.js';
import {
  createToken,
  formatExpiry,
  mustAcquire,
  mustCreateToken,
  mustRefuse,
  mustWork,
  parseExpiry,
  probe,
  refresh,
  control,
  type Credential,
} from './flows.js';
import { discardToken, mustRevokeToken, reportedExpiry, reportsExpiry } from './private-tokens.js';
import { envLabel, pass } from './run.js';

/** Seconds ahead of server time a custom expiry is chosen. */
const CUSTOM_LIFETIME = 600;
const DAY = 24 * 3600;
/** How long after its creation a token that never expires is shown to still work: more than a year, which no lifetime of a year survives. */
const NEVER_DAYS = 400;
/** How far a reported expiry may be from the one reckoned (request latency, clock granularity). */
const REPORT_TOLERANCE = 5;

export const expiryChecks: readonly Check[] = [
  {
    id: 'expiry.ttl',
    family: 'expiry',
    level: 'MUST',
    summary: 'a fresh token works at TTL − 2 s and is refused as expired at TTL + 1 s',
    source: (c) => c.lifetime?.ttl?.source ?? '',
    applies: (c) => c.lifetime?.ttl !== undefined,
    async run(ctx) {
      const { ttl, idle } = lifetimes(ctx);
      if (ttl === undefined) throw new CannotObserve('the contract declares no lifetime.ttl');
      requireTime(ctx, ttl + 1);
      const credential = await mustAcquire(ctx);
      const issued = await serverNow(ctx);
      await keepAliveUntil(ctx, credential, idle, issued + ttl - 2);
      await mustWork(ctx, credential, `the token to still work ${ttl - 2} s after issue (TTL − 2 s; lifetime.ttl is ${ttl} s)`, 'probe at TTL − 2 s');
      await passUntil(ctx, issued + ttl + 1, 'after');
      const res = await probe(ctx, credential, undefined, 'probe at TTL + 1 s');
      mustRefuse(ctx, res, 'expired', `the token ${ttl + 1} s after issue (TTL + 1 s; lifetime.ttl is ${ttl} s)`);
      return pass(`works at TTL − 2 s; refused at TTL + 1 s with ${res.status}`);
    },
  },
  {
    id: 'expiry.sliding',
    family: 'expiry',
    level: 'MUST',
    summary: 'use resets the inactivity timeout; a token unused for idle + 1 s is refused as expired',
    source: (c) => c.lifetime?.idle?.source ?? '',
    applies: (c) => c.lifetime?.idle !== undefined,
    async run(ctx) {
      const { ttl, idle } = lifetimes(ctx);
      if (idle === undefined) throw new CannotObserve('the contract declares no lifetime.idle');
      if (idle <= 4) throw new CannotObserve(`an idle timeout of ${idle} s is too short to show use resetting it within a 2 s margin`);
      if (ttl !== undefined && ttl <= 3 * idle) {
        throw new CannotObserve(`the fixed lifetime (${ttl} s) ends before an idle timeout of ${idle} s can be shown reset and then running out (3 × idle)`);
      }
      requireTime(ctx, 3 * idle - 3);
      const credential = await mustAcquire(ctx);
      let lastUse = await serverNow(ctx);
      await passUntil(ctx, lastUse + idle - 2, 'before');
      await mustWork(ctx, credential, `the token to still work ${idle - 2} s after issue (idle − 2 s; lifetime.idle is ${idle} s)`, 'probe at idle − 2 s');
      lastUse = await serverNow(ctx);
      await passUntil(ctx, lastUse + idle - 2, 'before');
      await mustWork(
        ctx,
        credential,
        `the token, last used ${idle - 2} s ago, to still work ${2 * (idle - 2)} s after issue: use resets the inactivity timeout (lifetime.idle is ${idle} s)`,
        'probe at idle − 2 s after the last use',
      );
      lastUse = await serverNow(ctx);
      await passUntil(ctx, lastUse + idle + 1, 'after');
      const res = await probe(ctx, credential, undefined, 'probe after idle + 1 s unused');
      mustRefuse(ctx, res, 'expired', `the token, unused for ${idle + 1} s (idle + 1 s; lifetime.idle is ${idle} s),`);
      return pass(`use at idle − 2 s kept it alive past the idle timeout; unused for idle + 1 s refused with ${res.status}`);
    },
  },
  {
    id: 'expiry.custom',
    family: 'expiry',
    level: 'MUST',
    summary: "a private token's chosen expiry is reported and honoured: it works at E − 2 s and is refused as expired at E + 1 s",
    source: (c) => c.tokens?.create.expiry.source ?? '',
    applies: (c) => chosenExpiry(c) !== undefined,
    async run(ctx) {
      const expiry = chosenExpiry(ctx.contract);
      const spec = ctx.contract.tokens;
      if (!spec || !expiry) throw new CannotObserve('the contract declares no private tokens with a chosen expiry');
      requireWait(ctx, CUSTOM_LIFETIME + 1, `a private token created to expire ${CUSTOM_LIFETIME} s ahead, the nearest expiry this check chooses`);
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const chosen = (await serverNow(ctx)) + CUSTOM_LIFETIME;
      const chosenText = formatExpiry(chosen, expiry.format);
      const token = await mustCreateToken(ctx, login, chosen);
      try {
        const reported = reportedExpiry(spec.create.response, token.parts);
        if (reported && (reported.at === undefined || Math.abs(reported.at - chosen) > 1)) {
          throw new Unmet(
            `the create response to report the chosen expiry ${chosenText} in ${reported.name} (tokens.create.expiry)`,
            `it reports ${token.parts[reported.name] ?? 'nothing'}`,
          );
        }
        await passUntil(ctx, chosen - 2, 'before');
        await mustWork(ctx, token, `the private token to still work 2 s before its chosen expiry ${chosenText}`, 'probe with the private token at E − 2 s');
        await passUntil(ctx, chosen + 1, 'after');
        const res = await probe(ctx, token, undefined, 'probe with the private token at E + 1 s');
        mustRefuse(ctx, res, 'expired', `the private token 1 s after its chosen expiry ${chosenText}`);
        return pass(`created to expire at ${chosenText}: works at E − 2 s, refused at E + 1 s with ${res.status}`);
      } finally {
        await discardToken(ctx, login, token);
      }
    },
  },
  {
    id: 'expiry.required',
    family: 'expiry',
    level: 'MUST',
    summary: 'a private token cannot be created without an expiry: malformed, and no token issued',
    source: (c) => c.tokens?.create.expiry.source ?? '',
    applies: (c) => chosenExpiry(c)?.required === true,
    async run(ctx) {
      const expiry = chosenExpiry(ctx.contract);
      if (!expiry) throw new CannotObserve('the contract declares no private tokens with a chosen expiry');
      const omitted = expiry.var;
      const login = await mustAcquire(ctx, 'log in to create a private token');
      await control(ctx, login);
      const { res, credential } = await createToken(ctx, login, undefined, `create a private token without ${omitted}`);
      const what = `creating a private token without ${omitted} (tokens.create.expiry.required)`;
      if (credential) {
        await discardToken(ctx, login, credential);
        throw new Unmet(`${what} to be refused with ${describeError(ctx.contract, 'malformed')} and no token`, `a token was issued: ${observed(res)}`);
      }
      mustRefuse(ctx, res, 'malformed', what);
      return pass(`refused with ${res.status} and no token`);
    },
  },
  {
    id: 'expiry.server',
    family: 'expiry',
    level: 'MUST',
    summary: 'the expiry the server picked for a private token, as the create response reports it, is honoured: it works at E − 2 s and is refused as expired at E + 1 s',
    source: (c) => c.tokens?.create.expiry.source ?? '',
    applies: (c) => c.tokens?.create.expiry.mode === 'server' && reportsExpiry(c.tokens.create.response),
    async run(ctx) {
      const spec = ctx.contract.tokens;
      if (spec?.create.expiry.mode !== 'server') throw new CannotObserve('the contract declares no private tokens whose expiry the server picks');
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const token = await mustCreateToken(ctx, login, undefined);
      const issued = await serverNow(ctx);
      let ended = false;
      try {
        const reported = reportedExpiry(spec.create.response, token.parts, issued);
        const raw = reported ? token.parts[reported.name] : undefined;
        if (!reported || reported.at === undefined || reported.at <= issued + 2) {
          throw new Unmet(
            `the create response to report the expiry the server picked, a time ahead${reported ? ` in ${reported.name}` : ''} (tokens.create.expiry.mode: server)`,
            raw === undefined ? 'it reports nothing' : `it reports ${raw}`,
          );
        }
        const at = reported.at;
        const text = `${raw} (${reported.name})`;
        if (at - issued > MAX_LIFETIME_SECONDS) throw new CannotObserve(`the reported expiry ${text} is more than ten years ahead: no clock is advanced that far`);
        requireWait(ctx, Math.ceil(at - issued) + 1, `the expiry the server reported, ${Math.round(at - issued)} s after creation`);
        await passUntil(ctx, at - 2, 'before');
        await mustWork(ctx, token, `the private token to still work 2 s before the expiry the server reported, ${text}`, 'probe with the private token at E − 2 s');
        await passUntil(ctx, at + 1, 'after');
        const res = await probe(ctx, token, undefined, 'probe with the private token at E + 1 s');
        mustRefuse(ctx, res, 'expired', `the private token 1 s after the expiry the server reported, ${text},`);
        ended = true;
        return pass(`the server reported ${text}: works at E − 2 s, refused at E + 1 s with ${res.status}`);
      } finally {
        if (!ended) await discardToken(ctx, await loginNow(ctx, login, issued), token);
      }
    },
  },
  {
    id: 'expiry.never',
    family: 'expiry',
    level: 'MUST',
    summary: `a private token valid until revoked still works ${NEVER_DAYS} days after creation, and is refused once revoked`,
    source: (c) => c.tokens?.create.expiry.source ?? '',
    applies: (c) => c.tokens?.create.expiry.mode === 'never',
    async run(ctx) {
      const spec = ctx.contract.tokens;
      if (spec?.create.expiry.mode !== 'never') throw new CannotObserve('the contract declares no private tokens that never expire');
      const wait = NEVER_DAYS * DAY;
      requireWait(ctx, wait, `a private token that never expires, judged ${NEVER_DAYS} days after its creation`);
      const login = await mustAcquire(ctx, 'log in to create a private token');
      const token = await mustCreateToken(ctx, login, undefined);
      const issued = await serverNow(ctx);
      let ended = false;
      try {
        await control(ctx, token);
        await passUntil(ctx, issued + wait, 'after');
        await mustWork(
          ctx,
          token,
          `the private token, valid until revoked (tokens.create.expiry.mode: never), to still work ${NEVER_DAYS} days after its creation`,
          `probe with the private token ${NEVER_DAYS} days after its creation`,
        );
        // The login that created it has long run out: revoking needs a login of now.
        const now = await loginNow(ctx, login, issued);
        await mustRevokeToken(ctx, now, token, 'revoke the private token');
        ended = true;
        const res = await probe(ctx, token, undefined, 'probe with the revoked private token');
        mustRefuse(ctx, res, 'revoked', `the private token that never expires, once revoked,`);
        return pass(`works ${NEVER_DAYS} days after creation; refused with ${res.status} once revoked`);
      } finally {
        if (!ended) await discardToken(ctx, await loginNow(ctx, login, issued), token);
      }
    },
  },
  {
    id: 'expiry.reported',
    family: 'expiry',
    level: 'MUST',
    summary: 'an expiry a response reports (expires-at / expires-in) equals issue time + TTL within 5 s',
    source: (c) => c.lifetime?.ttl?.source ?? c.acquire.source,
    applies: (c) => lifetimeReports(c.acquire.response).length > 0 || lifetimeReports(c.refresh?.response).length > 0,
    async run(ctx) {
      const { ttl } = lifetimes(ctx);
      if (ttl === undefined) {
        throw new CannotObserve('the contract reports an expiry but declares no lifetime.ttl (and the target no AUTHCONFORM_<ID>_TTL) to compare it with');
      }
      const seen: string[] = [];
      const credential = await mustAcquire(ctx);
      const issued = await serverNow(ctx);
      seen.push(...judgeReports(ctx.contract.acquire.response, credential, issued, ttl, 'acquire'));
      const spec = ctx.contract.refresh;
      if (spec && lifetimeReports(spec.response).length > 0) {
        const { res, credential: refreshed, problem } = await refresh(ctx, credential);
        if (!refreshed) {
          throw new Unmet(`refresh to answer ${spec.response.status} with the parts it declares, so its reported expiry can be read (refresh)`, `${problem ?? 'no credential'}: ${observed(res)}`);
        }
        const reissued = await serverNow(ctx);
        seen.push(...judgeReports(spec.response, refreshed, reissued, ttl, 'refresh'));
      }
      return pass(`${seen.join('; ')} (TTL ${ttl} s)`);
    },
  },
];

/**
 * Skips unless `seconds` of server time can pass. A private token's expiry is the token's own (chosen,
 * reported or none), so the target's shorter login lifetimes (AUTHCONFORM_<ID>_TTL / _IDLE) do not
 * shorten the wait: only the test clock or a longer allowed wait make the check run.
 */
function requireWait(ctx: CheckContext, seconds: number, what: string): void {
  if (ctx.time.cannotPass(seconds) === undefined) return;
  const label = envLabel(ctx.contract.id);
  throw new CannotObserve(
    `needs ${Math.ceil(seconds)} s of server time (${what}) and the target has no test clock; set AUTHCONFORM_MAX_WAIT=${Math.ceil(ctx.time.slept() + seconds)} (or AUTHCONFORM_${label}_MAX_WAIT), or give the target the test clock (AUTHCONFORM_${label}_CLOCK=1). AUTHCONFORM_${label}_TTL / _IDLE shorten login tokens only, not this wait.`,
  );
}

/** The login, or a new one when server time has passed beyond its lifetime since `since` (epoch s). */
async function loginNow(ctx: CheckContext, login: Credential, since: number): Promise<Credential> {
  const { ttl, idle } = lifetimes(ctx);
  const passed = (await serverNow(ctx)) - since;
  const outlived = (ttl !== undefined && passed >= ttl - 2) || (idle !== undefined && passed >= idle - 2);
  return outlived ? mustAcquire(ctx, 'log in again: the first login has run out') : login;
}

/** Names of the parts of a response that report a lifetime. */
function lifetimeReports(spec: ResponseSpec | undefined): string[] {
  return Object.entries(spec?.parts ?? {})
    .filter(([, p]) => p.kind === 'expires-at' || p.kind === 'expires-in')
    .map(([name]) => name);
}

/** Each reported lifetime of a response against issue + TTL; what was seen, or the check fails. */
function judgeReports(spec: ResponseSpec, credential: Credential, issued: number, ttl: number, exchange: string): string[] {
  const seen: string[] = [];
  const expected = issued + ttl;
  for (const name of lifetimeReports(spec)) {
    const part = spec.parts?.[name];
    const raw = credential.parts[name];
    if (!part || raw === undefined) continue;
    if (part.kind === 'expires-in') {
      const seconds = Number(raw);
      if (!Number.isFinite(seconds) || Math.abs(seconds - ttl) > REPORT_TOLERANCE) {
        throw new Unmet(`${exchange}.response ${name} (expires-in) to report the TTL, ${ttl} s ± ${REPORT_TOLERANCE} s (lifetime.ttl)`, `it reports ${raw}`);
      }
      seen.push(`${exchange} ${name} = ${seconds} s`);
      continue;
    }
    const at = parseExpiry(raw, part.format ?? 'iso8601');
    if (at === undefined || Math.abs(at - expected) > REPORT_TOLERANCE) {
      const off = at === undefined ? 'which is not a readable time' : `${Math.round(at - issued)} s after issue`;
      throw new Unmet(
        `${exchange}.response ${name} (expires-at) to report issue time + TTL = ${formatExpiry(expected, part.format ?? 'iso8601')} ± ${REPORT_TOLERANCE} s (lifetime.ttl ${ttl} s)`,
        `it reports ${raw}, ${off}`,
      );
    }
    seen.push(`${exchange} ${name} = issue + ${Math.round(at - issued)} s`);
  }
  return seen;
}

/**
 * Lets time pass until `at` (just before a boundary). When an idle timeout shorter than the wait would
 * end the session first, the token is used every idle − 2 s on the way, so only the fixed lifetime is
 * measured.
 */
async function keepAliveUntil(ctx: CheckContext, credential: Credential, idle: number | undefined, at: number): Promise<void> {
  if (idle === undefined || idle <= 4) {
    await passUntil(ctx, at, 'before');
    return;
  }
  for (let now = await serverNow(ctx); at - now > idle - 2; now = await serverNow(ctx)) {
    await passUntil(ctx, now + idle - 2, 'before');
    await mustWork(ctx, credential, `the token to stay alive while it is used every ${idle - 2} s (lifetime.idle is ${idle} s)`, 'use the token to keep the idle timeout from ending it');
  }
  await passUntil(ctx, at, 'before');
}
