/**
 * security.* checks on issued JWTs: the secret an HMAC token is signed with is not a published or
 * guessable one (tried offline against the one token issued); headers that steer the server's key
 * lookup — a `kid` that is a file path or an SQL fragment, a `jku` or `x5u` that points at a key the
 * harness serves itself — do not let a token signed by someone else through; and a token whose alg
 * is switched to HMAC, keyed with the public key the provider publishes, is refused. Each forgery
 * keeps the issued claims, so a server that honours it would accept it as the user's live session,
 * and each is presented after a positive control, as the jwt.* forgeries are.
 */
import type { JWK } from 'jose';
import { exportJWK, generateKeyPair } from 'jose';
import type { HttpResponse } from '../http/client.js';
import type { Check } from './check.js';
import { CannotObserve, Unmet, type CheckContext } from './context.js';
import { observed } from './expect.js';
import { buildRequest } from './flows.js';
import { algConfusionForgeries, findHmacSecret, hmacHash, kidInjections, signedForgery, withoutKeyHints, type DecodedJwt } from './jwt-forge.js';
import { issuedJwt, mustRefuseAll } from './jwt.js';
import { fetchNote, serveOnLoopback } from './loopback.js';
import { pass } from './run.js';
import { hmacCandidates } from './weak-secrets.js';
import { rsaKeyPair, selfSignedCertificate } from './x5u-cert.js';

const isJwt = (c: Parameters<Check['applies']>[0]): boolean => c.token.format === 'jwt';

export const securityJwtChecks: readonly Check[] = [
  {
    id: 'security.weak-hmac-secret',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: 'an HMAC-signed token does not verify under a well-known or weak secret',
    source: () =>
      'RFC 8725 §3.5: human-memorizable passwords must not be used as the key of a keyed-MAC algorithm such as HS256, and keys must have sufficient entropy (RFC 7518 §3.2: a key at least as long as the hash output)',
    // A declared asymmetric alg rules HMAC out; an undeclared one is read from the issued token.
    applies: (c) => isJwt(c) && (c.token.alg === undefined || c.token.alg.startsWith('HS')),
    async run(ctx) {
      const { jwt } = await issuedJwt(ctx);
      const alg = String(jwt.header.alg);
      if (!hmacHash(jwt.header.alg)) return pass(`the issued token is signed with ${alg}, not HMAC: this check applies to HMAC (HS256/384/512) tokens only`);
      const candidates = hmacCandidates(ctx);
      const found = findHmacSecret(jwt, candidates);
      if (found) {
        // The secret is the server's, published or guessable, not a credential of this run: it is
        // named so the finding can be acted on (and it is not added to the redactor).
        throw new Unmet(
          `the issued ${alg} token not to verify under any of ${candidates.length} well-known or weak secrets`,
          `its signature verifies with the secret ${found.secret === '' ? 'that is the empty string ("")' : JSON.stringify(found.secret)} (${found.origin}): anyone who tries it can sign tokens for any user`,
        );
      }
      return pass(`none of ${candidates.length} well-known or weak secrets verifies the ${alg} signature (tried offline)`);
    },
  },
  {
    id: 'security.jwt-kid-injection',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: 'a token whose kid is a path traversal or an SQL fragment, signed with the key that lookup yields, is refused',
    source: () =>
      'RFC 8725 §3.10: the kid header is attacker-controlled and must be validated or sanitized before key lookup, so that it cannot cause injection (CWE-22 path traversal, CWE-89 SQL injection)',
    applies: isJwt,
    async run(ctx) {
      const { credential, jwt } = await issuedJwt(ctx);
      const forgeries = kidInjections(jwt);
      await mustRefuseAll(ctx, credential, forgeries);
      return pass(`refused: ${forgeries.map((f) => f.label).join('; ')}`);
    },
  },
  {
    id: 'security.jwt-jku-injection',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: "a token whose jku header points at a key set the harness serves, signed with the harness's key, is refused",
    source: () =>
      'RFC 8725 §3.10: blindly following a jku (JWK Set URL) or x5u header, which may contain an arbitrary URL, lets anyone choose the verification key (and is server-side request forgery, CWE-918); it must be matched against an allowlist',
    applies: isJwt,
    async run(ctx) {
      const { credential, jwt } = await issuedJwt(ctx);
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const kid = `authconform-${ctx.run}`;
      const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
      const served = await serveOnLoopback('/.well-known/jwks.json', 'application/jwk-set+json', jwks);
      try {
        const forged = await signedForgery(
          `jku ${served.url} (the harness's key set), signed with the harness's RS256 key`,
          jwt,
          { ...jwt.header, alg: 'RS256', kid, jku: served.url },
          privateKey,
        );
        await mustRefuseAll(ctx, credential, [forged]);
        // A server on another machine cannot reach the harness's loopback: the note says whether the
        // key set was fetched, so a refusal that proves little is visible as such.
        return pass(`refused: ${forged.label} (${fetchNote(served, 'the key set')})`);
      } finally {
        await served.close();
      }
    },
  },
  {
    id: 'security.jwt-x5u-injection',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: "a token whose x5u header points at a certificate the harness serves, signed with that certificate's key, is refused",
    source: () =>
      'RFC 8725 §3.10: blindly following an x5u (X.509 URL) header, which may contain an arbitrary URL, lets anyone choose the verification key (and is server-side request forgery, CWE-918); RFC 7515 §4.1.5: the certificate it names must be validated as RFC 5280 says, which a self-signed one of an unknown issuer fails',
    applies: isJwt,
    async run(ctx) {
      const { credential, jwt } = await issuedJwt(ctx);
      // The key is made off the event loop (rsaKeyPair), which the run's other requests share.
      const certificate = selfSignedCertificate(`authconform x5u probe ${ctx.run}`, Date.now(), await rsaKeyPair());
      const served = await serveOnLoopback('/x5u.pem', 'application/pem-certificate-chain', certificate.pem);
      try {
        const forged = await signedForgery(
          `x5u ${served.url} (a self-signed certificate the harness serves), signed with its RS256 key`,
          jwt,
          { ...withoutKeyHints(jwt.header), alg: 'RS256', x5u: served.url },
          certificate.privateKey,
        );
        await mustRefuseAll(ctx, credential, [forged]);
        return pass(`refused: ${forged.label} (${fetchNote(served, 'the certificate')})`);
      } finally {
        await served.close();
      }
    },
  },
  {
    id: 'security.jwt-alg-confusion',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: 'a token whose alg is switched to HS256 and keyed with the published public key (PEM, DER or JWK) is refused',
    source: (c) =>
      `RFC 8725 §2.1 and §3.1: the algorithms a recipient accepts are fixed by it, not by the token, and each key is used with exactly one algorithm, so that a public key an attacker can read is never taken as an HMAC secret (CWE-347); the key is published: ${c.token.jwks?.source ?? 'token.jwks'}`,
    applies: (c) => isJwt(c) && c.token.jwks !== undefined,
    async run(ctx) {
      const { credential, jwt } = await issuedJwt(ctx);
      if (hmacHash(jwt.header.alg)) throw new CannotObserve(`the issued token is signed with ${String(jwt.header.alg)}, an HMAC: it has no public key to confuse (jwt.claims judges the alg)`);
      const { jwks, where } = await publishedKeys(ctx, jwt);
      const forgeries = jwks.flatMap((jwk) => {
        try {
          return algConfusionForgeries(jwt, jwk);
        } catch (e) {
          throw new Unmet(`${where} to be a public key in JWK form (RFC 7517)`, `it cannot be read as one: ${(e as Error).message}`);
        }
      });
      await mustRefuseAll(ctx, credential, forgeries);
      return pass(`with ${where}: refused ${forgeries.map((f) => f.label).join('; ')}`);
    },
  },
];

