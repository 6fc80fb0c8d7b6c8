/**
 * `authconform new <id>`: writes a commented starter spec that loads and that the mock serves as
 * written, with the schema modeline pointing at the published JSON Schema from wherever the file goes.
 * Its `source` values say TODO, which lint lists until each cites the provider's document. It never
 * overwrites a file unless told to.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Output } from './lint.js';
import { starterSpec } from './templates/starter-spec.js';
import { EXIT, NEW_USAGE } from './usage.js';

const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** The spec id rule of the format (schema.ts `id`), checked before anything is written. */
const ID_PATTERN = /^[a-z][a-z0-9-]*$/;

/** The JSON Schema editors validate specs against, shipped with authconform. */
const SCHEMA_FILE = fileURLToPath(new URL('../../schema/authconform-spec.schema.json', import.meta.url));

/** The folder the Playwright configuration reads specs from when AUTHCONFORM_SPECS is not set. */
const DEFAULT_SPECS_DIR = 'specs';

interface Parsed {
  readonly id?: string;
  readonly out?: string;
  readonly force: boolean;
  readonly help: boolean;
}

/** Runs the `new` subcommand; returns the exit code. */
export async function runNew(argv: string[], io: Output = processOutput): Promise<number> {
  const parsed = parse(argv);
  if (typeof parsed === 'string') return usageError(io, parsed);
  if (parsed.help) {
    io.out(NEW_USAGE);
    return EXIT.ok;
  }
  const { id } = parsed;
  if (id === undefined) return usageError(io, 'no spec id given; try: authconform new acme.');
  if (!ID_PATTERN.test(id)) {
    return usageError(
      io,
      `'${id}' is not a valid spec id: use lower-case letters, digits and '-', starting with a letter (such as ${suggestId(id)}). The id names the Playwright project and the AUTHCONFORM_<ID>_* variables.`,
    );
  }
  const out = parsed.out ?? join(DEFAULT_SPECS_DIR, `${id}.yaml`);
  const ext = extname(out);
  if (ext !== '.yaml' && ext !== '.yml') {
    return usageError(io, `--out must name a .yaml or .yml file (lint and the suite look for those), but it is '${out}'.`);
  }

  const text = starterSpec({ id, schemaRef: schemaRef(out) });
  try {
    mkdirSync(dirname(out), { recursive: true });
    // 'wx' fails if the file exists, with no window between a check and the write.
    writeFileSync(out, text, { flag: parsed.force ? 'w' : 'wx' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') {
      io.err(`authconform new: ${out} already exists; nothing was written. Give another --out, or add --force to overwrite it.\n`);
      return EXIT.problems;
    }
    io.err(`authconform new: cannot write ${out}: ${err.code === 'EISDIR' ? 'it is a folder' : err.message}.\n`);
    return EXIT.problems;
  }

  io.out(nextSteps(id, out));
  return EXIT.ok;
}

/** The modeline's `$schema`: the shipped schema, relative to the folder the spec is written in. */
export function schemaRef(out: string): string {
  const rel = relative(resolve(dirname(out)), SCHEMA_FILE).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function nextSteps(id: string, out: string): string {
  // The suite runs the specs of one folder: specs/, or the one AUTHCONFORM_SPECS names.
  const specsDir = process.env.AUTHCONFORM_SPECS || DEFAULT_SPECS_DIR;
  const inSuite = resolve(dirname(out)) === resolve(specsDir);
  const test = inSuite
    ? `npx playwright test --project=${id}`
    : `AUTHCONFORM_SPECS=${shellWord(dirname(out))} npx playwright test --project=${id}`;
  return `Wrote ${out}: a starter spec for '${id}' that runs against its mock as written.
Describe the provider in it: replace each TODO (every \`source\` wants the document's sentence; lint
lists those left) and uncomment the optional sections the document covers. Guide: docs/writing-a-spec.md

Next:
  npx authconform lint ${shellWord(out)}
  npx authconform mock ${shellWord(out)} --port 4010
  ${test}
`;
}

/** A path as one shell word. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** A valid id close to what was typed: `My_API` → `my-api`. */
function suggestId(id: string): string {
  const s = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
  return ID_PATTERN.test(s) ? `'${s}'` : "'acme' or 'my-api'";
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
        out: { type: 'string', short: 'o' },
        force: { type: 'boolean', short: 'f' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const option = /'([^']+)'/.exec(String(err.message))?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return option ? `unknown option '${option}'.` : 'unknown option.';
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return '--out needs a file name, such as specs/acme.yaml.';
    return String(err.message ?? e).split('\n')[0] ?? 'bad arguments.';
  }
  if (positionals.length > 1) return `one spec id at a time; got ${positionals.length}: ${positionals.join(' ')}.`;
  if (typeof values.out === 'string' && values.out.trim() === '') return '--out needs a file name, such as specs/acme.yaml.';
  return {
    ...(positionals[0] !== undefined && { id: positionals[0] }),
    ...(typeof values.out === 'string' && { out: values.out }),
    force: values.force === true,
    help: values.help === true,
  };
}

function usageError(io: Output, message: string): number {
  io.err(`authconform new: ${message}\n\n${NEW_USAGE}`);
  return EXIT.usage;
}
