/**
 * Semantic rules: what the JSON Schema cannot say. Each rule names the place in the spec and what to
 * write instead. Runs only on specs that already match the schema.
 */
import { checkBodySchema } from './body-schema.js';
import { acquireCredentials, caseRequest, fixedValues, requestKey, withoutCredential } from './facts.js';
import type { Position } from './model.js';
import { errorFor, HARNESS_VARS, pointerLabel } from './model.js';
import { SOURCE_NOTE, SpecSchema, type ContractSpec, type RequestSpec, type ResponseSpec } from './schema.js';
import { unsampleablePattern } from './pattern.js';
import { didYouMean } from './suggest.js';
import { escapePointer, getPointer, jsonTemplates, placeholderOffsets, placeholders } from './template.js';

/** Position of a JSON pointer's value (or key); `inner` is an offset inside a one-line string value. */
export type Locate = (pointer: string, useKey?: boolean, inner?: number) => Position | undefined;

export interface RuleProblem {
  readonly pointer: string;
  readonly message: string;
  readonly position: Position | undefined;
}

interface NamedRequest {
  readonly pointer: string;
  readonly request: RequestSpec;
  /** Names that exist when this request is sent. */
  readonly scope: 'before-acquire' | 'after-acquire';
}

interface NamedResponse {
  readonly pointer: string;
  readonly response: ResponseSpec;
}

