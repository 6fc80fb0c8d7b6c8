/**
 * acquire.*: getting a credential. Valid credentials give the documented success; wrong, missing or
 * malformed ones give the documented 4xx and never a token.
 */
import { credentialError, errorFor } from '../contract/model.js';
import { acquireCredentials, acquireSecrets, caseRequest } from '../contract/facts.js';
import type { Check } from './check.js';
import { CannotObserve, Unmet, type CheckContext } from './context.js';
import type { RequestSpec } from '../contract/schema.js';
import { observed } from './expect.js';
import { acquire, acquireWith, extractParts, mustMatchError, mustRefuse, mustRefuseWith, mustWork } from './flows.js';
import { pass } from './run.js';

/** Spends live-account allowance for deliberately failing logins, or skips. */
export function spendBadAttempts(ctx: CheckContext, n: number): void {
  const budget = ctx.target.badCredentialBudget;
  if (budget && !budget.take(n)) {
    throw new CannotObserve(
      `the target's allowance of ${budget.total} bad-credential attempts for this run is spent (AUTHCONFORM_MAX_BAD_ATTEMPTS); it protects the account from lockout`,
    );
  }
}

/** A different value of the same shape. */
export function wrongValue(value: string): string {
  const flipped = value.slice(0, -1) + (value.endsWith('x') ? 'y' : 'x');
  return `${flipped}-wrong`;
}

function noTokenIn(ctx: CheckContext, res: Parameters<typeof extractParts>[2], what: string): void {
  const { parts } = extractParts(ctx, ctx.contract.acquire.response, res);
  if (parts[ctx.contract.token.part] !== undefined && res.status >= 200 && res.status < 300) {
    throw new Unmet(`${what} to issue no token`, `a token was issued: ${observed(res)}`);
  }
}

