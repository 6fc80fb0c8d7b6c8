/**
 * Merging shard blobs (`npx playwright merge-reports --config merge.config.ts`) uses the reporters of a
 * normal run, and the Allure reporter accepts a merge's configuration, which names no project yet
 * (the stock allure-playwright 3.12 throws there, failing the merge).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FullConfig, FullProject } from '@playwright/test/reporter';
import { AllureReporter } from 'allure-playwright';
import { AllureMergeReporter } from '../../fixtures/allure-merge-reporter.js';
import mergeConfig from '../../merge.config.js';
import runConfig from '../../playwright.config.js';

const results = mkdtempSync(join(tmpdir(), 'authconform-allure-merge-'));
after(() => rmSync(results, { recursive: true, force: true }));

const configWith = (projects: FullProject[]): FullConfig => ({ rootDir: '/work/project', projects }) as unknown as FullConfig;
const project = { name: 'vidizmo', outputDir: '/work/project/test-results', snapshotDir: '/work/project/suites' } as FullProject;

describe('merge.config.ts', () => {
  it('lists the reporters of a normal run, in order, with Allure adapted to a merge', () => {
    const names = (c: typeof runConfig): string[] => (Array.isArray(c.reporter) ? c.reporter.map(([name]) => name) : []);
    assert.deepEqual(
      names(mergeConfig),
      names(runConfig).map((n) => (n === 'allure-playwright' ? './fixtures/allure-merge-reporter.ts' : n)),
    );
    assert.ok(names(runConfig).includes('allure-playwright'));
  });

  it('gives Allure a configuration it accepts before any project is known', () => {
    assert.throws(() => new AllureReporter({ resultsDir: results }).onConfigure(configWith([])), TypeError, 'the stock reporter fails a merge');
    assert.doesNotThrow(() => new AllureMergeReporter({ resultsDir: results }).onConfigure(configWith([])));
    assert.doesNotThrow(() => new AllureMergeReporter({ resultsDir: results }).onConfigure(configWith([project])));
  });
});
