/**
 * The one place secrets are removed from anything recorded. A secret is hidden by value in every form
 * src/http/secret-forms.ts lists — plain, percent-encoded (as encodeURIComponent and as a form body),
 * JSON- and HTML-escaped, base64 / base64url inside a longer value such as a Basic credential — and
 * where a line fold splits it. Credential-bearing headers are masked whatever they hold, and JSON
 * members with secret-sounding names are masked too, so a token nobody declared still does not leak
 * (fail closed).
 */
import { secretForms, unfoldings } from './secret-forms.js';

const MIN_SECRET_LENGTH = 4;
const MASKED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_KEY = /pass(word)?|secret|token|refresh|api[-_]?key|credential|authorization|^key$/i;
/** Names that merely describe a secret (token_type, token_type_hint, expires_in), kept readable. */
const DESCRIBES_SECRET = /(type|hint|expires?(_in|_at)?|format|id)$/i;

export const REDACTED = '[redacted]';

interface Pattern {
  readonly find: string;
  readonly name: string;
}

/** A stretch of text to mask: [start, end) and the secret's label. */
type Span = readonly [number, number, string];

export class Redactor {
  readonly #secrets = new Map<string, string>();
  /**
   * Every form of every secret, by its first two UTF-16 units, so one pass over a text finds them all
   * however many forms there are (every form is at least MIN_SECRET_LENGTH long).
   */
  readonly #byStart = new Map<number, Pattern[]>();
  /** Hashes of the first two units of every form: most positions of a text are passed over without a map lookup. */
  readonly #starts = new Uint8Array(0x10000);

  /** Adds a secret value (a credential, an issued or presented token). `name` labels the mask. */
  add(value: string | undefined, name = 'secret'): void {
    if (value === undefined || value.length < MIN_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.set(value, name);
    for (const { text } of secretForms(value)) {
      const key = startKey(text, 0);
      const at = this.#byStart.get(key);
      if (at) at.push({ find: text, name });
      else this.#byStart.set(key, [{ find: text, name }]);
      this.#starts[startHash(text, 0)] = 1;
    }
  }

  /** Every secret value known, for leak scans. */
  values(): string[] {
    return [...this.#secrets.keys()];
  }

  /** Every form a secret takes in transit and in reports, longest first (see secret-forms.ts). */
  static forms(secret: string): string[] {
    return secretForms(secret).map((f) => f.text);
  }

  /** Where any form of any secret occurs in a text. */
  #spans(text: string): Span[] {
    const spans: Span[] = [];
    for (let i = 0; i + 1 < text.length; i++) {
      if (!this.#starts[startHash(text, i)]) continue;
      const candidates = this.#byStart.get(startKey(text, i));
      if (!candidates) continue;
      for (const { find, name } of candidates) if (text.startsWith(find, i)) spans.push([i, i + find.length, name]);
    }
    return spans;
  }

  /** Text with every known secret masked, in any of its forms, also where a line fold splits it. */
  text(input: string): string {
    if (this.#secrets.size === 0) return input;
    const spans = this.#spans(input);
    for (const view of unfoldings(input)) {
      for (const [start, end, name] of this.#spans(view.text)) spans.push([view.origin(start), view.origin(end - 1) + 1, name]);
    }
    if (!spans.length) return input;
    // Overlapping occurrences (two secrets sharing characters, a form inside a longer one) are masked
    // as one, so no part of either is left between two masks.
    spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let out = '';
    let from = 0;
    let open: [number, number, string] | undefined;
    const close = (span: [number, number, string]): void => {
      out += `${input.slice(from, span[0])}[redacted:${span[2]}]`;
      from = span[1];
    };
    for (const [start, end, name] of spans) {
      if (open && start < open[1]) open[1] = Math.max(open[1], end);
      else {
        if (open) close(open);
        open = [start, end, name];
      }
    }
    if (open) close(open);
    return out + input.slice(from);
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

function startKey(text: string, i: number): number {
  return text.charCodeAt(i) * 0x10000 + text.charCodeAt(i + 1);
}

function startHash(text: string, i: number): number {
  return ((text.charCodeAt(i) << 7) ^ text.charCodeAt(i + 1)) & 0xffff;
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
