/**
 * `authconform mock <spec>`: serves the embedded mock of a spec on loopback for client developers
 * and for suites run by hand. It prints one ready line (`listening on http://127.0.0.1:N`), then one
 * redacted line per exchange, and stops cleanly on SIGINT or SIGTERM. `--list-faults` shows what each
 * fault breaks and which specs it applies to.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatProblem } from '../contract/errors.js';
import { loadContractFile } from '../contract/load.js';
import type { Contract } from '../contract/model.js';
import { faultByName, FAULTS } from '../mock/faults.js';
import { startMock, type RunningMock } from '../mock/server.js';
import { EXIT } from './usage.js';

export const MOCK_USAGE = `Usage: authconform mock <spec> [--port N] [--host 127.0.0.1] [--fault NAME] [--ttl S] [--idle S]
       authconform mock [<spec>] --list-faults

Serves a mock of the provider the spec describes, with a test clock (POST /__test/clock/advance).

Options:
  --port N        Port to listen on (default 0: a free port).
  --host H        Address to listen on (default 127.0.0.1).
  --fault NAME    Break exactly one rule of the contract (see --list-faults).
  --ttl S         Replace the spec's lifetime.ttl (seconds).
  --idle S        Replace the spec's lifetime.idle (seconds).
  --list-faults   List the faults, what each breaks, and which specs it applies to.
  -h, --help      Show this help.

Exit status: 0 stopped cleanly, 1 spec problems, 2 usage error.
`;

/** Where the command writes, and (for callers other than a shell) a signal that stops the server. */
export interface MockIo {
  out(text: string): void;
  err(text: string): void;
  readonly stop?: AbortSignal;
}

const processIo: MockIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

interface Parsed {
  readonly spec?: string;
  readonly port: number;
  readonly host: string;
  readonly fault?: string;
  readonly ttl?: number;
  readonly idle?: number;
  readonly listFaults: boolean;
  readonly help: boolean;
}

/** Runs the `mock` subcommand; resolves with the exit code once the server has stopped. */
export async function runMock(argv: string[], io: MockIo = processIo): Promise<number> {
  const parsed = parse(argv);
  if (typeof parsed === 'string') return usageError(io, parsed);
  if (parsed.help) {
    io.out(MOCK_USAGE);
    return EXIT.ok;
  }

  let contract: Contract | undefined;
  if (parsed.spec !== undefined) {
    const loaded = loadContractFile(parsed.spec);
    if (!loaded.contract || loaded.problems.length) {
      for (const p of loaded.problems) io.err(`${formatProblem(p)}\n`);
      return EXIT.problems;
    }
    contract = loaded.contract;
  }
  if (parsed.listFaults) {
    io.out(listFaults(contract));
    return EXIT.ok;
  }
  if (!contract) return usageError(io, 'no spec given.');

  if (parsed.fault !== undefined) {
    const fault = faultByName(parsed.fault);
    if (!fault) return usageError(io, `unknown fault '${parsed.fault}'; see --list-faults.`);
    if (!fault.applies(contract)) return usageError(io, `fault '${fault.name}' does not apply to ${contract.id}: it needs ${fault.when}.`);
  }
  for (const name of ['ttl', 'idle'] as const) {
    if (parsed[name] !== undefined && contract.lifetime?.[name] === undefined) {
      return usageError(io, `--${name} replaces lifetime.${name}, which ${contract.id} does not declare.`);
    }
  }

  let mock: RunningMock;
  try {
    mock = await startMock(contract, {
      host: parsed.host,
      port: parsed.port,
      ...(parsed.fault !== undefined && { fault: parsed.fault }),
      ...(parsed.ttl !== undefined && { ttl: parsed.ttl }),
      ...(parsed.idle !== undefined && { idle: parsed.idle }),
      log: (line) => io.out(`${line}\n`),
      // A client developer's mock expires tokens in real time (and faster with /__test/clock/advance).
      realTime: true,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${parsed.port} on ${parsed.host} is already in use.` : err.message;
    return usageError(io, `cannot start the mock: ${why}`, false);
  }
  io.out(`listening on ${mock.url}\n`);
  await stopRequested(io.stop);
  await mock.close();
  return EXIT.ok;
}

function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop);
  });
}

function parse(argv: string[]): Parsed | string {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        fault: { type: 'string' },
        ttl: { type: 'string' },
        idle: { type: 'string' },
        'list-faults': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const option = /'([^']+)'/.exec(String(err.message))?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return option ? `unknown option '${option}'.` : 'unknown option.';
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return option ? `option '${option}' needs a value.` : 'an option needs a value.';
    return String(err.message ?? e).split('\n')[0] ?? 'bad arguments.';
  }
  if (positionals.length > 1) return `one spec at a time; got ${positionals.length}.`;

  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || String(values.port ?? '0').trim() === '') {
    return '--port must be a whole number from 0 to 65535.';
  }
  const seconds = (name: 'ttl' | 'idle'): number | string | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(n) && n > 0 ? n : `--${name} must be a positive number of seconds.`;
  };
  const ttl = seconds('ttl');
  if (typeof ttl === 'string') return ttl;
  const idle = seconds('idle');
  if (typeof idle === 'string') return idle;
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  if (host.trim() === '') return '--host needs an address, such as 127.0.0.1.';

  return {
    ...(positionals[0] !== undefined && { spec: positionals[0] }),
    port,
    host,
    ...(typeof values.fault === 'string' && { fault: values.fault }),
    ...(ttl !== undefined && { ttl }),
    ...(idle !== undefined && { idle }),
    listFaults: values['list-faults'] === true,
    help: values.help === true,
  };
}

/** The fault table: for one spec, whether each applies; otherwise which specs under ./specs it applies to. */
export function listFaults(contract: Contract | undefined): string {
  const specs = contract ? [contract] : seedContracts();
  const rows = FAULTS.map((f) => {
    let where: string;
    if (contract) where = f.applies(contract) ? 'applies' : `does not apply (needs ${f.when})`;
    else if (specs.length) {
      const ids = specs.filter((c) => f.applies(c)).map((c) => c.id);
      where = ids.length ? `${ids.join(', ')} (${f.when})` : `none of ./specs (needs ${f.when})`;
    } else where = `when ${f.when}`;
    return [f.name, where, f.breaks] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  const head = contract ? `Faults for ${contract.id} (${contract.file}):\n` : 'Faults (applies to the specs under ./specs):\n';
  return head + rows.map(([name, where, breaks]) => `${name.padEnd(width)}${breaks}\n${' '.repeat(width)}-> ${where}\n`).join('');
}

function seedContracts(): Contract[] {
  let files: string[];
  try {
    files = readdirSync('specs').filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  } catch {
    return [];
  }
  return files.flatMap((f) => loadContractFile(join('specs', f)).contract ?? []);
}

function usageError(io: MockIo, message: string, usage = true): number {
  io.err(`authconform mock: ${message}\n${usage ? `\n${MOCK_USAGE}` : ''}`);
  return EXIT.usage;
}
