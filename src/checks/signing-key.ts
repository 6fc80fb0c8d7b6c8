/**
 * The key a target signs its tokens with, where the contract says the harness may know it
 * (`token.signingKey`: a test environment's key, held by a credential, so a live run reads it from
 * its variable and every report redacts it). Before any claim is forged with it, it must verify the
 * token the target issued: a wrong key is a setting to fix, not a finding about the server.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import { CannotObserve, type CheckContext } from './context.js';
import type { DecodedJwt } from './jwt-forge.js';

const FORMATS = { text: 'text secret', base64: 'base64 secret', pem: 'PEM private key (PKCS #8)', jwk: 'private JWK' } as const;

export interface SigningKey {
  /** Signs forged claims. */
  readonly sign: KeyObject | Uint8Array;
  /** Where it comes from, for messages: "the credential signingKey (ACME_SIGNING_KEY)". */
  readonly named: string;
}

/** The declared signing key, proven against the issued token offline; a skip with what to set when it is unknown or wrong. */
export async function signingKeyFor(ctx: Pick<CheckContext, 'contract' | 'target'>, jwt: DecodedJwt): Promise<SigningKey> {
  const declared = ctx.contract.token.signingKey;
  if (!declared) throw new TypeError('signingKeyFor needs token.signingKey');
  const variable = ctx.contract.credentials[declared.credential]?.env;
  const named = `the credential ${declared.credential}${variable ? ` (${variable})` : ''}`;
  const value = ctx.target.credentials[declared.credential];
  if (value === undefined || value === '') {
    throw new CannotObserve(`the key this target signs its tokens with is not known: set ${variable ?? declared.credential} to the signing key of a test environment (token.signingKey names ${named})`);
  }
  const alg = String(jwt.header.alg);
  const hmac = alg.startsWith('HS');
  const format = declared.format ?? (hmac ? 'text' : 'pem');
  // Messages never quote the value or a parser's message about it (which can quote part of it).
  let sign: KeyObject | Uint8Array;
  let verify: KeyObject | Uint8Array;
  try {
    if (format === 'text' || format === 'base64') {
      sign = verify = format === 'text' ? new TextEncoder().encode(value) : new Uint8Array(Buffer.from(value, 'base64'));
    } else {
      const key = format === 'pem' ? createPrivateKey(value) : createPrivateKey({ key: JSON.parse(value) as JsonWebKey, format: 'jwk' });
      sign = key;
      verify = createPublicKey(key);
    }
  } catch {
    throw new CannotObserve(`${named} cannot be read as a ${FORMATS[format]} (token.signingKey.format), so no claim can be signed with it`);
  }
  try {
    await compactVerify(`${jwt.segments[0]}.${jwt.segments[1]}.${jwt.segments[2]}`, verify, { algorithms: [alg] });
  } catch {
    throw new CannotObserve(`${named} does not verify the issued ${alg} token, so it is not the key this target signs with: set it to the test environment's signing key`);
  }
  return { sign, named };
}