export function semanticProblems(spec: ContractSpec, locate: Locate): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const report = (pointer: string, message: string, useKey = false, inner = 0): void => {
    problems.push({ pointer, message, position: locate(pointer, useKey, inner) });
  };

  const requests: NamedRequest[] = [
    { pointer: '/acquire/request', request: spec.acquire.request, scope: 'before-acquire' },
    { pointer: '/probe/request', request: spec.probe.request, scope: 'after-acquire' },
  ];
  const responses: NamedResponse[] = [
    { pointer: '/acquire/response', response: spec.acquire.response },
    { pointer: '/probe/response', response: spec.probe.response },
  ];
  if (spec.refresh) {
    requests.push({ pointer: '/refresh/request', request: spec.refresh.request, scope: 'after-acquire' });
    responses.push({ pointer: '/refresh/response', response: spec.refresh.response });
  }
  if (spec.logout) requests.push({ pointer: '/logout/request', request: spec.logout.request, scope: 'after-acquire' });
  (spec.probes ?? []).forEach((p, i) => {
    requests.push({ pointer: `/probes/${i}/request`, request: p.request, scope: 'after-acquire' });
    responses.push({ pointer: `/probes/${i}/response`, response: p.response });
  });
  if (spec.tokens) {
    const t = spec.tokens;
    requests.push({ pointer: '/tokens/create/request', request: t.create.request, scope: 'after-acquire' });
    requests.push({ pointer: '/tokens/list/request', request: t.list.request, scope: 'after-acquire' });
    requests.push({ pointer: '/tokens/revoke/request', request: t.revoke.request, scope: 'after-acquire' });
    responses.push({ pointer: '/tokens/create/response', response: t.create.response });
    responses.push({ pointer: '/tokens/list/response', response: t.list.response });
    if (t.rotate?.request) requests.push({ pointer: '/tokens/rotate/request', request: t.rotate.request, scope: 'after-acquire' });
    if (t.rotate?.response) responses.push({ pointer: '/tokens/rotate/response', response: t.rotate.response });
  }

  (spec.acquire.alternates ?? []).forEach((alt, i) => {
    requests.push({ pointer: `/acquire/alternates/${i}/request`, request: alt.request, scope: 'before-acquire' });
  });

  // Names available to templates.
  const credentialNames = Object.keys(spec.credentials);
  const acquiredParts = Object.keys(spec.acquire.response.parts ?? {});
  const issued = new Set<string>(acquiredParts);
  for (const r of responses) for (const name of Object.keys(r.response.parts ?? {})) issued.add(name);
  const expiry = spec.tokens?.create.expiry;
  const chosen = expiry?.var !== undefined && (expiry.mode ?? 'chosen') === 'chosen' ? [expiry.var] : [];
  const before = new Set<string>([...credentialNames, ...HARNESS_VARS]);
  const after = new Set<string>([...before, ...issued, ...chosen]);

  const checkTemplate = (pointer: string, template: string, known: Set<string>, when: string): void => {
    for (const { name, offset } of placeholderOffsets(template)) {
      if (known.has(name)) continue;
      const hint = issued.has(name) && !known.has(name) ? ` '{${name}}' is only issued later, so it cannot be used ${when}.` : didYouMean(name, known);
      report(pointer, `Unknown placeholder '{${name}}'.${hint} Known names here: ${[...known].sort().join(', ')}.`, false, offset);
    }
  };

  for (const { pointer, request, scope } of requests) {
    const known = scope === 'before-acquire' ? before : after;
    const when = scope === 'before-acquire' ? 'in the acquire request' : 'here';
    checkTemplate(`${pointer}/path`, request.path, known, when);
    for (const [k, v] of Object.entries(request.query ?? {})) checkTemplate(`${pointer}/query/${escapePointer(k)}`, v, known, when);
    for (const [k, v] of Object.entries(request.headers ?? {})) checkTemplate(`${pointer}/headers/${escapePointer(k)}`, v, known, when);
    if (request.body) {
      const { json, form } = request.body;
      if ((json === undefined) === (form === undefined)) {
        report(`${pointer}/body`, `'${pointer.slice(1).replace(/\//g, '.')}.body' must have exactly one of 'json' or 'form'.`);
      }
      for (const t of jsonTemplates(json, `${pointer}/body/json`)) checkTemplate(t.pointer, t.template, known, when);
      for (const [k, v] of Object.entries(form ?? {})) checkTemplate(`${pointer}/body/form/${escapePointer(k)}`, v, known, when);
    }
    if (typeof request.auth === 'object') checkTemplate(`${pointer}/auth/value`, request.auth.value, known, when);
  }

  if (spec.acquire.request.auth === 'token') {
    report('/acquire/request/auth', "'acquire.request.auth' cannot be 'token': no token exists before it is acquired. Use 'none' or inline client authentication.");
  }
  if (spec.probe.request.auth === 'none') {
    report('/probe/request/auth', "'probe.request.auth' cannot be 'none': the probe proves that the issued credential works. Use 'token', leave it out, or give the client authentication the probe also needs.");
  }
  (spec.acquire.alternates ?? []).forEach((alt, i) => {
    if (alt.request.auth === 'token') report(`/acquire/alternates/${i}/request/auth`, "An acquire alternate cannot present a token: none exists before it is acquired.");
  });
  const probeIds = new Set<string>();
  (spec.probes ?? []).forEach((p, i) => {
    if (p.request.auth === 'none') report(`/probes/${i}/request/auth`, `Probe '${p.id}': 'request.auth' cannot be 'none': a probe proves that the issued credential works. Use 'token'.`);
    if (probeIds.has(p.id)) report(`/probes/${i}/id`, `Probe id '${p.id}' is used twice.`);
    probeIds.add(p.id);
    if (Object.keys(p.response.parts ?? {}).length) report(`/probes/${i}/response/parts`, `Probe '${p.id}' issues nothing: 'parts' belongs to the responses that issue credentials.`, true);
    for (const [condition, err] of Object.entries(p.errors ?? {})) {
      if (!err) continue;
      checkBodySchema(`/probes/${i}/errors/${condition}/schema`, err.schema, report);
      checkHeaders(`/probes/${i}/errors/${condition}/headers`, err.headers, report);
    }
  });
  for (const [name, c] of Object.entries(spec.credentials)) {
    for (const [kind, err] of Object.entries(c.errors ?? {})) {
      if (!err) continue;
      checkBodySchema(`/credentials/${escapePointer(name)}/errors/${kind}/schema`, err.schema, report);
      checkHeaders(`/credentials/${escapePointer(name)}/errors/${kind}/headers`, err.headers, report);
    }
    if (c.errors && !acquireCredentials(spec).includes(name)) {
      report(`/credentials/${escapePointer(name)}/errors`, `'credentials.${name}.errors' says how a login with '${name}' wrong or missing is refused, but the acquire request does not use '{${name}}'.`, true);
    }
  }
  for (const [cause, err] of Object.entries(spec.refresh?.errors ?? {})) {
    if (!err) continue;
    checkBodySchema(`/refresh/errors/${cause}/schema`, err.schema, report);
    checkHeaders(`/refresh/errors/${cause}/headers`, err.headers, report);
  }
  if (spec.refresh?.errors?.replayed && !spec.refresh.rotation) {
    report('/refresh/errors/replayed', "'refresh.errors.replayed' is the refusal of a refresh credential used twice, but 'refresh.rotation' is false: nothing is replayed.", true);
  }
  if (spec.refresh?.errors?.expired && spec.refresh.expired !== 'refused') {
    report('/refresh/errors/expired', "'refresh.errors.expired' is the refusal of an expired token's refresh, but 'refresh.expired' is not 'refused'.", true);
  }
  if (spec.refresh?.errors?.afterLogout && !spec.logout) {
    report('/refresh/errors/afterLogout', "'refresh.errors.afterLogout' needs a 'logout' section: it is the refusal of a logged-out session's refresh.", true);
  }
  if (spec.errors.loggedOut && !spec.logout) {
    report('/errors/loggedOut', "'errors.loggedOut' is declared, but there is no 'logout' section.", true);
  }
  if (spec.logout?.response.schema) checkBodySchema('/logout/response/schema', spec.logout.response.schema, report);
  if (spec.logout?.response.headers) checkHeaders('/logout/response/headers', spec.logout.response.headers, report);
  secondAccountProblems(spec, report);
  sharedPathProblems(spec, report);
  mockServableProblems(spec, report);
  formatTwoProblems(spec, report);
  const caseIds = new Set<string>();
  (spec.acquire.cases ?? []).forEach((c, i) => {
    if (caseIds.has(c.id)) report(`/acquire/cases/${i}/id`, `Case id '${c.id}' is used twice.`);
    caseIds.add(c.id);
    const body = spec.acquire.request.body;
    if (c.set.form && body?.form === undefined) report(`/acquire/cases/${i}/set/form`, "'set.form' changes a form body, but the acquire request has no form body.");
    if (c.set.json && body?.json === undefined) report(`/acquire/cases/${i}/set/json`, "'set.json' changes a JSON body, but the acquire request has no JSON body.");
    // A case's values are templates too: an unknown name would silently drop the field it is in.
    for (const where of ['form', 'query', 'headers'] as const) {
      for (const [k, v] of Object.entries(c.set[where] ?? {})) {
        if (typeof v === 'string') checkTemplate(`/acquire/cases/${i}/set/${where}/${escapePointer(k)}`, v, before, 'in the acquire request');
      }
    }
    for (const t of jsonTemplates(c.set.json, `/acquire/cases/${i}/set/json`)) checkTemplate(t.pointer, t.template, before, 'in the acquire request');
    checkBodySchema(`/acquire/cases/${i}/error/schema`, c.error.schema, report);
    checkHeaders(`/acquire/cases/${i}/error/headers`, c.error.headers, report);
  });
  caseContradictions(spec, report);
  const placements = (['header', 'field', 'query'] as const).filter((k) => spec.present[k] !== undefined);
  if (placements.length > 1) {
    report(`/present/${placements[1]}`, `'present' puts the token in one place: give only one of 'header', 'field' or 'query' (found ${placements.join(' and ')}).`, true);
  }
  if ((spec.present.field !== undefined || spec.present.query !== undefined) && spec.present.scheme !== 'none') {
    report('/present/scheme', "A token in a form field or a query parameter has no scheme: set 'scheme: none'.");
  }
  if (spec.present.field !== undefined) {
    const presenting = [
      { pointer: '/probe/request', r: spec.probe.request },
      ...(spec.logout?.request.auth === 'token' ? [{ pointer: '/logout/request', r: spec.logout.request }] : []),
      ...(spec.refresh?.request.auth === 'token' ? [{ pointer: '/refresh/request', r: spec.refresh.request }] : []),
    ];
    for (const { pointer, r } of presenting) {
      if (r.body?.json !== undefined) report(`${pointer}/body`, `The token goes in the form field '${spec.present.field}', but this request has a JSON body.`);
    }
  }

  // Presentation.
  if (spec.present.scheme === 'Basic' && spec.present.value === undefined) {
    report('/present/scheme', "A Basic presentation needs 'present.value', the template that is base64-encoded, such as '{key}:{token}'.", true);
  }
  if (spec.present.value !== undefined) checkTemplate('/present/value', spec.present.value, after, 'here');
  const companionNames = new Set<string>();
  (spec.present.companions ?? []).forEach((c, i) => {
    checkTemplate(`/present/companions/${i}/value`, c.value, after, 'here');
    const lower = c.name.toLowerCase();
    if (companionNames.has(lower)) report(`/present/companions/${i}/name`, `Companion '${c.name}' is declared twice.`);
    companionNames.add(lower);
  });

  // Token.
  const tokenPart = spec.token.part ?? 'token';
  if (!acquiredParts.includes(tokenPart)) {
    report(
      spec.token.part ? '/token/part' : '/token',
      `The token part '${tokenPart}' is not issued by 'acquire.response.parts'.${didYouMean(tokenPart, acquiredParts)} Declare where it is (a JSON pointer or a header) or set 'token.part'.`,
    );
  }
  if (spec.token.alg !== undefined && spec.token.format !== 'jwt') {
    report('/token/alg', "'token.alg' applies to JWTs only, but 'token.format' is 'opaque'. Remove 'alg' or set format: jwt.", true);
  }
  tokenKeyProblems(spec, report);

  // Parts and response promises.
  for (const { pointer, response } of responses) {
    for (const [name, part] of Object.entries(response.parts ?? {})) {
      const p = `${pointer}/parts/${escapePointer(name)}`;
      if ((part.pointer === undefined) === (part.header === undefined)) {
        report(p, `Part '${name}' must have exactly one of 'pointer' (into the body) or 'header'.`, true);
      }
      if (part.scheme !== undefined && part.header === undefined) {
        report(`${p}/scheme`, `Part '${name}': 'scheme' applies to a value read from a header only.`, true);
      }
      if (part.kind === 'expires-at' && part.format === undefined) {
        report(`${p}/kind`, `Part '${name}' is an expiry time: add 'format: iso8601' or 'format: unix'.`, true);
      }
      if (part.format !== undefined && part.kind !== 'expires-at') {
        report(`${p}/format`, `Part '${name}': 'format' applies to 'kind: expires-at' only.`, true);
      }
    }
    checkBodySchema(`${pointer}/schema`, response.schema, report);
    checkHeaders(`${pointer}/headers`, response.headers, report);
  }
  for (const [condition, err] of Object.entries(spec.errors)) {
    if (!err) continue;
    checkBodySchema(`/errors/${condition}/schema`, err.schema, report);
    checkHeaders(`/errors/${condition}/headers`, err.headers, report);
  }

  // Contradictions between sections.
  const hasLifetime = spec.lifetime?.ttl !== undefined || spec.lifetime?.idle !== undefined || spec.tokens !== undefined;
  if (spec.errors.expired && !hasLifetime) {
    report('/errors/expired', "'errors.expired' is declared, but nothing expires: add 'lifetime.ttl', 'lifetime.idle' or 'tokens'.", true);
  }
  if (spec.refresh?.expired === 'allowed' && spec.lifetime?.ttl === undefined && spec.lifetime?.idle === undefined) {
    report('/refresh/expired', "'refresh.expired: allowed' needs a lifetime ('lifetime.ttl' or 'lifetime.idle') for tokens to expire.");
  }
  if (spec.errors.refreshInvalid && !spec.refresh) {
    report('/errors/refreshInvalid', "'errors.refreshInvalid' is declared, but there is no 'refresh' section.", true);
  }
  if (spec.errors.companionMissing && !(spec.present.companions ?? []).length) {
    report('/errors/companionMissing', "'errors.companionMissing' is declared, but 'present.companions' is empty.", true);
  }
  if (spec.errors.mismatched && placeholders(spec.present.value ?? `{${tokenPart}}`).length < 2) {
    report('/errors/mismatched', "'errors.mismatched' needs a presentation made of two or more parts, such as value: '{key}:{token}'.", true);
  }
  if (spec.tokens) {
    const create = spec.tokens.create;
    const used = [
      create.request.path,
      ...Object.values(create.request.query ?? {}),
      ...jsonTemplates(create.request.body?.json).map((t) => t.template),
      ...Object.values(create.request.body?.form ?? {}),
    ].flatMap(placeholders);
    const name = create.expiry.var;
    if (name !== undefined && (create.expiry.mode ?? 'chosen') === 'chosen' && !used.includes(name)) {
      report('/tokens/create/expiry/var', `The expiry placeholder '{${name}}' is not used by 'tokens.create.request': put it where the expiration goes, such as body.json.expiresAt.`);
    }
    tokenExpiryProblems(spec.tokens, report);
    if (!Object.keys(create.response.parts ?? {}).includes(tokenPart)) {
      report('/tokens/create/response', `'tokens.create.response.parts' must issue the token part '${tokenPart}'.`, true);
    }
  }

  // Mock credentials: fake values for every credential, nothing else.
  for (const name of credentialNames) {
    if (!(name in spec.mock.credentials)) {
      report('/mock/credentials', `'mock.credentials' has no fake value for the credential '${name}'; the mock needs one.`, true);
    }
  }
  for (const name of Object.keys(spec.mock.credentials)) {
    if (!credentialNames.includes(name)) {
      report(`/mock/credentials/${escapePointer(name)}`, `'mock.credentials.${name}' is not a declared credential.${didYouMean(name, credentialNames)}`, true);
    }
  }
  return problems;
}

