/**
 * Throughput of the mock's probe endpoint against a bare node:http server answering `{}`, under the
 * same autocannon load in the same run, so the ratio says what the contract machinery costs rather
 * than what this machine can do. Each server runs in its own process (the load generator would
 * otherwise steal its event loop) and reports its own CPU time over IPC; rounds alternate so drift
 * hits both alike; medians count.
 *
 *   npx tsx bench/mock.ts                    (writes the "## Mock throughput" section of bench/RESULTS.md)
 *   npx tsx bench/mock.ts --baseline <dir>   (also the mock of an older checkout, in the same rounds)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SPEC = fileURLToPath(new URL('../specs/vidizmo.yaml', import.meta.url));
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const SETTINGS = { connections: 10, duration: 5, pipelining: 1 } as const;
const ROUNDS = 5;
const GOAL = 0.8;
const COMMAND = 'npx tsx bench/mock.ts';

/** What a server process tells the runner: where to send load, and with which headers. */
interface Endpoint {
  readonly url: string;
  readonly headers: Record<string, string>;
}

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
/** autocannon ships CommonJS without types; only the fields read above are relied on. Loaded by the runner only, never by a server process. */
let autocannon: Autocannon | undefined;

async function serveBare(): Promise<Endpoint> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': 2 });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, headers: {} };
}

/**
 * The mock as `authconform mock` runs it: load the spec, start the mock, log in once. `root`: another
 * checkout whose mock to serve (the same spec file of that checkout), for a before-and-after in one run.
 */
