/**
 * The annotations a conformance test carries. They are the only channel from a test to the reports:
 * reporters read them back from the test's result, so a report built from merged shard blobs sees
 * exactly what a report built during the run sees (nothing is kept in worker memory).
 */
export const ANNOTATION = {
  /** The check id (static, on the test declaration). */
  check: 'check',
  /** MUST or SHOULD (static). */
  level: 'level',
  /** The clause enforced, quoted (static). */
  source: 'source',
  /** Seconds really slept while the check ran. */
  slept: 'slept',
  /** What a passing check observed. */
  observed: 'observed',
  /** The provider's human name. */
  provider: 'provider',
  /** The title of the provider document the spec is written from. */
  document: 'document',
  /** The URL of that document, when the spec gives one. */
  documentUrl: 'document-url',
  /** Where the check ran: `<kind> <base URL>`, e.g. `mock http://127.0.0.1:40123`. */
  target: 'target',
  /** Set by Playwright for a skipped test; its description is the reason. */
  skip: 'skip',
  /**
   * `broken` when the test could not judge its target (a failed pre-flight, an invalid spec, a harness
   * error): not a finding about the server. Absent for a verdict about the server.
   */
  verdict: 'verdict',
  /**
   * What a failed check's finding comes from, when many checks can fail for one reason (an error
   * object whose body does not match its schema): failures with the same cause are grouped.
   */
  cause: 'cause',
  /** What a check opened on the target and could not release afterwards (never changes the verdict). */
  release: 'release',
  /** Marks the pre-flight test of a provider (static). */
  preflight: 'preflight',
  /**
   * Why the target's server is known to break this check (fixtures/third-party/registry.ts): the test
   * is an expected failure (`test.fail`). With a failed result it is a known breach; with a passed one,
   * an expected failure that did not happen.
   */
  knownBreach: 'known-breach',
} as const;

/** The `verdict` annotation's value for a test that could not judge its target. */
export const BROKEN = 'broken';

/** The attachment holding a check's exchanges, already redacted. */
export const EXCHANGES_ATTACHMENT = 'exchanges.json';

export interface Annotation {
  readonly type: string;
  readonly description?: string;
}

/** The description of the last annotation of a type (a later one overrides an earlier one). */
export function annotation(annotations: readonly Annotation[], type: string): string | undefined {
  for (let i = annotations.length - 1; i >= 0; i--) {
    const a = annotations[i];
    if (a?.type === type) return a.description;
  }
  return undefined;
}
