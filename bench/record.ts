/**
 * Records the HTTP exchanges of a conformance run for the replay benchmark: every spec of a folder
 * against its embedded mock, with the checks the suite runs, in the suite's order, one run scope per
 * provider as a Playwright worker has. A recording undici dispatcher sees each request as sent and each
 * response as received, raw.
 *
 *   npx tsx bench/record.ts <specs folder> <recording.json>
 */
import { writeFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';
import { checksFor } from '../src/checks/catalog.js';
import { newRunId, runCheck } from '../src/checks/run.js';
import { specFiles } from '../src/contract/discover.js';
import { loadContract } from '../src/contract/load.js';
import { Redactor } from '../src/http/redact.js';
import { startMock } from '../src/mock/server.js';
import { mockTarget } from '../src/target/mock.js';
import { flatHeaders, freezeClock, type ProviderRecording, type RawExchange, type Recording } from './exchange.js';

type Handler = Dispatcher.DispatchHandler;

/** An undici interceptor handing every completed exchange to `sink`, in the order they complete. */
function recording(sink: (e: RawExchange) => void): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler: Handler) => {
    let status = 0;
    let responseHeaders: Record<string, string> = {};
    const chunks: Buffer[] = [];
    const tap: Handler = {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart: (controller, statusCode, headers, statusMessage) => {
        status = statusCode;
        responseHeaders = flatHeaders(headers);
        return handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
      },
      onResponseData: (controller, chunk) => {
        chunks.push(Buffer.from(chunk));
        return handler.onResponseData?.(controller, chunk);
      },
      onResponseEnd: (controller, trailers) => {
        sink({
          method: opts.method,
          path: opts.path,
          headers: flatHeaders(opts.headers),
          ...(typeof opts.body === 'string' ? { body: opts.body } : {}),
          status,
          responseHeaders,
          responseBody: Buffer.concat(chunks).toString('utf8'),
        });
        return handler.onResponseEnd?.(controller, trailers);
      },
      onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    };
    return dispatch(opts, tap);
  };
}

export interface RecordSummary {
  readonly providers: number;
  readonly checks: number;
  readonly exchanges: number;
  /** Checks that did not pass, as `provider check: status`; a faultless mock passes every check. */
  readonly notPassed: readonly string[];
  /** Seconds the checks really slept, summed (0 against mocks: they have the test clock). */
  readonly slept: number;
}

export async function recordRun(specsDir: string): Promise<{ recording: Recording; summary: RecordSummary }> {
  const frozenAt = Date.now();
  freezeClock(frozenAt);
  const providers: ProviderRecording[] = [];
  const notPassed: string[] = [];
  let checks = 0;
  let slept = 0;
  for (const spec of specFiles(specsDir)) {
    const contract = loadContract(spec);
    const mock = await startMock(contract);
    const exchanges: RawExchange[] = [];
    const agent = new Agent({ keepAliveTimeout: 4_000, connections: 16 });
    try {
      const scope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId(), dispatcher: agent.compose(recording((e) => exchanges.push(e))) };
      for (const check of checksFor(contract)) {
        checks++;
        const run = await runCheck(check, scope);
        const { verdict } = run;
        slept += run.slept;
        if (verdict.status !== 'pass') notPassed.push(`${contract.id} ${check.id}: ${verdict.status}`);
      }
    } finally {
      await agent.close();
      await mock.close();
    }
    providers.push({ spec, id: contract.id, exchanges });
  }
  const exchanges = providers.reduce((n, p) => n + p.exchanges.length, 0);
  return { recording: { frozenAt, providers }, summary: { providers: providers.length, checks, exchanges, notPassed, slept } };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const [specsDir, out] = process.argv.slice(2);
  if (!specsDir || !out) {
    console.error('usage: npx tsx bench/record.ts <specs folder> <recording.json>');
    process.exit(2);
  }
  const { recording: rec, summary } = await recordRun(specsDir);
  writeFileSync(out, JSON.stringify(rec), { mode: 0o600 });
  console.log(JSON.stringify(summary));
}
