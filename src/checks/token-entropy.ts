/**
 * A conservative estimate of the entropy of issued tokens from a few samples (RFC 6749 §10.10). Only
 * what varies between samples counts: characters every sample shares in the same place (a prefix, a
 * version marker, a UUID's dashes) carry nothing. Each varying position counts log2 of the smallest
 * usual alphabet holding every character seen there across the samples (hex, base32, base64url…),
 * which a random token of that alphabet reaches and a structured one does not exceed. The estimate
 * is an upper bound on what an attacker must guess only when the characters are random; it can
 * prove a token weak, never strong, which is the direction a finding needs.
 */

export interface EntropyEstimate {
  /** Estimated bits per token. */
  readonly bits: number;
  /** How the estimate was reached, with lengths and alphabets only (never a token's characters). */
  readonly account: string;
}

/** Usual token alphabets, smallest first: the first that holds every varying character is used. */
const ALPHABETS: readonly { readonly name: string; readonly chars: RegExp; readonly size: number }[] = [
  { name: 'decimal digits', chars: /^[0-9]*$/, size: 10 },
  { name: 'lower-case hex', chars: /^[0-9a-f]*$/, size: 16 },
  { name: 'upper-case hex', chars: /^[0-9A-F]*$/, size: 16 },
  { name: 'base32', chars: /^[A-Z2-7]*$/, size: 32 },
  { name: 'lower-case base32', chars: /^[a-z2-7]*$/, size: 32 },
  { name: 'digits and upper-case letters', chars: /^[0-9A-Z]*$/, size: 36 },
  { name: 'digits and lower-case letters', chars: /^[0-9a-z]*$/, size: 36 },
  { name: 'letters and digits', chars: /^[0-9A-Za-z]*$/, size: 62 },
  { name: 'base64url', chars: /^[0-9A-Za-z_-]*$/, size: 64 },
  { name: 'base64', chars: /^[0-9A-Za-z+/=]*$/, size: 64 },
];

/** Estimates the entropy of one token from `samples` (distinct values of the same kind). */
export function estimateEntropy(samples: readonly string[]): EntropyEstimate {
  const lengths = samples.map((s) => [...s].length);
  const min = Math.min(...lengths);
  const max = Math.max(...lengths);
  const chars = samples.map((s) => [...s]);
  let varying: string[] = [];
  let positions = 0;
  let shared: string;
  if (min === max) {
    // Same length: judge position by position, so fixed characters anywhere count for nothing.
    for (let i = 0; i < min; i++) {
      const column = chars.map((c) => c[i] as string);
      if (new Set(column).size > 1) {
        positions++;
        varying = varying.concat(column);
      }
    }
    shared = `${min - positions} of ${min} positions the same in every sample`;
  } else {
    // Lengths differ: only a shared prefix and suffix can be told apart.
    const prefix = commonPrefix(chars);
    const suffix = commonPrefix(chars.map((c) => c.slice(prefix).reverse()));
    positions = Math.max(0, min - prefix - suffix);
    varying = chars.flatMap((c) => c.slice(prefix, c.length - suffix));
    shared = `lengths ${min}–${max}; ${prefix} leading and ${suffix} trailing characters the same in every sample`;
  }
  const text = varying.join('');
  const alphabet = ALPHABETS.find((a) => a.chars.test(text)) ?? { name: 'characters seen', size: Math.max(2, new Set(varying).size) };
  const perChar = Math.log2(alphabet.size);
  const bits = Math.floor(positions * perChar);
  return {
    bits,
    account: `about ${bits} bits: ${samples.length} samples of ${min === max ? `${min}` : `${min}–${max}`} characters, ${shared}; ${positions} varying positions of ${alphabet.name} (${alphabet.size} symbols, ${perChar.toFixed(2)} bits each)`,
  };
}

function commonPrefix(chars: readonly (readonly string[])[]): number {
  const first = chars[0] ?? [];
  let n = 0;
  while (n < first.length && chars.every((c) => c[n] === first[n])) n++;
  return n;
}
