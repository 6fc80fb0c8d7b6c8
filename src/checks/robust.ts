/**
 * robust.*: how a server behaves when requests go wrong. A bounded battery of negative requests on
 * every endpoint of the contract (malformed and oversized bodies, garbage credentials, wrong methods)
 * never gets a 5xx or no answer at all; and refused logins and refused credentials never echo a
 * submitted secret back, plain, URL-encoded or in base64. Payloads that look like attacks (SQL and
 * NoSQL injection, markup) are sent only to a target that accepts them (`Target.hostile`): in front
 * of a live server a firewall may block the account for them.
 */
import { randomBytes } from 'node:crypto';
import { chosenExpiry, issuedParts } from '../contract/model.js';
import type { Contract } from '../contract/model.js';
import type { RequestSpec, ResponseSpec } from '../contract/schema.js';
import { jsonTemplates, placeholders, render } from '../contract/template.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { Redactor } from '../http/redact.js';
import { acquireSecrets } from '../contract/facts.js';
import { spendBadAttempts } from './acquire.js';
import { presentedSecretParts, sameShape } from './alter.js';
import type { Check } from './check.js';
import { Unmet, type CheckContext } from './context.js';
import { observed } from './expect.js';
import {
  acquire,
  buildRequest,
  control,
  extractParts,
  formatExpiry,
  mustAcquire,
  noteIssued,
  probe,
  refresh,
  varsFor,
  type Credential,
  type PresentVariant,
} from './flows.js';
import { envLabel, pass } from './run.js';

/** Size of the oversized body: above the 64 KiB many parsers buffer by default, far below any sane limit. */
const BIG_BODY_BYTES = 70 * 1024;
/** Failures listed in a verdict; the evidence holds every exchange. */
const LISTED = 5;
const METHODS = ['PUT', 'PATCH', 'DELETE', 'POST', 'GET'] as const;

