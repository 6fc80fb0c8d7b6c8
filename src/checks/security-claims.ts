/**
 * security.jwt-* checks on the claims a server validates, where the harness knows the key the target
 * signs with (`token.signingKey`, a test environment's): a token without `exp`, one not valid before
 * tomorrow (`nbf`), one for another audience and one of another issuer are each refused, although
 * their signature is the server's own. A signature alone proves nothing about these claims, so only
 * a signed forgery can show that the server reads them.
 *
 * Each forgery is preceded by two proofs: offline, the key verifies the issued token (else the check
 * skips: the setting is wrong, not the server); online, the issued claims re-signed with it (and one
 * marker claim added, so the copy is not the issued token byte for byte) are accepted as the user.
 * A server that refuses even that copy accepts only tokens it stored, and no claim can be judged.
 */
import { everyJwtExpires } from '../contract/facts.js';
import type { Contract } from '../contract/model.js';
import { errorFor, type ErrorCondition } from '../contract/model.js';
import type { HttpResponse } from '../http/client.js';
import type { JWTPayload } from 'jose';
import type { Check, Verdict } from './check.js';
import { CannotObserve, Unmet, type CheckContext } from './context.js';
import { observed, successProblem } from './expect.js';
import { withToken } from './alter.js';
import { mustRefuseStatus, probe } from './flows.js';
import { signedClaims, type DecodedJwt, type Forgery } from './jwt-forge.js';
import { issuedJwt } from './jwt.js';
import { pass } from './run.js';
import { signingKeyFor } from './signing-key.js';

/** How far in the future the forged nbf lies: beyond any clock skew a server allows. */
const NBF_AHEAD = 24 * 3600;
/** The private claim that tells the positive control's copy apart from the issued token. */
const MARKER = 'authconform_copy';

const withKey = (c: Contract): boolean => c.token.format === 'jwt' && c.token.signingKey !== undefined;

export const securityClaimChecks: readonly Check[] = [
  {
    id: 'security.jwt-exp-required',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: "a token without exp, signed with the server's own key, is refused",
    source: () =>
      'RFC 9068 §2.2 and §4: exp is REQUIRED in a JWT access token and the resource server validates it; a token the server would take without one never expires (RFC 8725 §3.10 asks each claim a recipient relies on to be validated)',
    applies: (c) => withKey(c) && everyJwtExpires(c),
    async run(ctx) {
      return claimForgery(ctx, (jwt) => {
        if (typeof jwt.payload.exp !== 'number') throw new CannotObserve('the issued token has no exp claim itself (jwt.claims judges that), so leaving it out proves nothing');
        const { exp: _exp, ...rest } = jwt.payload;
        return { label: 'the issued claims without exp', payload: rest };
      });
    },
  },
  {
    id: 'security.jwt-nbf',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: "a token not valid before tomorrow (nbf), signed with the server's own key, is refused",
    source: () =>
      'RFC 7519 §4.1.5: the "nbf" (not before) claim identifies the time before which the JWT MUST NOT be accepted for processing; the current date/time MUST be after or equal to it',
    applies: withKey,
    async run(ctx) {
      return claimForgery(ctx, (jwt) => {
        const now = typeof jwt.payload.iat === 'number' ? jwt.payload.iat : Math.floor(Date.now() / 1000);
        return { label: `the issued claims with nbf ${NBF_AHEAD / 3600} hours after issue`, payload: { ...jwt.payload, nbf: now + NBF_AHEAD } };
      });
    },
  },
  {
    id: 'security.jwt-audience',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: "a token for another audience (aud), signed with the server's own key, is refused",
    source: (c) =>
      `RFC 7519 §4.1.3: if the principal processing the claim does not identify itself with a value in the "aud" claim, the JWT MUST be rejected (RFC 8725 §3.9: a token issued for one relying party must not be accepted by another); the contract: ${c.token.audience?.source ?? 'token.audience'}`,
    applies: (c) => withKey(c) && c.token.audience !== undefined,
    async run(ctx) {
      return claimForgery(ctx, (jwt) => {
        const aud = declaredClaim(ctx.contract, jwt, 'aud');
        const other = Array.isArray(aud) ? aud.map(elsewhere) : elsewhere(aud);
        return { label: `the issued claims with aud ${JSON.stringify(other)} (another audience)`, payload: { ...jwt.payload, aud: other } };
      });
    },
  },
  {
    id: 'security.jwt-issuer',
    family: 'security',
    security: true,
    level: 'SHOULD',
    summary: "a token of another issuer (iss), signed with the server's own key, is refused",
    source: (c) =>
      `RFC 8725 §3.8: a recipient validates that the issuer is the one it expects and rejects a JWT of another (RFC 9068 §4: the issuer identifier MUST exactly match the iss claim); the contract: ${c.token.issuer?.source ?? 'token.issuer'}`,
    applies: (c) => withKey(c) && c.token.issuer !== undefined,
    async run(ctx) {
      return claimForgery(ctx, (jwt) => {
        const iss = declaredClaim(ctx.contract, jwt, 'iss');
        const other = elsewhere(Array.isArray(iss) ? String(iss[0]) : iss);
        return { label: `the issued claims with iss ${JSON.stringify(other)} (another issuer)`, payload: { ...jwt.payload, iss: other } };
      });
    },
  },
];

