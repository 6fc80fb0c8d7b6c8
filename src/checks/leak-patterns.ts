/**
 * What an error response must not show a client (OWASP ASVS V7.4, CWE-209, CWE-497): stack frames,
 * file-system paths of the server, the default error pages of web frameworks, and the raw messages of
 * body parsers. Each pattern names the leak it finds, and `findLeaks` quotes the line that holds it,
 * so a finding shows the evidence rather than a verdict. The patterns are specific on purpose: an
 * error body that merely mentions a word (an API named "Express Checkout") must not fail.
 */

export type LeakKind = 'stack trace' | 'file-system path' | 'framework banner' | 'parser message';

interface LeakPattern {
  readonly kind: LeakKind;
  /** What it is, as a phrase: "a Node.js stack frame". */
  readonly label: string;
  readonly pattern: RegExp;
}

/**
 * A path starts after a character that cannot precede a path in a URL ("example.com/home/…" is a
 * URL, not a leak), so only paths standing on their own, or quoted in a message, count.
 */
const PATH_START = String.raw`(?<![\w.~%:/-])`;

export const LEAK_PATTERNS: readonly LeakPattern[] = [
  { kind: 'stack trace', label: 'a Node.js stack frame', pattern: /\bat (?:[\w$.<>[\] ]+ )?\(?(?:file:\/\/)?(?:\/|[A-Za-z]:\\|node:)[^\s()]*:\d+:\d+\)?/ },
  { kind: 'stack trace', label: 'a Python traceback', pattern: /Traceback \(most recent call last\)|\bFile "[^"]+", line \d+/ },
  { kind: 'stack trace', label: 'a Java stack trace', pattern: /\bjava\.(?:lang|io|util|net|sql)\.[\w$.]*(?:Exception|Error)\b|\bat (?:com|org|net|java|javax|jdk|sun|io)\.[\w$.]+\([\w$]*(?:\.java:\d+|Native Method|Unknown Source)?\)/ },
  { kind: 'stack trace', label: 'a .NET stack trace', pattern: /\bat [\w.`<>]+\([^)]*\) in [^\n]*:line \d+|System\.[\w.]+Exception:/ },
  { kind: 'stack trace', label: 'a PHP stack trace', pattern: /Stack trace:\s*#0|\b(?:Fatal error|Warning|Notice|Parse error): .* on line \d+/ },
  { kind: 'stack trace', label: 'a Ruby stack frame', pattern: /\.rb:\d+:in [`']/ },
  { kind: 'stack trace', label: 'a Go panic', pattern: /\bgoroutine \d+ \[running\]:|\bpanic: runtime error/ },
  {
    kind: 'file-system path',
    label: 'a server file-system path',
    pattern: new RegExp(`${PATH_START}/(?:home|root|Users|usr/src|usr/local/lib|var/www|var/lib|srv|opt)/[\\w.-]+|\\b[A-Za-z]:\\\\{1,2}(?:Users|inetpub|Windows|Program Files|[\\w .-]+\\\\)|\\bnode_modules[/\\\\]`),
  },
  { kind: 'framework banner', label: "Express's default error page", pattern: /\bCannot (?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/|X-Powered-By: Express/ },
  { kind: 'framework banner', label: 'the Werkzeug debugger', pattern: /Werkzeug Debugger|\bWerkzeug\/\d/ },
  { kind: 'framework banner', label: "Spring Boot's Whitelabel Error Page", pattern: /Whitelabel Error Page/ },
  { kind: 'framework banner', label: "Django's debug page", pattern: /You're seeing this error because you have <code>DEBUG = True<\/code>|DEBUG = True in your Django settings/ },
  { kind: 'framework banner', label: "ASP.NET's error page", pattern: /Server Error in '[^']*' Application|Exception Details: / },
  { kind: 'framework banner', label: 'a server version banner', pattern: /\b(?:nginx|Apache|Apache Tomcat|Jetty|Microsoft-IIS|Kestrel|gunicorn|Werkzeug)\/\d+(?:\.\d+)+/ },
  { kind: 'framework banner', label: 'a Laravel or Symfony debug page', pattern: /\bWhoops, looks like something went wrong|Symfony\\Component\\/ },
  { kind: 'parser message', label: 'a raw JSON parser message', pattern: /Unexpected (?:token|end of JSON input|non-whitespace character)[^\n]*(?:in JSON|JSON input|is not valid JSON)|\bSyntaxError: |\bJSONDecodeError\b|\bExpecting (?:value|property name enclosed in double quotes): line \d+ column \d+|\bJsonParseException\b|com\.fasterxml\.jackson|\bjson: cannot unmarshal\b|\binvalid character '.' (?:looking for|after)/ },
];

export interface Leak {
  readonly kind: LeakKind;
  readonly label: string;
  /** The line that holds it, as a reader of the page would see it (tags and entities resolved), clipped. */
  readonly line: string;
}

const QUOTED = 200;

/** Every kind of leak in a response body, each with the first line that shows it. */
export function findLeaks(body: string): Leak[] {
  const lines = readableLines(body);
  const out: Leak[] = [];
  for (const p of LEAK_PATTERNS) {
    if (out.some((l) => l.kind === p.kind && l.label === p.label)) continue;
    for (const line of lines) {
      const m = p.pattern.exec(line);
      if (m) {
        out.push({ kind: p.kind, label: p.label, line: clip(line, m.index) });
        break;
      }
    }
  }
  return out;
}

/** Whether a body is an HTML page (by its content type or its first characters). */
export function isHtml(contentType: string | undefined, body: string): boolean {
  if (contentType !== undefined && /^\s*(?:text\/html|application\/xhtml\+xml)\b/i.test(contentType)) return true;
  return /^\s*(?:<!DOCTYPE\s+html|<html[\s>])/i.test(body);
}

const ENTITIES: Readonly<Record<string, string>> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'", '#x27': "'", '#x2F': '/', '#47': '/' };

/**
 * The body as lines a person would read: an HTML page's line breaks (<br>, block ends) become new
 * lines, its tags go and its entities are resolved; escapes inside a JSON string (\n, \/, \\) are
 * undone, so a trace folded into one JSON field is read frame by frame.
 */
function readableLines(body: string): string[] {
  const text = body
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .replace(/\\\//g, '/')
    .replace(/\\\\/g, '\\')
    .replace(/<\s*(?:br|\/p|\/div|\/li|\/pre|\/h\d|\/title)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(nbsp|lt|gt|amp|quot|apos|#39|#x27|#x2F|#47);/gi, (_, e: string) => ENTITIES[e] ?? ENTITIES[e.toLowerCase()] ?? ' ');
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
}

/** The line around position `at`, at most QUOTED characters. */
function clip(line: string, at: number): string {
  if (line.length <= QUOTED) return line;
  const start = Math.max(0, Math.min(at - 40, line.length - QUOTED));
  return `${start > 0 ? '…' : ''}${line.slice(start, start + QUOTED)}${start + QUOTED < line.length ? '…' : ''}`;
}