export const robustChecks: readonly Check[] = [
  {
    id: 'robust.no-5xx',
    family: 'robust',
    level: 'MUST',
    summary: 'no negative request (malformed or oversized body, garbage credential, wrong method) is answered with a 5xx',
    source: () =>
      'RFC 9110 §15.5 and §15.6: a request that is wrong on the client side is answered with a 4xx; a 5xx means the server failed to handle it',
    applies: () => true,
    async run(ctx) {
      const kept = await mustAcquire(ctx, 'acquire a credential for the positive controls');
      await control(ctx, kept);
      const spent = await mustAcquire(ctx, 'acquire a credential to send with malformed bodies');
      let battery = await negativeBattery(ctx, spent);
      const hostile = ctx.target.hostile ? 0 : battery.filter((b) => b.hostile).length;
      if (hostile) battery = battery.filter((b) => !b.hostile);
      // Wrong logins are left out rather than the whole battery when a live account's allowance is spent.
      const badLogins = battery.filter((b) => b.badLogin).length;
      const budget = ctx.target.badCredentialBudget;
      const leftOut = budget && !budget.take(badLogins) ? badLogins : 0;
      if (leftOut) battery = battery.filter((b) => !b.badLogin);
      const failures: string[] = [];
      for (const b of battery) {
        const res = await ctx.http.send(b.request);
        // A request that succeeds anyway may hand out a credential: it joins the redactor like any
        // other, and is released after the check (a refresh keeps the parts it does not replace).
        if (b.issues && res.status >= 200 && res.status < 300) {
          const { parts } = extractParts(ctx, b.issues, res);
          if (Object.keys(parts).length) noteIssued(ctx, b.issues, { parts: { ...spent.parts, ...parts } }, spent);
        }
        if (res.status === 0 || res.status >= 500) failures.push(`${b.request.purpose}: ${observed(res)}`);
      }
      const expected = 'every negative request to be refused with a 4xx (413 for the oversized body and 405 for a wrong method are fine), never a 5xx or no answer';
      if (failures.length) {
        const more = failures.length > LISTED ? `; and ${failures.length - LISTED} more (see the exchanges)` : '';
        throw new Unmet(expected, `${failures.length} of ${battery.length} requests failed: ${failures.slice(0, LISTED).join('; ')}${more}`);
      }
      await control(ctx, kept);
      const notes = [
        ...(hostile ? [`${hostile} hostile-looking payloads left out: the target does not accept them (AUTHCONFORM_${envLabel(ctx.contract.id)}_HOSTILE=1 sends them)`] : []),
        ...(leftOut ? [`${leftOut} wrong-login requests left out: the target's bad-credential allowance is spent`] : []),
      ];
      const note = notes.length ? ` (${notes.join('; ')})` : '';
      return pass(`${battery.length} negative requests on ${endpoints(ctx.contract).length} endpoints, none answered 5xx; the server still serves the positive control${note}`);
    },
  },
  {
    id: 'robust.no-secret-echo',
    family: 'robust',
    security: true,
    level: 'MUST',
    summary: 'refused logins and refused credentials never echo a submitted secret (plain, base64 or URL-encoded)',
    source: () => 'CWE-209: an error message must not contain sensitive information, such as the secret the client submitted',
    applies: () => true,
    async run(ctx) {
      const credential = await mustAcquire(ctx, 'acquire a credential (positive control for the failed logins)');
      const marker = randomBytes(6).toString('hex');
      const tried: string[] = [];

      const secretInputs = acquireSecrets(ctx.contract);
      spendBadAttempts(ctx, secretInputs.length);
      for (const name of secretInputs) {
        const value = distinctive(name, marker);
        ctx.redactor.add(value, name);
        const { res } = await acquire(ctx, { purpose: `acquire with a distinctive wrong ${name}`, vars: { [name]: value } });
        const carried = [{ value, label: `the submitted ${name}` }, ...realSecrets(ctx, secretInputs.filter((n) => n !== name))];
        mustNotEcho(res, carried);
        tried.push(`a login with a wrong ${name}`);
      }

      const forged = forgedCredential(ctx, credential, marker);
      const presented = render(ctx.contract.present.value, varsFor(ctx, forged.credential));
      if (presented !== undefined) ctx.redactor.add(presented, 'presented');
      const companionSecrets = realSecrets(ctx, ctx.contract.present.companions.flatMap((c) => placeholders(c.value)));
      await control(ctx, credential);
      const res = await probe(ctx, forged.credential, forged.variant, 'probe with a distinctive garbage credential');
      mustNotEcho(res, [
        ...forged.secrets,
        ...(presented !== undefined ? [{ value: presented, label: 'the presented credential' }] : []),
        ...companionSecrets,
      ]);
      tried.push('a probe with a garbage credential');

      if (ctx.contract.refresh) {
        await control(ctx, credential);
        const { res: refreshed } = await refresh(ctx, forged.credential, { purpose: 'refresh with a distinctive garbage credential', variant: forged.variant });
        mustNotEcho(refreshed, forged.secrets);
        tried.push('a refresh with a garbage credential');
      }
      return pass(`no secret echoed by ${tried.join(', ')}`);
    },
  },
];

/** One negative request of the battery. */
interface Negative {
  readonly request: HttpRequest;
  /** It carries wrong login credentials (counts against a live account's allowance). */
  readonly badLogin: boolean;
  /** It looks like an attack (injection strings, markup): sent only to a target that accepts them. */
  readonly hostile: boolean;
  /** What the endpoint answers when it succeeds, when that issues credentials. */
  readonly issues?: ResponseSpec;
}

interface Endpoint {
  readonly name: string;
  readonly spec: RequestSpec;
  readonly issues?: ResponseSpec;
}

/** Every request the contract describes, in an order that spends a session last (refresh, logout). */
function endpoints(c: Contract): Endpoint[] {
  const out: Endpoint[] = [
    { name: 'acquire', spec: c.acquire.request, issues: c.acquire.response },
    { name: 'probe', spec: c.probe.request },
  ];
  if (c.tokens) {
    out.push({ name: 'create a private token', spec: c.tokens.create.request, issues: c.tokens.create.response });
    out.push({ name: 'list private tokens', spec: c.tokens.list.request });
    if (c.tokens.rotate) out.push({ name: 'rotate a private token', spec: c.tokens.rotate.request, issues: c.tokens.rotate.response });
    out.push({ name: 'revoke a private token', spec: c.tokens.revoke.request });
  }
  if (c.refresh) out.push({ name: 'refresh', spec: c.refresh.request, issues: c.refresh.response });
  if (c.logout) out.push({ name: 'logout', spec: c.logout.request });
  return out;
}

