/**
 * Garbage of the right shape: a value that looks like the one it replaces (same length, same kinds of
 * characters, same separators) but is random, so a server cannot refuse it for its form alone.
 */
import { randomInt } from 'node:crypto';

const CLASSES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'] as const;

export function garble(value: string): string {
  if (![...value].some((ch) => CLASSES.some((c) => c.includes(ch)))) return `${value}x`;
  for (;;) {
    const out = [...value]
      .map((ch) => {
        const cls = CLASSES.find((c) => c.includes(ch));
        return cls ? (cls[randomInt(cls.length)] as string) : ch;
      })
      .join('');
    if (out !== value) return out;
  }
}
