/**
 * `authconform new`, run as a user runs it: the real command in a child process, writing into a
 * temporary folder. Proves the starter spec loads clean with its modeline pointing at the published
 * schema, that lint lists its TODO sources and nothing else, that every commented-out optional section
 * is itself valid once uncommented, that the mock
 * serves the starter and the check catalog passes against it (the newcomer starts green), the exit
 * codes for a bad id (2) and an existing file (1, or overwritten with --force), and that the key
 * reference in docs/writing-a-spec.md matches the spec format.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checksFor } from '../../src/checks/catalog.js';
import { newRunId, runCheck } from '../../src/checks/run.js';
import { OPTIONAL_SECTIONS, starterSpec, type OptionalSection } from '../../src/cli/templates/starter-spec.js';
import { GUIDE_FILE, REFERENCE_BEGIN, REFERENCE_END, specReference } from '../../src/cli/templates/spec-reference.js';
import { formatProblem } from '../../src/contract/errors.js';
import { loadContractFile, parseContract } from '../../src/contract/load.js';
import type { Contract } from '../../src/contract/model.js';
import { Redactor } from '../../src/http/redact.js';
import { startMock } from '../../src/mock/server.js';
import { mockTarget } from '../../src/target/mock.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(root, 'bin/authconform.js');
const SCHEMA = join(root, 'schema/authconform-spec.schema.json');
const tmp = mkdtempSync(join(tmpdir(), 'authconform-new-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/authconform.js …` as `npx authconform …` does, from `cwd` (default: the repository root). */
function authconform(args: string[], cwd = root): Promise<Run> {
  const env = { ...process.env };
  delete env.AUTHCONFORM_SPECS;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      done({ code, stdout, stderr });
    });
  });
}

