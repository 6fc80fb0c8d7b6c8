/**
 * Deliberately wrong credential values for negative probes: a random value of the same shape, a value
 * with one character changed, and a presentation that puts a forged token where the real one goes.
 * The alterations keep the character classes of the original, so a server cannot refuse them merely
 * for looking different; it has to check them.
 */
import { randomInt } from 'node:crypto';
import { issuedParts } from '../contract/model.js';
import { placeholders } from '../contract/template.js';
import type { Contract } from '../contract/model.js';
import { Unmet, type CheckContext } from './context.js';
import type { Credential, PresentVariant } from './flows.js';

const CLASSES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'] as const;

function classOf(ch: string): string | undefined {
  return CLASSES.find((c) => c.includes(ch));
}

/** A random value of the same shape: each digit, lower- and upper-case letter replaced by a random one of its class. */
export function sameShape(value: string): string {
  for (;;) {
    const out = [...value].map((ch) => {
      const cls = classOf(ch);
      return cls ? (cls[randomInt(cls.length)] as string) : ch;
    });
    const s = out.join('');
    // A value with nothing to randomise (or a one-in-a-billion repeat) gets a marker instead.
    if (s !== value) return s;
    if (!/[0-9A-Za-z]/.test(value)) return `${value}x`;
  }
}

/** Another character of the same class (`-` and `_` swap, so base64url stays base64url). */
export function otherChar(ch: string): string {
  const cls = classOf(ch);
  if (cls) return cls[(cls.indexOf(ch) + 1) % cls.length] as string;
  if (ch === '-') return '_';
  if (ch === '_') return '-';
  return ch === 'x' ? 'y' : 'x';
}

/** The value with the character at `index` changed. */
export function changeAt(value: string, index: number): string {
  const i = Math.max(0, Math.min(value.length - 1, index));
  return value.slice(0, i) + otherChar(value.charAt(i)) + value.slice(i + 1);
}

/**
 * The token with one character changed: in the middle of a JWT's payload (every bit of a middle
 * base64url character counts), else three quarters in, so a server comparing only a prefix is caught.
 */
export function tamper(token: string, jwt: boolean): string {
  const segs = token.split('.');
  if (jwt && segs.length === 3 && (segs[1] ?? '').length > 2) {
    const payload = segs[1] as string;
    segs[1] = changeAt(payload, Math.floor(payload.length / 2));
    return segs.join('.');
  }
  return changeAt(token, Math.floor((token.length * 3) / 4));
}

/** Names of issued secret parts the presented value is built from, e.g. key and token of `{key}:{token}`. */
export function presentedSecretParts(contract: Contract): string[] {
  const issued = issuedParts(contract);
  return placeholders(contract.present.value).filter((n) => {
    const p = issued.get(n);
    return p !== undefined && (p.kind ?? 'secret') === 'secret';
  });
}

/** A presentation carrying `token` where the credential's primary token goes; the rest stays as issued. */
export function withToken(ctx: Pick<CheckContext, 'contract' | 'redactor'>, token: string): PresentVariant {
  ctx.redactor.add(token, 'forged token');
  const part = ctx.contract.token.part;
  return placeholders(ctx.contract.present.value).includes(part) ? { parts: { [part]: token } } : { value: token };
}

/** The credential's primary token; the check fails when the issuing response did not carry it. */
export function tokenOf(ctx: Pick<CheckContext, 'contract'>, credential: Credential): string {
  const part = ctx.contract.token.part;
  const token = credential.parts[part];
  if (token === undefined) throw new Unmet(`the issued credential to carry its token (${part})`, `it has only ${Object.keys(credential.parts).join(', ') || 'no parts'}`);
  return token;
}