/** Placeholders of a request spec that neither the target nor the credential fill (ids, a chosen expiry). */
async function fillers(ctx: CheckContext, spec: RequestSpec, credential: Credential): Promise<Record<string, string>> {
  const known = varsFor(ctx, credential);
  const templates = [
    spec.path,
    ...Object.values(spec.query ?? {}),
    ...Object.values(spec.headers ?? {}),
    ...jsonTemplates(spec.body?.json).map((t) => t.template),
    ...Object.values(spec.body?.form ?? {}),
  ];
  const out: Record<string, string> = {};
  const expiry = chosenExpiry(ctx.contract);
  for (const name of templates.flatMap(placeholders)) {
    if (known[name] !== undefined || name in out) continue;
    out[name] = expiry && name === expiry.var ? formatExpiry((await ctx.time.now()) + 600, expiry.format) : `authconform-none-${ctx.run}`;
  }
  return out;
}

/** The credential with every secret part replaced by random garbage of the same shape. */
function garbled(ctx: CheckContext, credential: Credential): Credential {
  const issued = issuedParts(ctx.contract);
  const parts: Record<string, string> = {};
  for (const [name, value] of Object.entries(credential.parts)) {
    const secret = (issued.get(name)?.kind ?? 'secret') === 'secret';
    parts[name] = secret ? sameShape(value) : value;
    if (secret) ctx.redactor.add(parts[name], name);
  }
  return { parts };
}

/** Bodies a parser must refuse without failing, for a spec whose body is JSON (or a form). */
function malformedBodies(spec: RequestSpec): { label: string; body: string; hostile?: boolean }[] {
  if (spec.body?.form !== undefined) {
    return [
      { label: 'an empty form body', body: '' },
      { label: 'a form body of garbage', body: '%%%&&&===' },
      { label: 'a form body with a broken escape', body: 'a=%zz&b=%' },
    ];
  }
  const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
  return [
    { label: 'truncated JSON', body: '{"a":' },
    { label: 'a JSON array', body: '[]' },
    { label: 'a JSON number', body: '42' },
    { label: 'a JSON string', body: '"x"' },
    { label: 'JSON null', body: 'null' },
    { label: 'an empty body', body: '' },
    { label: 'fields of the wrong type', body: JSON.stringify(retyped(spec.body?.json, 12345)) },
    // A MongoDB query operator in place of each value: a NoSQL injection to a firewall.
    { label: 'fields holding objects', body: JSON.stringify(retyped(spec.body?.json, { $ne: null })), hostile: true },
    { label: 'JSON nested 2000 deep', body: deep },
  ];
}

/** The JSON template with every string replaced by `replacement`. */
function retyped(template: unknown, replacement: unknown): unknown {
  if (typeof template === 'string') return replacement;
  if (Array.isArray(template)) return template.map((t) => retyped(t, replacement));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, retyped(v, replacement)]));
  }
  return template ?? {};
}

function bigBody(spec: RequestSpec): string {
  const pad = 'a'.repeat(BIG_BODY_BYTES);
  return spec.body?.form !== undefined ? `padding=${pad}` : JSON.stringify({ padding: pad });
}

/** Garbage presentations for the probe, beyond a random value of the right shape. */
function oddPresentations(contract: Contract): { label: string; variant: PresentVariant; hostile?: boolean }[] {
  const out: { label: string; variant: PresentVariant; hostile?: boolean }[] = [
    { label: 'an empty credential', variant: { value: '' } },
    { label: 'an 8 KiB credential', variant: { value: 'A'.repeat(8192) } },
    // Quotes, markup and a NUL escape: an injection attempt to a firewall.
    { label: 'a credential of punctuation', variant: { value: `'"<>;{}[]\\%00$(x)` }, hostile: true },
    { label: 'a JWT-looking credential with a non-JSON payload', variant: { value: 'eyJhbGciOiJub25lIn0.bm90LWpzb24.' } },
  ];
  if (contract.present.scheme === 'Basic') {
    out.push({ label: 'a Basic credential that is not base64', variant: { scheme: 'Basic', value: '!!!not-base64!!!' } });
    out.push({ label: 'a Basic credential without a colon', variant: { value: 'no-colon-in-this-value' } });
  }
  return out;
}