/**
 * The public keys that may verify the issued token, from the JWK Set the contract says is published:
 * the key the token's kid names, else every signing key of the token's key type. One request.
 */
async function publishedKeys(ctx: CheckContext, jwt: DecodedJwt): Promise<{ jwks: JWK[]; where: string }> {
  const path = ctx.contract.token.jwks?.path;
  if (path === undefined) throw new TypeError('publishedKey needs token.jwks');
  const res: HttpResponse = await ctx.http.send(buildRequest(ctx, { method: 'GET', path }, { purpose: `fetch the published keys (token.jwks: ${path})` }, false));
  const keys = (res.json() as { keys?: unknown } | undefined)?.keys;
  if (res.status !== 200 || !Array.isArray(keys)) {
    throw new Unmet(`a JWK Set ({"keys": [...]}) at ${path}, where token.jwks says the provider publishes its keys`, observed(res));
  }
  const kid = jwt.header.kid;
  const kty = keyType(String(jwt.header.alg));
  const all = keys.filter((k): k is JWK => k !== null && typeof k === 'object');
  const found = kid !== undefined ? all.filter((k) => k.kid === kid) : all.filter((k) => k.kty === kty && (k.use === undefined || k.use === 'sig'));
  if (!found.length) {
    throw new Unmet(
      `the published key set at ${path} to hold the key that verifies the issued token (${kid !== undefined ? `kid ${JSON.stringify(kid)}` : `an ${kty} signing key`})`,
      `it holds ${all.length} key${all.length === 1 ? '' : 's'}: ${all.map((k) => `${k.kty ?? '?'}${k.kid !== undefined ? ` ${JSON.stringify(k.kid)}` : ''}`).join(', ') || 'none'}`,
    );
  }
  const named = found.map((k) => `the ${k.kty ?? ''} key${k.kid !== undefined ? ` ${JSON.stringify(k.kid)}` : ''}`).join(' and ');
  return { jwks: found, where: `${named} published at ${path}` };
}

/** The JWK key type (RFC 7518 §6.1) of a JWS algorithm's keys. */
function keyType(alg: string): string {
  if (alg.startsWith('ES')) return 'EC';
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'OKP';
  return 'RSA';
}

