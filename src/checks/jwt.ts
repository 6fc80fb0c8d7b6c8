/**
 * jwt.*: where the contract says the token is a JWT. The issued token decodes with the declared
 * algorithm and numeric iat/exp, lives exactly the documented lifetime, and the server verifies it:
 * unsigned tokens (alg none in any spelling, stripped signatures), a damaged signature, a signature by
 * another key and a changed payload under the old signature are each refused. Forgeries are made with
 * `jose` from a token the server really issued and presented in its place after a positive control.
 */
import type { Check } from './check.js';
import { lifetimes, Unmet, type CheckContext } from './context.js';
import { tokenOf, withToken } from './alter.js';
import { control, mustAcquire, mustRefuseStatus, probe, type Credential } from './flows.js';
import { changedPayloads, decodeToken, flippedSignature, resigned, unsignedForgeries, type DecodedJwt, type Forgery } from './jwt-forge.js';
import { pass } from './run.js';

/** Seconds exp − iat may differ from the lifetime: a server that reads its clock twice may straddle a second. */
const TTL_TOLERANCE = 1;

export const jwtChecks: readonly Check[] = [
  {
    id: 'jwt.claims',
    family: 'jwt',
    level: 'MUST',
    summary: 'the issued token is a JWT with the declared alg and numeric iat and exp',
    source: (c) => `${c.token.source} (RFC 7519 §4.1.4 exp, §4.1.6 iat)`,
    applies: (c) => c.token.format === 'jwt',
    async run(ctx) {
      const { jwt } = await issuedJwt(ctx);
      const alg = ctx.contract.token.alg;
      const problems: string[] = [];
      if (alg !== undefined && jwt.header.alg !== alg) problems.push(`the header's alg is ${JSON.stringify(jwt.header.alg)} instead of "${alg}"`);
      for (const claim of ['iat', 'exp'] as const) {
        const v = jwt.payload[claim];
        if (v === undefined) problems.push(`the ${claim} claim is missing`);
        else if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`the ${claim} claim is ${JSON.stringify(v)}, not a number of seconds`);
      }
      if (problems.length) {
        throw new Unmet(
          `the issued JWT to carry ${alg !== undefined ? `alg "${alg}" and ` : ''}numeric iat and exp claims`,
          `${problems.join('; ')} (header ${Object.keys(jwt.header).join(', ')}; claims ${Object.keys(jwt.payload).join(', ') || 'none'})`,
        );
      }
      return pass(`alg ${String(jwt.header.alg)}, iat and exp present`);
    },
  },
  {
    id: 'jwt.ttl',
    family: 'jwt',
    level: 'MUST',
    summary: 'exp − iat of the issued JWT equals the documented lifetime',
    source: (c) => c.lifetime?.ttl?.source ?? 'lifetime.ttl',
    applies: (c) => c.token.format === 'jwt' && c.lifetime?.ttl !== undefined,
    async run(ctx) {
      const ttl = lifetimes(ctx).ttl;
      if (ttl === undefined) throw new TypeError('jwt.ttl needs a lifetime');
      const { jwt } = await issuedJwt(ctx);
      const { iat, exp } = jwt.payload;
      const overridden = ctx.target.ttl !== undefined ? ' (the target overrides the lifetime)' : '';
      const expected = `exp − iat of the issued JWT to equal the lifetime of ${ttl} s${overridden}`;
      if (typeof iat !== 'number' || typeof exp !== 'number') {
        throw new Unmet(expected, `the token lacks a numeric ${typeof iat !== 'number' ? 'iat' : 'exp'} claim`);
      }
      const life = exp - iat;
      if (Math.abs(life - ttl) > TTL_TOLERANCE) throw new Unmet(expected, `exp − iat is ${life} s (iat ${iat}, exp ${exp})`);
      return pass(`exp − iat = ${life} s`);
    },
  },
  {
    id: 'jwt.alg-none',
    family: 'jwt',
    security: true,
    level: 'MUST',
    summary: 'unsigned tokens (alg none in any spelling, empty or stripped signature) are refused',
    source: () => 'RFC 8725 §2.1 and §3.1: a recipient must not accept unsigned ("alg": "none") or signature-stripped tokens it did not ask for',
    applies: (c) => c.token.format === 'jwt',
    async run(ctx) {
      const { credential, jwt } = await issuedJwt(ctx);
      const forgeries = unsignedForgeries(jwt);
      await mustRefuseAll(ctx, credential, forgeries);
      return pass(`refused: ${forgeries.map((f) => f.label).join('; ')}`);
    },
  },
  {
    id: 'jwt.signature',
    family: 'jwt',
    security: true,
    level: 'MUST',
    summary: 'a damaged signature, a signature by another key and a changed payload are refused',
    source: () => 'RFC 7519 §7.2: the JWS signature must be validated, and the JWT rejected when it does not validate',
    applies: (c) => c.token.format === 'jwt',
    async run(ctx) {
      const { credential, jwt } = await issuedJwt(ctx);
      const flipped = flippedSignature(jwt);
      if (!flipped) throw new Unmet('the issued JWT to be signed', 'its signature part is empty');
      const other = await resigned(jwt);
      const forgeries: Forgery[] = [flipped, ...(other ? [other] : []), ...changedPayloads(jwt)];
      await mustRefuseAll(ctx, credential, forgeries);
      const note = other ? '' : ` (no second ${String(jwt.header.alg)} key could be generated, so re-signing was not tried)`;
      return pass(`refused: ${forgeries.map((f) => f.label).join('; ')}${note}`);
    },
  },
];

/** A fresh credential and its token decoded; the check fails when the token is not a JWT. */
export async function issuedJwt(ctx: CheckContext): Promise<{ credential: Credential; jwt: DecodedJwt }> {
  const credential = await mustAcquire(ctx);
  const decoded = decodeToken(tokenOf(ctx, credential));
  if ('problem' in decoded) {
    throw new Unmet(`the issued token to be a JWT (${ctx.contract.token.source})`, `it is not: ${decoded.problem}`);
  }
  return { credential, jwt: decoded };
}

/** Each forgery, presented in place of the token after a positive control, is refused with the tampered error's status. */
export async function mustRefuseAll(ctx: CheckContext, credential: Credential, forgeries: readonly Forgery[]): Promise<void> {
  for (const f of forgeries) {
    const positive = await control(ctx, credential);
    const res = await probe(ctx, credential, withToken(ctx, f.token), `probe with a forged token: ${f.label}`);
    mustRefuseStatus(ctx, res, 'tampered', `a forged token (${f.label})`, positive);
  }
}