async function serveMock(root?: string): Promise<Endpoint> {
  const from = (path: string): string => (root ? pathToFileURL(resolve(root, path)).href : new URL(`../${path}`, import.meta.url).href);
  const { loadContract } = (await import(from('src/contract/load.ts'))) as typeof import('../src/contract/load.js');
  const { startMock } = (await import(from('src/mock/server.ts'))) as typeof import('../src/mock/server.js');
  const contract = loadContract(root ? fileURLToPath(from('specs/vidizmo.yaml')) : SPEC);
  const mock = await startMock(contract);
  const login = await fetch(`${mock.url}${contract.acquire.request.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ emailAddress: contract.mock.credentials.email, password: contract.mock.credentials.password }),
  });
  const token = (await login.json()) as string;
  const email = encodeURIComponent(contract.mock.credentials.email ?? '');
  const url = `${mock.url}/api/v1/user/${email}?userPartsToFetch=BasicInfo`;
  const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (check.status !== 200) throw new Error(`the probe answered ${check.status} before the run`);
  return { url, headers: { authorization: `Bearer ${token}` } };
}

type Kind = 'bare' | 'mock' | 'before';
interface Server {
  readonly kind: Kind;
  readonly child: ChildProcess;
  readonly endpoint: Endpoint;
}

/** Starts `--serve <kind>` in a child process; it reports its endpoint, then answers CPU queries, over IPC. */
function startServer(kind: Kind, baseline?: string): Promise<Server> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', kind, ...(kind === 'before' && baseline ? [baseline] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ kind, child, endpoint: m as Endpoint }));
    child.once('exit', (code) => reject(new Error(`the ${kind} server exited (${code}) before it was ready`)));
  });
}

/** CPU time (µs, user + system) the server process has used so far, asked over IPC. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(Number(m)));
    child.send('cpu');
  });
}

async function load(endpoint: Endpoint, duration: number = SETTINGS.duration): Promise<AutocannonResult> {
  autocannon ??= createRequire(import.meta.url)('autocannon') as Autocannon;
  return autocannon({ url: endpoint.url, headers: endpoint.headers, connections: SETTINGS.connections, pipelining: SETTINGS.pipelining, duration });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const failures = (r: AutocannonResult): number => r.errors + r.timeouts + r.non2xx;

interface Run {
  readonly result: AutocannonResult;
  /** Server CPU time per completed request, µs. */
  readonly cpuPerRequest: number;
}

async function measure(server: Server): Promise<Run> {
  const before = await cpuOf(server.child);
  const result = await load(server.endpoint);
  const used = (await cpuOf(server.child)) - before;
  return { result, cpuPerRequest: used / Math.max(1, result.requests.total) };
}

const LABEL: Record<Kind, string> = {
  bare: 'bare node:http',
  mock: 'mock probe',
  before: 'mock probe, baseline checkout',
};

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const at = process.argv.indexOf('--baseline');
  const baseline = at >= 0 ? process.argv[at + 1] : undefined;
  if (at >= 0 && !baseline) throw new Error('--baseline needs the folder of an older checkout.');
  const kinds: Kind[] = baseline ? ['bare', 'before', 'mock'] : ['bare', 'mock'];
  const servers: Server[] = [];
  try {
    for (const kind of kinds) servers.push(await startServer(kind, baseline));
    // Warm every server up (JIT, connection set-up) before measuring.
    for (const s of servers) await load(s.endpoint, 1);
    const runs = new Map<Kind, Run[]>(servers.map((s) => [s.kind, []]));
    for (let i = 0; i < ROUNDS; i++) {
      const line: string[] = [];
      for (const s of servers) {
        const run = await measure(s);
        runs.get(s.kind)?.push(run);
        line.push(`${s.kind} ${run.result.requests.average.toFixed(0)} req/s (${run.cpuPerRequest.toFixed(1)} µs CPU/req)`);
      }
      console.log(`round ${i + 1}: ${line.join(', ')}`);
    }
    const of = (k: Kind): Run[] => runs.get(k) ?? [];
    const rps = (k: Kind): number => median(of(k).map((r) => r.result.requests.average));
    const cpu = (k: Kind): number => median(of(k).map((r) => r.cpuPerRequest));
    const errors = (k: Kind): number => of(k).reduce((n, r) => n + failures(r.result), 0);
    const ratio = rps('mock') / rps('bare');
    // Ratios round by round: both servers of a round met the same load on the machine.
    const ratios = (k: Kind): number[] => of(k).map((r, i) => r.result.requests.average / (of('bare')[i]?.result.requests.average ?? NaN));
    const spread = (k: Kind): string => {
      const xs = [...ratios(k)].sort((a, b) => a - b);
      return `${xs[0]?.toFixed(2)} / ${median(xs).toFixed(2)} / ${xs.at(-1)?.toFixed(2)}`;
    };
    const verdict = ratio >= GOAL && errors('mock') === 0 ? 'meets the goal' : 'misses the goal';
    const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const row = (k: Kind): string => {
      const last = of(k).at(-1)?.result;
      return `| ${LABEL[k]} | ${rps(k).toFixed(0)} | ${of(k).map((r) => r.result.requests.average.toFixed(0)).join(', ')} | ${cpu(k).toFixed(1)} | ${last?.latency.p50} / ${last?.latency.p99} | ${errors(k)} |`;
    };
    const section = [
      '## Mock throughput',
      '',
      `Command: \`${COMMAND}${baseline ? ' --baseline <older checkout>' : ''}\` (autocannon ${SETTINGS.connections} connections, pipelining ${SETTINGS.pipelining}, ${SETTINGS.duration} s per run, ${ROUNDS} rounds, each round measuring every server in turn after a 1 s warm-up each; medians of the rounds). Each server runs in its own node process; autocannon runs in the parent. Server CPU per request is the server process's user + system time over a run divided by the requests it completed.`,
      '',
      `- Target: the vidizmo mock's probe \`GET /api/v1/user/{email}?userPartsToFetch=BasicInfo\` with a valid Bearer token (route match, presentation parsing, session lookup, sliding-expiry update, a JSON \`{}\` reply) against a bare \`node:http\` server answering \`{}\` without reading the request.`,
      `- Machine: ${model}, ${availableParallelism()} CPUs, Node ${process.version}; 1-minute load average ${loadBefore.toFixed(2)} when the run started (other work shared the machine, so single rounds vary by ±20 %).`,
      '',
      '| server | median req/s | rounds (req/s) | median server CPU µs/request | p50 / p99 latency (ms, last round) | errors + timeouts + non-2xx |',
      '|---|---|---|---|---|---|',
      ...kinds.map(row),
      '',
      `Ratio mock / bare: **${ratio.toFixed(2)}×** requests per second (goal ≥ ${GOAL}×, 0 errors): ${verdict}. By median server CPU per request: ${(cpu('bare') / cpu('mock')).toFixed(2)}×. Round by round (min / median / max): ${spread('mock')}.`,
      ...(baseline
        ? [
            '',
            `Baseline checkout (\`--baseline\`, measured in the same rounds): ${(rps('before') / rps('bare')).toFixed(2)}× requests per second, round by round ${spread('before')}; ${errors('before')} errors; by median server CPU per request ${(cpu('bare') / cpu('before')).toFixed(2)}×.`,
          ]
        : []),
      '',
      'What limits it (profiled by hand with `--cpu-prof`; not measured by this script). In process, with',
      'no socket, the probe costs about 2.3 µs per request (4.0 µs before issue 14 item 4, measured the',
      'same way in the same minute): route match, presentation parsing, session lookup. Nothing of the',
      'contract is derived per request: routes, readers and templates are compiled at mock start, and a',
      'reply that does not vary (a success without issued values whose schema samples the same every time,',
      'a 404, a 405, the 413 and the 500) is built, and its JSON serialized, once. Of what remains, about',
      'a third is the route matcher decoding the percent-encoded e-mail segment of the path and a seventh',
      "the session lookup. The rest of the server's CPU per request is node's HTTP parsing and socket",
      'writes (`writev` leads every profile), which the bare server pays too. In a separate run (3 rounds',
      'of 3 s, same load), a bare server sent the probe\'s request (its path and a Bearer header) used 2–3',
      'µs more CPU per request than with `GET /`, and one in a process that had loaded the contract (ajv',
      'compiled) no more than one without; the mock used 5–8 µs more than the bare server on the same',
      'request. The load generator shares the two CPUs with the servers and with other work, so single',
      'rounds vary.',
      '',
    ].join('\n');
    console.log(`\nmock/bare = ${ratio.toFixed(2)}x req/s; errors: mock ${errors('mock')}, bare ${errors('bare')} (${verdict})`);
    writeSection(section);
    console.log(`wrote the "## Mock throughput" section of ${RESULTS}`);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

/** Replaces (or appends) this benchmark's section, leaving other sections of RESULTS.md as they are. */
function writeSection(section: string): void {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n\n';
  const start = current.indexOf('## Mock throughput');
  if (start < 0) {
    writeFileSync(RESULTS, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  const rest = next < 0 ? '' : current.slice(next + 1);
  writeFileSync(RESULTS, `${current.slice(0, start)}${section}${rest ? `\n${rest}` : ''}`);
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) {
  const kind = process.argv[serveIndex + 1];
  const endpoint = kind === 'bare' ? await serveBare() : await serveMock(kind === 'before' ? process.argv[serveIndex + 2] : undefined);
  process.send?.(endpoint);
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.(user + system);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}
