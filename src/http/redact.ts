/**
 * The one place secrets are removed from anything recorded. A secret is hidden in plain text, in
 * URL-encoded form and in base64 / base64url form (including inside a longer base64 string such as a
 * Basic credential, whatever its alignment). Credential-bearing headers are masked whatever they hold,
 * and JSON members with secret-sounding names are masked too, so a token nobody declared still does
 * not leak (fail closed).
 */
const MIN_SECRET_LENGTH = 4;
const MASKED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_KEY = /pass(word)?|secret|token|refresh|api[-_]?key|credential|authorization|^key$/i;
/** Names that merely describe a secret (token_type, token_type_hint, expires_in), kept readable. */
const DESCRIBES_SECRET = /(type|hint|expires?(_in|_at)?|format|id)$/i;

export const REDACTED = '[redacted]';

export class Redactor {
  readonly #secrets = new Map<string, string>();
  #patterns: { find: string; name: string }[] | undefined;

  /** Adds a secret value (a credential, an issued or presented token). `name` labels the mask. */
  add(value: string | undefined, name = 'secret'): void {
    if (value === undefined || value.length < MIN_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.set(value, name);
    this.#patterns = undefined;
  }

  /** Every secret value known, for leak scans. */
  values(): string[] {
    return [...this.#secrets.keys()];
  }

  /** Other forms a secret takes in transit, longest first. */
  static forms(secret: string): string[] {
    const out = new Set<string>([secret]);
    out.add(encodeURIComponent(secret));
    out.add(encodeURIComponent(secret).replace(/%20/g, '+'));
    const bytes = Buffer.from(secret, 'utf8');
    for (let shift = 0; shift < 3; shift++) {
      const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
      for (const enc of ['base64', 'base64url'] as const) {
        let s = padded.toString(enc).replace(/=+$/, '');
        // Drop the characters that depend on the bytes around the secret.
        const lead = Math.ceil((shift * 4) / 3);
        s = s.slice(lead);
        const tailBits = ((shift + bytes.length) * 8) % 6;
        if (tailBits !== 0) s = s.slice(0, -1);
        if (s.length >= 6) out.add(s);
      }
    }
    return [...out].sort((a, b) => b.length - a.length);
  }

  #compiled(): { find: string; name: string }[] {
    if (!this.#patterns) {
      this.#patterns = [...this.#secrets]
        .flatMap(([value, name]) => Redactor.forms(value).map((find) => ({ find, name })))
        .sort((a, b) => b.find.length - a.find.length);
    }
    return this.#patterns;
  }

  /** Text with every known secret masked. */
  text(input: string): string {
    let out = input;
    for (const { find, name } of this.#compiled()) {
      if (out.includes(find)) out = out.split(find).join(`[redacted:${name}]`);
    }
    return out;
  }

  /** Headers with credential headers masked (keeping the scheme word) and secrets masked in the rest. */
  headers(headers: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (MASKED_HEADERS.has(k.toLowerCase()) || isSecretKey(k)) {
        const scheme = /^(Bearer|Basic|Token|Digest|Negotiate|DPoP)\s+/i.exec(v)?.[1];
        out[k] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
      } else out[k] = this.text(v);
    }
    return out;
  }

  /** A body: JSON members with secret-sounding names masked, then known secrets masked. */
  body(input: string): string {
    let text = input;
    try {
      const parsed: unknown = JSON.parse(input);
      if (parsed !== null && typeof parsed === 'object') text = JSON.stringify(maskJson(parsed));
    } catch {
      // Not JSON: masked by value only.
    }
    return this.text(text);
  }
}

function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name) && !DESCRIBES_SECRET.test(name);
}

function maskJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskJson);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = isSecretKey(k) && typeof x === 'string' ? REDACTED : maskJson(x);
    return out;
  }
  return v;
}