/** The keys format 2 adds, with where each is written: a spec that uses one says `authconform: 2`. */
export function formatTwoKeys(spec: ContractSpec): string[] {
  const out: string[] = [];
  for (const [name, c] of Object.entries(spec.credentials)) if (c.errors) out.push(`/credentials/${escapePointer(name)}/errors`);
  if (spec.secondAccount) out.push('/secondAccount');
  if (spec.mock.secondAccount) out.push('/mock/secondAccount');
  if (spec.present.schemeCase) out.push('/present/schemeCase');
  if (spec.probes?.length) out.push('/probes');
  for (const key of ['retiresAccess', 'errors', 'race'] as const) if (spec.refresh?.[key]) out.push(`/refresh/${key}`);
  for (const key of ['schema', 'headers'] as const) if (spec.logout?.response[key]) out.push(`/logout/response/${key}`);
  if (spec.errors.loggedOut) out.push('/errors/loggedOut');
  for (const key of ['jwks', 'signingKey', 'issuer', 'audience'] as const) if (spec.token[key]) out.push(`/token/${key}`);
  if (spec.tokens?.create.expiry.mode) out.push('/tokens/create/expiry/mode');
  if (spec.tokens?.rotate?.by) out.push('/tokens/rotate/by');
  return out;
}

function formatTwoProblems(spec: ContractSpec, report: (pointer: string, message: string, useKey?: boolean) => void): void {
  if (spec.authconform === 2) return;
  for (const pointer of formatTwoKeys(spec)) {
    report(pointer, `'${pointerLabel(pointer)}' is a format 2 key, but the spec says 'authconform: 1': write 'authconform: 2' at its top (a format 1 spec stays valid as it is).`, true);
  }
}

