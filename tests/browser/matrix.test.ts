/**
 * The conformance matrix page in a real browser (Chromium, see tests/support/chromium.ts): the right verdict in the right
 * cell, filters that hide what they should, and a failed cell that opens its evidence. Screenshots go
 * to reports/browser/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { findChromium } from '../support/chromium.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from '@playwright/test';
import { buildConformance } from '../../src/report/conformance.js';
import { writeMatrix } from '../../src/report/matrix-reporter.js';
import { recordOf } from '../../src/report/test-record.js';
import { TTL_SKIP, syntheticRun } from '../report/synthetic-run.js';

const SCREENSHOTS = fileURLToPath(new URL('../../reports/browser/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'authconform-matrix-page-'));
let browser: Browser | undefined;
let page: Page;
const requests: string[] = [];

before(async () => {
  const found = await findChromium();
  const records = syntheticRun().map((e) => recordOf(e.test, e.result));
  writeMatrix(dir, buildConformance(records, { status: 'failed', generatedAt: new Date('2026-01-02T03:04:05Z') }), records);
  browser = await chromium.launch({ executablePath: found.executablePath, args: found.args });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(join(dir, 'index.html')).href);
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cell = (provider: string, check: string) => page.locator(`tr[data-check="${check}"] td[data-provider="${provider}"]`);
const row = (check: string) => page.locator(`tr[data-check="${check}"]`);
const column = (provider: string) => page.locator(`thead th[data-provider="${provider}"]`);

async function visibleChecks(): Promise<string[]> {
  const out: string[] = [];
  for (const r of await page.locator('tr.check').all()) if (await r.isVisible()) out.push((await r.getAttribute('data-check')) ?? '');
  return out;
}

async function filter(by: { provider?: string; family?: string; level?: string; verdict?: string }): Promise<void> {
  await page.selectOption('#filter-provider', by.provider ?? '');
  await page.selectOption('#filter-family', by.family ?? '');
  await page.selectOption('#filter-level', by.level ?? '');
  await page.selectOption('#filter-verdict', by.verdict ?? '');
}

describe('conformance matrix page', () => {
  it('shows each verdict in its provider × check cell', async () => {
    assert.equal(await cell('alpha', 'present.garbage').getAttribute('data-verdict'), 'fail');
    assert.match((await cell('alpha', 'present.garbage').innerText()), /✗ fail\s+got status 200 instead of 401/);
    assert.equal(await cell('beta', 'present.garbage').getAttribute('data-verdict'), 'pass');
    assert.equal(await cell('beta', 'expiry.ttl').getAttribute('data-verdict'), 'skip');
    assert.equal(await cell('beta', 'expiry.ttl').locator('button').getAttribute('title'), `beta · expiry.ttl: skip — ${TTL_SKIP.slice(0, 69)}…`);
    assert.equal(await cell('alpha', 'present.missing').getAttribute('data-verdict'), 'na');
    assert.equal((await cell('alpha', 'present.missing').innerText()).trim(), '—');
    assert.equal((await row('refresh.rolling-success-only').locator('.level').innerText()).trim(), 'SHOULD');
    assert.match(await column('alpha').innerText(), /Alpha API[\s\S]*3\s*1\s*0/);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'matrix.png'), fullPage: true });
  });

  it('filters by provider, family, level and verdict', async () => {
    await filter({ provider: 'beta' });
    assert.equal(await column('alpha').isVisible(), false);
    assert.equal(await cell('alpha', 'acquire.ok').isVisible(), false);
    assert.equal(await column('beta').isVisible(), true);
    assert.equal(await cell('beta', 'acquire.ok').isVisible(), true);

    await filter({ family: 'expiry' });
    assert.deepEqual(await visibleChecks(), ['expiry.ttl']);
    assert.equal(await column('alpha').isVisible(), true);

    await filter({ level: 'SHOULD' });
    assert.deepEqual(await visibleChecks(), ['refresh.rolling-success-only']);

    await filter({ verdict: 'fail' });
    assert.deepEqual(await visibleChecks(), ['present.garbage']);

    // Beta failed nothing: with only beta shown, no row has a failed cell.
    await filter({ provider: 'beta', verdict: 'fail' });
    assert.deepEqual(await visibleChecks(), []);
    assert.equal(await page.locator('#empty').isVisible(), true);

    await filter({});
    assert.equal((await visibleChecks()).length, 6);
  });

  it('opens the evidence of a failed cell: the rule, why it failed, and the exchanges as text', async () => {
    await cell('alpha', 'present.garbage').locator('button').click();
    const dialog = page.locator('dialog#evidence');
    assert.equal(await dialog.isVisible(), true);
    assert.equal(await page.locator('#evidence-title').innerText(), 'Alpha API · present.garbage (MUST)');
    const message = await dialog.locator('pre.message').innerText();
    assert.match(message, /expected: a random credential of the right shape to be refused with 401/);
    assert.match(message, /got: {6}status 200 instead of 401/);
    assert.match(await dialog.locator('blockquote').innerText(), /present\.garbage rule of Alpha authentication guide/);
    assert.equal(await dialog.locator('a', { hasText: 'Alpha authentication guide' }).getAttribute('href'), 'https://docs.alpha.example/auth');
    const exchanges = dialog.locator('details.exchange');
    assert.equal(await exchanges.count(), 2);
    assert.match(await exchanges.nth(1).locator('summary').innerText(), /#2 probe with a garbage token — GET http:\/\/127\.0\.0\.1:4010\/me → 200/);
    // The last exchange of a failure is open; the server's hostile body is shown, not run.
    assert.match(await exchanges.nth(1).innerText(), /<\/script><img id=injected src=x onerror=alert\(1\)>/);
    assert.equal(await page.locator('#injected').count(), 0);
    assert.equal(await dialog.locator('a', { hasText: 'evidence/alpha/present.garbage.json' }).count(), 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'matrix-evidence.png') });
    await page.locator('#evidence-close').click();
    assert.equal(await dialog.isVisible(), false);
  });

  it('shows the reason of a skipped cell', async () => {
    await cell('beta', 'expiry.ttl').locator('button').click();
    assert.equal(await page.locator('#evidence pre.reason').innerText(), TTL_SKIP);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('dialog#evidence').isVisible(), false);
  });

  it('loads nothing from the network', () => {
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('file:')),
      [],
    );
  });
});
