/** The spec files of a folder, in a stable order. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function specFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