/**
 * A chosen expiry names its placeholder, format and whether it is required; an expiry the server picks or
 * that never comes has none of them, and a token that never expires reports no expiry. A rotation is one
 * request (request and response) or a sequence of the other requests (`by`), not both.
 */
function tokenExpiryProblems(tokens: NonNullable<ContractSpec['tokens']>, report: (pointer: string, message: string, useKey?: boolean) => void): void {
  const { expiry, response } = tokens.create;
  const mode = expiry.mode ?? 'chosen';
  const keys = (['var', 'format', 'required'] as const).filter((k) => expiry[k] !== undefined);
  if (mode === 'chosen') {
    const missing = (['var', 'format', 'required'] as const).filter((k) => expiry[k] === undefined);
    if (missing.length) {
      report(
        '/tokens/create/expiry',
        `'tokens.create.expiry' is missing ${missing.map((k) => `'${k}'`).join(', ')}: an expiry the client chooses (mode: chosen, the default) needs the placeholder that carries it (var), how it is written (format) and whether it can be left out (required). When the server picks the expiry, write 'mode: server'; when tokens stay valid until revoked, 'mode: never'.`,
        true,
      );
    }
  } else {
    for (const key of keys) {
      report(`/tokens/create/expiry/${key}`, `'tokens.create.expiry.${key}' applies to an expiry the client chooses (mode: chosen) only, but 'mode' is '${mode}': remove it.`, true);
    }
  }
  if (mode === 'never') {
    const reports: [string, ResponseSpec | undefined][] = [
      ['/tokens/create/response', response],
      ['/tokens/rotate/response', tokens.rotate?.response],
    ];
    for (const [pointer, r] of reports) {
      for (const [name, part] of Object.entries(r?.parts ?? {})) {
        if (part.kind !== 'expires-at' && part.kind !== 'expires-in') continue;
        report(`${pointer}/parts/${escapePointer(name)}`, `Part '${name}' reports an expiry, but 'tokens.create.expiry.mode' is 'never': a token valid until revoked has none. Remove the part, or write the mode the document states.`, true);
      }
    }
  }
  const rotate = tokens.rotate;
  if (!rotate) return;
  const single = (['request', 'response'] as const).filter((k) => rotate[k] !== undefined);
  if (rotate.by && single.length) {
    report(`/tokens/rotate/${single[0]}`, "'tokens.rotate' is either one request ('request' and 'response') or a sequence of the other requests ('by'), not both: remove one.", true);
  } else if (!rotate.by && single.length < 2) {
    report(
      '/tokens/rotate',
      `'tokens.rotate' needs ${single.length ? `'${single[0] === 'request' ? 'response' : 'request'}' beside '${single[0]}'` : "'request' and 'response'"} (rotation by one request), or 'by: [create, revoke]' (create a new token, then revoke the old one).`,
      true,
    );
  }
}

