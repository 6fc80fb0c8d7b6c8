/**
 * Tokens in the contract's format, and reading them back. A JWT is signed with jose under
 * `token.alg` with a key made fresh for each mock instance (so tokens of one mock are worthless to
 * another) and names its session in `jti`; reading one verifies the signature with the algorithm
 * pinned. Opaque tokens are 256 random bits. Minting and reading live together because both depend
 * on the one key.
 */
import { randomBytes } from 'node:crypto';
import type { CryptoKey, JWTPayload } from 'jose';
import { decodeJwt, decodeProtectedHeader, errors, generateKeyPair, generateSecret, jwtVerify, SignJWT } from 'jose';
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
      mint: async () => randomSecret(),
      read: async (token) => ({ found: 'opaque', token }),
    };
  }
  const alg = contract.token.alg ?? 'HS256';
  let signKey: CryptoKey;
  let verifyKey: CryptoKey;
  try {
    if (alg.startsWith('HS')) {
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
