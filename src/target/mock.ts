/**
 * The target description of an embedded mock: its fake credentials and its test clock. It is nobody's
 * account, so it accepts hostile-looking payloads.
 */
import type { Contract } from '../contract/model.js';
import type { Target } from '../checks/context.js';

export function mockTarget(
  contract: Contract,
  baseUrl: string,
  overrides: { ttl?: number; idle?: number; timeoutMs?: number; hmacWordlist?: readonly string[] } = {},
): Target {
  return {
    kind: 'mock',
    baseUrl,
    credentials: contract.mock.credentials,
    ...(contract.mock.secondAccount ? { secondCredentials: contract.mock.secondAccount } : {}),
    clock: true,
    hostile: true,
    maxWait: 0,
    timeoutMs: overrides.timeoutMs ?? 10_000,
    ...(overrides.ttl !== undefined ? { ttl: overrides.ttl } : {}),
    ...(overrides.idle !== undefined ? { idle: overrides.idle } : {}),
    ...(overrides.hmacWordlist !== undefined ? { hmacWordlist: overrides.hmacWordlist } : {}),
  };
}