/**
 * The keys of a JWT's verification: a published JWK Set needs an asymmetric algorithm, and the signing
 * key names a secret credential written in a form its algorithm takes; all of them need a JWT.
 */
function tokenKeyProblems(spec: ContractSpec, report: (pointer: string, message: string, useKey?: boolean) => void): void {
  const { alg, signingKey } = spec.token;
  for (const key of ['jwks', 'signingKey', 'issuer', 'audience'] as const) {
    if (spec.token[key] && spec.token.format !== 'jwt') report(`/token/${key}`, `'token.${key}' applies to JWTs only, but 'token.format' is 'opaque'.`, true);
  }
  const hmac = alg === undefined || alg.startsWith('HS');
  if (spec.token.jwks && spec.token.format === 'jwt' && hmac) {
    report('/token/jwks', `'token.jwks' publishes public keys, which an HMAC-signed token has none of: it needs an asymmetric 'token.alg' (RS256, PS256, ES256, EdDSA…)${alg ? `, not ${alg}` : ''}.`, true);
  }
  if (!signingKey || spec.token.format !== 'jwt') return;
  const names = Object.keys(spec.credentials);
  const credential = spec.credentials[signingKey.credential];
  if (!credential) {
    report('/token/signingKey/credential', `'token.signingKey.credential' names '${signingKey.credential}', which is not a declared credential.${didYouMean(signingKey.credential, names)}`);
  } else if (credential.secret === false) {
    report(`/credentials/${escapePointer(signingKey.credential)}/secret`, `The credential '${signingKey.credential}' holds the token signing key ('token.signingKey'): it is secret, so remove 'secret: false'.`);
  }
  if (alg === undefined) report('/token/signingKey', "'token.signingKey' needs 'token.alg': the key is used with that algorithm only.", true);
  const format = signingKey.format;
  if (format !== undefined && alg !== undefined && (format === 'text' || format === 'base64') !== hmac) {
    report('/token/signingKey/format', `'format: ${format}' is ${hmac ? 'a private key, but' : 'an HMAC secret, but'} 'token.alg' is ${alg}: write ${hmac ? "'text' or 'base64'" : "'pem' or 'jwk'"}.`);
  }
}

