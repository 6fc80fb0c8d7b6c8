/**
 * Which target a contract is judged on: a live server when AUTHCONFORM_<ID>_BASE_URL is set, the
 * embedded mock otherwise. A live target with missing credentials is a configuration error named
 * once, not a cascade of failed logins against someone's account.
 */
import type { Contract } from '../contract/model.js';
import type { Target } from '../checks/context.js';
import { badCredentialAllowance } from './budget.js';
import { envPrefix, liveSettings, mockOverrides, processEnv, runSettings, type Env } from './env.js';

export type TargetPlan =
  | { readonly kind: 'mock'; readonly ttl?: number; readonly idle?: number; readonly timeoutMs: number; readonly hmacWordlist?: readonly string[] }
  | { readonly kind: 'live'; readonly target: Target }
  | { readonly kind: 'misconfigured'; readonly reason: string };

export function planTarget(contract: Contract, env: Env = processEnv()): TargetPlan {
  const settings = runSettings(env);
  const live = liveSettings(contract, env);
  const wordlist = settings.hmacWordlist ? { hmacWordlist: settings.hmacWordlist } : {};
  if (!live) return { kind: 'mock', ...mockOverrides(contract, env), timeoutMs: settings.timeoutMs, ...wordlist };
  if (live.missing.length) {
    return {
      kind: 'misconfigured',
      reason: `${envPrefix(contract.id)}_BASE_URL points at a live server, but these credentials are not set: ${live.missing.join(', ')}. Set them in the environment or in .env.`,
    };
  }
  return {
    kind: 'live',
    target: {
      kind: 'live',
      baseUrl: live.baseUrl,
      credentials: live.credentials,
      ...(live.secondCredentials ? { secondCredentials: live.secondCredentials } : {}),
      ...(live.ttl !== undefined ? { ttl: live.ttl } : {}),
      ...(live.idle !== undefined ? { idle: live.idle } : {}),
      clock: live.clock,
      hostile: live.hostile,
      maxWait: live.maxWait ?? settings.maxWait,
      timeoutMs: settings.timeoutMs,
      badCredentialBudget: badCredentialAllowance(contract.id, live.maxBadAttempts ?? settings.maxBadAttempts, env),
      ...wordlist,
    },
  };
}
