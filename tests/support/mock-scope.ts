/**
 * Test support: a seed contract served by the embedded mock (optionally with a fault), as a run scope
 * the check library can be pointed at.
 */
import { fileURLToPath } from 'node:url';
import { loadContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/model.js';
import type { Check, Verdict } from '../../src/checks/check.js';
import { newRunId, runCheck, type RunScope } from '../../src/checks/run.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';

export const SEED_IDS = ['waldo', 'private-tokens', 'identity-credentials', 'vidizmo', 'basic-key-token'] as const;

const cache = new Map<string, Contract>();
export function seed(id: string): Contract {
  let c = cache.get(id);
  if (!c) {
    c = loadContract(fileURLToPath(new URL(`../../specs/${id}.yaml`, import.meta.url)));
    cache.set(id, c);
  }
  return c;
}

export interface MockScope {
  readonly scope: RunScope;
  /** Runs one check against this mock. */
  verdict(check: Check): Promise<Verdict>;
  close(): Promise<void>;
}

export async function mockScope(id: string, options: { fault?: string } = {}): Promise<MockScope> {
  const contract = seed(id);
  const mock = await startMock(contract, options.fault ? { fault: options.fault } : {});
  const scope: RunScope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
  return {
    scope,
    verdict: async (check) => (await runCheck(check, scope)).verdict,
    close: () => mock.close(),
  };
}

/** A one-line account of a verdict for assertion messages. */
export function explain(v: Verdict): string {
  if (v.status === 'fail') return `fail: expected ${v.expected}; got ${v.actual}`;
  if (v.status === 'skip') return `skip: ${v.reason}`;
  return `pass${v.detail ? `: ${v.detail}` : ''}`;
}

/**
 * The verdicts of some checks, by id, against one fresh mock of any contract (a seed or a variant of
 * one), optionally with a fault, and optionally judged as a live target (which some checks treat apart).
 */
export async function verdictsOn(
  contract: Contract,
  checks: readonly Check[],
  options: { readonly fault?: string; readonly live?: boolean } = {},
): Promise<Record<string, Verdict>> {
  const mock = await startMock(contract, options.fault ? { fault: options.fault } : {});
  try {
    const target = mockTarget(contract, mock.url);
    const scope: RunScope = { contract, target: options.live ? { ...target, kind: 'live' } : target, redactor: new Redactor(), run: newRunId() };
    const out: Record<string, Verdict> = {};
    for (const check of checks) out[check.id] = (await runCheck(check, scope)).verdict;
    return out;
  } finally {
    await mock.close();
  }
}

/** One check's verdict against a fresh mock of any contract, optionally with a fault. */
export async function verdictOn(contract: Contract, check: Check | undefined, fault?: string): Promise<Verdict> {
  if (!check) throw new TypeError('no such check');
  return (await verdictsOn(contract, [check], fault ? { fault } : {}))[check.id] as Verdict;
}
