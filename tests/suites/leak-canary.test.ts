/**
 * A whole run proves its reports clean: `npx playwright test` of one spec against its embedded mock,
 * with canary client secrets holding the characters encoders disagree about (`~!'()*%+&=`, a space,
 * non-ASCII). The oauth2 spec posts one secret in a form body (client_secret_post) and sends the other
 * in Basic credentials, so the canaries travel form-encoded and base64-encoded. The run must pass with
 * its own leak scan clean, and neither the scan nor a plain search for the canaries' encodings may find
 * one anywhere in the reports Playwright, Allure, JUnit and the matrix wrote.
 *
 * The run happens in a temporary folder, through a configuration there that reuses the project's
 * playwright.config.ts: every report lands in that folder, so the test can run beside other runs.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { describeLeakScan, scanForLeaks } from '../../src/report/leak-scan.js';
import { cleanEnv, runPlaywright } from '../support/playwright-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'authconform-leak-canary-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Values no spec or fixture holds, so any file that betrays one was written by this run. */
const nonce = `${process.pid}-${Date.now().toString(36)}`;
const canary = {
  postClientSecret: `post-${nonce}~!'()*%+&= pässwörd-✓`,
  clientSecret: `basic-${nonce}~!'()*-ßecret-✓`,
};
const POST_CLIENT_ID = 'conformance-post-client';
const BASIC_CLIENT_ID = 'conformance-basic-client';

/**
 * The project's configuration, with what it names relative to itself (suites, global setup, its own
 * reporters) pointed back at the project, and the reports (relative too) left to land here.
 */
const wrapper = `
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import config from ${JSON.stringify(join(root, 'playwright.config.ts'))};

const root = ${JSON.stringify(root)};
const fromProject = createRequire(resolve(root, 'package.json'));
const BUILT_IN = new Set(['list', 'line', 'dot', 'json', 'junit', 'null', 'github', 'html', 'blob']);
const reporters = Array.isArray(config.reporter) ? config.reporter : [];
const inProject = (files) => (files === undefined ? undefined : Array.isArray(files) ? files.map((f) => resolve(root, f)) : resolve(root, files));

export default {
  ...config,
  testDir: resolve(root, config.testDir ?? '.'),
  globalSetup: inProject(config.globalSetup),
  globalTeardown: inProject(config.globalTeardown),
  reporter: reporters.map(([name, options]) => [
    BUILT_IN.has(name) ? name : name.startsWith('.') ? resolve(root, name) : fromProject.resolve(name),
    options,
  ]),
};
`;

/** A copy of the oauth2 spec under another id (so no third-party server is started for it), holding the canaries. */
function canarySpec(): string {
  const doc = parseDocument(readFileSync(join(root, 'specs', 'oauth2.yaml'), 'utf8'));
  doc.set('id', 'canary');
  for (const [name, value] of Object.entries(canary)) doc.setIn(['mock', 'credentials', name], value);
  assert.equal(doc.getIn(['mock', 'credentials', 'postClientId']), POST_CLIENT_ID, 'the spec still posts this client');
  assert.equal(doc.getIn(['mock', 'credentials', 'clientId']), BASIC_CLIENT_ID, 'the spec still sends this client in Basic');
  const file = join(work, 'specs', 'canary.yaml');
  mkdirSync(join(work, 'specs'));
  writeFileSync(file, doc.toString());
  return file;
}

function playwright(spec: string): Promise<{ code: number | null; output: string }> {
  return runPlaywright(['test', '--config', join(work, 'playwright.config.ts')], { cwd: work, env: { ...cleanEnv(), AUTHCONFORM_SPECS: spec } });
}

function* files(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** The canaries as the run encodes them, computed here with the encoders the run uses, not the redactor's list. */
function encodings(): Record<string, string> {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const form = (s: string): string => new URLSearchParams({ s }).toString().slice(2);
  const out: Record<string, string> = {};
  for (const [name, secret] of Object.entries(canary)) {
    out[`${name} as is`] = secret;
    out[`${name} form-encoded`] = form(secret);
    out[`${name} form-encoded, JSON-escaped`] = JSON.stringify(form(secret)).slice(1, -1);
    out[`${name} URI-component-encoded`] = encodeURIComponent(secret);
    out[`${name} JSON-escaped`] = JSON.stringify(secret).slice(1, -1);
  }
  // Characters 36 to 56 of the Basic credential encode bytes of the secret only (the id and colon are 25 bytes).
  out['Basic of clientId:clientSecret'] = b64(`${BASIC_CLIENT_ID}:${canary.clientSecret}`).slice(36, 56);
  return out;
}

describe('a run whose credentials are canaries', () => {
  const reportRoots = (): string[] => ['reports', 'test-results', 'blob-report'].map((r) => join(work, r));
  let run: { code: number | null; output: string };

  before(async () => {
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(work, 'playwright.config.ts'), wrapper);
    run = await playwright(canarySpec());
  });

  it('passes, its own leak scan finding nothing', () => {
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Leak scan: 0 hits in \d+ files for \d+ secrets\./, run.output);
  });

  it('recorded the canaries, masked, in its evidence', () => {
    const evidence = readFileSync(join(work, 'reports', 'conformance', 'evidence', 'canary', 'acquire.alternate.json'), 'utf8');
    assert.match(evidence, /client_secret=\[redacted:postClientSecret\]/, 'the client_secret_post exchange is in the evidence, masked');
  });

  it('wrote no form of a canary to any report, by the leak scan or by a plain search', () => {
    const scan = scanForLeaks(reportRoots(), Object.values(canary), work);
    assert.ok(scan.files > 20, `the reports were written (${scan.files} files)`);
    assert.deepEqual(scan.problems, []);
    assert.deepEqual(scan.hits, [], describeLeakScan(scan).join('\n'));
    const found: string[] = [];
    for (const file of reportRoots().flatMap((r) => [...files(r)])) {
      const bytes = readFileSync(file);
      for (const [what, text] of Object.entries(encodings())) if (bytes.includes(text)) found.push(`${what} in ${file}`);
    }
    assert.deepEqual(found, []);
  });

  it('fails the scan when a canary is planted in a report on purpose', () => {
    const planted = join(work, 'reports', 'conformance', 'planted.json');
    writeFileSync(planted, JSON.stringify({ body: `client_secret=${new URLSearchParams({ s: canary.postClientSecret }).toString().slice(2)}` }));
    try {
      const scan = scanForLeaks(reportRoots(), Object.values(canary), work);
      assert.deepEqual(
        scan.hits.map((h) => [h.file, h.form, h.secret]),
        [[join('reports', 'conformance', 'planted.json'), 'URL-encoded', 1]],
      );
    } finally {
      rmSync(planted);
    }
  });
});
