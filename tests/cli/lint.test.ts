/**
 * `authconform lint`, run as a user runs it: the real command in a child process. Proves the exit codes
 * (0 clean, 1 spec problems, 2 usage), the `file:line:col: message` lines, the JSON format, and that no
 * stack trace ever reaches the terminal.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SPECS = ['basic-key-token', 'identity-credentials', 'private-tokens', 'vidizmo', 'waldo'].map((id) => `specs/${id}.yaml`);
const tmp = mkdtempSync(join(tmpdir(), 'authconform-lint-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/authconform.js …` from the repository root, as `npx authconform …` does. */
function authconform(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/authconform.js', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** 1-based line of the first line of `text` that starts with `start` (after indentation). */
function lineOf(text: string, start: string): number {
  const i = text.split('\n').findIndex((l) => l.trimStart().startsWith(start));
  assert.ok(i >= 0, `no line starts with ${start}`);
  return i + 1;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function assertNoStackTrace(r: Run): void {
  assert.doesNotMatch(r.stdout + r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace reached the terminal');
}

// Each test starts its own process; they run side by side.
describe('authconform lint', { concurrency: true }, () => {
  test('the seed specs are clean: exit 0, nothing on stdout, a summary on stderr', async () => {
    const r = await authconform('lint', ...SPECS);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim(), '5 specs OK');
  });

  test("a file holding 'provider: [' exits 1 and prints that-file:L:C: message", async () => {
    const file = join(tmp, 'unclosed.yaml');
    writeFileSync(file, 'provider: [\n');
    const r = await authconform('lint', file);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0] ?? '', new RegExp(`^${escapeRe(file)}:\\d+:\\d+: YAML syntax error: .+\\.$`));
    assert.equal(r.stderr.trim(), '1 problem in 1 of 1 file');
    assertNoStackTrace(r);
  });

  test('every problem of every file is reported, in the order the files were given', async () => {
    const a = join(tmp, 'a.yaml');
    const b = join(tmp, 'b.yaml');
    const waldo = readFileSync(join(root, 'specs/waldo.yaml'), 'utf8');
    const textA = waldo.replace('id: waldo', 'id: Waldo').replace('format: jwt', 'format: jws');
    const textB = waldo.replace('id: waldo', 'id: waldo-b').replace('  scheme: Bearer\n  source:', '  scheem: Bearer\n  source:');
    writeFileSync(a, textA);
    writeFileSync(b, textB);
    const r = await authconform('lint', a, 'specs/vidizmo.yaml', b);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(': ')[0]),
      [
        `${a}:${lineOf(textA, 'id: Waldo')}:5`,
        `${a}:${lineOf(textA, 'format: jws')}:11`,
        // The misspelt key alone: the "missing 'scheme'" it causes is folded into the did-you-mean.
        `${b}:${lineOf(textB, 'scheem:')}:3`,
      ],
    );
    assert.match(lines[2] ?? '', /Unknown key 'scheem' in 'present'\. Did you mean 'scheme'\?/);
    assert.equal(r.stderr.trim(), '3 problems in 2 of 3 files');
  });

  test('two specs with the same id: the second file is reported at its id', async () => {
    const copy = join(tmp, 'waldo-copy.yaml');
    copyFileSync(join(root, 'specs/waldo.yaml'), copy);
    const r = await authconform('lint', 'specs/waldo.yaml', copy, 'specs/waldo.yaml');
    assert.equal(r.code, 1);
    const line = lineOf(readFileSync(copy, 'utf8'), 'id: waldo');
    assert.equal(r.stdout.trim(), `${copy}:${line}:5: The id 'waldo' is already used by specs/waldo.yaml. Each spec needs its own id: it names the spec's Playwright project and environment variables.`);
  });

  test('a missing file is a spec problem: exit 1', async () => {
    const r = await authconform('lint', 'specs/waldo.yaml', 'specs/nope.yaml');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'specs/nope.yaml:1:1: Cannot read the spec: no such file.\n');
    assert.equal(r.stderr.trim(), '1 problem in 1 of 2 files');
  });

  test('even a fault inside authconform is one line on stderr, never a stack trace', async () => {
    // An alias with no anchor: the loader has crashed on it (exit 70, "internal error"); once it
    // reports the alias as a spec problem the exit is 1. Either way the user sees no stack trace.
    const file = join(tmp, 'alias.yaml');
    writeFileSync(file, 'authconform: 1\nid: *nowhere\n');
    const r = await authconform('lint', file);
    assert.ok(r.code === 1 || r.code === 70, `exit ${r.code}`);
    if (r.code === 70) assert.match(r.stderr, /^authconform: internal error: [^\n]+\n$/);
    else assert.match(r.stdout, new RegExp(`^${escapeRe(file)}:2:\\d+: `));
    assertNoStackTrace(r);
  });

  test('--format json prints one JSON array on stdout: empty when clean, one row per problem otherwise', async () => {
    const clean = await authconform('lint', '--format', 'json', ...SPECS);
    assert.equal(clean.code, 0);
    assert.deepEqual(JSON.parse(clean.stdout), []);

    const file = join(tmp, 'json.yaml');
    const text = readFileSync(join(root, 'specs/vidizmo.yaml'), 'utf8').replace('    seconds: 1200\n', '    seconds: 20m\n');
    writeFileSync(file, text);
    const broken = await authconform('lint', `--format=json`, file);
    assert.equal(broken.code, 1);
    assert.deepEqual(JSON.parse(broken.stdout), [
      {
        file,
        line: lineOf(text, 'seconds: 20m'),
        col: 14,
        pointer: '/lifetime/idle/seconds',
        message: "'lifetime.idle.seconds' must be a whole number, but it is the string '20m'.",
      },
    ]);
  });

  test('usage errors exit 2 with the usage on stderr: no files, an unknown option, an unknown format', async () => {
    const cases = [['lint'], ['lint', '--fix', 'specs/waldo.yaml'], ['lint', '--format', 'xml', 'specs/waldo.yaml']];
    const runs = await Promise.all(cases.map((args) => authconform(...args)));
    for (const [i, r] of runs.entries()) {
      const args = cases[i] ?? [];
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^authconform lint: .+\n\nUsage: authconform lint <files\.\.\.>/);
    }
  });
});

describe('authconform', { concurrency: true }, () => {
  test('an unknown command or no command exits 2 with the usage on stderr', async () => {
    for (const r of await Promise.all([authconform('frobnicate'), authconform()])) {
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Usage: authconform <command>/);
      assertNoStackTrace(r);
    }
  });

  test('--help and --version answer on stdout and exit 0', async () => {
    const help = await authconform('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /lint <files\.\.\.>/);
    const version = await authconform('--version');
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  });
});
