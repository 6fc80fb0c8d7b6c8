/**
 * Tokens in the contract's format, and reading them back. A JWT is signed with jose under
 * `token.alg` with a key made fresh for each mock instance (so tokens of one mock are worthless to
 * another), or with the fake value of the signing key the contract names (`token.signingKey`), and
 * names its session in `jti`; reading one verifies the signature with the algorithm pinned, and the
 * claims the contract states (exp where every token expires, iss, aud). Opaque tokens are 256 random
 * bits. Minting and reading live together because both depend on the one key.
 */
import { createHmac, createPrivateKey, createPublicKey, KeyObject, randomBytes, X509Certificate, type JsonWebKey } from 'node:crypto';
import type { CryptoKey, JWK, JWTPayload, JWTVerifyOptions, ProtectedHeaderParameters } from 'jose';
import { decodeJwt, decodeProtectedHeader, errors, exportJWK, generateKeyPair, generateSecret, importJWK, jwtVerify, SignJWT } from 'jose';
import { everyJwtExpires } from '../contract/facts.js';
import type { Contract } from '../contract/model.js';
import type { ActiveFault } from './faults.js';
import type { Session } from './sessions.js';

export type TokenReading =
  /** A JWT whose signature holds (it may be expired: the session decides), naming session `id`. */
  | { readonly found: 'session'; readonly id: string }
  /** A JWT naming session `id` whose signature does not hold. */
  | { readonly found: 'tampered'; readonly id: string }
  /** An opaque token, to be looked up as it is. */
  | { readonly found: 'opaque'; readonly token: string }
  | { readonly found: 'nothing' };

export interface TokenMint {
  mint(session: Session): Promise<string>;
  read(token: string, nowMs: number): Promise<TokenReading>;
  /** The JWK Set of the public key that verifies its JWTs, when they are asymmetrically signed. */
  readonly jwks?: { readonly keys: readonly JWK[] };
}

