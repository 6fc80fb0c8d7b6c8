/**
 * A check: one rule of an auth contract, as a named object. Checks judge any target through the
 * `CheckContext` they are given; they never import the mock or Playwright.
 */
import type { Contract } from '../contract/model.js';
import type { Exchange } from '../http/exchange.js';
import type { CheckContext } from './context.js';

export type Level = 'MUST' | 'SHOULD';

export const FAMILIES = ['acquire', 'present', 'errors', 'jwt', 'expiry', 'refresh', 'revoke', 'tokens', 'robust', 'security'] as const;
export type Family = (typeof FAMILIES)[number];

export interface Pass {
  readonly status: 'pass';
  readonly exchanges: readonly Exchange[];
  /** What was observed, for the report ("refused with 400 ExpiredAccessTokenException at TTL + 1 s"). */
  readonly detail?: string;
  /** What the check opened on the target and could not release afterwards (release.ts); absent when all was. */
  readonly release?: string;
}

export interface Fail {
  readonly status: 'fail';
  readonly exchanges: readonly Exchange[];
  /** What the contract expected, as a sentence. */
  readonly expected: string;
  /** What came instead, as a sentence. */
  readonly actual: string;
  /**
   * The root cause, when many checks can fail for the same one (error responses whose body or headers
   * miss the contract's error): reports group the findings that share it.
   */
  readonly cause?: string;
  /** The check itself broke (a harness error), so nothing was learnt about the server: reported as broken. */
  readonly harness?: true;
  readonly release?: string;
}

export interface Skip {
  readonly status: 'skip';
  readonly exchanges: readonly Exchange[];
  /** Why the check could not be observed on this target, and what would make it run. */
  readonly reason: string;
  readonly release?: string;
}

export type Verdict = Pass | Fail | Skip;

export interface Check {
  /** Stable id, `family.name`; never changes once published. */
  readonly id: string;
  readonly family: Family;
  readonly level: Level;
  /** One line: what must hold. */
  readonly summary: string;
  /**
   * A security property (a forged, altered or missing credential refused, no secret echoed): its
   * findings are security findings, reported apart from other breaches of the contract.
   */
  readonly security?: boolean;
  /** The clause enforced: the contract's quoted source sentence for this rule, or an RFC clause. */
  source(contract: Contract): string;
  /** Whether the contract states the rule this check enforces. */
  applies(contract: Contract): boolean;
  run(ctx: CheckContext): Promise<Verdict>;
}
