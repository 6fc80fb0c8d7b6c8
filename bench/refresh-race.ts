/**
 * A refresh race: for every seed spec whose refresh credential rotates, one credential is acquired
 * from the embedded mock and refreshed by 100 requests sent at once, each over its own connection.
 * A rotated refresh credential is good for one refresh, so exactly one request may win; two winners
 * would mean the mock checks and spends the credential in two steps that requests can interleave.
 */
import { Agent } from 'undici';
import { loadContract } from '../src/contract/load.js';
import type { CheckContext } from '../src/checks/context.js';
import { mustAcquire, refresh } from '../src/checks/flows.js';
import { envLabel, newRunId } from '../src/checks/run.js';
import { serverTime } from '../src/checks/time.js';
import { HttpClient, Recorder } from '../src/http/client.js';
import { Redactor } from '../src/http/redact.js';
import { startMock } from '../src/mock/server.js';
import { mockTarget } from '../src/target/mock.js';

export interface RaceResult {
  readonly spec: string;
  readonly attempts: number;
  /** Refreshes answered with the documented success and a new credential. */
  readonly winners: number;
  /** How many requests got each status. */
  readonly statuses: Readonly<Record<string, number>>;
}

export async function refreshRace(specFile: string, attempts = 100): Promise<RaceResult | undefined> {
  const contract = loadContract(specFile);
  if (contract.refresh?.rotation !== true) return undefined;
  const mock = await startMock(contract);
  const agent = new Agent({ connections: attempts, pipelining: 1 });
  try {
    const redactor = new Redactor();
    const target = mockTarget(contract, mock.url);
    const http = new HttpClient(new Recorder(redactor), { dispatcher: agent });
    const ctx: CheckContext = { contract, target, http, redactor, time: serverTime(target, http, envLabel(contract.id)), run: newRunId() };
    const credential = await mustAcquire(ctx);
    const results = await Promise.all(Array.from({ length: attempts }, (_, i) => refresh(ctx, credential, { purpose: `refresh race ${i + 1}` })));
    const statuses: Record<string, number> = {};
    for (const r of results) statuses[r.res.status || 'no response'] = (statuses[r.res.status || 'no response'] ?? 0) + 1;
    return { spec: contract.id, attempts, winners: results.filter((r) => r.credential).length, statuses };
  } finally {
    await agent.close();
    await mock.close();
  }
}
