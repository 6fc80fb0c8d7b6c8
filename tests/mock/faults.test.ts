/**
 * Every fault breaks its rule, and only where it applies: for each fault and each seed it applies
 * to, an HTTP-level probe of the rule holds against the faultless mock and fails against the mock
 * with the fault. The registry itself is pinned to the shared catalog (names, killers, where each
 * applies).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { CompactSign, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { acquiredRefreshToken } from '../../src/contract/facts.js';
import { selfSignedCertificate } from '../../src/checks/x5u-cert.js';
import { credentialError, errorFor } from '../../src/contract/model.js';
import { render } from '../../src/contract/template.js';
import { acquireCredentials, acquireSecrets, caseRequest, refreshFinder, refreshRefusal } from '../../src/contract/facts.js';
import type { ErrorSpec } from '../../src/contract/model.js';
import { baseCheckId } from '../../src/checks/catalog.js';
import { FAULT_NAMES, FAULTS, faultByName, type FaultName } from '../../src/mock/faults.js';
import { changeChar, mockOf, seed, SEEDS, validator, withMock, type Creds, type MockClient, type Res, type SeedId } from './client.js';

/** Check ids of the shared catalog. */
const CHECK_IDS = new Set([
  'acquire.ok', 'acquire.bad-credentials', 'acquire.missing-field', 'acquire.malformed-body', 'acquire.alternate', 'acquire.cases',
  'present.ok', 'present.missing', 'present.garbage', 'present.tampered', 'present.wrong-scheme', 'present.companion', 'present.alternate', 'present.mismatched-parts', 'present.scheme-case', 'present.companion-owner',
  'errors.invalid', 'errors.missing', 'errors.tampered', 'errors.wrong-scheme', 'errors.companion-missing', 'errors.mismatched',
  'jwt.claims', 'jwt.ttl', 'jwt.alg-none', 'jwt.signature',
  'expiry.ttl', 'expiry.sliding', 'expiry.custom', 'expiry.required', 'expiry.reported', 'expiry.server', 'expiry.never',
  'refresh.ok', 'refresh.rotation', 'refresh.invalid', 'refresh.expired', 'refresh.mismatched-key', 'refresh.rolling', 'refresh.rolling-success-only',
  'refresh.retires-access', 'refresh.race', 'refresh.after-logout',
  'revoke.logout', 'revoke.logout-response', 'revoke.token', 'revoke.isolated', 'tokens.list', 'tokens.rotate', 'robust.no-5xx', 'robust.no-secret-echo',
  'security.weak-hmac-secret', 'security.jwt-kid-injection', 'security.jwt-jku-injection',
  'security.error-hygiene', 'security.no-store', 'security.www-authenticate', 'security.no-query-token', 'security.token-entropy',
  'security.jwt-x5u-injection', 'security.jwt-alg-confusion', 'security.jwt-exp-required', 'security.jwt-nbf', 'security.jwt-audience', 'security.jwt-issuer',
]);

const ALL: readonly SeedId[] = SEEDS;
const BKT = 'basic-key-token';
const IC = 'identity-credentials';
const PT = 'private-tokens';
const VZ = 'vidizmo';
const WA = 'waldo';
const OA = 'oauth2';
const OMS = 'oauth2-mock-server';
const BA = 'better-auth';