let n = 0;
/** A fresh folder under the temporary one. */
function folder(): string {
  const dir = join(tmp, `case-${++n}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function problemsOf(file: string): string[] {
  return loadContractFile(file).problems.map(formatProblem);
}

/** The `$schema` of a file's modeline, resolved against the file's folder. */
function modelineTarget(file: string): string {
  const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
  const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
  assert.ok(m?.[1], `the first line is not a schema modeline: ${first}`);
  return resolve(dirname(file), m[1]);
}

/** Runs every applicable check of the catalog against the contract's own mock. */
async function verdicts(contract: Contract): Promise<{ id: string; status: string; why: string }[]> {
  const mock = await startMock(contract);
  try {
    const scope = { contract, target: mockTarget(contract, mock.url), redactor: new Redactor(), run: newRunId() };
    const out: { id: string; status: string; why: string }[] = [];
    for (const check of checksFor(contract)) {
      const { verdict } = await runCheck(check, scope);
      const why = verdict.status === 'fail' ? `expected ${verdict.expected}; got ${verdict.actual}` : verdict.status === 'skip' ? verdict.reason : '';
      out.push({ id: check.id, status: verdict.status, why });
    }
    return out;
  } finally {
    await mock.close();
  }
}

function starter(id: string, enable: readonly OptionalSection[] = []): { text: string; contract: Contract } {
  const text = starterSpec({ id, schemaRef: '../schema/authconform-spec.schema.json', enable });
  const { contract, problems } = parseContract(text, `${id}.yaml`);
  assert.deepEqual(problems.map(formatProblem), [], `the starter with ${enable.join(', ') || 'no optional section'} does not lint clean`);
  assert.ok(contract);
  return { text, contract };
}

describe('authconform new', { concurrency: true }, () => {
  test('writes a starter that loads clean, with a modeline reaching the published schema, and prints the next three commands', async () => {
    const out = join(folder(), 'specs', 'acme.yaml');
    const r = await authconform(['new', 'acme', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(problemsOf(out), []);
    assert.equal(loadContractFile(out).contract?.id, 'acme');
    assert.equal(modelineTarget(out), SCHEMA);
    assert.ok(existsSync(modelineTarget(out)));
    assert.match(r.stdout, new RegExp(`^Wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(r.stdout, new RegExp(`npx authconform lint ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    assert.match(r.stdout, /npx authconform mock \S+acme\.yaml --port \d+\n/);
    // Written outside ./specs, the suite only finds it through AUTHCONFORM_SPECS.
    assert.match(r.stdout, /AUTHCONFORM_SPECS=\S+ npx playwright test --project=acme\n/);

    // Lint lists what is left to write, and only that: each live `source`, still a TODO.
    const lint = await authconform(['lint', out]);
    const text = readFileSync(out, 'utf8').split('\n');
    const sources = text.flatMap((line, i) => (/^\s*source: 'TODO/.test(line) ? [`${out}:${i + 1}:${line.indexOf('source:') + 9}`] : []));
    assert.ok(sources.length >= 5);
    assert.equal(lint.code, 1, lint.stdout + lint.stderr);
    const lines = lint.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(': ')[0]), sources);
    for (const l of lines) assert.match(l, / still says TODO: quote the sentence of the provider's document /);
    assert.equal(lint.stderr.trim(), `${sources.length} problems in 1 of 1 file`);
  });

  test('without --out it writes specs/<id>.yaml under the working folder, and the test command needs no variable', async () => {
    const cwd = folder();
    const r = await authconform(['new', 'my-api'], cwd);
    assert.equal(r.code, 0, r.stderr);
    const file = join(cwd, 'specs', 'my-api.yaml');
    assert.deepEqual(problemsOf(file), []);
    assert.equal(modelineTarget(file), SCHEMA);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^id: my-api$/m);
    assert.match(text, /env: MY_API_PASSWORD/);
    assert.match(r.stdout, /^ {2}npx authconform lint specs\/my-api\.yaml$/m);
    assert.match(r.stdout, /^ {2}npx authconform mock specs\/my-api\.yaml --port 4010$/m);
    assert.match(r.stdout, /^ {2}npx playwright test --project=my-api$/m);
  });

  test('the starter marks where the document goes, keeps fake credentials marked, and comments out every optional section', () => {
    const { text, contract } = starter('acme');
    assert.match(text, /^# FAKE demo values/m);
    assert.ok(Object.values(contract.mock.credentials).every((v) => /fake|demo/.test(v)));
    // Every `source` is a visible TODO until the author pastes the document's sentence.
    const sources = [...text.matchAll(/^\s*#?\s*source: (.*)$/gm)].map((m) => m[1] ?? '');
    assert.ok(sources.length >= 8);
    for (const s of sources) assert.match(s, /TODO: paste the sentence/);
    // The spec loads (its mock serves it), and the loader marks each live one as unfinished, at its value.
    const live = text.split('\n').flatMap((line, i) => (/^\s*source: /.test(line) ? [`${i + 1}:${line.indexOf('source:') + 9}`] : []));
    const unfinished = parseContract(text, 'acme.yaml').unfinished ?? [];
    assert.deepEqual(
      unfinished.map((p) => `${p.line}:${p.col}`),
      live,
    );
    for (const section of OPTIONAL_SECTIONS) {
      assert.match(text, new RegExp(`^\\s*# ${section}:$`, 'm'), `no commented-out ${section} example`);
    }
    for (const section of ['lifetime', 'rolling', 'refresh', 'logout', 'tokens'] as const) assert.equal(contract[section], undefined, section);
    assert.equal(contract.acquire.alternates, undefined);
    assert.equal(contract.acquire.cases, undefined);
  });

  test('each optional example, uncommented as it stands, is a valid spec', () => {
    const { text: base } = starter('acme');
    for (const section of OPTIONAL_SECTIONS) {
      const { text: live } = starter('acme', [section]);
      // The live text differs from the commented one only by "# " after the indentation of some lines.
      const a = base.split('\n');
      const b = live.split('\n');
      assert.equal(a.length, b.length, section);
      a.forEach((line, i) => {
        const other = b[i] ?? '';
        if (line === other) return;
        const uncommented = line.replace(/^( *)# /, '$1').replace(/^ *#$/, '');
        assert.equal(uncommented, other, `${section}: line ${i + 1} is not the commented form of the live line`);
      });
    }
    starter('acme', OPTIONAL_SECTIONS);
  });

  test('the starter starts green: every applicable check passes against its mock, alone and with each optional section', async () => {
    const sets: OptionalSection[][] = [[], ...OPTIONAL_SECTIONS.map((s) => [s]), [...OPTIONAL_SECTIONS]];
    for (const enable of sets) {
      const { contract } = starter('acme', enable);
      const results = await verdicts(contract);
      const failed = results.filter((v) => v.status === 'fail');
      assert.deepEqual(failed, [], `with ${enable.join(', ') || 'no optional section'}`);
      // Rolling alone cannot be observed on an opaque token without a lifetime; the full set can.
      if (!(enable.length === 1 && enable[0] === 'rolling')) {
        assert.deepEqual(results.filter((v) => v.status === 'skip'), [], `with ${enable.join(', ') || 'no optional section'}`);
      }
      assert.ok(results.length >= 10);
    }
  });

  test('`authconform mock` serves the written starter: a login with the fake credentials gives a token the probe accepts', async () => {
    const out = join(folder(), 'acme.yaml');
    assert.equal((await authconform(['new', 'acme', '--out', out])).code, 0);
    const child = spawn(process.execPath, [BIN, 'mock', out, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        let text = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(text);
          if (m?.[1]) done(m[1]);
        });
        child.on('exit', (code) => fail(new Error(`the mock exited with ${code} before listening: ${text}`)));
      });
      const login = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'demo-user', password: 'fake-password-for-the-mock' }),
      });
      assert.equal(login.status, 200);
      const { token } = (await login.json()) as { token?: unknown };
      assert.equal(typeof token, 'string');
      const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${String(token)}` } });
      assert.equal(me.status, 200);
      await me.arrayBuffer();
      const refused = await fetch(`${url}/api/me`);
      assert.equal(refused.status, 401);
      await refused.arrayBuffer();
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  test('an invalid id is refused with exit 2, a sentence saying what an id may hold, and nothing written', async () => {
    for (const id of ['Acme', 'my_api', '1password', 'acme!', 'my api']) {
      const dir = folder();
      const out = join(dir, 'spec.yaml');
      const r = await authconform(['new', id, '--out', out]);
      assert.equal(r.code, 2, `${id}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`'${id.replace(/[.*+?^${}()|[\]\\!-]/g, '\\$&')}' is not a valid spec id: use lower-case letters, digits and '-', starting with a letter`));
      assert.equal(r.stdout, '');
      assert.equal(existsSync(out), false, id);
    }
    const none = await authconform(['new']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no spec id given/);
  });

  test('a file that exists is left alone (exit 1) unless --force, which overwrites it', async () => {
    const out = join(folder(), 'acme.yaml');
    writeFileSync(out, 'my own work\n');
    const r = await authconform(['new', 'acme', '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists; nothing was written\. Give another --out, or add --force to overwrite it\./);
    assert.equal(readFileSync(out, 'utf8'), 'my own work\n');

    const forced = await authconform(['new', 'acme', '--out', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(out, 'utf8'), 'my own work\n');
    assert.deepEqual(problemsOf(out), []);
  });

  test('usage errors exit 2: an --out that is not YAML, an unknown option, two ids', async () => {
    const dir = folder();
    const notYaml = await authconform(['new', 'acme', '--out', join(dir, 'acme.json')]);
    assert.equal(notYaml.code, 2);
    assert.match(notYaml.stderr, /--out must name a \.yaml or \.yml file/);
    assert.equal(existsSync(join(dir, 'acme.json')), false);
    const unknown = await authconform(['new', 'acme', '--owt', 'x.yaml']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--owt'/);
    const two = await authconform(['new', 'acme', 'other']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /one spec id at a time/);
    const help = await authconform(['new', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: authconform new <id>/);
  });
});

describe('docs/writing-a-spec.md', () => {
  const guide = readFileSync(GUIDE_FILE, 'utf8');

  test('the finished example spec it shows lints clean and passes every check against its mock', async () => {
    const m = /<!-- acme spec[^>]*-->\n```yaml\n([\s\S]*?)\n```/.exec(guide);
    assert.ok(m?.[1], 'the guide has lost its finished acme spec');
    const { contract, problems } = parseContract(m[1], 'specs/acme.yaml');
    assert.deepEqual(problems.map(formatProblem), []);
    assert.ok(contract);
    const results = await verdicts(contract);
    assert.deepEqual(results.filter((v) => v.status !== 'pass'), []);
  });

  test('the TODO list it shows for a fresh starter is what the linter says', () => {
    const unfinished = parseContract(starter('acme').text, 'specs/acme.yaml').unfinished ?? [];
    assert.ok(unfinished[0]);
    assert.ok(guide.includes(`${formatProblem(unfinished[0])}\n…\n${unfinished.length} problems in 1 of 1 file\n`), 'the guide does not show the start of the starter\'s TODO list');
  });

  test('the lint errors it shows are what the linter says after the edits it describes', () => {
    const { text } = starter('acme');
    const body = "      json: { username: '{username}', password: '{password}' }";
    assert.ok(text.includes(body));
    const first = text.replace(body, "      json: { email: '{email}', password: '{password}' }");
    const second = first.replace(/^ {2}username: \{ env: ACME_USERNAME.*$/m, "  email: { env: ACME_EMAIL, secret: false, description: The account's email address. }");
    for (const edited of [first, second]) {
      const lines = parseContract(edited, 'specs/acme.yaml').problems.map(formatProblem);
      assert.ok(lines.length > 0);
      for (const line of lines) assert.ok(guide.includes(`${line}\n`), `the guide does not show: ${line}`);
    }
  });

  test('its key reference is the one generated from the spec format', () => {
    const begin = guide.indexOf(REFERENCE_BEGIN);
    const end = guide.indexOf(REFERENCE_END);
    assert.ok(begin >= 0 && end > begin, 'the guide has lost its reference markers');
    const committed = guide.slice(begin + REFERENCE_BEGIN.length, end).trim();
    assert.equal(committed, specReference().trim(), 'the reference is out of date: run npx tsx src/cli/templates/spec-reference.ts');
  });
});