/** A random secret value (keys, refresh tokens, opaque tokens): 256 bits, base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export async function createMint(contract: Contract, fault: ActiveFault): Promise<TokenMint> {
  if (contract.token.format === 'opaque') {
    return {
      // The low-entropy-tokens fault: a fixed prefix and 32 random bits, guessable by brute force.
      mint: async () => (fault.is('low-entropy-tokens') ? `tok_${randomBytes(4).toString('hex')}` : randomSecret()),
      read: async (token) => ({ found: 'opaque', token }),
    };
  }
  const alg = contract.token.alg ?? 'HS256';
  let signKey: CryptoKey | KeyObject | Uint8Array;
  let verifyKey: CryptoKey | KeyObject | Uint8Array;
  try {
    const declared = declaredKey(contract, alg);
    if (alg.startsWith('HS') && fault.is('weak-hmac-secret')) {
      signKey = verifyKey = new TextEncoder().encode(WEAK_SECRET);
    } else if (declared) {
      ({ signKey, verifyKey } = declared);
    } else if (alg.startsWith('HS')) {
      signKey = verifyKey = (await generateSecret(alg)) as CryptoKey;
    } else {
      const pair = await generateKeyPair(alg);
      signKey = pair.privateKey;
      verifyKey = pair.publicKey;
    }
  } catch (e) {
    throw new Error(`The mock cannot sign JWTs with token.alg '${alg}': ${(e as Error).message}`);
  }
  // A published key set names its key, and the tokens name it in `kid`, as JWKS-publishing servers do.
  const kid = contract.token.jwks ? 'authconform-mock-key' : undefined;
  const jwks = kid && !(verifyKey instanceof Uint8Array) ? { keys: [{ ...(await exportJWK(verifyKey)), kid, alg, use: 'sig' }] } : undefined;
  const claims = claimValues(contract);
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [alg],
    ...(everyJwtExpires(contract) && !fault.is('no-exp-accepted') ? { requiredClaims: ['exp'] } : {}),
    ...(claims.iss !== undefined && !fault.is('other-issuer-accepted') ? { issuer: claims.iss } : {}),
    ...(claims.aud !== undefined && !fault.is('other-audience-accepted') ? { audience: claims.aud } : {}),
  };

  const named = (payload: JWTPayload | undefined): string | undefined => (typeof payload?.jti === 'string' ? payload.jti : undefined);
  const decoded = (token: string): { alg: string | undefined; jti: string | undefined } | undefined => {
    try {
      return { alg: decodeProtectedHeader(token).alg, jti: named(decodeJwt(token)) };
    } catch {
      return undefined;
    }
  };

  return {
    ...(jwks ? { jwks } : {}),

    async mint(session) {
      const payload: JWTPayload = { sub: session.user, jti: session.id, ...claims };
      if (!fault.is('jwt-missing-claims')) payload.iat = session.issuedAt / 1000;
      if (session.statedExpiresAt !== undefined) payload.exp = Math.floor(session.statedExpiresAt / 1000);
      return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) }).sign(signKey);
    },

    async read(token, nowMs) {
      if (fault.is('alg-confusion-accepted') && !(verifyKey instanceof Uint8Array)) {
        const id = algConfusionSession(token, verifyKey);
        if (id !== undefined) return { found: 'session', id };
      }
      if (fault.is('x5u-honoured')) {
        const id = await x5uSession(token, nowMs);
        if (id !== undefined) return { found: 'session', id };
      }
      if (fault.is('kid-traversal-honoured')) {
        const id = kidTraversalSession(token);
        if (id !== undefined) return { found: 'session', id };
      }
      if (fault.is('jku-honoured')) {
        const id = await jkuSession(token, nowMs);
        if (id !== undefined) return { found: 'session', id };
      }
      if (fault.is('alg-none-accepted')) {
        const d = decoded(token);
        if (d?.jti !== undefined && d.alg?.toLowerCase() === 'none') return { found: 'session', id: d.jti };
      }
      if (fault.is('tampered-accepted')) {
        const d = decoded(token);
        return d?.jti !== undefined && d.alg === alg ? { found: 'session', id: d.jti } : { found: 'nothing' };
      }
      try {
        const { payload } = await jwtVerify(token, verifyKey, { ...verifyOptions, currentDate: new Date(nowMs) });
        const id = named(payload);
        return id === undefined ? { found: 'nothing' } : { found: 'session', id };
      } catch (e) {
        // Claims are validated after the signature: an expired JWT is authentic, and its session
        // (which may outlive the stated exp under a fault) makes the expiry decision. Any other claim
        // that fails (no exp, a future nbf, another issuer or audience) makes it none of the mock's
        // tokens, whatever session its jti names; the future-nbf-accepted fault ignores nbf.
        const ignored = e instanceof errors.JWTClaimValidationFailed && e.claim === 'nbf' && fault.is('future-nbf-accepted');
        if (e instanceof errors.JWTExpired || ignored) {
          const id = named(e.payload);
          return id === undefined ? { found: 'nothing' } : { found: 'session', id };
        }
        if (e instanceof errors.JWTClaimValidationFailed) return { found: 'nothing' };
        if (e instanceof errors.JWSSignatureVerificationFailed) {
          const id = decoded(token)?.jti;
          return id === undefined ? { found: 'nothing' } : { found: 'tampered', id };
        }
        return { found: 'nothing' };
      }
    },
  };
}

/**
 * The key `token.signingKey` names, from its fake value in `mock.credentials`: the mock signs with
 * what a test environment's server would, so the checks that know that key can sign claims with it.
 */
function declaredKey(contract: Contract, alg: string): { signKey: KeyObject | Uint8Array; verifyKey: KeyObject | Uint8Array } | undefined {
  const declared = contract.token.signingKey;
  if (!declared) return undefined;
  const value = contract.mock.credentials[declared.credential];
  if (value === undefined) throw new Error(`mock.credentials has no fake value for '${declared.credential}', the signing key`);
  const hmac = alg.startsWith('HS');
  const format = declared.format ?? (hmac ? 'text' : 'pem');
  if (format === 'text' || format === 'base64') {
    const secret = format === 'text' ? new TextEncoder().encode(value) : new Uint8Array(Buffer.from(value, 'base64'));
    return { signKey: secret, verifyKey: secret };
  }
  const signKey = format === 'pem' ? createPrivateKey(value) : createPrivateKey({ key: JSON.parse(value) as JsonWebKey, format: 'jwk' });
  return { signKey, verifyKey: createPublicKey(signKey) };
}