/** Where each fault applies among the seeds (the catalog's "applies when", evaluated). */
const APPLIES: Record<FaultName, readonly SeedId[]> = {
  'alternate-refused': [OA],
  'cases-ignored': [OA, OMS],
  'no-expiry': [BKT, PT, WA, OA, OMS, BA],
  'long-expiry': [BKT, PT, WA, OA, OMS, BA],
  'no-revocation': [BKT, PT, VZ, OA, OMS, BA],
  'refresh-reuse': [BKT, VZ, OA, OMS],
  'wrong-error-status': ALL,
  // oauth2-mock-server's errors.invalid declares no body (RFC 6750 §3: the challenge says it all): {} matches it.
  'wrong-error-body': [BKT, IC, PT, VZ, WA, OA, BA],
  'missing-header-accepted': [IC],
  'alg-none-accepted': [PT, WA, OMS],
  'tampered-accepted': [PT, WA, OMS],
  'prefix-match': [BKT, IC, VZ, OA, BA],
  'no-rolling-token': [WA],
  'rolling-not-longer': [WA],
  'rolling-on-error': [WA],
  'no-sliding': [VZ],
  'wrong-key-accepted': [BKT],
  'default-expiry-accepted': [PT],
  'custom-expiry-ignored': [PT],
  'bad-credentials-accepted': ALL,
  'missing-field-accepted': ALL,
  'crash-on-bad-input': [BKT, IC, PT, VZ, WA, BA],
  'wrong-success-status': ALL,
  'query-placement-ignored': [IC],
  'expired-as-invalid': [VZ],
  'secret-echo': ALL,
  'refresh-broken': [BKT, VZ, OA, OMS],
  'refresh-garbage-accepted': [BKT, VZ, OA, OMS],
  'expired-refresh-flipped': [BKT, VZ, OA, OMS],
  'refresh-key-unchecked': [BKT],
  'revoke-all': [BKT, PT, VZ, OA, OMS, BA],
  'list-without-expiration': [PT],
  'rotate-keeps-old': [PT],
  'any-scheme-accepted': ALL,
  'missing-token-accepted': ALL,
  'missing-challenge': [BKT, WA, OA, OMS],
  'wrong-expires-field': [BKT, OA, OMS],
  'jwt-missing-claims': [PT, WA, OMS],
  'weak-hmac-secret': [PT, WA],
  'kid-traversal-honoured': [PT, WA, OMS],
  'jku-honoured': [PT, WA, OMS],
  'stack-trace-in-errors': [BKT, IC, PT, VZ, WA, BA],
  'html-errors': ALL,
  'missing-no-store': ALL,
  'no-bearer-challenge': [PT, WA, OMS, BA],
  'query-token-accepted': ALL,
  'low-entropy-tokens': [BKT, IC, VZ, OA, BA],
  'low-entropy-refresh-tokens': [BKT, OA, OMS],
  'debug-detail-in-refusals': ALL,
  'alg-confusion-accepted': [OMS],
  'x5u-honoured': [PT, WA, OMS],
  // No seed names a signing key: tests/checks/security-forgery.test.ts proves these on contracts that do.
  'no-exp-accepted': [],
  'future-nbf-accepted': [],
  'other-audience-accepted': [],
  'other-issuer-accepted': [],
  'refresh-keeps-old-access': [],
  'refresh-retires-old-access': [VZ],
  'refresh-race': [BKT, VZ, OA, OMS],
  'refresh-errors-swapped': [],
  'refresh-after-logout': [BKT, VZ],
  'logout-body-undeclared': [BA],
  'logged-out-as-revoked': [VZ],
  'rolling-on-expired': [WA],
  'credential-errors-ignored': [OA, OMS],
  'probe-errors-ignored': [BA],
  'scheme-case-sensitive': [WA, PT, VZ, BKT, OMS, BA],
  // No seed matches its scheme as written (present.schemeCase: exact): tests/checks/probes.test.ts proves it on a variant.
  'scheme-case-ignored': [],
  'companion-owner-unchecked': [IC],
  'malformed-error-body': ALL,
  // No seed's tokens expire as the server picks, never expire, or rotate by a sequence: tests/checks/expiry.test.ts
  // and tokens.test.ts prove these on variants (tests/support/format2-variants.ts).
  'server-expiry-ignored': [],
  'never-token-expires': [],
  'revoke-cascades': [],
  'debug-detail-in-probe-refusals': ['better-auth'],
};

const ok = async (c: MockClient, creds: Creds): Promise<boolean> => c.isSuccess(await c.probe(creds));
const token = (c: MockClient, creds: Creds): string => creds[c.contract.token.part] ?? '';
const ttl = (c: MockClient): number => c.contract.lifetime?.ttl?.seconds ?? 0;
const idle = (c: MockClient): number => c.contract.lifetime?.idle?.seconds ?? 0;
const lifetime = (c: MockClient): number => Math.max(ttl(c), idle(c));

