/**
 * present.*: where the credential goes on a request. The issued credential works where the contract
 * puts it (and in every documented alternate placement of a companion); a missing, random, tampered
 * or wrongly-schemed credential, a missing companion and parts of two different sessions are each
 * refused with the documented error's status (the error's body is judged once, by errors.*). Every
 * refusal is preceded by a positive control, so a server that refuses everything fails rather than
 * passes, and a server that answers a forgery with success is told apart as accepting it as the user
 * or answering anonymously.
 */
import { errorFor } from '../contract/model.js';
import { render } from '../contract/template.js';
import type { Contract } from '../contract/model.js';
import type { HttpResponse } from '../http/client.js';
import { presentedSecretParts, sameShape, tamper, tokenOf, withToken } from './alter.js';
import type { Check } from './check.js';
import { CannotObserve, Unmet, type CheckContext } from './context.js';
import { observed, successProblem } from './expect.js';
import { acquire, control, mustAcquire, mustRefuseStatus, mustWork, probe, varsFor, type Credential, type PresentVariant } from './flows.js';
import { pass } from './run.js';

export const presentChecks: readonly Check[] = [
  {
    id: 'present.ok',
    family: 'present',
    level: 'MUST',
    summary: 'the issued credential, presented as the contract says, works on the probe',
    source: (c) => c.present.source,
    applies: () => true,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const res = await mustWork(ctx, credential, `the issued credential presented as ${presentedAs(ctx.contract)} to work`, 'probe with the issued credential');
      return pass(`${res.status} with the credential presented as ${presentedAs(ctx.contract)}`);
    },
  },
  {
    id: 'present.missing',
    family: 'present',
    security: true,
    level: 'MUST',
    summary: 'a request without the credential is refused with the documented status',
    source: (c) => c.errors.missing.source,
    applies: () => true,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const positive = await control(ctx, credential);
      const header = ctx.contract.present.name;
      const res = await probe(ctx, credential, { omit: true }, `probe without the ${header} header`);
      mustRefuseStatus(ctx, res, 'missing', `a request without the ${header} header`, positive);
      return pass(`refused with ${res.status}`);
    },
  },
  {
    id: 'present.garbage',
    family: 'present',
    security: true,
    level: 'MUST',
    summary: 'a random credential of the right shape is refused with the documented status',
    source: (c) => c.errors.invalid.source,
    applies: () => true,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const positive = await control(ctx, credential);
      const res = await probe(ctx, credential, garbageVariant(ctx, credential), 'probe with a random credential of the same shape');
      mustRefuseStatus(ctx, res, 'invalid', 'a random credential of the same shape as the issued one', positive);
      return pass(`refused with ${res.status}`);
    },
  },
  {
    id: 'present.tampered',
    family: 'present',
    security: true,
    level: 'MUST',
    summary: 'the token with one character changed is refused with the documented status',
    source: (c) => errorFor(c, 'tampered').source,
    applies: () => true,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const positive = await control(ctx, credential);
      const { variant, where } = tamperedVariant(ctx, credential);
      const res = await probe(ctx, credential, variant, `probe with the token with ${where}`);
      mustRefuseStatus(ctx, res, 'tampered', `the token with ${where}`, positive);
      return pass(`refused with ${res.status}`);
    },
  },
  {
    id: 'present.wrong-scheme',
    family: 'present',
    security: true,
    level: 'MUST',
    summary: 'the right credential under another authentication scheme is refused',
    source: (c) => c.present.source,
    applies: () => true,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const value = presentedValue(ctx, credential);
      const header = ctx.contract.present.name;
      const variants = wrongSchemes(ctx.contract, value);
      for (const { label, variant } of variants) {
        const positive = await control(ctx, credential);
        const res = await probe(ctx, credential, variant, `probe with ${header}: ${label}`);
        mustRefuseStatus(ctx, res, 'wrongScheme', `the credential sent as "${header}: ${label}" (the contract says ${presentedAs(ctx.contract)})`, positive);
      }
      return pass(`refused: ${variants.map((v) => v.label).join('; ')}`);
    },
  },
  {
    id: 'present.companion',
    family: 'present',
    security: true,
    level: 'MUST',
    summary: 'a request missing a companion value (header or query parameter) is refused',
    source: (c) => errorFor(c, 'companionMissing').source,
    applies: (c) => c.present.companions.length > 0,
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      for (const companion of ctx.contract.present.companions) {
        const positive = await control(ctx, credential);
        const res = await probe(ctx, credential, { omitCompanion: companion.name }, `probe without ${companion.name}`);
        mustRefuseStatus(ctx, res, 'companionMissing', `a request without ${companion.name} (as ${companion.in.map(placementName).join(' or ')})`, positive);
      }
      return pass(`each of ${ctx.contract.present.companions.map((c) => c.name).join(', ')} required`);
    },
  },
  {
    id: 'present.alternate',
    family: 'present',
    level: 'MUST',
    summary: 'a companion works in each of its documented alternate placements',
    source: (c) =>
      c.present.companions
        .filter((x) => x.in.length > 1)
        .map((x) => x.source)
        .join(' '),
    applies: (c) => c.present.companions.some((x) => x.in.length > 1),
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const tried: string[] = [];
      for (const companion of ctx.contract.present.companions) {
        for (const where of companion.in.slice(1)) {
          const what = `${companion.name} sent as a ${placementName(where)} instead of a ${placementName(companion.in[0] ?? 'header')}`;
          const res = await probe(ctx, credential, { placement: { [companion.name]: where } }, `probe with ${what}`);
          const problem = successProblem(res, ctx.contract.probe.response);
          if (problem) throw new Unmet(`the credential with ${what} to work: the probe answers ${ctx.contract.probe.response.status}`, `${problem}: ${observed(res)}`);
          tried.push(what);
        }
      }
      return pass(`accepted with ${tried.join('; ')}`);
    },
  },
  {
    id: 'present.scheme-case',
    family: 'present',
    level: 'MUST',
    summary: "the scheme name in another case (`bearer`, `BEARER`) is judged as the contract says: accepted (RFC 7235 §2.1, the default) or refused (`schemeCase: exact`)",
    source: (c) =>
      c.present.schemeCase === 'exact'
        ? `${c.present.source} (present.schemeCase: exact — the scheme is matched only as written)`
        : 'RFC 7235 §2.1: "It uses a case-insensitive token as a means to identify the authentication scheme"',
    applies: (c) => c.present.in === 'header' && c.present.scheme !== 'none',
    async run(ctx) {
      const credential = await mustAcquire(ctx);
      const value = presentedValue(ctx, credential);
      const { scheme, name, schemeCase } = ctx.contract.present;
      const encoded = scheme === 'Basic' ? Buffer.from(value).toString('base64') : undefined;
      const words = [...new Set([scheme.toLowerCase(), scheme.toUpperCase()])].filter((w) => w !== scheme);
      for (const word of words) {
        const variant: PresentVariant = { scheme: word, ...(encoded !== undefined ? { value: encoded } : {}) };
        const label = `${word} <${scheme === 'Basic' ? 'base64 credential' : 'token'}>`;
        if (schemeCase === 'exact') {
          const positive = await control(ctx, credential);
          const res = await probe(ctx, credential, variant, `probe with ${name}: ${label}`);
          mustRefuseStatus(ctx, res, 'wrongScheme', `the credential sent as "${name}: ${label}" (the contract matches the scheme as written: ${scheme})`, positive);
          continue;
        }
        const res = await probe(ctx, credential, variant, `probe with ${name}: ${label}`);
        const problem = successProblem(res, ctx.contract.probe.response);
        if (problem) {
          throw new Unmet(
            `the credential sent as "${name}: ${label}" to work as "${scheme}" does: the scheme name is case-insensitive (RFC 7235 §2.1); a contract that matches it as written says present.schemeCase: exact`,
            `${problem}: ${observed(res)}`,
          );
        }
      }
      return pass(`${schemeCase === 'exact' ? 'refused' : 'accepted'}: ${words.join(', ')}`);
    },
  },
  {
    id: 'present.companion-owner',
    family: 'present',
    security: true,
    level: 'MUST',
    summary: "another user's companion value beside my token is refused (the second account's)",
    source: (c) => `${c.present.companions.map((x) => x.source).join(' ')} A companion names the token's owner, so another user's value with my token is not that owner (CWE-639, authorization through a user-controlled key).`,
    applies: (c) => c.secondAccount !== undefined && c.present.companions.length > 0,
    async run(ctx) {
      const second = ctx.target.secondCredentials;
      if (!second) {
        const vars = Object.values(ctx.contract.secondAccount?.credentials ?? {}).join(', ');
        throw new CannotObserve(`the second account's credentials are not set (${vars}); set them to judge another user's values beside this user's token`);
      }
      const mine = await mustAcquire(ctx, 'acquire as the first account');
      const { res: theirsRes, credential: theirs, problem } = await acquire(ctx, { purpose: 'acquire as the second account', vars: second });
      if (!theirs) throw new Unmet('the second account to log in (secondAccount)', `${problem ?? 'no credential'}: ${observed(theirsRes)}`);
      const theirVars = varsFor(ctx, theirs, second);
      const myVars = varsFor(ctx, mine);
      const judged: string[] = [];
      for (const companion of ctx.contract.present.companions) {
        const value = render(companion.value, theirVars);
        if (value === undefined || value === render(companion.value, myVars)) continue;
        ctx.redactor.add(value, companion.name);
        const positive = await control(ctx, mine);
        const res = await probe(ctx, mine, { companionValues: { [companion.name]: value } }, `probe with my token and the second account's ${companion.name}`);
        mustRefuseStatus(ctx, res, 'mismatched', `my token with the second account's ${companion.name}`, positive);
        judged.push(companion.name);
      }
      if (!judged.length) throw new CannotObserve("both accounts have the same companion values, so another user's value cannot be sent");
      return pass(`refused with another user's ${judged.join(', ')}`);
    },
  },
  {
    id: 'present.mismatched-parts',
    family: 'present',
    security: true,
    level: 'MUST',
    summary: 'parts of two different sessions presented together are refused',
    source: (c) => errorFor(c, 'mismatched').source,
    applies: (c) => presentedSecretParts(c).length >= 2,
    async run(ctx) {
      const { res, what, positive } = await mismatchedProbe(ctx);
      mustRefuseStatus(ctx, res, 'mismatched', what, positive);
      return pass(`refused with ${res.status}`);
    },
  },
];

