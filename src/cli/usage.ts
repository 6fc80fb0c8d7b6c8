/**
 * How the `authconform` command talks to its user: the usage texts and the exit codes, in one place so
 * every subcommand answers the same way.
 */
import { readFileSync } from 'node:fs';

/** Exit codes: a shell script or CI step can tell a bad spec from a bad command line. */
export const EXIT = {
  /** Everything checked out. */
  ok: 0,
  /** A spec has problems (each printed as file:line:col: message). */
  problems: 1,
  /** The command line itself is wrong: unknown command, unknown option, no files. */
  usage: 2,
  /** A fault in authconform itself (sysexits EX_SOFTWARE); reported as one line, never a stack trace. */
  internal: 70,
} as const;

export const MAIN_USAGE = `Usage: authconform <command> [options]

Commands:
  lint <files...> [--format text|json]   Check spec files and report every problem as file:line:col: message.
  mock <spec> [--port N] [--fault NAME]  Serve a mock of the provider a spec describes (mock --help for more).
  new <id> [--out FILE] [--force]        Write a commented starter spec (default specs/<id>.yaml).
  help                                   Show this help.

Options:
  -h, --help      Show this help.
  -v, --version   Show the version.

Exit status: 0 clean, 1 spec problems, 2 usage error, 70 internal error.
`;

export const LINT_USAGE = `Usage: authconform lint <files...> [--format text|json]

Checks each spec file against the spec format and its rules, and reports every problem of every file.

Options:
  -f, --format text|json   text (default): one "file:line:col: message" line per problem on stdout and a
                           summary on stderr; json: one JSON array of {file, line, col, pointer, message}.
  -h, --help               Show this help.

Exit status: 0 clean, 1 spec problems, 2 usage error.
`;

export const NEW_USAGE = `Usage: authconform new <id> [--out FILE] [--force]

Writes a commented starter spec for a new provider: every required section filled with placeholders
that the mock serves, the optional sections commented out, and the schema modeline for editors.
Replace each TODO with what the provider's document says (docs/writing-a-spec.md); lint lists every
source still saying TODO until then.

Arguments:
  <id>               The spec id: lower-case letters, digits and '-', starting with a letter. It names
                     the Playwright project and the AUTHCONFORM_<ID>_* variables.

Options:
  -o, --out FILE     Where to write it (default specs/<id>.yaml); missing folders are created.
  -f, --force        Overwrite FILE if it exists (otherwise nothing is written and the exit status is 1).
  -h, --help         Show this help.

Exit status: 0 written, 1 not written (the file exists or cannot be written), 2 usage error.
`;

/** The version in package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}