/** The second account: values for declared credentials only, and fake values for each for the mock. */
function secondAccountProblems(spec: ContractSpec, report: (pointer: string, message: string, useKey?: boolean) => void): void {
  const names = Object.keys(spec.credentials);
  const declared = Object.keys(spec.secondAccount?.credentials ?? {});
  for (const name of declared) {
    if (!names.includes(name)) report(`/secondAccount/credentials/${escapePointer(name)}`, `'secondAccount.credentials.${name}' is not a declared credential.${didYouMean(name, names)}`, true);
    else if (!(name in (spec.mock.secondAccount ?? {}))) report('/mock', `'mock.secondAccount' has no fake value for '${name}', which the second account declares; the mock needs one.`, true);
  }
  for (const name of Object.keys(spec.mock.secondAccount ?? {})) {
    if (!declared.includes(name)) report(`/mock/secondAccount/${escapePointer(name)}`, `'mock.secondAccount.${name}' is not among 'secondAccount.credentials'.${didYouMean(name, declared)}`, true);
  }
  if (spec.secondAccount && declared.length === 0) report('/secondAccount/credentials', "'secondAccount.credentials' names no credential: give the other user's values, such as username and password.");
  for (const name of declared) {
    const same = spec.mock.secondAccount?.[name];
    if (same !== undefined && same === spec.mock.credentials[name] && spec.credentials[name]?.secret !== false) {
      report(`/mock/secondAccount/${escapePointer(name)}`, `'mock.secondAccount.${name}' is the first account's value: the second account must be another user.`);
    }
  }
}

/**
 * Operations that share a method and path (the OAuth token endpoint serves login and refresh on one
 * POST /token) must differ in a fixed value, such as `grant_type`, for a server (and the mock) to tell
 * them apart.
 */
function sharedPathProblems(spec: ContractSpec, report: (pointer: string, message: string) => void): void {
  const ops: { pointer: string; name: string; request: RequestSpec }[] = [
    { pointer: '/acquire/request', name: 'acquire', request: spec.acquire.request },
    ...(spec.refresh ? [{ pointer: '/refresh/request', name: 'refresh', request: spec.refresh.request }] : []),
    ...(spec.logout ? [{ pointer: '/logout/request', name: 'logout', request: spec.logout.request }] : []),
  ];
  for (let i = 0; i < ops.length; i++) {
    for (let j = i + 1; j < ops.length; j++) {
      const a = ops[i] as (typeof ops)[number];
      const b = ops[j] as (typeof ops)[number];
      if (a.request.method !== b.request.method || a.request.path !== b.request.path) continue;
      if (fixedValuesDiffer(a.request, b.request)) continue;
      report(
        `${b.pointer}/path`,
        `'${b.name}' and '${a.name}' are both ${a.request.method} ${a.request.path} and differ in no fixed value: give each a field, header or query parameter with its own fixed value (such as grant_type: refresh_token), so that a server can tell them apart.`,
      );
    }
  }
}

/**
 * Declarations the embedded mock cannot serve, so that a spec never drifts from its own mock silently:
 * a `pattern` (in any schema the mock samples a body from) that its generator cannot satisfy, a token
 * part pinned to a pattern a JWT does not match, and a probe whose request is a token operation's own
 * (the mock answers it as that operation) but whose success cannot be the same answer.
 */
