/**
 * The leak scan: proves that no secret a run knew (credentials, every token issued or presented)
 * reached a file it wrote. Every file under the given folders is searched for every secret in every
 * form the Redactor masks (src/http/secret-forms.ts: plain, percent-encoded, JSON- and XML-escaped,
 * base64 at any alignment, wrapped once more by a report writer), also where a line fold splits it;
 * archives are searched inside (Playwright's HTML report embeds its data as a base64 zip). A hit names
 * the file and byte offset, never the secret. A file that cannot be read or opened counts as a
 * problem: the scan fails closed.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { secretForms, unfoldings, type SecretFormKind } from '../http/secret-forms.js';
import { isZip, zipEntries } from './zip.js';

export type LeakForm = SecretFormKind;

export interface LeakHit {
  /** The file, relative to the scan's base folder. */
  readonly file: string;
  /** The entry inside an archive (`<archive at byte N>/<entry name>`), when the hit is in one. */
  readonly entry?: string;
  /** Byte offset in the file, or in the entry when there is one. */
  readonly offset: number;
  readonly form: LeakForm;
  /** The secret was split by a line fold (`\r\n` and a space or tab) where it was found. */
  readonly folded?: true;
  /** 1-based position of the secret in the scanned list: tells hits of one secret apart without showing it. */
  readonly secret: number;
}

export interface LeakScanResult {
  readonly files: number;
  readonly secrets: number;
  readonly hits: readonly LeakHit[];
  /** Files or archives that could not be searched, with why. */
  readonly problems: readonly string[];
}

interface Needle {
  readonly bytes: Buffer;
  readonly form: LeakForm;
  readonly secret: number;
}

/** Hits reported per file at most, so one leaked token does not bury the rest of the report. */
const MAX_HITS_PER_FILE = 20;
const EMBEDDED_ZIP = 'data:application/zip;base64,';

/** Every byte sequence that would betray one of the secrets. */
export function needles(secrets: readonly string[]): Needle[] {
  const out: Needle[] = [];
  secrets.forEach((secret, i) => {
    for (const { text, form } of secretForms(secret)) {
      const bytes = Buffer.from(text, 'utf8');
      // The index keys on four bytes; MIN_SECRET_LENGTH keeps every form at least that long.
      if (bytes.length >= 4) out.push({ bytes, form, secret: i + 1 });
    }
  });
  return out;
}

/** Folds as bytes, to tell cheaply whether a buffer needs its unfolded texts searched too. */
const FOLD_MARKS = ['\r\n ', '\r\n\t', '\\r\\n ', '\\r\\n\\t'].map((m) => Buffer.from(m, 'latin1'));

/** Hits that only the buffer with its line folds removed shows: a secret a fold split. */
function searchFolded(buf: Buffer, index: Map<number, Needle[]>, limit: number): { offset: number; needle: Needle }[] {
  if (!FOLD_MARKS.some((m) => buf.includes(m))) return [];
  // Latin-1 maps each byte to one character, so positions in the text are byte offsets.
  return unfoldings(buf.toString('latin1'))
    .flatMap((view) =>
      search(Buffer.from(view.text, 'latin1'), index, limit).map(({ offset, needle }) => ({
        offset: view.origin(offset),
        end: view.origin(offset + needle.bytes.length - 1) + 1,
        needle,
      })),
    )
    // A match that spans no fold was found in the buffer itself already.
    .filter(({ offset, end, needle }) => end - offset > needle.bytes.length)
    .filter((hit, i, all) => all.findIndex((h) => h.offset === hit.offset) === i)
    .slice(0, limit)
    .map(({ offset, needle }) => ({ offset, needle }));
}

/** All offsets of any needle in a buffer: one pass, candidates found by their first four bytes. */
function search(buf: Buffer, index: Map<number, Needle[]>, limit: number): { offset: number; needle: Needle }[] {
  const found: { offset: number; needle: Needle }[] = [];
  for (let i = 0; i + 4 <= buf.length; i++) {
    const key = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) >>> 0;
    const candidates = index.get(key);
    if (!candidates) continue;
    for (const n of candidates) {
      if (i + n.bytes.length <= buf.length && buf.compare(n.bytes, 0, n.bytes.length, i, i + n.bytes.length) === 0) {
        found.push({ offset: i, needle: n });
        if (found.length >= limit) return found;
        break;
      }
    }
  }
  return found;
}

