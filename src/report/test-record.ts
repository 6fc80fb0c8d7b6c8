/**
 * One finished conformance test, read from reporter events only: the test's tags and annotations, its
 * result's status, errors, annotations and attachments. Playwright replays exactly these when it
 * merges shard blobs, so a matrix built from records is the same for a run and for its merged shards.
 */
import { readFileSync } from 'node:fs';
import type { Level } from '../checks/check.js';
import type { Exchange } from '../http/exchange.js';
import { ANNOTATION, BROKEN, EXCHANGES_ATTACHMENT, annotation, type Annotation } from './annotations.js';
import { specTagPrefix } from './tags.js';

/** Playwright's status of the last attempt, or `notRun` for a test the run never reached. */
export type Outcome = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted' | 'notRun';

export interface TestRecord {
  /** The spec id (from the describe's `@spec:<id>` tag, else the project name). */
  readonly provider: string;
  readonly title: string;
  /** Absent for a test that is not a check (the pre-flight, or the one reporting an invalid spec). */
  readonly check?: string;
  /** The test could not judge its target (failed pre-flight, invalid spec, harness error). */
  readonly broken?: boolean;
  /** The test is its provider's pre-flight. */
  readonly preflight?: boolean;
  /** What a failed check's finding comes from, shared by findings of one root cause. */
  readonly cause?: string;
  /** Why the target's server is known to break this check: the test was an expected failure. */
  readonly knownBreach?: string;
  readonly level?: Level;
  /** What must hold: the title after `<check id>: `. */
  readonly summary: string;
  /** The clause enforced, quoted. */
  readonly rule?: string;
  readonly outcome: Outcome;
  /** The failure message: the verdict text for a failed check. */
  readonly message?: string;
  /** Why the check was skipped. */
  readonly reason?: string;
  /** What a passing check observed. */
  readonly observed?: string;
  readonly providerName?: string;
  readonly document?: { readonly title: string; readonly url?: string };
  readonly target?: { readonly kind: string; readonly baseUrl: string };
  readonly sleptSeconds?: number;
  readonly durationMs: number;
  /** The recorded exchanges (already redacted), when the test attached them. */
  readonly exchanges?: readonly Exchange[];
}

/** The parts of Playwright's `TestCase` a record reads. */
export interface TestLike {
  readonly title: string;
  readonly tags: readonly string[];
  readonly annotations: readonly Annotation[];
  readonly parent: { project(): { readonly name: string } | undefined };
}

/** The parts of Playwright's `TestResult` a record reads. */
export interface ResultLike {
  readonly status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  readonly duration: number;
  readonly errors: readonly { readonly message?: string; readonly value?: string }[];
  readonly annotations?: readonly Annotation[];
  readonly attachments: readonly { readonly name: string; readonly contentType: string; readonly body?: Buffer; readonly path?: string }[];
}

/**
 * Which attempt of a retried test a report shows: the last one, except that a skip never hides an
 * earlier failure. A retry of a check that found something is skipped when, say, the target's
 * bad-credential allowance was spent by the first attempt; the finding still stands.
 */
export function shownAttempt<R extends Pick<ResultLike, 'status'>>(earlier: R | undefined, later: R): R {
  if (earlier && later.status === 'skipped' && (earlier.status === 'failed' || earlier.status === 'timedOut')) return earlier;
  return later;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function recordOf(test: TestLike, result: ResultLike | undefined): TestRecord {
  const notes = [...test.annotations, ...(result?.annotations ?? [])];
  const get = (type: string): string | undefined => annotation(notes, type);
  const check = get(ANNOTATION.check);
  const level = get(ANNOTATION.level);
  const spec = test.tags.find((t) => t.startsWith(specTagPrefix()));
  const provider = spec ? spec.slice(specTagPrefix().length) : (test.parent.project()?.name ?? 'unknown');
  const title = test.title;
  const summary = check && title.startsWith(`${check}: `) ? title.slice(check.length + 2) : title;
  const documentTitle = get(ANNOTATION.document);
  const documentUrl = get(ANNOTATION.documentUrl);
  const target = get(ANNOTATION.target);
  const slept = Number(get(ANNOTATION.slept));
  const message = result?.errors
    .map((e) => withoutErrorName((e.message ?? e.value ?? '').replace(ANSI, ''), check))
    .filter(Boolean)
    .join('\n\n');
  const exchanges = result ? exchangesOf(result.attachments) : undefined;
  const optional = {
    ...(check !== undefined ? { check } : {}),
    ...(get(ANNOTATION.verdict) === BROKEN ? { broken: true } : {}),
    ...(get(ANNOTATION.preflight) !== undefined ? { preflight: true } : {}),
    ...(get(ANNOTATION.cause) ? { cause: get(ANNOTATION.cause) } : {}),
    ...(get(ANNOTATION.knownBreach) !== undefined ? { knownBreach: get(ANNOTATION.knownBreach) } : {}),
    ...(level === 'MUST' || level === 'SHOULD' ? { level: level as Level } : {}),
    ...(get(ANNOTATION.source) !== undefined ? { rule: get(ANNOTATION.source) } : {}),
    ...(message ? { message } : {}),
    ...(result?.status === 'skipped' ? { reason: get(ANNOTATION.skip) || 'skipped without a reason' } : {}),
    ...(get(ANNOTATION.observed) !== undefined ? { observed: get(ANNOTATION.observed) } : {}),
    ...(get(ANNOTATION.provider) !== undefined ? { providerName: get(ANNOTATION.provider) } : {}),
    ...(documentTitle !== undefined ? { document: { title: documentTitle, ...(documentUrl ? { url: documentUrl } : {}) } } : {}),
    ...(target ? { target: parseTarget(target) } : {}),
    ...(Number.isFinite(slept) && slept > 0 ? { sleptSeconds: slept } : {}),
    ...(exchanges ? { exchanges } : {}),
  };
  return { provider, title, summary, outcome: result?.status ?? 'notRun', durationMs: result?.duration ?? 0, ...optional };
}

/**
 * `ConformanceFailure: expiry.ttl (MUST) failed …` → `expiry.ttl (MUST) failed …`, and `TargetBroken: acme could
 * not be judged …` → `acme could not be judged …`: the text speaks for itself.
 */
function withoutErrorName(message: string, check: string | undefined): string {
  if (message.startsWith('TargetBroken: ')) return message.slice('TargetBroken: '.length);
  const m = /^[A-Za-z]\w*: /.exec(message);
  return m && check && message.startsWith(`${check} `, m[0].length) ? message.slice(m[0].length) : message;
}

function parseTarget(text: string): { kind: string; baseUrl: string } {
  const space = text.indexOf(' ');
  return space < 0 ? { kind: text, baseUrl: '' } : { kind: text.slice(0, space), baseUrl: text.slice(space + 1) };
}

/** The exchanges attachment, from its inline body or (after a blob merge, sometimes) its file. */
function exchangesOf(attachments: ResultLike['attachments']): Exchange[] | undefined {
  const a = attachments.find((x) => x.name === EXCHANGES_ATTACHMENT);
  if (!a) return undefined;
  try {
    const text = a.body ? a.body.toString('utf8') : a.path ? readFileSync(a.path, 'utf8') : undefined;
    if (text === undefined) return undefined;
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as Exchange[]) : undefined;
  } catch {
    // An unreadable attachment is not evidence; the cell still shows the verdict and its message.
    return undefined;
  }
}
