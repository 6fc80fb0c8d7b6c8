/**
 * Secrets never survive redaction, whatever characters they hold and however they were carried: random
 * secrets over the whole printable ASCII range and some Unicode, each placed in the carriers a run
 * really produces or meets (a form body, a JSON body, a query string, Basic credentials, a JSON report,
 * an HTML page, a folded header, a header undici decoded as Latin-1), encoded here independently of
 * src/http/secret-forms.ts. The Redactor must leave none of the secret's forms; the leak scan must
 * find every carrier and every form planted in a file, and nothing in the redacted output.
 *
 * Reproducible: the seed is fixed (AUTHCONFORM_REDACT_SEED overrides it, AUTHCONFORM_REDACT_CASES the
 * number of secrets); a failure names the case, the carrier and the secret as JSON.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redactor } from '../../src/http/redact.js';
import { secretForms } from '../../src/http/secret-forms.js';
import { scanForLeaks, type LeakHit } from '../../src/report/leak-scan.js';
import { prng } from '../support/prng.js';

const SEED = Number(process.env.AUTHCONFORM_REDACT_SEED ?? 20250217);
const CASES = Number(process.env.AUTHCONFORM_REDACT_CASES ?? 300);
/** Secrets whose every form is also planted in a file of its own (the rest are scanned through their carriers). */
const FORM_CASES = 40;

const work = mkdtempSync(join(tmpdir(), 'authconform-redact-property-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Characters encoders disagree about, drawn more often than their share of the printable range. */
const AWKWARD = [...`~!'()*%+&= "<>/\\#?:;@[]{}|^\``];
const UNICODE = ['ä', 'ö', 'ß', 'é', 'ñ', 'ø', '✓', '€', '中', '文', '😀', '🔑', '\u00a0', '\u2028'];

function randomSecret(rand: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const length = 4 + Math.floor(rand() ** 2 * 36);
  const chars: string[] = [];
  while (chars.length < length) {
    const r = rand();
    if (r < 0.2) chars.push(pick(AWKWARD));
    else if (r < 0.32) chars.push(pick(UNICODE));
    else chars.push(String.fromCharCode(0x20 + Math.floor(rand() * 95)));
  }
  // A secret does not start or end with a space: nothing issues one, and carriers trim them.
  if (chars[0] === ' ') chars[0] = 'a';
  if (chars.at(-1) === ' ') chars[chars.length - 1] = 'z';
  return chars.join('');
}

// Independent encoders: what the code that writes the carriers does, not what the redactor knows.
const pythonJson = (v: unknown): string => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const formValue = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);

/** Splits a text between two code points, so no character is cut in half. */
function splitAt(s: string, rand: () => number): [string, string] {
  const points = [...s];
  const at = 1 + Math.floor(rand() * (points.length - 1));
  return [points.slice(0, at).join(''), points.slice(at).join('')];
}

interface Carrier {
  readonly name: string;
  /** The text as the run would record or write it, un-redacted. */
  readonly raw: string;
  /** The same text after the redactor. */
  redact(r: Redactor): string;
  /** The text to check for forms: folds removed where the carrier folds. */
  readonly unfolds?: true;
}

function carriers(secret: string, rand: () => number): Carrier[] {
  const text = (name: string, raw: string, unfolds?: true): Carrier => ({ name, raw, redact: (r) => r.text(raw), ...(unfolds ? { unfolds } : {}) });
  const body = (name: string, raw: string): Carrier => ({ name, raw, redact: (r) => r.body(raw) });
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'conformance-post-client', client_secret: secret }).toString();
  const query = new URL('https://as.example/callback?code=abc');
  query.searchParams.set('state', secret);
  const [head, tail] = splitAt(secret, rand);
  const folded = `X-Echo: token=${head}\r\n${rand() < 0.5 ? ' ' : '\t'}${tail}; realm="api"`;
  const ids = ['c', 'cl', 'cli'];
  const id = ids[Math.floor(rand() * ids.length)]!;
  return [
    body('form body (URLSearchParams)', form),
    body('JSON body', JSON.stringify({ grant_type: 'password', note: secret })),
    text('JSON body with ASCII-only escapes (Python)', pythonJson({ error: 'invalid_client', error_description: `unknown secret ${secret}` })),
    text('query string (url.searchParams)', query.toString()),
    text('query string (encodeURIComponent)', `https://as.example/callback?state=${encodeURIComponent(secret)}&x=1`),
    text(`Basic ${id}:secret`, `Basic ${b64(`${id}:${secret}`)}`),
    text('Basic client_id:client_secret', `Basic ${b64(`conformance-basic-client:${secret}`)}`),
    text('Basic secret:x', `Basic ${b64(`${secret}:x`)}`),
    text('Basic secret: (no password)', `Basic ${b64(`${secret}:`)}`),
    text('base64url of id:secret', b64url(`${id}:${secret}`)),
    text('Basic of form-encoded parts (RFC 6749 §2.3.1)', `Basic ${b64(`${formValue('conformance-post-client')}:${formValue(secret)}`)}`),
    text('JSON report of an exchange', JSON.stringify({ request: { body: form }, response: { body: JSON.stringify({ echo: secret }) } }, null, 2)),
    text('HTML page', `<tr><td title="${escapeHtml(secret)}">${escapeHtml(secret)}</td></tr>`),
    text('header folded mid-secret', folded, true),
    text('folded header inside a JSON report', JSON.stringify({ headers: { 'x-echo': folded } }), true),
    { name: 'header echoed, read as Latin-1', raw: Buffer.from(secret, 'utf8').toString('latin1'), redact: (r) => r.headers({ 'x-echo': Buffer.from(secret, 'utf8').toString('latin1') })['x-echo']! },
  ];
}

