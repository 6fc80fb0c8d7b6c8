/**
 * Running one check against a target: builds its context, runs it, and turns whatever happens into a
 * verdict with redacted evidence. A check never throws past this point: a broken rule is a failed
 * verdict, an unobservable one a skip, and a harness error a failed verdict that says so. After the
 * verdict, whatever the check left open on the target is released (release.ts); that never changes
 * the verdict, and what could not be released is noted on it.
 */
import { randomBytes } from 'node:crypto';
import type { Contract } from '../contract/model.js';
import { HttpClient, Recorder, type ClientOptions } from '../http/client.js';
import type { Redactor } from '../http/redact.js';
import type { Check, Verdict } from './check.js';
import { CannotObserve, Unmet, type CheckContext, type Target } from './context.js';
import { Ledger, openLedger } from './ledger.js';
import { release } from './release.js';
import { serverTime } from './time.js';

/** A run: one contract against one target, sharing secrets and a run id across checks. */
export interface RunScope {
  readonly contract: Contract;
  readonly target: Target;
  readonly redactor: Redactor;
  readonly run: string;
  /** The connection pool every check's requests go through (default: one pool shared by the process). */
  readonly dispatcher?: ClientOptions['dispatcher'];
}

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** Variable-name form of a contract id: `basic-key-token` → `BASIC_KEY_TOKEN`. */
export function envLabel(id: string): string {
  return id.toUpperCase().replace(/-/g, '_');
}

export interface CheckRun {
  readonly verdict: Verdict;
  /** Seconds slept for real while the check ran. */
  readonly slept: number;
}

export async function runCheck(check: Check, scope: RunScope): Promise<CheckRun> {
  const recorder = new Recorder(scope.redactor);
  const http = new HttpClient(recorder, { timeoutMs: scope.target.timeoutMs, ...(scope.dispatcher ? { dispatcher: scope.dispatcher } : {}) });
  const ledger = new Ledger();
  const time = ledger.timed(serverTime(scope.target, http, envLabel(scope.contract.id)));
  for (const values of [scope.target.credentials, scope.target.secondCredentials ?? {}]) {
    for (const [name, value] of Object.entries(values)) if (scope.contract.credentials[name]?.secret !== false) scope.redactor.add(value, name);
  }
  const ctx: CheckContext = { contract: scope.contract, target: scope.target, http, redactor: scope.redactor, time, run: scope.run };
  openLedger(ctx, ledger);
  let verdict: Verdict;
  try {
    verdict = await check.run(ctx);
  } catch (e) {
    if (e instanceof Unmet) verdict = { status: 'fail', expected: e.expected, actual: e.actual, exchanges: [], ...(e.rootCause !== undefined ? { cause: e.rootCause } : {}) };
    else if (e instanceof CannotObserve) verdict = { status: 'skip', reason: e.message, exchanges: [] };
    else verdict = { status: 'fail', expected: 'the check to run to completion', actual: `harness error: ${(e as Error).message}`, harness: true, exchanges: [] };
  }
  const unreleased = await release(ctx, ledger).catch((e: unknown) => `could not release what this check opened: ${(e as Error).message}`);
  // Evidence is attached here, after the check, so every secret learnt during it is redacted.
  const exchanges = recorder.exchanges();
  const r = scope.redactor;
  const note = unreleased !== undefined ? { release: r.text(unreleased) } : {};
  const redacted: Verdict =
    verdict.status === 'fail'
      ? {
          ...verdict,
          expected: r.text(verdict.expected),
          actual: r.text(verdict.actual),
          ...(verdict.cause !== undefined ? { cause: r.text(verdict.cause) } : {}),
          exchanges,
          ...note,
        }
      : verdict.status === 'skip'
        ? { ...verdict, reason: r.text(verdict.reason), exchanges, ...note }
        : { ...verdict, ...(verdict.detail !== undefined ? { detail: r.text(verdict.detail) } : {}), exchanges, ...note };
  return { verdict: redacted, slept: time.slept() };
}

/** Verdict helpers for checks: evidence is filled in by runCheck. */
export const pass = (detail?: string): Verdict => ({ status: 'pass', exchanges: [], ...(detail !== undefined ? { detail } : {}) });
export const fail = (expected: string, actual: string): Verdict => ({ status: 'fail', expected, actual, exchanges: [] });
export const skip = (reason: string): Verdict => ({ status: 'skip', reason, exchanges: [] });