/** The battery: tens of requests, each negative, on every endpoint and path of the contract. */
async function negativeBattery(ctx: CheckContext, valid: Credential): Promise<Negative[]> {
  const out: Negative[] = [];
  const garbage = garbled(ctx, valid);
  for (const { name, spec, issues } of endpoints(ctx.contract)) {
    const add = (request: HttpRequest, badLogin = false, hostile = false): void => {
      out.push({ request, badLogin, hostile, ...(issues ? { issues } : {}) });
    };
    const vars = await fillers(ctx, spec, valid);
    const isAcquire = spec === ctx.contract.acquire.request;
    const token = spec.auth === 'token';
    const hasBody = spec.body !== undefined;
    // With a valid credential, a malformed body reaches the code behind the authentication.
    const base = { credential: token ? valid : garbage, vars };

    if (isAcquire) {
      const secrets = acquireSecrets(ctx.contract);
      if (secrets.length) {
        const long = Object.fromEntries(secrets.map((n) => [n, `${'Z'.repeat(4096)}-${ctx.run}`]));
        const odd = Object.fromEntries(secrets.map((n) => [n, `' OR '1'='1" --<script>${ctx.run}`]));
        for (const v of [...Object.values(long), ...Object.values(odd)]) ctx.redactor.add(v, 'wrong credential');
        add(buildRequest(ctx, spec, { purpose: `${name} with 4 KiB wrong ${secrets.join(', ')}`, vars: { ...vars, ...long } }, false), true);
        add(buildRequest(ctx, spec, { purpose: `${name} with injection-looking wrong ${secrets.join(', ')}`, vars: { ...vars, ...odd } }, false), true, true);
      }
    } else if (token) {
      add(buildRequest(ctx, spec, { purpose: `${name} with a random credential of the right shape`, credential: garbage, vars }, true));
      if (spec === ctx.contract.probe.request) {
        for (const { label, variant, hostile } of oddPresentations(ctx.contract)) {
          add(buildRequest(ctx, spec, { purpose: `${name} with ${label}`, credential: valid, variant, vars }, true), false, hostile);
        }
      }
    } else if (placeholders(JSON.stringify(spec)).some((n) => n in valid.parts)) {
      add(buildRequest(ctx, spec, { purpose: `${name} with random parts of the right shape`, credential: garbage, vars }, false));
    }

    if (hasBody) {
      for (const { label, body, hostile } of malformedBodies(spec)) {
        add(buildRequest(ctx, spec, { purpose: `${name} with ${label}`, ...base, rawBody: body }, token), false, hostile);
      }
      add(buildRequest(ctx, spec, { purpose: `${name} with a 70 KiB body`, ...base, rawBody: bigBody(spec) }, token));
    } else if (spec.method !== 'GET' && spec.method !== 'DELETE') {
      add(
        buildRequest(ctx, spec, { purpose: `${name} with an unexpected truncated JSON body`, ...base, rawBody: '{"a":', headers: { 'content-type': 'application/json' } }, token),
      );
    }
  }
  for (const w of wrongMethods(ctx.contract)) {
    const add = (request: HttpRequest): void => {
      out.push({ request, badLogin: false, hostile: false });
    };
    const spec: RequestSpec = { method: w.spec.method, path: w.spec.path, ...(w.spec.query ? { query: w.spec.query } : {}) };
    const vars = await fillers(ctx, spec, valid);
    add(buildRequest(ctx, spec, { purpose: `${w.method} ${w.spec.path}, a method the contract does not use there`, credential: valid, vars, method: w.method }, false));
  }
  return out;
}

