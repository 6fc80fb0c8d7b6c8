/**
 * Allure's categories (scripts/allurerc.ts) file what went wrong apart: a broken run, a security
 * finding, a product finding, a skipped MUST check — read by Allure's own matcher, as `npm run report`
 * applies it to the `outcome` label (src/report/describe-test.ts) and the broken status
 * (src/report/allure-outcomes.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractErrorMatchingData, matchCategory, normalizeCategoriesConfig } from '@allurereport/core-api';
import config from '../../scripts/allurerc.js';

const rules = normalizeCategoriesConfig(config.categories as Parameters<typeof normalizeCategoriesConfig>[0]);

function category(status: string, labels: Record<string, string>): string | undefined {
  const result = { status, labels: Object.entries(labels).map(([name, value]) => ({ name, value })), error: { message: 'x' } };
  return matchCategory(rules, extractErrorMatchingData(result as Parameters<typeof extractErrorMatchingData>[0]))?.name;
}

describe('Allure categories', () => {
  it('file broken runs, security findings, product findings and skipped MUST checks apart', () => {
    assert.equal(category('broken', { outcome: 'broken' }), 'Broken runs (the target could not be judged)');
    assert.equal(category('failed', { outcome: 'security finding', severity: 'critical' }), 'Security findings');
    assert.equal(category('failed', { outcome: 'product finding', severity: 'critical' }), 'Product findings');
    assert.equal(category('skipped', { severity: 'critical' }), 'Skipped MUST checks');
    assert.equal(category('skipped', { severity: 'normal' }), undefined);
    assert.equal(category('passed', {}), undefined);
    // An expected failure (Playwright's test.fail) is a passed result in Allure; its label files it.
    assert.equal(category('passed', { outcome: 'known breach' }), 'Known breaches (expected failures of a third-party server, with the reason)');
  });
});
