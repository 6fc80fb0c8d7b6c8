/**
 * Global setup: every run starts with an empty Allure results folder. allure-playwright only adds
 * files to it, so without this `npm run report` would mix this run with every earlier one.
 */
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { REPORT_PATHS } from './paths.js';

export function clearAllureResults(config: FullConfig): void {
  const base = config.configFile ? dirname(config.configFile) : process.cwd();
  rmSync(resolve(base, REPORT_PATHS.allureResults), { recursive: true, force: true });
}

// Playwright loads a global setup through its module's default export.
export default clearAllureResults;