/** For each path of the contract, the methods its requests use there, and the first request on it. */
export function methodsByPath(contract: Contract): Map<string, { methods: Set<string>; spec: RequestSpec }> {
  const byPath = new Map<string, { methods: Set<string>; spec: RequestSpec }>();
  for (const { spec } of endpoints(contract)) {
    const entry = byPath.get(spec.path) ?? { methods: new Set<string>(), spec };
    entry.methods.add(spec.method);
    byPath.set(spec.path, entry);
  }
  return byPath;
}

/** For each path of the contract, one method the contract never uses on it. */
function wrongMethods(contract: Contract): { method: string; spec: RequestSpec }[] {
  const out: { method: string; spec: RequestSpec }[] = [];
  for (const { methods, spec } of methodsByPath(contract).values()) {
    const method = METHODS.find((m) => !methods.has(m));
    if (method) out.push({ method, spec });
  }
  return out;
}

/** A value no server would produce by chance, with characters that differ once URL-encoded. */
function distinctive(name: string, marker: string): string {
  return `acf-${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}-${marker}+S3cr/t=`;
}

interface Carried {
  readonly value: string;
  /** "the submitted password": how a message names it without showing it. */
  readonly label: string;
}

/** The target's real secret credentials among `names`, long enough that a match is no coincidence. */
function realSecrets(ctx: CheckContext, names: readonly string[]): Carried[] {
  return [...new Set(names)]
    .filter((n) => ctx.contract.credentials[n] !== undefined && ctx.contract.credentials[n]?.secret !== false)
    .map((n) => ({ value: ctx.target.credentials[n] ?? '', label: `the submitted ${n}` }))
    .filter((c) => c.value.length >= 8);
}

/** The credential with every presented secret part replaced by a distinctive value. */
function forgedCredential(ctx: CheckContext, credential: Credential, marker: string): { credential: Credential; variant: PresentVariant; secrets: Carried[] } {
  const issued = issuedParts(ctx.contract);
  const names = Object.keys(credential.parts).filter((n) => (issued.get(n)?.kind ?? 'secret') === 'secret');
  const parts: Record<string, string> = { ...credential.parts };
  const secrets: Carried[] = [];
  for (const n of names) {
    parts[n] = distinctive(n, marker);
    ctx.redactor.add(parts[n], n);
    secrets.push({ value: parts[n], label: `the presented ${n}` });
  }
  // A presentation that uses no issued part (a fixed template) gets a distinctive value instead.
  const variant: PresentVariant = presentedSecretParts(ctx.contract).length || placeholders(ctx.contract.present.value).includes(ctx.contract.token.part) ? {} : { value: distinctive('token', marker) };
  if (variant.value !== undefined) {
    ctx.redactor.add(variant.value, 'token');
    secrets.push({ value: variant.value, label: 'the presented token' });
  }
  return { credential: { parts }, variant, secrets };
}

/** How a secret appears in a text, if it does. */
function echoForm(text: string, secret: string): 'plain' | 'URL-encoded' | 'base64-encoded' | undefined {
  if (text.includes(secret)) return 'plain';
  const url = new Set([encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+')]);
  for (const u of url) if (u !== secret && text.includes(u)) return 'URL-encoded';
  for (const f of Redactor.forms(secret)) if (f !== secret && !url.has(f) && text.includes(f)) return 'base64-encoded';
  return undefined;
}

/** Fails when the response's body or a header holds a carried secret; the message names it, never shows it. */
function mustNotEcho(res: HttpResponse, carried: readonly Carried[]): void {
  const places = [
    { where: res.status >= 400 ? 'the error body' : 'the body', text: res.text },
    ...Object.entries(res.headers).map(([k, v]) => ({ where: `the ${k} header`, text: v })),
  ];
  for (const { value, label } of carried) {
    for (const { where, text } of places) {
      const form = echoForm(text, value);
      if (form) {
        const how = form === 'plain' ? '' : ` (${form})`;
        throw new Unmet(
          'no response to a refused login or a refused credential to contain a submitted secret, plain, base64- or URL-encoded',
          `${where} of the response to "${res.exchange.purpose}" (${res.exchange.request.method} ${res.exchange.request.url} → ${res.status || 'no response'}) echoes ${label}${how}`,
        );
      }
    }
  }
}
