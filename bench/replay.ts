/**
 * The raw baseline of the scale benchmark: the recorded exchanges of a conformance run sent again with
 * undici to fresh mocks, with plain assertions (each status as recorded) and nothing else — no check
 * library, no Playwright, no reports. It loads the specs and starts the mocks as the suite does, and
 * replays every provider at once, each provider's exchanges in their recorded order.
 *
 *   npx tsx bench/replay.ts <recording.json>
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { loadContract } from '../src/contract/load.js';
import { startMock } from '../src/mock/server.js';
import { flatHeaders, freezeClock, type ProviderRecording, type Recording } from './exchange.js';
import { Substitutions } from './substitute.js';

async function replayProvider(p: ProviderRecording, agent: Agent): Promise<number> {
  const mock = await startMock(loadContract(p.spec));
  const subs = new Substitutions();
  try {
    for (const [i, e] of p.exchanges.entries()) {
      const res = await request(`${mock.url}${subs.apply(e.path)}`, {
        method: e.method as 'GET',
        headers: subs.applyHeaders(e.headers),
        ...(e.body !== undefined ? { body: subs.apply(e.body) } : {}),
        dispatcher: agent,
      });
      const body = await res.body.text();
      assert.equal(res.statusCode, e.status, `${p.id} exchange ${i + 1} (${e.method} ${e.path}): status ${res.statusCode}, recorded ${e.status}`);
      subs.learn({ headers: e.responseHeaders, body: e.responseBody }, { headers: flatHeaders(res.headers), body });
    }
  } finally {
    await mock.close();
  }
  return p.exchanges.length;
}

export async function replay(recording: Recording): Promise<number> {
  freezeClock(recording.frozenAt);
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: 16 });
  try {
    const counts = await Promise.all(recording.providers.map((p) => replayProvider(p, agent)));
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    await agent.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx bench/replay.ts <recording.json>');
    process.exit(2);
  }
  const rec = JSON.parse(readFileSync(file, 'utf8')) as Recording;
  const exchanges = await replay(rec);
  console.log(JSON.stringify({ providers: rec.providers.length, exchanges }));
}
