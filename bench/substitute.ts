/**
 * What a replay must change in a recorded request: a fresh mock issues other tokens, keys and ids than
 * the recorded one did, so each value a recorded response carried is mapped to the value the replayed
 * response carried in the same place, and later requests are rewritten with the map. Values are
 * matched where they sit (same JSON pointer, same header and word), never guessed from their shape.
 */

/** Shorter values are left alone: they are words and numbers that may occur by chance in a request. */
const MIN_LENGTH = 6;
/** Response headers that differ between any two responses and carry nothing a request reuses. */
const IGNORED_HEADERS = new Set(['date', 'content-length', 'etag', 'last-modified', 'keep-alive', 'connection']);

export interface Seen {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export class Substitutions {
  readonly #map = new Map<string, string>();
  #ordered: [string, string][] | undefined;

  get size(): number {
    return this.#map.size;
  }

  /** Learns the values that differ between a recorded response and its replay. */
  learn(recorded: Seen, replayed: Seen): void {
    const a = parse(recorded.body);
    const b = parse(replayed.body);
    if (a !== undefined && b !== undefined) this.#walk(a, b);
    else this.#words(recorded.body, replayed.body);
    for (const [name, value] of Object.entries(recorded.headers)) {
      const other = replayed.headers[name];
      if (other !== undefined && !IGNORED_HEADERS.has(name)) this.#words(value, other);
    }
  }

  /** A recorded text with every learnt value replaced, longest first (a token can contain a shorter one). */
  apply(text: string): string {
    if (!this.#map.size || !text) return text;
    this.#ordered ??= [...this.#map].sort((x, y) => y[0].length - x[0].length);
    let out = text;
    for (const [from, to] of this.#ordered) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  }

  /**
   * Recorded request headers rewritten; `Basic` credentials are decoded, rewritten and encoded again.
   * The scheme is matched case-insensitively (RFC 9110 §11.1; `present.scheme-case` sends `basic` and
   * `BASIC`) and kept as it was recorded.
   */
  applyHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const basic = /^(basic) ([A-Za-z0-9+/=]+)$/i.exec(value);
      out[name] = basic ? `${basic[1]} ${Buffer.from(this.apply(Buffer.from(basic[2] ?? '', 'base64').toString('utf8')), 'utf8').toString('base64')}` : this.apply(value);
    }
    return out;
  }

  #add(from: string, to: string): void {
    if (from === to || from.length < MIN_LENGTH) return;
    this.#map.set(from, to);
    const encFrom = encodeURIComponent(from);
    if (encFrom !== from) this.#map.set(encFrom, encodeURIComponent(to));
    this.#ordered = undefined;
  }

  #walk(a: unknown, b: unknown): void {
    if (typeof a === 'string' && typeof b === 'string') {
      this.#add(a, b);
      // A value such as "Bearer <token>" is also learnt word by word.
      if (/\s/.test(a)) this.#words(a, b);
    } else if (Array.isArray(a) && Array.isArray(b)) {
      a.forEach((x, i) => this.#walk(x, b[i]));
    } else if (a && b && typeof a === 'object' && typeof b === 'object') {
      for (const [k, v] of Object.entries(a)) if (k in b) this.#walk(v, (b as Record<string, unknown>)[k]);
    }
  }

  #words(a: string, b: string): void {
    if (a === b) return;
    const wa = a.split(/[\s,;]+/);
    const wb = b.split(/[\s,;]+/);
    if (wa.length !== wb.length) return;
    wa.forEach((w, i) => this.#add(w, wb[i] ?? w));
  }
}

function parse(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
