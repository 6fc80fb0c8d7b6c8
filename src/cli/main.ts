/**
 * The `authconform` command: picks the subcommand and turns every outcome into an exit code (see
 * `EXIT`). A fault in authconform itself is one line on stderr, never a stack trace.
 */
import { EXIT, MAIN_USAGE, version } from './usage.js';

type Command = (argv: string[]) => Promise<number>;

// Subcommands are loaded on first use, so `--help` stays fast and one command's dependencies do not
// slow another. Adding a command is adding one line here (and one in MAIN_USAGE).
const COMMANDS: Readonly<Record<string, Command>> = {
  lint: async (argv) => (await import('./lint.js')).runLint(argv),
  mock: async (argv) => (await import('./mock.js')).runMock(argv),
  new: async (argv) => (await import('./new.js')).runNew(argv),
};

export async function main(argv: string[]): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(MAIN_USAGE);
      return EXIT.ok;
    }
    if (name === '--version' || name === '-v') {
      process.stdout.write(`${version()}\n`);
      return EXIT.ok;
    }
    const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) {
      const what = name === undefined ? 'no command given.' : `unknown command '${name}'.`;
      process.stderr.write(`authconform: ${what}\n\n${MAIN_USAGE}`);
      return EXIT.usage;
    }
    return await command(rest);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`authconform: internal error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT.internal;
  }
}
