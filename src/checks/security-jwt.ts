/**
 * security.* checks on issued JWTs: the secret an HMAC token is signed with is not a published or
 * guessable one (tried offline against the one token issued), and headers that steer the server's key
 * lookup — a `kid` that is a file path or an SQL fragment, a `jku` that points at the harness's own
 * key set — do not let a token signed by someone else through. Each forgery keeps the issued claims,
 * so a server that honours it would accept it as the user's live session, and each is presented after
 * a positive control, as the jwt.* forgeries are.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { Check } from './check.js';
import { Unmet } from './context.js';
import { findHmacSecret, hmacHash, kidInjections, signedForgery } from './jwt-forge.js';
import { issuedJwt, mustRefuseAll } from './jwt.js';
import { pass } from './run.js';
import { hmacCandidates } from './weak-secrets.js';

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
      const served = await serveJwks(jwks);
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
        const fetched = served.fetches() > 0 ? 'the server fetched the key set and still refused the token' : 'the key set was not fetched';
        return pass(`refused: ${forged.label} (${fetched})`);
      } finally {
        await served.close();
      }
    },
  },
];

/** A JWK Set served on the loopback interface at a free port, counting the requests for it. */
async function serveJwks(jwks: string): Promise<{ url: string; fetches(): number; close(): Promise<void> }> {
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'no-store' }).end(jwks);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