async function privateToken(c: MockClient, login: Creds, inSeconds = 600): Promise<Creds> {
  const now = await c.now();
  const { res, token: t } = await c.createToken(login, new Date((now + inSeconds) * 1000).toISOString());
  assert.equal(res.status, c.contract.tokens?.create.response.status, res.text);
  return t;
}

/** A full presentation (companions and all) whose token is garbage of the right length. */
async function garbage(c: MockClient): Promise<Creds> {
  const creds = await c.login();
  return { ...creds, [c.contract.token.part]: 'g'.repeat(token(c, creds).length) };
}

/** Revokes one of two credentials the way the contract offers: logout, else private token revocation. */
async function revokeOne(c: MockClient): Promise<{ revoked: Creds; other: Creds }> {
  const login = await c.login();
  if (c.contract.logout) {
    const other = await c.login();
    await c.logout(login);
    return { revoked: login, other };
  }
  const t = c.contract.tokens;
  assert.ok(t);
  const a = await privateToken(c, login);
  const b = await privateToken(c, login);
  await c.send(t.revoke.request, login, { with: { id: a.id ?? '' } });
  return { revoked: a, other: b };
}

/** The issued claims under `header`, HMAC-SHA256-signed with `secret` (node:crypto: the secret may be empty). */
function hs256(token: string, header: Record<string, unknown>, secret: string): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${token.split('.')[1] ?? ''}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Whether the presented token, RS256-signed by a key whose set is served on loopback and named by its jku, is accepted. */
async function jkuAccepted(c: MockClient, creds: Creds): Promise<boolean> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const body = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const jku = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    const payload = Buffer.from(token(c, creds).split('.')[1] ?? '', 'base64url');
    const forged = await new CompactSign(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'k1', jku }).sign(privateKey);
    return await ok(c, { ...creds, [c.contract.token.part]: forged });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Whether the presented token, RS256-signed by the key of a self-signed certificate served on loopback and named by its x5u, is accepted. */
async function x5uAccepted(c: MockClient, creds: Creds): Promise<boolean> {
  const { pem, privateKey } = selfSignedCertificate('x5u');
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/pem-certificate-chain' }).end(pem));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const x5u = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cert.pem`;
    const payload = Buffer.from(token(c, creds).split('.')[1] ?? '', 'base64url');
    const forged = await new CompactSign(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5u }).sign(privateKey);
    return await ok(c, { ...creds, [c.contract.token.part]: forged });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A fresh login whose token's claims `change` rewrites, signed with the signing key the contract names (its fake value). */
async function withClaims(c: MockClient, change: (payload: JWTPayload) => JWTPayload): Promise<Creds> {
  const creds = await c.login();
  const name = c.contract.token.signingKey?.credential ?? '';
  const alg = c.contract.token.alg ?? 'HS256';
  const value = c.contract.mock.credentials[name] ?? '';
  const key = alg.startsWith('HS') ? new TextEncoder().encode(value) : createPrivateKey(value);
  const forged = await new SignJWT(change(decodeJwt(token(c, creds)))).setProtectedHeader(decodeProtectedHeader(token(c, creds)) as JWTHeaderParameters).sign(key);
  return { ...creds, [c.contract.token.part]: forged };
}