function indexOf(list: readonly Needle[]): Map<number, Needle[]> {
  const index = new Map<number, Needle[]>();
  for (const n of list) {
    const key = n.bytes.readUInt32LE(0);
    const at = index.get(key) ?? [];
    at.push(n);
    index.set(key, at);
  }
  // Longest first, so a hit is reported as the fullest form that matched.
  for (const at of index.values()) at.sort((a, b) => b.bytes.length - a.bytes.length);
  return index;
}

function* filesUnder(root: string): Generator<string> {
  let stat;
  try {
    stat = lstatSync(root);
  } catch {
    return; // A folder the run did not create has nothing to leak.
  }
  if (stat.isSymbolicLink()) return;
  if (stat.isFile()) {
    yield root;
    return;
  }
  if (!stat.isDirectory()) return;
  for (const name of readdirSync(root).sort()) yield* filesUnder(join(root, name));
}

function isBase64Byte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f || b === 0x3d;
}

/** Archives inside a file: the file itself when it is a zip, and base64 zips embedded in a page. */
function archivesIn(buf: Buffer): { at: number; data: Buffer }[] {
  const out: { at: number; data: Buffer }[] = [];
  if (isZip(buf)) out.push({ at: 0, data: buf });
  let from = 0;
  for (;;) {
    const at = buf.indexOf(EMBEDDED_ZIP, from, 'latin1');
    if (at < 0) break;
    const start = at + EMBEDDED_ZIP.length;
    let end = start;
    while (end < buf.length && isBase64Byte(buf[end]!)) end++;
    out.push({ at: start, data: Buffer.from(buf.toString('latin1', start, end), 'base64') });
    from = end;
  }
  return out;
}

/** Scans every file under `roots` (files or folders) for the secrets. Paths in the result are relative to `base`. */
export function scanForLeaks(roots: readonly string[], secrets: readonly string[], base = process.cwd()): LeakScanResult {
  const list = needles(secrets);
  const index = indexOf(list);
  const hits: LeakHit[] = [];
  const problems: string[] = [];
  let files = 0;
  const scanBuffer = (buf: Buffer, file: string, entry: string | undefined, depth: number): void => {
    if (list.length) {
      for (const { offset, needle } of search(buf, index, MAX_HITS_PER_FILE)) {
        hits.push({ file, ...(entry !== undefined ? { entry } : {}), offset, form: needle.form, secret: needle.secret });
      }
      for (const { offset, needle } of searchFolded(buf, index, MAX_HITS_PER_FILE)) {
        hits.push({ file, ...(entry !== undefined ? { entry } : {}), offset, form: needle.form, folded: true, secret: needle.secret });
      }
    }
    if (depth > 2) return;
    for (const archive of archivesIn(buf)) {
      const entries = zipEntries(archive.data);
      const where = `${entry !== undefined ? `${entry}/` : ''}archive at byte ${archive.at}`;
      if (entries instanceof Error) {
        problems.push(`${file}: the ${where} cannot be opened (${entries.message}), so it was not searched`);
        continue;
      }
      for (const e of entries) scanBuffer(e.data, file, `${where}/${e.name}`, depth + 1);
    }
  };
  for (const root of roots) {
    for (const path of filesUnder(root)) {
      const file = relative(base, path) || path;
      let buf: Buffer;
      try {
        buf = readFileSync(path);
      } catch (e) {
        problems.push(`${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}), so it was not searched`);
        continue;
      }
      files++;
      scanBuffer(buf, file, undefined, 0);
    }
  }
  return { files, secrets: secrets.length, hits, problems };
}

/** What the scan found, as lines for the terminal: locations and forms, never a secret. */
export function describeLeakScan(result: LeakScanResult): string[] {
  const scope = `${result.files} file${result.files === 1 ? '' : 's'} for ${result.secrets} secret${result.secrets === 1 ? '' : 's'}`;
  if (!result.hits.length && !result.problems.length) return [`Leak scan: 0 hits in ${scope}.`];
  const lines: string[] = [];
  if (result.hits.length) {
    lines.push(`Leak scan: ${result.hits.length} hit${result.hits.length === 1 ? '' : 's'} in ${scope}. A secret the run knew was written to:`);
    for (const h of result.hits) {
      lines.push(`  ${h.file}${h.entry ? ` (inside ${h.entry})` : ''} at byte ${h.offset}: secret #${h.secret}, ${h.form} form${h.folded ? ', split by a line fold' : ''}`);
    }
  }
  if (result.problems.length) {
    lines.push(`Leak scan: ${result.problems.length} file${result.problems.length === 1 ? '' : 's'} could not be searched, so the reports are not proven clean:`);
    for (const p of result.problems) lines.push(`  ${p}`);
  }
  return lines;
}
