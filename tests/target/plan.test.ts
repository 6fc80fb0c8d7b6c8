import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadContract } from '../../src/contract/load.js';
import { envPrefix, runSettings, SettingsError } from '../../src/target/env.js';
import { planTarget } from '../../src/target/plan.js';

const vidizmo = loadContract(fileURLToPath(new URL('../../specs/vidizmo.yaml', import.meta.url)));

describe('target selection from the environment', () => {
  it('uses the embedded mock when no base URL is set', () => {
    const plan = planTarget(vidizmo, {});
    assert.equal(plan.kind, 'mock');
  });

  it('passes lifetime overrides to the mock too, so mock and checks agree', () => {
    const plan = planTarget(vidizmo, { AUTHCONFORM_VIDIZMO_IDLE: '30' });
    assert.deepEqual(plan.kind === 'mock' && plan.idle, 30);
  });

  it('points at a live server with credentials from the variables the spec names', () => {
    const plan = planTarget(vidizmo, {
      AUTHCONFORM_VIDIZMO_BASE_URL: 'http://127.0.0.1:47310/',
      VIDIZMO_EMAIL: 'a@example.test',
      VIDIZMO_PASSWORD: 'pw-123456',
      AUTHCONFORM_VIDIZMO_CLOCK: '1',
      AUTHCONFORM_VIDIZMO_TTL: '60',
      AUTHCONFORM_MAX_WAIT: '90',
      AUTHCONFORM_MAX_BAD_ATTEMPTS: '4',
    });
    assert.equal(plan.kind, 'live');
    if (plan.kind !== 'live') return;
    assert.equal(plan.target.baseUrl, 'http://127.0.0.1:47310');
    assert.deepEqual(plan.target.credentials, { email: 'a@example.test', password: 'pw-123456' });
    assert.equal(plan.target.clock, true);
    assert.equal(plan.target.ttl, 60);
    assert.equal(plan.target.maxWait, 90);
    assert.equal(plan.target.badCredentialBudget?.total, 4);
  });

  it('names the missing credential variables once instead of failing every login', () => {
    const plan = planTarget(vidizmo, { AUTHCONFORM_VIDIZMO_BASE_URL: 'http://127.0.0.1:1', VIDIZMO_EMAIL: 'a@example.test' });
    assert.equal(plan.kind, 'misconfigured');
    assert.match(plan.kind === 'misconfigured' ? plan.reason : '', /password \(VIDIZMO_PASSWORD\)/);
  });

  it('refuses a base URL that is not http(s) and a number that is not a number, with the variable named', () => {
    assert.throws(() => planTarget(vidizmo, { AUTHCONFORM_VIDIZMO_BASE_URL: 'ftp://x' }), SettingsError);
    assert.throws(() => runSettings({ AUTHCONFORM_MAX_WAIT: 'soon' }), /AUTHCONFORM_MAX_WAIT must be a number/);
  });

  it('derives variable prefixes from ids', () => {
    assert.equal(envPrefix('basic-key-token'), 'AUTHCONFORM_BASIC_KEY_TOKEN');
  });
});