/** A random credential of the same shape as the issued one, presented in its place. */
export function garbageVariant(ctx: CheckContext, credential: Credential): PresentVariant {
  return { value: sameShape(presentedValue(ctx, credential)) };
}

/** The issued token with one character changed (in a JWT's payload, else in its second half). */
export function tamperedVariant(ctx: CheckContext, credential: Credential): { variant: PresentVariant; where: string } {
  const jwt = ctx.contract.token.format === 'jwt';
  const tampered = tamper(tokenOf(ctx, credential), jwt);
  return { variant: withToken(ctx, tampered), where: jwt ? 'one character of its payload changed' : 'one character in its second half changed' };
}

/** Parts of two sessions presented together, after a positive control of each (the first one's is returned). */
export async function mismatchedProbe(ctx: CheckContext): Promise<{ res: HttpResponse; what: string; positive: HttpResponse }> {
  const names = presentedSecretParts(ctx.contract);
  const a = await mustAcquire(ctx, 'acquire session A');
  const b = await mustAcquire(ctx, 'acquire session B');
  const swapped = names.includes(ctx.contract.token.part) ? ctx.contract.token.part : (names[names.length - 1] as string);
  const kept = names.filter((n) => n !== swapped);
  const fromB = b.parts[swapped];
  if (fromB === undefined || fromB === a.parts[swapped]) {
    throw new CannotObserve(`two logins gave the same ${swapped}, so parts of different sessions cannot be mixed`);
  }
  const shared = kept.filter((n) => a.parts[n] === b.parts[n]);
  if (shared.length === kept.length) {
    throw new CannotObserve(`two logins gave the same ${shared.join(', ')}: mixing it with the other session's ${swapped} makes a valid credential`);
  }
  const positive = await control(ctx, a);
  await control(ctx, b);
  const what = `${kept.map((n) => `the ${n}`).join(', ')} of session A with the ${swapped} of session B`;
  const res = await probe(ctx, a, { parts: { [swapped]: fromB } }, `probe with ${what}`);
  return { res, what, positive };
}