/**
 * Acquires a token, proves the declared key on it (offline, then with a re-signed copy the server
 * accepts), and presents the forgery `forge` makes from the issued claims, signed with the same key:
 * it must be refused as a token that is not valid.
 */
async function claimForgery(ctx: CheckContext, forge: (jwt: DecodedJwt) => { label: string; payload: JWTPayload }): Promise<Verdict> {
  const { credential, jwt } = await issuedJwt(ctx);
  const key = await signingKeyFor(ctx, jwt);
  const { label, payload } = forge(jwt);
  const copy = await signedClaims(`the issued claims re-signed with ${key.named}`, jwt, { ...jwt.payload, [MARKER]: true }, key.sign);
  const positive = await probe(ctx, credential, withToken(ctx, copy.token), `positive control: ${copy.label} (and a ${MARKER} claim)`);
  if (successProblem(positive, ctx.contract.probe.response) !== undefined) {
    throw new CannotObserve(
      `the server refused a copy of its own claims re-signed with the key it signs with (${observed(positive)}): it accepts only the tokens it issued byte for byte, so no forged claim can be judged`,
    );
  }
  const forged: Forgery = await signedClaims(`${label}, signed with ${key.named}`, jwt, payload, key.sign);
  const res = await probe(ctx, credential, withToken(ctx, forged.token), `probe with ${forged.label}`);
  mustRefuseAsInvalid(ctx, res, forged.label, positive);
  return pass(`refused with ${res.status}: ${forged.label} (the re-signed copy of the issued claims was accepted)`);
}

/** The claim the contract declares the tokens carry, as the issued token has it; the check fails when it is missing or not the declared value. */
function declaredClaim(contract: Contract, jwt: DecodedJwt, claim: 'aud' | 'iss'): string | string[] {
  const declared = claim === 'aud' ? contract.token.audience : contract.token.issuer;
  const key = claim === 'aud' ? 'token.audience' : 'token.issuer';
  const value = jwt.payload[claim];
  const values = Array.isArray(value) ? value : [value];
  if (value === undefined || values.length === 0 || !values.every((v): v is string => typeof v === 'string' && v !== '')) {
    throw new Unmet(`the issued token to name its ${claim === 'aud' ? 'audience' : 'issuer'} in ${claim} (${key}: ${declared?.source ?? ''})`, `its ${claim} claim is ${value === undefined ? 'missing' : JSON.stringify(value)}`);
  }
  if (declared?.value !== undefined && !values.includes(declared.value)) {
    throw new Unmet(`the issued token's ${claim} to be ${JSON.stringify(declared.value)} (${key}.value)`, `it is ${JSON.stringify(value)}`);
  }
  return value as string | string[];
}

/**
 * Another value that a careless comparison (a prefix, a substring, a host suffix) takes for this one:
 * the value with ".invalid" appended (RFC 2606's reserved top-level name).
 */
function elsewhere(value: string): string {
  return `${value}.invalid`;
}

/**
 * A token the server signed but whose claims make it invalid is refused: with the status of the
 * contract's invalid, tampered or expired error (a server may call a future nbf "not yet valid" or a
 * missing exp "expired"), never with the probe's success.
 */
function mustRefuseAsInvalid(ctx: CheckContext, res: HttpResponse, what: string, positive: HttpResponse): void {
  const conditions: ErrorCondition[] = ['invalid', 'tampered', 'expired'];
  const success = successProblem(res, ctx.contract.probe.response) === undefined;
  if (!success && conditions.some((c) => errorFor(ctx.contract, c).status === res.status)) return;
  mustRefuseStatus(ctx, res, 'invalid', `a token signed with the server's key whose claims make it invalid (${what})`, positive);
}
