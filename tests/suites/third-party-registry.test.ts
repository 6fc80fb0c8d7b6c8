/**
 * The registry of third-party servers (fixtures/third-party/registry.ts): each entry names a spec that
 * exists under its id, each known breach names a check its spec really generates (a typo would never
 * apply, and the check would fail unexpected), and a run starts a server only for a selected project
 * whose base URL is unset, with the spec's demo credentials as defaults the environment can override.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checksFor } from '../../src/checks/catalog.js';
import { loadContract } from '../../src/contract/load.js';
import { applyDefaults } from '../../src/target/env.js';
import { serverDefaults, serverFor, serversToStart, THIRD_PARTY_SERVERS } from '../../fixtures/third-party/registry.js';
import { PROJECT_ROOT } from '../support/playwright-cli.js';

const entries = THIRD_PARTY_SERVERS.map((server) => ({ server, contract: loadContract(join(PROJECT_ROOT, server.spec)) }));
const specs = entries.map(({ server, contract }) => ({ file: join(PROJECT_ROOT, server.spec), contract }));

describe('third-party servers', () => {
  it('are oidc-provider, oauth2-mock-server and better-auth, each with its spec under its id', () => {
    assert.deepEqual(
      THIRD_PARTY_SERVERS.map((s) => s.id),
      ['oauth2', 'oauth2-mock-server', 'better-auth'],
    );
    for (const { server, contract } of entries) {
      assert.ok(existsSync(join(PROJECT_ROOT, server.spec)), server.spec);
      assert.equal(contract.id, server.id);
      assert.equal(serverFor(join(PROJECT_ROOT, server.spec), contract), server);
    }
    // A spec under another id (a copy of the file elsewhere, or a renamed spec) has no server.
    const [first] = entries;
    assert.equal(serverFor(join(PROJECT_ROOT, 'specs/vidizmo.yaml'), first?.contract), undefined);
  });

  it('name, as known breaches, only checks their specs generate, each with a reason', () => {
    for (const { server, contract } of entries) {
      const ids = new Set(checksFor(contract).map((c) => c.id));
      const stale = Object.keys(server.knownBreaches).filter((id) => !ids.has(id));
      assert.deepEqual(stale, [], `${server.id}: known breaches that name no check of its spec`);
      for (const [id, reason] of Object.entries(server.knownBreaches)) assert.ok(reason.trim().length > 20, `${server.id} ${id}: give the reason`);
    }
  });

  it('start only for selected projects whose base URL is unset, or exactly as the main process handed over', () => {
    const ids = (picked: ReturnType<typeof serversToStart>): string[] => picked.map((p) => p.server.id);
    assert.deepEqual(ids(serversToStart(specs, { selected: () => true, env: {} })), ['oauth2', 'oauth2-mock-server', 'better-auth']);
    assert.deepEqual(ids(serversToStart(specs, { selected: (id) => id === 'better-auth', env: {} })), ['better-auth']);
    assert.deepEqual(
      ids(serversToStart(specs, { selected: () => true, env: { AUTHCONFORM_OAUTH2_MOCK_SERVER_BASE_URL: 'http://127.0.0.1:9' } })),
      ['oauth2', 'better-auth'],
      'a project pointed elsewhere starts nothing',
    );
    // A worker sees the base URLs the global setup set, and goes by what the main process decided.
    const worker = { AUTHCONFORM_BETTER_AUTH_BASE_URL: 'http://127.0.0.1:40000' };
    assert.deepEqual(ids(serversToStart(specs, { selected: () => true, env: worker, handed: 'better-auth' })), ['better-auth']);
    assert.deepEqual(ids(serversToStart(specs, { selected: () => true, env: worker, handed: '' })), []);
    assert.deepEqual(ids(serversToStart([], { selected: () => true, env: {} })), []);
  });

  it('give their projects the demo credentials, lifetime and bounds as defaults the environment overrides', () => {
    const entry = entries.find((e) => e.server.id === 'better-auth');
    assert.ok(entry);
    const defaults = serverDefaults(entry.server, entry.contract);
    assert.deepEqual(defaults, {
      AUTHCONFORM_BETTER_AUTH_TTL: '5',
      AUTHCONFORM_BETTER_AUTH_MAX_WAIT: '60',
      AUTHCONFORM_BETTER_AUTH_MAX_BAD_ATTEMPTS: '100',
      BETTER_AUTH_EMAIL: entry.contract.mock.credentials.email,
      BETTER_AUTH_PASSWORD: entry.contract.mock.credentials.password,
    });
    const env: NodeJS.ProcessEnv = { AUTHCONFORM_BETTER_AUTH_MAX_WAIT: '0' };
    applyDefaults(defaults, env);
    assert.equal(env.AUTHCONFORM_BETTER_AUTH_MAX_WAIT, '0', 'what the environment says wins');
    assert.equal(env.BETTER_AUTH_PASSWORD, entry.contract.mock.credentials.password);
    const oms = entries.find((e) => e.server.id === 'oauth2-mock-server');
    assert.ok(oms);
    assert.equal(serverDefaults(oms.server, oms.contract).AUTHCONFORM_OAUTH2_MOCK_SERVER_TTL, undefined, 'a lifetime the server cannot be given is not claimed');
  });
});