/** The iss and aud the contract declares, or made-up ones where it declares the claim without a value. */
function claimValues(contract: Contract): { iss?: string; aud?: string } {
  const { issuer, audience } = contract.token;
  return {
    ...(issuer ? { iss: issuer.value ?? `urn:authconform:mock:${contract.id}` } : {}),
    ...(audience ? { aud: audience.value ?? `urn:authconform:mock:${contract.id}:api` } : {}),
  };
}

/** The published secret the mock signs HMAC tokens with under the weak-hmac-secret fault: jwt.io's example. */
const WEAK_SECRET = 'your-256-bit-secret';

const HMAC_HASHES: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function headerOf(token: string): ProtectedHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

function jtiOf(token: string): string | undefined {
  try {
    const { jti } = decodeJwt(token);
    return typeof jti === 'string' ? jti : undefined;
  } catch {
    return undefined;
  }
}

/**
 * kid-traversal-honoured: a server that reads its key from the file the kid names. A kid that
 * traverses (`..`) or names /dev/null yields the empty key, and an HMAC signature under it is taken
 * as authentic. Node's HMAC, since WebCrypto refuses an empty key.
 */
function kidTraversalSession(token: string): string | undefined {
  const header = headerOf(token);
  const kid = header?.kid;
  const hash = HMAC_HASHES[String(header?.alg)];
  if (typeof kid !== 'string' || !(kid.includes('..') || kid.includes('/dev/null')) || !hash) return undefined;
  const [h, p, s] = token.split('.');
  if (s === undefined) return undefined;
  return createHmac(hash, '').update(`${h}.${p}`).digest('base64url') === s ? jtiOf(token) : undefined;
}

/**
 * alg-confusion-accepted: a server that hands its verification key to a library as one PEM string
 * whatever the token's alg says, so a token whose header says HS256 is checked as an HMAC keyed with
 * the PEM text of the public key (as jsonwebtoken did before version 9).
 */
function algConfusionSession(token: string, publicKey: CryptoKey | KeyObject): string | undefined {
  const hash = HMAC_HASHES[String(headerOf(token)?.alg)];
  if (!hash) return undefined;
  const key = 'export' in publicKey ? publicKey : KeyObject.from(publicKey as Parameters<typeof KeyObject.from>[0]);
  const pem = key.export({ type: 'spki', format: 'pem' });
  const [h, p, s] = token.split('.');
  if (s === undefined) return undefined;
  return createHmac(hash, pem).update(`${h}.${p}`).digest('base64url') === s ? jtiOf(token) : undefined;
}

/** A loopback http URL (the mock fetches nothing else, so it never reaches out of the machine). */
function loopback(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * x5u-honoured: a server that fetches the certificate the token's x5u names and verifies with the
 * public key it holds, without asking who issued it. Loopback URLs only, with a short deadline.
 */
async function x5uSession(token: string, nowMs: number): Promise<string | undefined> {
  const header = headerOf(token);
  const url = loopback(header?.x5u);
  if (!url || typeof header?.alg !== 'string') return undefined;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(8_000) });
    const key = new X509Certificate(await res.text()).publicKey;
    const { payload } = await jwtVerify(token, key, { algorithms: [header.alg], currentDate: new Date(nowMs) });
    return typeof payload.jti === 'string' ? payload.jti : undefined;
  } catch {
    return undefined;
  }
}

/**
 * jku-honoured: a server that fetches the key set the token's jku names and verifies with the key
 * found there. Only loopback URLs are fetched (the mock must never reach out of the machine), with a
 * short deadline; anything that fails falls through to the ordinary reading.
 */
async function jkuSession(token: string, nowMs: number): Promise<string | undefined> {
  const header = headerOf(token);
  const url = loopback(header?.jku);
  if (!url || typeof header?.alg !== 'string') return undefined;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(8_000) });
    const { keys } = (await res.json()) as { keys?: JWK[] };
    const jwk = keys?.find((k) => header.kid === undefined || k.kid === header.kid);
    if (!jwk) return undefined;
    const { payload } = await jwtVerify(token, await importJWK(jwk, header.alg), { algorithms: [header.alg], currentDate: new Date(nowMs) });
    return typeof payload.jti === 'string' ? payload.jti : undefined;
  } catch {
    return undefined;
  }
}