/** For each fault: whether the rule it breaks holds on this mock, observed over HTTP. */
const RULES: Record<FaultName, (c: MockClient) => Promise<boolean>> = {
  'alternate-refused': async (c) => {
    const alt = c.contract.acquire.alternates?.[0];
    assert.ok(alt);
    return (await c.send(alt.request, undefined)).status === c.contract.acquire.response.status;
  },
  'cases-ignored': async (c) => {
    const k = c.contract.acquire.cases?.[0];
    assert.ok(k);
    const res = await c.send(caseRequest(c.contract.acquire.request, k), undefined);
    return res.status === k.error.status && validator(k.error.schema ?? {})(res.json);
  },
  'no-expiry': async (c) => {
    const creds = await c.login();
    await c.advance(ttl(c) + 1);
    return c.isError(await c.probe(creds), 'expired');
  },
  'long-expiry': async (c) => {
    const creds = await c.login();
    await c.advance(ttl(c) + 1);
    return c.isError(await c.probe(creds), 'expired');
  },
  'no-revocation': async (c) => !(await ok(c, (await revokeOne(c)).revoked)),
  'refresh-reuse': async (c) => {
    const creds = await c.login();
    assert.equal((await c.refresh(creds)).res.status, 200);
    return c.isError((await c.refresh(creds)).res, 'refreshInvalid');
  },
  'wrong-error-status': async (c) => (await c.probe(await garbage(c))).status === errorFor(c.contract, 'invalid').status,
  'wrong-error-body': async (c) => validator(c.contract.errors.invalid.schema ?? {})((await c.probe(await garbage(c))).json),
  'missing-header-accepted': async (c) => c.isError(await c.probe(await c.login(), { omitCompanion: c.contract.present.companions[0]?.name ?? '' }), 'companionMissing'),
  'alg-none-accepted': async (c) => {
    const creds = await c.login();
    const payload = token(c, creds).split('.')[1];
    const forged = `${Buffer.from('{"alg":"NONE","typ":"JWT"}').toString('base64url')}.${payload}.`;
    return !(await ok(c, { ...creds, [c.contract.token.part]: forged }));
  },
  'tampered-accepted': async (c) => {
    const creds = await c.login();
    return !(await ok(c, { ...creds, [c.contract.token.part]: changeChar(token(c, creds), -3) }));
  },
  'prefix-match': async (c) => {
    const creds = await c.login();
    return !(await ok(c, { ...creds, [c.contract.token.part]: changeChar(token(c, creds), -1) }));
  },
  'no-rolling-token': async (c) => (await c.probe(await c.login())).headers.authorization !== undefined,
  'rolling-not-longer': async (c) => {
    const creds = await c.login();
    await c.advance(10);
    const rolled = (await c.probe(creds)).headers.authorization?.replace(/^Bearer /, '') ?? '';
    await c.advance(ttl(c) - 10 + 1);
    return ok(c, { token: rolled });
  },
  'rolling-on-error': async (c) => (await c.probe({ token: 'garbage' })).headers.authorization === undefined,
  'no-sliding': async (c) => {
    const creds = await c.login();
    await c.advance(idle(c) - 2);
    assert.ok(await ok(c, creds));
    await c.advance(idle(c) - 2);
    return ok(c, creds);
  },
  'wrong-key-accepted': async (c) => {
    const a = await c.login();
    const b = await c.login();
    return c.isError(await c.probe(a, { vars: { key: b.key ?? '' } }), 'mismatched');
  },
  'default-expiry-accepted': async (c) => c.isError((await c.createToken(await c.login(), undefined)).res, 'malformed'),
  'custom-expiry-ignored': async (c) => {
    const t = await privateToken(c, await c.login(), 600);
    await c.advance(601);
    return c.isError(await c.probe(t), 'expired');
  },
  'bad-credentials-accepted': async (c) => {
    // Each secret credential wrong in turn is refused with its own error (format 2), else errors.badCredentials.
    for (const n of acquireSecrets(c.contract)) if (!c.isError(await c.acquire({ with: { [n]: 'wrong-secret' } }), credentialError(c.contract, n, 'wrong'))) return false;
    return true;
  },
  'missing-field-accepted': async (c) => {
    // Each credential left out in turn is refused with its own error (format 2), else errors.malformed.
    for (const n of acquireCredentials(c.contract)) if (!c.isError(await c.acquire({ drop: [n] }), credentialError(c.contract, n, 'missing'))) return false;
    return true;
  },
  'crash-on-bad-input': async (c) => (await c.acquire({ rawBody: '{"a":' })).status < 500,
  'wrong-success-status': async (c) => (await c.acquire()).status === c.contract.acquire.response.status,
  'query-placement-ignored': async (c) => {
    const alt = c.contract.present.companions.find((x) => x.in.includes('query'));
    return c.isSuccess(await c.probe(await c.login(), { placement: { [alt?.name ?? '']: 'query' } }));
  },
  'expired-as-invalid': async (c) => {
    const creds = await c.login();
    await c.advance(lifetime(c) + 1);
    return c.isError(await c.probe(creds), 'expired');
  },
  'secret-echo': async (c) => {
    const secret = 'Echo-Me-If-You-Dare-5f2c9a';
    const res = await c.acquire({ with: { [acquireSecrets(c.contract)[0] ?? '']: secret } });
    return !res.text.includes(secret);
  },
  'refresh-broken': async (c) => ok(c, (await c.refresh(await c.login())).creds),
  'refresh-garbage-accepted': async (c) => {
    // An unknown refresh credential (the refresh token a body refresh carries, else the presented token) gets the garbage refusal.
    const creds = await c.login();
    const finder = refreshFinder(c.contract);
    const unknown = { ...creds, [c.contract.token.part]: 'garbage-token', ...(finder !== undefined ? { [finder]: 'garbage-refresh' } : {}) };
    return c.isError((await c.refresh(unknown)).res, refreshRefusal(c.contract, 'garbage'));
  },
  'expired-refresh-flipped': async (c) => {
    const creds = await c.login();
    await c.advance(lifetime(c) + 1);
    const { res } = await c.refresh(creds);
    return c.contract.refresh?.expired === 'allowed' ? res.status === 200 : res.status !== 200;
  },
  'refresh-key-unchecked': async (c) => {
    const a = await c.login();
    const b = await c.login();
    return c.isError((await c.refresh({ ...a, key: b.key ?? '' })).res, 'refreshInvalid');
  },
  'revoke-all': async (c) => ok(c, (await revokeOne(c)).other),
  'list-without-expiration': async (c) => {
    const login = await c.login();
    const t = await privateToken(c, login);
    const list = await c.send(c.contract.tokens?.list.request ?? c.contract.probe.request, login);
    const item = (list.json as { items: Record<string, unknown>[] }).items.find((i) => i.id === t.id);
    return typeof item?.expiresAt === 'string' && Date.parse(item.expiresAt) === Date.parse(t.expiresAt ?? '');
  },
  'rotate-keeps-old': async (c) => {
    const login = await c.login();
    const t = await privateToken(c, login);
    const rotate = await c.send(c.contract.tokens?.rotate?.request ?? c.contract.probe.request, login, { with: { id: t.id ?? '' } });
    assert.equal(rotate.status, 200);
    return !(await ok(c, t));
  },
  'any-scheme-accepted': async (c) => {
    const creds = await c.login();
    return c.isError(await c.probe(creds, { scheme: c.contract.present.scheme === 'none' ? 'Bearer' : null }), 'wrongScheme');
  },
  'missing-token-accepted': async (c) => c.isError(await c.probe(await c.login(), { omit: true }), 'missing'),
  'missing-challenge': async (c) => {
    // Every refusal the fault's killers provoke carries the headers it declares (a Basic or Bearer challenge):
    // a missing and a garbage token, and each login credential wrong or left out, refused as it declares (format 2).
    const missing = c.isError(await c.probe(await c.login(), { omit: true }), 'missing');
    const invalid = c.isError(await c.probe(await garbage(c)), 'invalid');
    let login = true;
    for (const n of acquireSecrets(c.contract)) login &&= c.isError(await c.acquire({ with: { [n]: 'wrong-secret' } }), credentialError(c.contract, n, 'wrong'));
    for (const n of acquireCredentials(c.contract)) login &&= c.isError(await c.acquire({ drop: [n] }), credentialError(c.contract, n, 'missing'));
    return missing && invalid && login;
  },
  'wrong-expires-field': async (c) => {
    const now = await c.now();
    const creds = await c.login();
    const [name, part] = Object.entries(c.contract.acquire.response.parts ?? {}).find(([, p]) => p.kind === 'expires-at' || p.kind === 'expires-in') ?? [];
    const v = creds[name ?? ''] ?? '';
    const reported = part?.kind === 'expires-in' ? now + Number(v) : part?.format === 'unix' ? Number(v) : Date.parse(v) / 1000;
    return Math.abs(reported - (now + ttl(c))) <= 5;
  },
  'jwt-missing-claims': async (c) => typeof decodeJwt(token(c, await c.login())).iat === 'number',
  'weak-hmac-secret': async (c) => {
    const t = token(c, await c.login());
    return hs256(t, { alg: 'HS256', typ: 'JWT' }, 'your-256-bit-secret') !== t;
  },
  'kid-traversal-honoured': async (c) => {
    const creds = await c.login();
    const forged = hs256(token(c, creds), { alg: 'HS256', typ: 'JWT', kid: '../../../../dev/null' }, '');
    return !(await ok(c, { ...creds, [c.contract.token.part]: forged }));
  },
  'jku-honoured': async (c) => !(await jkuAccepted(c, await c.login())),
  'stack-trace-in-errors': async (c) => {
    const res = await c.acquire({ rawBody: '{"a":}' });
    return res.json !== undefined && !/node_modules|SyntaxError/.test(res.text);
  },
  'html-errors': async (c) => {
    const res = await c.probe(await c.login(), { omit: true });
    return res.json !== undefined && !/text\/html/.test(res.headers['content-type'] ?? '');
  },
  'missing-no-store': async (c) => /(^|,\s*)no-store\b/.test((await c.acquire()).headers['cache-control'] ?? ''),
  'no-bearer-challenge': async (c) => /^Bearer\b/.test((await c.probe(await c.login(), { omit: true })).headers['www-authenticate'] ?? ''),
  'query-token-accepted': async (c) => {
    const creds = await c.login();
    const value = render(c.contract.present.value, { ...c.baseVars(), ...creds }) ?? '';
    const probe = c.contract.probe.request;
    const inQuery = { ...probe, query: { ...probe.query, access_token: '{accessTokenInQuery}' } };
    return !c.isSuccess(await c.send(inQuery, creds, { present: true, omit: true, with: { accessTokenInQuery: value } }));
  },
  'low-entropy-tokens': async (c) => {
    const t = token(c, await c.login());
    return t.length >= 32 && !t.startsWith('tok_');
  },
  'low-entropy-refresh-tokens': async (c) => {
    const t = (await c.login())[acquiredRefreshToken(c.contract) ?? ''] ?? '';
    return t.length >= 32 && !t.startsWith('rt_');
  },
  'debug-detail-in-refusals': async (c) => {
    const res = await c.acquire({ with: { [acquireSecrets(c.contract)[0] ?? '']: 'wrong-secret' } });
    return !/\/srv\/app\/|node_modules/.test(res.text);
  },
  'alg-confusion-accepted': async (c) => {
    const creds = await c.login();
    const jwks = (await c.send({ method: 'GET', path: c.contract.token.jwks?.path ?? '/' }, undefined)).json as { keys: JsonWebKey[] };
    const pem = createPublicKey({ key: jwks.keys[0] ?? {}, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const header = { ...decodeProtectedHeader(token(c, creds)), alg: 'HS256' };
    return !(await ok(c, { ...creds, [c.contract.token.part]: hs256(token(c, creds), header, pem) }));
  },
  'x5u-honoured': async (c) => !(await x5uAccepted(c, await c.login())),
  'no-exp-accepted': async (c) => !(await ok(c, await withClaims(c, ({ exp: _exp, ...rest }) => rest))),
  'future-nbf-accepted': async (c) => !(await ok(c, await withClaims(c, (p) => ({ ...p, nbf: Number(p.iat) + 86_400 })))),
  'other-audience-accepted': async (c) => !(await ok(c, await withClaims(c, (p) => ({ ...p, aud: 'urn:another:audience' })))),
  'other-issuer-accepted': async (c) => !(await ok(c, await withClaims(c, (p) => ({ ...p, iss: 'urn:another:issuer' })))),
  'refresh-keeps-old-access': async (c) => {
    const old = await c.login();
    await c.refresh(old);
    return !(await ok(c, old));
  },
  'refresh-retires-old-access': async (c) => {
    const old = await c.login();
    await c.refresh(old);
    return ok(c, old);
  },
  'refresh-race': async (c) => {
    const creds = await c.login();
    const results = await Promise.all(Array.from({ length: 5 }, () => c.refresh(creds)));
    return results.filter((r) => r.res.status === c.contract.refresh?.response.status).length === 1;
  },
  'refresh-errors-swapped': async (c) => {
    const a = await c.login();
    const { creds: a2 } = await c.refresh(a);
    const replayed = (await c.refresh(a)).res;
    await c.logout(a2);
    const afterLogout = (await c.refresh(a2)).res;
    const is = (res: Res, e: ErrorSpec): boolean => res.status === e.status && (!e.schema || validator(e.schema)(res.json));
    return is(replayed, refreshRefusal(c.contract, 'replayed')) && is(afterLogout, refreshRefusal(c.contract, 'afterLogout'));
  },
  'refresh-after-logout': async (c) => {
    const a = await c.login();
    await c.logout(a);
    return (await c.refresh(a)).res.status !== c.contract.refresh?.response.status;
  },
  'logout-body-undeclared': async (c) => {
    const res = await c.logout(await c.login());
    const spec = c.contract.logout?.response;
    const headers = Object.entries(spec?.headers ?? {}).every(([name, h]) => new RegExp(h.pattern).test(res.headers[name.toLowerCase()] ?? ''));
    return (!spec?.schema || validator(spec.schema)(res.json)) && headers;
  },
  'logged-out-as-revoked': async (c) => {
    const a = await c.login();
    await c.logout(a);
    return c.isError(await c.probe(a), 'loggedOut');
  },
  'rolling-on-expired': async (c) => {
    const creds = await c.login();
    await c.advance(ttl(c) + 1);
    const res = await c.probe(creds);
    return !c.isSuccess(res) && res.headers.authorization === undefined;
  },
  'credential-errors-ignored': async (c) => {
    // The first secret credential with its own login error, sent wrong, gets that error.
    const name = acquireSecrets(c.contract).find((n) => c.contract.credentials[n]?.errors?.wrong !== undefined);
    assert.ok(name);
    const own = c.contract.credentials[name]?.errors?.wrong as ErrorSpec;
    const res = await c.acquire({ with: { [name]: `${c.contract.mock.credentials[name] ?? ''}-wrong` } });
    return res.status === own.status && validator(own.schema ?? {})(res.json);
  },
  'probe-errors-ignored': async (c) => {
    // A further probe asked without the credential answers its own refusal.
    const probe = c.contract.probes.find((p) => p.errors?.missing !== undefined);
    assert.ok(probe);
    const own = probe.errors?.missing as ErrorSpec;
    const res = await c.send(probe.request, await c.login(), { omit: true });
    return res.status === own.status && validator(own.schema ?? {})(res.json);
  },
  'scheme-case-sensitive': async (c) => (await ok(c, await c.login())) && c.isSuccess(await c.probe(await c.login(), { scheme: c.contract.present.scheme.toLowerCase() })),
  'scheme-case-ignored': async (c) => !c.isSuccess(await c.probe(await c.login(), { scheme: c.contract.present.scheme.toLowerCase() })),
  'companion-owner-unchecked': async (c) => {
    // My token with the second account's identityId (a companion) is refused.
    const mine = await c.login();
    const second = c.contract.mock.secondAccount ?? {};
    const res = await c.acquire({ with: second });
    assert.equal(res.status, c.contract.acquire.response.status, res.text);
    const theirs = c.parts(c.contract.acquire.response, res);
    const companion = c.contract.present.companions.find((x) => /\{(\w+)\}/.exec(x.value)?.[1] !== undefined && theirs[/\{(\w+)\}/.exec(x.value)?.[1] ?? ''] !== undefined);
    assert.ok(companion);
    const part = /\{(\w+)\}/.exec(companion.value)?.[1] ?? '';
    return !c.isSuccess(await c.probe(mine, { vars: { [part]: theirs[part] ?? '' } }));
  },
  'malformed-error-body': async (c) => {
    // A login body that is not JSON, and each credential left out that declares no refusal of its own, get
    // errors.malformed, body and all (a case that describes the request answers with its own error, as oauth2's missing-grant-type).
    let kept = c.isError(await c.acquire({ rawBody: '{"a":' }), 'malformed');
    for (const n of acquireCredentials(c.contract).filter((x) => credentialError(c.contract, x, 'missing').pointer === '/errors/malformed')) {
      kept &&= c.isError(await c.acquire({ drop: [n] }), 'malformed');
    }
    return kept;
  },
  'server-expiry-ignored': async (c) => {
    // The token is refused once past the expiry the create response reported.
    const t = await privateToken(c, await c.login());
    const name = Object.entries(c.contract.tokens?.create.response.parts ?? {}).find(([, p]) => p.kind === 'expires-at')?.[0] ?? '';
    await c.advance(Date.parse(t[name] ?? '') / 1000 - (await c.now()) + 1);
    return c.isError(await c.probe(t), 'expired');
  },
  'never-token-expires': async (c) => {
    const t = await privateToken(c, await c.login());
    await c.advance(400 * 24 * 3600);
    return ok(c, t);
  },
  'revoke-cascades': async (c) => ok(c, (await revokeOne(c)).other),
  'debug-detail-in-probe-refusals': async (c) => {
    // A further probe's own refusal (a request without the credential) carries no debug member.
    const probe = c.contract.probes.find((p) => p.errors?.missing !== undefined);
    assert.ok(probe);
    const res = await c.send(probe.request, await c.login(), { omit: true });
    return !/AuthenticationError|node_modules/.test(res.text);
  },
};

describe('the fault registry', () => {
  test('names every fault of the catalog once, each with one sentence of what it breaks', () => {
    assert.equal(new Set(FAULTS.map((f) => f.name)).size, FAULTS.length);
    assert.deepEqual(FAULTS.map((f) => f.name), [...FAULT_NAMES]);
    assert.equal(FAULTS.length, FAULT_NAMES.length);
    for (const f of FAULTS) {
      assert.match(f.breaks, /^[A-Z].*\.$/, f.name);
      assert.equal(faultByName(f.name), f);
    }
    assert.equal(faultByName('nope'), undefined);
  });

  test('applies to exactly the seeds its condition selects', () => {
    for (const f of FAULTS) {
      const seeds = SEEDS.filter((id) => f.applies(seed(id)));
      assert.deepEqual(seeds.sort(), [...APPLIES[f.name]].sort(), f.name);
    }
  });

  test('names only catalog checks as killers, at least one wherever it applies', () => {
    for (const f of FAULTS) {
      for (const id of APPLIES[f.name]) {
        const killers = f.killers(seed(id));
        assert.ok(killers.length > 0, `${f.name} on ${id}`);
        // A further probe's check is named `<check>/<probe id>`.
        for (const k of killers) assert.ok(CHECK_IDS.has(baseCheckId(k)), `${f.name}: ${k}`);
      }
    }
    assert.deepEqual(FAULTS.find((f) => f.name === 'expired-as-invalid')?.killers(seed('vidizmo')), ['expiry.sliding']);
    assert.deepEqual(FAULTS.find((f) => f.name === 'no-revocation')?.killers(seed('private-tokens')), ['revoke.token']);
  });
});

for (const id of SEEDS) {
  describe(`${id}: each applicable fault breaks its rule, which the faultless mock keeps`, () => {
    let faultless: MockClient;
    let close: () => Promise<void>;
    before(async () => ({ client: faultless, close } = await mockOf(id)));
    after(() => close());

    for (const f of FAULTS.filter((x) => APPLIES[x.name].includes(id))) {
      test(f.name, async () => {
        assert.equal(await RULES[f.name](faultless), true, `the faultless mock keeps the rule ${f.name} breaks`);
        assert.equal(await withMock(id, { fault: f.name }, RULES[f.name]), false, `${f.name} breaks it: ${f.breaks}`);
      });
    }
  });
}