/** "Authorization: Bearer <token>", for messages. */
export function presentedAs(contract: Contract): string {
  const p = contract.present;
  const value = p.scheme === 'Basic' ? `base64(${p.value})` : p.value;
  return `"${p.name}: ${p.scheme === 'none' ? '' : `${p.scheme} `}${value}"`;
}

function placementName(where: 'header' | 'query'): string {
  return where === 'query' ? 'query parameter' : 'header';
}

/** The credential value as presented, before the scheme word and any base64. */
export function presentedValue(ctx: CheckContext, credential: Credential): string {
  const value = render(ctx.contract.present.value, varsFor(ctx, credential));
  if (value === undefined) throw new Unmet(`the issued credential to fill ${ctx.contract.present.value}`, `it has only ${Object.keys(credential.parts).join(', ')}`);
  return value;
}

/** The right value under the schemes a confused server might also take. */
export function wrongSchemes(contract: Contract, value: string): { label: string; variant: PresentVariant }[] {
  switch (contract.present.scheme) {
    case 'Bearer':
      return [
        { label: 'Token <token>', variant: { scheme: 'Token' } },
        { label: 'Basic <token>', variant: { scheme: 'Basic' } },
      ];
    case 'Basic':
      return [{ label: 'Bearer <base64 credential>', variant: { scheme: 'Bearer', value: Buffer.from(value).toString('base64') } }];
    case 'none':
      return [{ label: 'Bearer <token>', variant: { scheme: 'Bearer' } }];
  }
}
