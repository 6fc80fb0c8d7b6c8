import type { Contract } from '../contract/model.js';

/** The provider as people name it, with the spec id when the two differ: `Basic key-token API (basic-key-token)`. */
export function providerLabel(contract: Pick<Contract, 'id' | 'provider'>): string {
  return contract.provider.toLowerCase() === contract.id.toLowerCase() ? contract.provider : `${contract.provider} (${contract.id})`;
}
