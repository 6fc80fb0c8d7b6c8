/**
 * Every form a secret takes in the text the harness records and the reports it writes: the one list
 * both the Redactor (which masks them) and the leak scan (which proves none reached a file) read, so
 * the two can never disagree about what counts as the secret.
 *
 * A form is an encoding of the secret itself, optionally wrapped once more by the writer that stored
 * it (a server's JSON inside a JSON report, a URL inside an HTML page):
 * - inner: plain; percent-encoded as encodeURIComponent, as a form body (URLSearchParams, which also
 *   encodes `~!'()`), as RFC 3986 / PHP / a WHATWG URL do, with upper- or lower-case hex; JSON string
 *   escapes as JavaScript, Python (`\u00e4`), Java (`\u00E4`), PHP (`\/`), Go and the matrix page
 *   (`\u003c`) and .NET write them; XML/HTML escapes; the UTF-8 bytes read as Latin-1 (how undici
 *   decodes a response header that echoes a non-ASCII secret);
 * - outer: JSON (plain and HTML-safe), XML/HTML, and the shell quoting of the `curl` line;
 * - base64 and base64url of the UTF-8 bytes (and of the form-encoded secret, which RFC 6749 §2.3.1
 *   puts in a Basic credential), at each of the three alignments inside a longer value, without the
 *   edge characters that depend on the neighbouring bytes. A fragment shorter than
 *   MIN_BASE64_FRAGMENT would match unrelated base64 too often, so a 4-byte secret is found in base64
 *   only where a Basic pair gives it a known neighbour (`id:secret`, `secret:x`) or it ends the value.
 *
 * A line fold (obs-fold, `\r\n` and spaces or tabs, raw or JSON-escaped) can split any of these; both
 * consumers search the texts `unfoldings` gives as well.
 */

export type SecretFormKind = 'plain' | 'URL-encoded' | 'JSON-escaped' | 'XML-escaped' | 'read as Latin-1' | 'shell-quoted' | 'base64';

export interface SecretForm {
  readonly text: string;
  readonly form: SecretFormKind;
}

/** Shortest base64 fragment used: 36 bits, so one turns up by chance about once in 70 GB of unrelated base64. */
export const MIN_BASE64_FRAGMENT = 6;

type Encode = (s: string) => string;

const ALNUM = /[A-Za-z0-9]/;