export const acquireChecks: readonly Check[] = [
  {
    id: 'acquire.ok',
    family: 'acquire',
    level: 'MUST',
    summary: 'valid credentials give the documented status, a body matching its schema and every declared part',
    source: (c) => c.acquire.source,
    applies: () => true,
    async run(ctx) {
      const { res, credential, problem } = await acquire(ctx, { purpose: 'acquire with valid credentials' });
      const r = ctx.contract.acquire.response;
      if (!credential) throw new Unmet(`${r.status} with a body matching acquire.response.schema and the parts ${Object.keys(r.parts ?? {}).join(', ')}`, `${problem}: ${observed(res)}`);
      return pass(`${res.status} with ${Object.keys(credential.parts).join(', ')}`);
    },
  },
  {
    id: 'acquire.bad-credentials',
    family: 'acquire',
    level: 'MUST',
    summary: 'a wrong secret credential is refused with the documented error (its own, where it declares one) and no token',
    source: (c) => [...new Set(acquireSecrets(c).map((n) => credentialError(c, n, 'wrong').source))].join(' / '),
    applies: (c) => acquireSecrets(c).length > 0,
    async run(ctx) {
      const secrets = acquireSecrets(ctx.contract);
      spendBadAttempts(ctx, secrets.length);
      for (const name of secrets) {
        const value = ctx.target.credentials[name] ?? '';
        const wrong = wrongValue(value);
        ctx.redactor.add(wrong, name);
        const { res } = await acquire(ctx, { purpose: `acquire with a wrong ${name}`, vars: { [name]: wrong } });
        mustRefuseWith(ctx, res, credentialError(ctx.contract, name, 'wrong'), `a wrong ${name}`);
        noTokenIn(ctx, res, `a wrong ${name}`);
      }
      return pass(`refused when wrong: ${secrets.map((n) => `${n} with ${credentialError(ctx.contract, n, 'wrong').status}`).join(', ')}`);
    },
  },
  {
    id: 'acquire.missing-field',
    family: 'acquire',
    level: 'MUST',
    summary: 'a request missing a credential is refused as malformed (or with its own error), with no token',
    source: (c) => [...new Set(acquireCredentials(c).map((n) => credentialError(c, n, 'missing').source))].join(' / '),
    applies: (c) => acquireCredentials(c).length > 0,
    async run(ctx) {
      const names = acquireCredentials(ctx.contract);
      spendBadAttempts(ctx, names.length);
      for (const name of names) {
        const { res } = await acquire(ctx, { purpose: `acquire without ${name}`, vars: { [name]: undefined } });
        mustRefuseWith(ctx, res, credentialError(ctx.contract, name, 'missing'), `a request without ${name}`);
        noTokenIn(ctx, res, `a request without ${name}`);
      }
      return pass(`each of ${names.join(', ')} required`);
    },
  },
  {
    id: 'acquire.malformed-body',
    family: 'acquire',
    level: 'MUST',
    summary: 'a body that is not the documented shape is refused as malformed, never with a 5xx',
    source: (c) => c.errors.malformed.source,
    applies: (c) => c.acquire.request.body !== undefined,
    async run(ctx) {
      const req = ctx.contract.acquire.request;
      const isJson = req.body?.json !== undefined;
      const bodies: { label: string; body: string }[] = isJson
        ? [
            { label: 'truncated JSON', body: '{"a":' },
            { label: 'a JSON array', body: '[]' },
            { label: 'a JSON number', body: '42' },
            { label: 'an empty body', body: '' },
            { label: 'fields of the wrong type', body: JSON.stringify(wrongTypes(req.body?.json)) },
          ]
        : [
            { label: 'an empty body', body: '' },
            { label: 'garbage', body: '%%%&&&===' },
          ];
      for (const { label, body } of bodies) {
        const { res } = await acquire(ctx, { purpose: `acquire with ${label}`, rawBody: body });
        if (res.status >= 500) throw new Unmet(`${label} to be refused with a 4xx, never a 5xx`, observed(res));
        mustRefuse(ctx, res, 'malformed', label);
      }
      return pass(`${bodies.length} malformed bodies refused with ${errorFor(ctx.contract, 'malformed').status}`);
    },
  },
  {
    id: 'acquire.alternate',
    family: 'acquire',
    level: 'MUST',
    summary: 'every documented alternative way of asking for a credential issues one that works',
    source: (c) => (c.acquire.alternates ?? []).map((a) => a.source).join(' / '),
    applies: (c) => (c.acquire.alternates ?? []).length > 0,
    async run(ctx) {
      const alternates = ctx.contract.acquire.alternates ?? [];
      for (const [i, alt] of alternates.entries()) {
        const what = `acquire alternate ${i + 1} (${alt.request.method} ${alt.request.path}${describeAuth(alt.request)})`;
        const { res, credential, problem } = await acquireWith(ctx, alt.request, { purpose: what });
        if (!credential) {
          throw new Unmet(`${what} to answer ${ctx.contract.acquire.response.status} with a credential, as the acquire request does (${alt.source})`, `${problem}: ${observed(res)}`);
        }
        await mustWork(ctx, credential, `the credential from ${what} to work`);
      }
      return pass(`${alternates.length} alternate request${alternates.length > 1 ? 's' : ''} issued working credentials`);
    },
  },
  {
    id: 'acquire.cases',
    family: 'acquire',
    level: 'MUST',
    summary: 'each declared variation of the acquire request gets its declared error',
    source: (c) => (c.acquire.cases ?? []).map((k) => k.error.source).join(' / '),
    applies: (c) => (c.acquire.cases ?? []).length > 0,
    async run(ctx) {
      const cases = ctx.contract.acquire.cases ?? [];
      for (const k of cases) {
        const { res } = await acquireWith(ctx, caseRequest(ctx.contract.acquire.request, k), { purpose: `acquire: ${k.summary}` });
        mustMatchError(res, k.error, `${k.summary} (case ${k.id}): ${k.error.status} matching its error schema — ${k.error.source}`);
        noTokenIn(ctx, res, `case ${k.id}`);
      }
      return pass(`${cases.length} case${cases.length > 1 ? 's' : ''} refused as declared: ${cases.map((k) => k.id).join(', ')}`);
    },
  },
];

function describeAuth(r: RequestSpec): string {
  return typeof r.auth === 'object' ? `, ${r.auth.scheme} client authentication` : '';
}

/** The JSON template with every string replaced by a number. */
function wrongTypes(template: unknown): unknown {
  if (typeof template === 'string') return 12345;
  if (Array.isArray(template)) return template.map(wrongTypes);
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, wrongTypes(v)]));
  }
  return template;
}
