/**
 * What a user's mistake looks like in a Playwright run: one line that says what to fix, never a
 * stack trace or a code frame, and no request sent. Settings are refused before any test starts
 * (exit code 2); an invalid spec fails its one "spec is valid" test with its `file:line:col` lines,
 * and the run exits 2 (broken), not 1 (findings).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { cleanEnv, runPlaywright } from '../support/playwright-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'authconform-user-errors-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function playwright(env: Record<string, string>, args: readonly string[] = ['--project=vidizmo']): Promise<{ code: number | null; output: string }> {
  const clean = cleanEnv((name) => name.startsWith('AUTHCONFORM_') || name.startsWith('VIDIZMO_'));
  return runPlaywright(['test', '--reporter=line,./src/report/outcome-reporter.ts', `--output=${join(work, 'test-results')}`, ...args], {
    env: { ...clean, ...env },
  });
}

/** Lines a stack trace or a code frame would print. */
const STACK = /^\s+at |^\s*>?\s*\d+ \|/m;

describe('user errors in a Playwright run', () => {
  const settings: [string, Record<string, string>, RegExp][] = [
    ['a base URL that is not http(s)', { AUTHCONFORM_VIDIZMO_BASE_URL: 'ftp://x' }, /AUTHCONFORM_VIDIZMO_BASE_URL must be an http or https URL/],
    ['a base URL that is set but empty', { AUTHCONFORM_VIDIZMO_BASE_URL: '' }, /AUTHCONFORM_VIDIZMO_BASE_URL is set but empty/],
    [
      'a live target without its credentials',
      { AUTHCONFORM_VIDIZMO_BASE_URL: 'http://127.0.0.1:9' },
      /credentials are not set: email \(VIDIZMO_EMAIL\), password \(VIDIZMO_PASSWORD\)/,
    ],
    ['a specs folder without specs', { AUTHCONFORM_SPECS: mkdtempSync(join(work, 'empty-')) }, /holds no spec files/],
    ['a specs path that does not exist', { AUTHCONFORM_SPECS: join(work, 'nowhere') }, /does not exist/],
    ['a number setting that is not a number', { AUTHCONFORM_TIMEOUT_MS: 'soon' }, /AUTHCONFORM_TIMEOUT_MS must be a number/],
  ];
  for (const [what, env, message] of settings) {
    it(`${what}: one line, exit code 2, no test run`, async () => {
      const { code, output } = await playwright(env);
      assert.equal(code, 2, output);
      assert.match(output, message);
      assert.equal(output.match(message)?.length, 1);
      assert.doesNotMatch(output, STACK);
      assert.doesNotMatch(output, /Running \d+ test/);
    });
  }

  it('a specs path naming one spec file runs that spec', async () => {
    const { code, output } = await playwright({ AUTHCONFORM_SPECS: 'specs/vidizmo.yaml' }, ['--project=vidizmo', '--list']);
    assert.equal(code, 0, output);
    assert.match(output, /Total: \d+ tests in 1 file/);
  });

  it('an invalid spec fails once with its file:line:col, without a stack trace or code frame', async () => {
    const dir = join(work, 'bad-spec');
    mkdirSync(dir);
    const file = join(dir, 'vidizmo.yaml');
    copyFileSync(join(root, 'specs/vidizmo.yaml'), file);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^acquire:/m, 'acquier:'));
    const { code, output } = await playwright({ AUTHCONFORM_SPECS: dir });
    assert.equal(code, 2, 'an invalid spec is a broken run, not a finding');
    assert.match(output, /vidizmo\.yaml:\d+:1: Unknown key 'acquier' in the spec\. Did you mean 'acquire'\?/);
    assert.doesNotMatch(output, STACK, output);
    assert.match(output, /1 failed/);
  });
});