/** Percent-encodes the UTF-8 bytes of `s`, keeping alphanumerics and `keep`; never throws (a lone surrogate becomes U+FFFD). */
function percent(keep: string, space: '%20' | '+', lower: boolean): Encode {
  const table = Array.from({ length: 256 }, (_, b) => {
    const c = String.fromCharCode(b);
    if (b < 0x80 && (ALNUM.test(c) || keep.includes(c))) return c;
    if (c === ' ') return space;
    const hex = `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    return lower ? hex.toLowerCase() : hex;
  });
  return (s) => {
    let out = '';
    for (const b of Buffer.from(s, 'utf8')) out += table[b]!;
    return out;
  };
}

/** Which printable ASCII characters each percent-encoder leaves as they are. */
const KEEP = {
  uriComponent: "-_.!~*'()",
  /** application/x-www-form-urlencoded: URLSearchParams, url.searchParams, Java's URLEncoder. */
  form: '*-._',
  /** RFC 3986 unreserved: Python's quote(safe=''), PHP's rawurlencode, Go's QueryEscape. */
  unreserved: '-._~',
  /** PHP's urlencode. */
  php: '-._',
  /** A WHATWG URL's query: only space, quotes, `#`, `<`, `>` and non-ASCII are encoded. */
  urlQuery: "!$%&()*+,-./:;=?@[\\]^_`{|}~",
} as const;

const uriComponent = percent(KEEP.uriComponent, '%20', false);
const formEncoded = percent(KEEP.form, '+', false);

interface JsonStyle {
  /** Non-ASCII as is, or as `\uXXXX` per UTF-16 unit in lower- or upper-case hex. */
  readonly nonAscii: 'raw' | 'lower' | 'upper';
  /** `/` written as `\/` (PHP). */
  readonly slash?: boolean;
  /** Characters written as `\u00XX` so the JSON can sit in HTML: Go's `<>&`, .NET's `<>&'+\`"`. */
  readonly html?: 'go' | 'dotnet';
}

function json(style: JsonStyle): Encode {
  const htmlChars = style.html === 'go' ? '<>&\u2028\u2029' : style.html === 'dotnet' ? `<>&'+\`"` : '';
  const upper = style.html === 'dotnet' || style.nonAscii === 'upper';
  const u = (code: number): string => {
    const hex = code.toString(16).padStart(4, '0');
    return `\\u${upper ? hex.toUpperCase() : hex}`;
  };
  // Most texts hold nothing this style escapes: they are returned without the walk below.
  const escapes = new RegExp(
    `["\\\\\\u0000-\\u001f\\ud800-\\udfff${style.slash ? '/' : ''}${style.nonAscii !== 'raw' ? '\\u0080-\\uffff' : ''}${htmlChars.replace(/[\\\]^-]/g, '\\$&')}]`,
  );
  return (s) => {
    if (!escapes.test(s)) return s;
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      const code = s.charCodeAt(i);
      const lone = code >= 0xd800 && code <= 0xdfff && !isPairedSurrogate(s, i);
      if (htmlChars.includes(c)) out += u(code);
      else if (c === '"') out += '\\"';
      else if (c === '\\') out += '\\\\';
      else if (c === '/' && style.slash) out += '\\/';
      else if (code < 0x20) out += JSON.stringify(c).slice(1, -1);
      else if ((code > 0x7f && style.nonAscii !== 'raw') || lone) out += u(code);
      else out += c;
    }
    return out;
  };
}

function isPairedSurrogate(s: string, i: number): boolean {
  const code = s.charCodeAt(i);
  if (code <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}

const JSON_STYLES: readonly JsonStyle[] = [
  { nonAscii: 'raw' }, // JavaScript, and Go without HTML characters
  { nonAscii: 'lower' }, // Python
  { nonAscii: 'upper' }, // Java (Jackson's ESCAPE_NON_ASCII)
  { nonAscii: 'raw', slash: true },
  { nonAscii: 'lower', slash: true }, // PHP
  { nonAscii: 'raw', html: 'go' }, // Go, Rails, and this project's matrix page
  { nonAscii: 'upper', html: 'dotnet' }, // .NET
];

/** XML/HTML escaping, as `&amp;`-style entities with the given replacements for `"` and `'`. */
function xml(quot: string | undefined, apos: string | undefined): Encode {
  return (s) => {
    if (!/[&<>"']/.test(s)) return s;
    let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    if (quot !== undefined) out = out.replace(/"/g, quot);
    if (apos !== undefined) out = out.replace(/'/g, apos);
    return out;
  };
}

const XML_ENCODERS: readonly Encode[] = [
  xml(undefined, undefined), // text content
  xml('&quot;', '&apos;'), // XML attributes
  xml('&quot;', '&#39;'), // escape-html, Playwright's and most Node templates
  xml('&quot;', '&#x27;'), // Python's html.escape, React
  xml('&#34;', '&#39;'), // Go's html.EscapeString
];

const shellQuoted: Encode = (s) => s.replace(/'/g, `'\\''`);
const latin1: Encode = (s) => Buffer.from(s, 'utf8').toString('latin1');

const PERCENT_ENCODERS: readonly Encode[] = Object.values(KEEP).flatMap((keep) =>
  (['%20', '+'] as const).flatMap((space) => [false, true].map((lower) => percent(keep, space, lower))),
);

/** How a secret is encoded, before any report writer wraps it. */
const INNER: readonly { readonly form: SecretFormKind; readonly encode: Encode }[] = [
  { form: 'plain', encode: (s) => s },
  ...PERCENT_ENCODERS.map((encode) => ({ form: 'URL-encoded' as const, encode })),
  ...JSON_STYLES.map((style) => ({ form: 'JSON-escaped' as const, encode: json(style) })),
  ...XML_ENCODERS.map((encode) => ({ form: 'XML-escaped' as const, encode })),
  { form: 'read as Latin-1', encode: latin1 },
];

/** How a writer wraps a text once more: a JSON report, the matrix page's embedded JSON, an HTML or XML report, a curl line. */
const OUTER: readonly { readonly form: SecretFormKind; readonly encode: Encode }[] = [
  { form: 'plain', encode: (s) => s },
  { form: 'JSON-escaped', encode: json({ nonAscii: 'raw' }) },
  { form: 'JSON-escaped', encode: json({ nonAscii: 'raw', html: 'go' }) },
  ...XML_ENCODERS.map((encode) => ({ form: 'XML-escaped' as const, encode })),
  { form: 'shell-quoted', encode: shellQuoted },
];

/** How a base64 value is carried besides as is: in a URL or form (`+/=` encoded), in PHP's JSON (`\/`). */
const BASE64_OUTER: readonly Encode[] = [percent('', '+', false), percent('', '+', true), json({ nonAscii: 'raw', slash: true })];

/** Characters every encoder above leaves as they are. */
const UNCHANGED_BY_TEXT_ENCODINGS = /^[A-Za-z0-9._-]*$/;

const COLON = Buffer.from(':');
const NOTHING = Buffer.alloc(0);

/**
 * The base64 characters that `bytes` alone decide when they sit `shift` bytes past a 3-byte boundary
 * of a longer encoded value, `pre` and `post` being bytes known to surround them. With `end`, the
 * bytes end the value: the last character and the padding follow from them too.
 */
function base64Fragment(bytes: Buffer, shift: number, encoding: 'base64' | 'base64url', pre: Buffer, post: Buffer, end: boolean): string {
  const known = Buffer.concat([Buffer.alloc(shift), pre, bytes, post]);
  const full = known.toString(encoding);
  const lead = Math.ceil((shift * 8) / 6);
  return end ? full.slice(lead) : full.slice(lead, Math.floor((known.length * 8) / 6));
}

function base64Forms(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const encoding of ['base64', 'base64url'] as const) {
    for (let shift = 0; shift < 3; shift++) {
      const bare = base64Fragment(bytes, shift, encoding, NOTHING, NOTHING, false);
      if (bare.length >= MIN_BASE64_FRAGMENT) {
        out.push(bare);
        continue;
      }
      // Too short alone (a 4-byte secret): the neighbours a Basic pair gives it make it long enough.
      for (const [pre, post] of [[COLON, NOTHING], [NOTHING, COLON], [NOTHING, NOTHING]] as const) {
        for (const end of [false, true]) {
          const f = base64Fragment(bytes, shift, encoding, pre, post, end);
          if (f.length >= MIN_BASE64_FRAGMENT) out.push(f);
        }
      }
    }
  }
  return out;
}

/** Every form of one secret, longest first, each text once (labelled by the first encoding that gives it). */
export function secretForms(secret: string): SecretForm[] {
  const seen = new Map<string, SecretFormKind>();
  const add = (text: string, form: SecretFormKind): void => {
    if (text.length > 0 && !seen.has(text)) seen.set(text, form);
  };
  // Most tokens (hex, base64url, JWTs) hold nothing any text encoding changes: one text form.
  if (UNCHANGED_BY_TEXT_ENCODINGS.test(secret)) add(secret, 'plain');
  else for (const inner of INNER) {
    const encoded = inner.encode(secret);
    for (const outer of OUTER) add(outer.encode(encoded), inner.form === 'plain' ? outer.form : inner.form);
  }
  const sources = new Set([secret, formEncoded(secret), uriComponent(secret)]);
  for (const source of sources) {
    for (const fragment of base64Forms(Buffer.from(source, 'utf8'))) {
      add(fragment, 'base64');
      if (!UNCHANGED_BY_TEXT_ENCODINGS.test(fragment)) for (const encode of BASE64_OUTER) add(encode(fragment), 'base64');
    }
  }
  return [...seen].map(([text, form]) => ({ text, form })).sort((a, b) => b.text.length - a.text.length);
}

export interface Unfolded {
  readonly text: string;
  /** The position in the original text of a position in this one. */
  origin(index: number): number;
}

/**
 * A fold as each way of folding leaves it, raw or as a JSON report writes it (`\r\n` escaped): a line
 * break and one space or tab inserted anywhere (a long value cut at a fixed column), a line break
 * inserted before whitespace the value already had (RFC 5322 §2.2.3), or a break and an indentation.
 */
const FOLDS = [/\r\n[ \t]|\\r\\n(?: |\\t)/g, /\r\n(?=[ \t])|\\r\\n(?= |\\t)/g, /\r\n[ \t]+|\\r\\n(?: |\\t)+/g];

/**
 * The text with its line folds removed, once per way of folding, or nothing when it has no fold. An
 * obs-fold (RFC 9112 §5.2) in a header a server echoes, or a wrapped line, can cut a secret anywhere;
 * `origin` maps a match in an unfolded text back to the original, to mask or locate it there.
 */
export function unfoldings(text: string): Unfolded[] {
  const out: Unfolded[] = [];
  for (const fold of FOLDS) {
    const view = unfoldedBy(text, fold);
    if (!view) return [];
    if (!out.some((v) => v.text === view.text)) out.push(view);
  }
  return out;
}

function unfoldedBy(text: string, fold: RegExp): Unfolded | undefined {
  fold.lastIndex = 0;
  // Each piece of text between folds: where it starts in the unfolded text and in the original.
  const starts: number[] = [0];
  const origins: number[] = [0];
  let out = '';
  let from = 0;
  for (let m = fold.exec(text); m; m = fold.exec(text)) {
    out += text.slice(from, m.index);
    from = m.index + m[0].length;
    starts.push(out.length);
    origins.push(from);
  }
  if (from === 0) return undefined;
  out += text.slice(from);
  return {
    text: out,
    origin(index: number): number {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= index) lo = mid;
        else hi = mid - 1;
      }
      return origins[lo]! + (index - starts[lo]!);
    },
  };
}
