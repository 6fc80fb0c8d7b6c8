/**
 * Tokens in the contract's format, and reading them back. A JWT is signed with jose under
 * `token.alg` with a key made fresh for each mock instance (so tokens of one mock are worthless to
 * another) and names its session in `jti`; reading one verifies the signature with the algorithm
 * pinned. Opaque tokens are 256 random bits. Minting and reading live together because both depend
 * on the one key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { CryptoKey, JWK, JWTPayload, ProtectedHeaderParameters } from 'jose';
import { decodeJwt, decodeProtectedHeader, errors, generateKeyPair, generateSecret, importJWK, jwtVerify, SignJWT } from 'jose';
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
  let signKey: CryptoKey | Uint8Array;
  let verifyKey: CryptoKey | Uint8Array;
  try {
    if (alg.startsWith('HS') && fault.is('weak-hmac-secret')) {
      signKey = verifyKey = new TextEncoder().encode(WEAK_SECRET);
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

  const named = (payload: JWTPayload | undefined): string | undefined => (typeof payload?.jti === 'string' ? payload.jti : undefined);
  const decoded = (token: string): { alg: string | undefined; jti: string | undefined } | undefined => {
    try {
      return { alg: decodeProtectedHeader(token).alg, jti: named(decodeJwt(token)) };
    } catch {
      return undefined;
    }
  };

  return {
    async mint(session) {
      const payload: JWTPayload = { sub: session.user, jti: session.id };
      if (!fault.is('jwt-missing-claims')) payload.iat = session.issuedAt / 1000;
      if (session.statedExpiresAt !== undefined) payload.exp = Math.floor(session.statedExpiresAt / 1000);
      return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(signKey);
    },

    async read(token, nowMs) {
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
        const { payload } = await jwtVerify(token, verifyKey, { algorithms: [alg], currentDate: new Date(nowMs) });
        const id = named(payload);
        return id === undefined ? { found: 'nothing' } : { found: 'session', id };
      } catch (e) {
        // Claims are validated after the signature: an expired JWT is authentic, and its session
        // (which may outlive the stated exp under a fault) makes the expiry decision.
        if (e instanceof errors.JWTExpired || e instanceof errors.JWTClaimValidationFailed) {
          const id = named(e.payload);
          return id === undefined ? { found: 'nothing' } : { found: 'session', id };
        }
        if (e instanceof errors.JWSSignatureVerificationFailed) {
          const id = decoded(token)?.jti;
          return id === undefined ? { found: 'nothing' } : { found: 'tampered', id };
        }
        return { found: 'nothing' };
      }
    },
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
 * jku-honoured: a server that fetches the key set the token's jku names and verifies with the key
 * found there. Only loopback URLs are fetched (the mock must never reach out of the machine), with a
 * short deadline; anything that fails falls through to the ordinary reading.
 */
async function jkuSession(token: string, nowMs: number): Promise<string | undefined> {
  const header = headerOf(token);
  const jku = header?.jku;
  if (typeof jku !== 'string' || typeof header?.alg !== 'string') return undefined;
  try {
    const url = new URL(jku);
    if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    const { keys } = (await res.json()) as { keys?: JWK[] };
    const jwk = keys?.find((k) => header.kid === undefined || k.kid === header.kid);
    if (!jwk) return undefined;
    const { payload } = await jwtVerify(token, await importJWK(jwk, header.alg), { algorithms: [header.alg], currentDate: new Date(nowMs) });
    return typeof payload.jti === 'string' ? payload.jti : undefined;
  } catch {
    return undefined;
  }
}