interface Case {
  readonly index: number;
  readonly secret: string;
  readonly carriers: Carrier[];
}

/** Each carrier of a case after a redactor that knows the case's secret (computed once, for both tests that need it). */
const redactions = new Map<Case, string[]>();
function redacted(c: Case): string[] {
  let out = redactions.get(c);
  if (!out) {
    const r = new Redactor();
    r.add(c.secret, 'canary');
    out = c.carriers.map((carrier) => carrier.redact(r));
    redactions.set(c, out);
  }
  return out;
}

const rand = prng(SEED);
const cases: Case[] = Array.from({ length: CASES }, (_, index) => {
  const secret = randomSecret(rand);
  return { index, secret, carriers: carriers(secret, rand) };
});

const unfolded = (s: string): string => s.replace(/\r\n[ \t]+/g, '').replace(/\\r\\n(?: |\\t)+/g, '');
const label = (c: Case, carrier?: Carrier): string => `case ${c.index}${carrier ? `, ${carrier.name}` : ''}, secret ${JSON.stringify(c.secret)}`;

describe(`redaction of ${CASES} random secrets (seed ${SEED})`, () => {
  it('leaves none of a secret’s forms in any carrier', () => {
    for (const c of cases) {
      const forms = secretForms(c.secret).map((f) => f.text);
      for (const [i, carrier] of c.carriers.entries()) {
        const out = redacted(c)[i]!;
        assert.notEqual(out, carrier.raw, `${label(c, carrier)}: nothing was masked`);
        const seen = carrier.unfolds ? unfolded(out) : out;
        const left = forms.find((f) => seen.includes(f));
        assert.equal(left, undefined, `${label(c, carrier)}: ${JSON.stringify(left)} is left in ${JSON.stringify(out)}`);
      }
    }
  });

  it('has the leak scan find every carrier planted in a file, and nothing in what the redactor left', () => {
    const planted = cases.map((c) => plant(join(work, 'carriers', String(c.index)), c.carriers.map((carrier) => carrier.raw)));
    mkdirSync(join(work, 'redacted'));
    for (const c of cases) writeFileSync(join(work, 'redacted', `${c.index}.txt`), redacted(c).join('\n'));
    const secrets = cases.map((c) => c.secret);
    const raw = scanForLeaks([join(work, 'carriers')], secrets, work);
    for (const c of cases) {
      const own = raw.hits.filter((h) => h.secret === c.index + 1);
      planted[c.index]!.forEach((at, i) => assert.ok(foundIn(own, at), `${label(c, c.carriers[i])}: the scan missed it`));
    }
    const clean = scanForLeaks([join(work, 'redacted')], secrets, work);
    const leaked = clean.hits.map((h) => `${h.file} at ${h.offset}: ${label(cases[h.secret - 1]!)}, ${h.form} form`);
    assert.deepEqual(leaked, [], 'the redacted carriers still hold a secret');
    assert.deepEqual([...raw.problems, ...clean.problems], []);
  });

  it('has the leak scan find every form planted in a file, whole and split by a line fold', () => {
    const folds = ['\r\n ', '\r\n\t', '\\r\\n ', '\\r\\n\\t'];
    for (const c of cases.slice(0, FORM_CASES)) {
      const dir = join(work, `forms-${c.index}`);
      const forms = secretForms(c.secret);
      const whole = plant(join(dir, 'whole'), forms.map((f) => f.text));
      const split = plant(
        join(dir, 'folded'),
        forms.map((f, i) => {
          const [head, tail] = splitAt(f.text, rand);
          return `${head}${folds[i % folds.length]!}${tail}`;
        }),
      );
      const result = scanForLeaks([dir], [c.secret], dir);
      forms.forEach((f, i) => {
        assert.ok(foundIn(result.hits, whole[i]!, false), `${label(c)}: the ${f.form} form ${JSON.stringify(f.text)} was not found`);
        assert.ok(foundIn(result.hits, split[i]!, true), `${label(c)}: the ${f.form} form ${JSON.stringify(f.text)} split by a fold was not found`);
      });
    }
  });
});

interface Planted {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Writes texts a few to a file, one a line, and says where each went. Few files keep the test quick;
 * few texts a file keep each under the scan's cap of hits per file.
 */
function plant(dir: string, texts: readonly string[]): Planted[] {
  const PER_FILE = 8;
  mkdirSync(dir, { recursive: true });
  const out: Planted[] = [];
  for (let first = 0; first < texts.length; first += PER_FILE) {
    const file = join(dir, `${first / PER_FILE}.txt`);
    let content = '';
    for (const text of texts.slice(first, first + PER_FILE)) {
      content += 'planted → ';
      const start = Buffer.byteLength(content);
      content += text;
      out.push({ file, start, end: Buffer.byteLength(content) });
      content += '\n';
    }
    writeFileSync(file, content);
  }
  return out;
}

/** Whether a hit lies in the planted text; with `folded`, only a hit of that kind counts. */
function foundIn(hits: readonly LeakHit[], at: Planted, folded?: boolean): boolean {
  return hits.some((h) => at.file.endsWith(h.file) && h.offset >= at.start && h.offset < at.end && (folded === undefined || (h.folded ?? false) === folded));
}
