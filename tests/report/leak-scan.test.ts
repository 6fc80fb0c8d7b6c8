import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { Redactor } from '../../src/http/redact.js';
import { LeakScanReporter } from '../../src/report/leak-reporter.js';
import { describeLeakScan, scanForLeaks, type LeakForm } from '../../src/report/leak-scan.js';
import { collectSecrets, handOverSecrets, openSecretDrop, SECRET_DROP_ENV } from '../../src/report/secret-drop.js';
import { makeZip } from './zip-fixture.js';

const SECRET = 'tok_Zq8/x+Y w&"K<3>9f2a';
const OTHER = 'fake-client-secret-for-the-mock';

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'authconform-leak-test-'));
  temps.push(d);
  return d;
}
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** Asserts that no line says the secret, in any form a reader could turn back into it. */
function assertSilent(lines: readonly string[], secret: string): void {
  const text = lines.join('\n');
  for (const form of [secret, ...Redactor.forms(secret), JSON.stringify(secret).slice(1, -1)]) {
    assert.ok(!text.includes(form), `the scan's message shows the secret (as ${form})`);
  }
}

function plant(dir: string, file: string, content: string | Buffer): string {
  const path = join(dir, file);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe('scanForLeaks', () => {
  const forms: [string, LeakForm, (s: string) => string][] = [
    ['plain', 'plain', (s) => s],
    ['URL-encoded', 'URL-encoded', (s) => encodeURIComponent(s)],
    ['form-encoded (URLSearchParams)', 'URL-encoded', (s) => new URLSearchParams({ s }).toString().slice(2)],
    ['percent-encoded with lower-case hex', 'URL-encoded', (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
    ['base64', 'base64', (s) => Buffer.from(s).toString('base64')],
    ['base64url', 'base64', (s) => Buffer.from(s).toString('base64url')],
    ['base64 inside a Basic credential (key:secret)', 'base64', (s) => Buffer.from(`key:${s}`).toString('base64')],
    ['base64 at another alignment (k:secret)', 'base64', (s) => Buffer.from(`k:${s}`).toString('base64')],
    ['base64 of a form-encoded client_secret (RFC 6749 §2.3.1)', 'base64', (s) => Buffer.from(`id:${new URLSearchParams({ s }).toString().slice(2)}`).toString('base64')],
    ['JSON-escaped', 'JSON-escaped', (s) => JSON.stringify(s).slice(1, -1)],
    ['XML-escaped', 'XML-escaped', (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')],
  ];

  for (const [label, form, encode] of forms) {
    it(`finds a secret written ${label}, naming file and offset but not the secret`, () => {
      const root = tempDir();
      const before = '{"log": "refused with 401, token ';
      plant(root, 'reports/run/result.json', `${before}${encode(SECRET)}"}`);
      plant(root, 'reports/clean.txt', 'nothing to see');
      const result = scanForLeaks([join(root, 'reports')], [OTHER, SECRET], root);
      assert.equal(result.files, 2);
      assert.ok(result.hits.length >= 1, `no hit for the ${form} form`);
      const hit = result.hits[0]!;
      assert.equal(hit.file, join('reports', 'run', 'result.json'));
      assert.equal(hit.secret, 2);
      assert.equal(hit.form, form);
      // The offset points into the planted value (base64 fragments start a little later).
      assert.ok(hit.offset >= before.length && hit.offset < before.length + 8, `offset ${hit.offset}`);
      const lines = describeLeakScan(result);
      assert.match(lines.join('\n'), new RegExp(`reports/run/result\\.json at byte ${hit.offset}`));
      assertSilent(lines, SECRET);
    });
  }

  it('finds a non-ASCII secret in UTF-8 percent-encoding, JSON \\u escapes and base64 of its UTF-8 bytes', () => {
    const secret = 'pässwörd-✓~';
    const written = {
      'form.txt': new URLSearchParams({ client_secret: secret }).toString(),
      'python.json': `{"echo": "${secret.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"}`,
      'java.json': `{"echo": "${secret.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}"}`,
      'basic.txt': `Authorization: Basic ${Buffer.from(`client:${secret}`).toString('base64')}`,
      'latin1.txt': `x-echo: ${Buffer.from(secret).toString('latin1')}`,
    };
    const root = tempDir();
    for (const [file, text] of Object.entries(written)) plant(root, `reports/${file}`, text);
    const result = scanForLeaks([join(root, 'reports')], [secret], root);
    const byFile = new Map(result.hits.map((h) => [h.file, h.form]));
    assert.deepEqual(Object.fromEntries(byFile), {
      'reports/basic.txt': 'base64',
      'reports/form.txt': 'URL-encoded',
      'reports/java.json': 'JSON-escaped',
      'reports/latin1.txt': 'read as Latin-1',
      'reports/python.json': 'JSON-escaped',
    });
    assertSilent(describeLeakScan(result), secret);
  });

  it('finds a secret a header fold split, raw or JSON-escaped, and says so', () => {
    const root = tempDir();
    const [head, tail] = [SECRET.slice(0, 9), SECRET.slice(9)];
    plant(root, 'reports/echo.txt', `HTTP/1.1 401 Unauthorized\r\nX-Echo: ${head}\r\n ${tail}\r\n\r\n`);
    plant(root, 'reports/exchanges.json', JSON.stringify({ headers: { 'x-echo': `${head}\r\n\t${tail}` } }));
    const result = scanForLeaks([join(root, 'reports')], [SECRET], root);
    assert.deepEqual(
      result.hits.map((h) => [h.file, h.folded]),
      [
        ['reports/echo.txt', true],
        ['reports/exchanges.json', true],
      ],
    );
    assert.equal(result.hits[0]!.offset, 'HTTP/1.1 401 Unauthorized\r\nX-Echo: '.length);
    assert.match(describeLeakScan(result).join('\n'), /reports\/echo\.txt at byte 35: secret #1, plain form, split by a line fold/);
  });

  it('looks inside the base64 zip an HTML report embeds, and inside zip files', () => {
    const root = tempDir();
    const zip = makeZip([
      { name: 'report.json', data: JSON.stringify({ tests: [{ error: `expected 401, got a page with ${SECRET}` }] }) },
    ]);
    plant(root, 'reports/playwright/index.html', `<html><template id="playwrightReportBase64">data:application/zip;base64,${zip.toString('base64')}</template></html>`);
    plant(root, 'test-results/trace.zip', makeZip([{ name: 'trace.network', data: `Authorization: Bearer ${SECRET}` }]));
    const result = scanForLeaks([join(root, 'reports'), join(root, 'test-results')], [SECRET], root);
    const where = result.hits.map((h) => `${h.file} ${h.entry ?? ''}`);
    assert.ok(where.some((w) => w.startsWith('reports/playwright/index.html') && w.includes('report.json')), where.join('; '));
    assert.ok(where.some((w) => w.startsWith('test-results/trace.zip') && w.includes('trace.network')), where.join('; '));
    assertSilent(describeLeakScan(result), SECRET);
  });

  it('reads ZIP64 archives, as a trace past 4 GiB is written, in a file and embedded in a page', () => {
    const root = tempDir();
    const zip64 = makeZip(
      [
        { name: 'trace.trace', data: 'nothing here' },
        { name: 'resources/page.html', data: `<p>token ${SECRET}</p>` },
      ],
      { zip64: true },
    );
    plant(root, 'test-results/trace.zip', zip64);
    plant(root, 'reports/playwright/index.html', `data:application/zip;base64,${zip64.toString('base64')}`);
    const result = scanForLeaks([join(root, 'reports'), join(root, 'test-results')], [SECRET], root);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.hits.map((h) => `${h.file} ${h.entry ?? ''}`),
      ['reports/playwright/index.html archive at byte 28/resources/page.html', 'test-results/trace.zip archive at byte 0/resources/page.html'],
    );
    assert.equal(result.hits[0]!.offset, '<p>token '.length);
  });

  it('searches every entry, also of a name used twice and inside a zip in a zip', () => {
    const root = tempDir();
    const inner = makeZip([{ name: 'network.json', data: `{"authorization": "Bearer ${SECRET}"}` }]);
    plant(
      root,
      'test-results/trace.zip',
      makeZip([
        { name: 'data.txt', data: 'first, clean' },
        { name: 'data.txt', data: `second, with ${SECRET}` },
        { name: 'nested.zip', data: inner },
      ]),
    );
    const result = scanForLeaks([join(root, 'test-results')], [SECRET], root);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.hits.map((h) => h.entry),
      ['archive at byte 0/data.txt', 'archive at byte 0/nested.zip/archive at byte 0/network.json'],
    );
  });

  it('reports a clean tree in one line naming how many files and secrets it scanned', () => {
    const root = tempDir();
    plant(root, 'reports/a.json', '{"token":"[redacted:token]"}');
    plant(root, 'test-results/b.txt', 'Authorization: Bearer [redacted]');
    const result = scanForLeaks([join(root, 'reports'), join(root, 'test-results'), join(root, 'absent')], [SECRET, OTHER], root);
    assert.deepEqual(describeLeakScan(result), ['Leak scan: 0 hits in 2 files for 2 secrets.']);
  });

  it('fails closed on an archive it cannot open', () => {
    const root = tempDir();
    plant(root, 'reports/index.html', 'data:application/zip;base64,UEsDBAoAAAAAAAAAAAAAAA==');
    const result = scanForLeaks([join(root, 'reports')], [SECRET], root);
    assert.equal(result.problems.length, 1);
    assert.match(describeLeakScan(result).join('\n'), /could not be searched, so the reports are not proven clean/);
  });
});

describe('secret hand-over', () => {
  it('a worker writes its secrets to a private file; the scan reads them and removes the folder', () => {
    const saved = process.env[SECRET_DROP_ENV];
    try {
      const dir = openSecretDrop();
      assert.equal(process.env[SECRET_DROP_ENV], dir);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      handOverSecrets([SECRET, OTHER]);
      handOverSecrets([OTHER]);
      const [file] = readdirSync(dir);
      assert.equal(statSync(join(dir, file!)).mode & 0o777, 0o600);
      const got = collectSecrets(dir);
      assert.deepEqual(got.secrets.sort(), [SECRET, OTHER].sort());
      assert.equal(got.handOvers, 2);
      assert.throws(() => statSync(dir), /ENOENT/);
    } finally {
      if (saved === undefined) delete process.env[SECRET_DROP_ENV];
      else process.env[SECRET_DROP_ENV] = saved;
    }
  });

  it('does nothing when no leak scan is listening', () => {
    assert.doesNotThrow(() => handOverSecrets([SECRET], {}));
  });
});

describe('LeakScanReporter', () => {
  /** One run as the reporter sees it: workers hand their secrets over, reporters write, then it scans. */
  async function run(t: TestContext, options: { leak: boolean; handOver: boolean }): Promise<{ result: unknown; printed: string }> {
    const root = tempDir();
    const printed: string[] = [];
    t.mock.method(console, 'log', (s: string) => printed.push(s));
    t.mock.method(console, 'error', (s: string) => printed.push(s));
    const saved = process.env[SECRET_DROP_ENV];
    try {
      const reporter = new LeakScanReporter();
      reporter.onBegin({ configFile: join(root, 'playwright.config.ts') } as Parameters<LeakScanReporter['onBegin']>[0]);
      if (options.handOver) handOverSecrets([OTHER, SECRET]);
      plant(root, 'reports/conformance/conformance.json', options.leak ? `{"message": "refused ${encodeURIComponent(SECRET)}"}` : '{}');
      plant(root, 'test-results/check-a/error-context.md', 'expected 401');
      reporter.onTestEnd({} as never, { attachments: [{ name: 'exchanges.json', contentType: 'application/json' }] } as never);
      const result = await reporter.onEnd();
      return { result, printed: printed.join('\n') };
    } finally {
      if (saved === undefined) delete process.env[SECRET_DROP_ENV];
      else process.env[SECRET_DROP_ENV] = saved;
    }
  }

  it('fails the run on a hit, naming the file and offset but never the secret', async (t) => {
    const { result, printed } = await run(t, { leak: true, handOver: true });
    assert.deepEqual(result, { status: 'failed' });
    assert.match(printed, /Leak scan: 1 hit in 2 files for 2 secrets/);
    assert.match(printed, /reports\/conformance\/conformance\.json at byte 21: secret #2, URL-encoded form/);
    assertSilent([printed], SECRET);
  });

  it('passes a clean run with one line', async (t) => {
    const { result, printed } = await run(t, { leak: false, handOver: true });
    assert.equal(result, undefined);
    assert.equal(printed, 'Leak scan: 0 hits in 2 files for 2 secrets.');
  });

  it('fails closed when tests recorded exchanges but no worker handed its secrets over', async (t) => {
    const { result, printed } = await run(t, { leak: false, handOver: false });
    assert.deepEqual(result, { status: 'failed' });
    assert.match(printed, /no worker handed its secrets over/);
  });
});