function mockServableProblems(spec: ContractSpec, report: (pointer: string, message: string) => void): void {
  const schemas: { pointer: string; schema: unknown }[] = [];
  const add = (pointer: string, schema: unknown): void => {
    if (schema !== undefined) schemas.push({ pointer, schema });
  };
  add('/acquire/response/schema', spec.acquire.response.schema);
  add('/probe/response/schema', spec.probe.response.schema);
  (spec.probes ?? []).forEach((p, i) => {
    add(`/probes/${i}/response/schema`, p.response.schema);
    for (const [k, e] of Object.entries(p.errors ?? {})) add(`/probes/${i}/errors/${k}/schema`, e?.schema);
  });
  add('/refresh/response/schema', spec.refresh?.response.schema);
  for (const [k, e] of Object.entries(spec.refresh?.errors ?? {})) add(`/refresh/errors/${k}/schema`, e?.schema);
  add('/logout/response/schema', spec.logout?.response.schema);
  for (const op of ['create', 'list', 'rotate'] as const) add(`/tokens/${op}/response/schema`, (spec.tokens?.[op] as { response?: { schema?: unknown } } | undefined)?.response?.schema);
  for (const [k, e] of Object.entries(spec.errors)) add(`/errors/${k}/schema`, e?.schema);
  for (const [name, c] of Object.entries(spec.credentials)) for (const [k, e] of Object.entries(c.errors ?? {})) add(`/credentials/${escapePointer(name)}/errors/${k}/schema`, e?.schema);
  (spec.acquire.cases ?? []).forEach((c, i) => add(`/acquire/cases/${i}/error/schema`, c.error.schema));
  for (const { pointer, schema } of schemas) {
    for (const at of patternsIn(schema, pointer)) {
      const why = unsampleablePattern(at.pattern, at.bounds);
      if (why) report(`${at.pointer}/pattern`, `The mock cannot produce a value for the pattern ${JSON.stringify(at.pattern)}: ${why}. Write the pattern with character classes, groups and quantifiers only, or give the value an 'examples' entry that matches it.`);
    }
  }

  // A JWT is minted, not drawn from a pattern: the pattern at the token part must admit one.
  const tokenPart = spec.token.part ?? 'token';
  if (spec.token.format === 'jwt') {
    const responses: [string, ResponseSpec | undefined][] = [
      ['/acquire/response', spec.acquire.response],
      ['/refresh/response', spec.refresh?.response],
      ['/tokens/create/response', spec.tokens?.create.response],
      ['/tokens/rotate/response', spec.tokens?.rotate?.response],
    ];
    for (const [pointer, response] of responses) {
      const part = response?.parts?.[tokenPart];
      if (!response?.schema || part?.pointer === undefined) continue;
      const at = patternsIn(response.schema, `${pointer}/schema`).find((p) => p.at === part.pointer);
      if (!at) continue;
      let admits = true;
      try {
        admits = new RegExp(at.pattern, 'u').test(SAMPLE_JWT);
      } catch {
        continue;
      }
      if (!admits) report(`${at.pointer}/pattern`, `The token part '${tokenPart}' is a JWT ('token.format: jwt'), which the pattern ${JSON.stringify(at.pattern)} does not admit (three base64url segments joined by dots, such as ${SAMPLE_JWT.slice(0, 24)}…): the mock's tokens would fail it.`);
    }
  }

  // A probe that sends a token operation's very request is answered by that operation.
  const probes = [{ pointer: '/probe', name: 'the probe', op: spec.probe }, ...(spec.probes ?? []).map((p, i) => ({ pointer: `/probes/${i}`, name: `probe '${p.id}'`, op: p }))];
  const tokenOps = spec.tokens ? [{ name: 'tokens.list', op: spec.tokens.list }] : [];
  for (const probe of probes) {
    for (const t of tokenOps) {
      const a = probe.op.request;
      const b = t.op.request;
      if (a.method !== b.method || a.path !== b.path || fixedValuesDiffer(a, b)) continue;
      if (probe.op.response.status !== t.op.response.status) {
        report(`${probe.pointer}/response/status`, `${probe.name} sends the request of '${t.name}' (${b.method} ${b.path}), which the mock answers as ${t.name}, with status ${t.op.response.status}, not ${probe.op.response.status}: one request cannot get both. Give both the same status, or tell the two requests apart by a fixed value.`);
        continue;
      }
      const types = [probe.op.response.schema, t.op.response.schema].map((x) => (x as { type?: unknown } | undefined)?.type).filter((x) => x !== undefined);
      if (types.some((x) => x !== 'object')) {
        report(`${probe.pointer}/response/schema`, `${probe.name} sends the request of '${t.name}' (${b.method} ${b.path}), which the mock answers with one body satisfying both schemas; it can only join two object schemas, and these are ${types.join(' and ')}.`);
      }
    }
  }
}

/** A JWT of the mock's shape: what a pattern at a JWT token part must admit. */
const SAMPLE_JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyIiwianRpIjoiMSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

/** Every string pattern in a schema, with its spec pointer and its body pointer (`at`), skipping values the mock takes as written. */
function patternsIn(schema: unknown, pointer: string, at = ''): { pointer: string; at: string; pattern: string; bounds: { minLength?: number; maxLength?: number } }[] {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const s = schema as Record<string, unknown>;
  const out: ReturnType<typeof patternsIn> = [];
  const named = 'const' in s || (Array.isArray(s.enum) && s.enum.length > 0) || (Array.isArray(s.examples) && s.examples.length > 0) || 'default' in s;
  if (typeof s.pattern === 'string' && !named) {
    out.push({
      pointer,
      at,
      pattern: s.pattern,
      bounds: { ...(typeof s.minLength === 'number' ? { minLength: s.minLength } : {}), ...(typeof s.maxLength === 'number' ? { maxLength: s.maxLength } : {}) },
    });
  }
  if (s.properties !== null && typeof s.properties === 'object') {
    for (const [k, v] of Object.entries(s.properties)) out.push(...patternsIn(v, `${pointer}/properties/${escapePointer(k)}`, `${at}/${escapePointer(k)}`));
  }
  if (s.items !== undefined && !Array.isArray(s.items)) out.push(...patternsIn(s.items, `${pointer}/items`, `${at}/0`));
  if (Array.isArray(s.prefixItems)) s.prefixItems.forEach((v, i) => out.push(...patternsIn(v, `${pointer}/prefixItems/${i}`, `${at}/${i}`)));
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((v, i) => out.push(...patternsIn(v, `${pointer}/${key}/${i}`, at)));
  }
  return out;
}

function fixedValuesDiffer(a: RequestSpec, b: RequestSpec): boolean {
  const fa = fixedValues(a);
  const fb = fixedValues(b);
  for (const [k, v] of fa) if (fb.get(k) !== v) return true;
  for (const [k, v] of fb) if (fa.get(k) !== v) return true;
  return false;
}

function checkHeaders(
  pointer: string,
  headers: Record<string, { pattern: string; example: string }> | undefined,
  report: (p: string, m: string) => void,
): void {
  for (const [name, h] of Object.entries(headers ?? {})) {
    const p = `${pointer}/${escapePointer(name)}`;
    let re: RegExp;
    try {
      re = new RegExp(h.pattern);
    } catch (e) {
      report(`${p}/pattern`, `Header '${name}': the pattern is not a valid regular expression (${(e as Error).message}).`);
      continue;
    }
    if (!re.test(h.example)) report(`${p}/example`, `Header '${name}': the example does not match its pattern ${h.pattern}.`);
  }
}

/**
 * An `acquire.cases` entry that sends the very request a generated check sends, but expects another
 * status: one request cannot get both answers, so a correct server fails one of the two. The generated
 * requests are the acquire request itself (`acquire.ok`, which expects success) and the acquire request
 * without one credential (`acquire.missing-field`, which expects `errors.malformed`).
 */
function caseContradictions(spec: ContractSpec, report: (pointer: string, message: string) => void): void {
  const request = spec.acquire.request;
  const generated: { key: string; check: string; what: string; status: number; promise: string }[] = [
    { key: requestKey(request), check: 'acquire.ok', what: 'the acquire request unchanged', status: spec.acquire.response.status, promise: "'acquire.response.status'" },
  ];
  const malformed = errorFor(spec, 'malformed').status;
  for (const name of acquireCredentials(spec)) {
    const without = withoutCredential(request, name);
    if (without) generated.push({ key: requestKey(without), check: 'acquire.missing-field', what: `the acquire request without '{${name}}'`, status: malformed, promise: "'errors.malformed.status'" });
  }
  (spec.acquire.cases ?? []).forEach((c, i) => {
    const key = requestKey(caseRequest(request, c));
    const same = generated.find((g) => g.key === key);
    if (!same || same.status === c.error.status) return;
    report(
      `/acquire/cases/${i}/error/status`,
      `Case '${c.id}' sends the same request as the generated check ${same.check} (${same.what}), which expects ${same.status} from ${same.promise}, but this case expects ${c.error.status}. One request cannot get both: correct one of the two, or make the case's request differ.`,
    );
  });
}

/** A word, not a fragment of one: "TODO", "todo:", "ToDo". */
const TODO = /\btodo\b/i;

/**
 * `source` values that still say TODO, as the starter writes them. Reports cite a rule's source, so a
 * finished spec has none; they do not stop a spec from loading (the starter runs against its mock as
 * written), and `authconform lint` refuses them.
 */
export function unfinishedProblems(spec: ContractSpec, locate: Locate): RuleProblem[] {
  const out: RuleProblem[] = [];
  for (const pointer of sourcePointers(spec, SpecSchema as unknown as SchemaNode, '')) {
    const value = getPointer(spec, pointer);
    if (typeof value !== 'string' || !TODO.test(value)) continue;
    out.push({
      pointer,
      position: locate(pointer),
      message: `'${pointerLabel(pointer)}' still says TODO: quote the sentence of the provider's document this rule comes from, or cite an RFC clause such as "RFC 6750 §3.1"; reports cite it.`,
    });
  }
  return out;
}

interface SchemaNode {
  readonly description?: string;
  readonly properties?: Record<string, SchemaNode>;
  readonly patternProperties?: Record<string, SchemaNode>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
}

/** Pointers of the values the format declares as a `source`, found through the format's own schema. */
function sourcePointers(value: unknown, schema: SchemaNode, at: string): string[] {
  if (schema.description === SOURCE_NOTE) return [at];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => sourcePointers(v, schema.items as SchemaNode, `${at}/${i}`)) : [];
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const sub =
      schema.properties?.[k] ??
      Object.values(schema.patternProperties ?? {})[0] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub) out.push(...sourcePointers(v, sub, `${at}/${escapePointer(k)}`));
  }
  for (const alt of schema.anyOf ?? []) out.push(...sourcePointers(value, alt, at));
  return out;
}

