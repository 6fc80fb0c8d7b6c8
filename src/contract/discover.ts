/** The spec files of a folder (or a single spec file), in a stable order. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SPEC_FILE = /\.ya?ml$/;

/** The specs a path names, or why it names none. */
export type SpecSource = { readonly files: string[] } | { readonly problem: string };

export function findSpecs(path: string): SpecSource {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return { problem: `${path} does not exist` };
  }
  if (stat.isFile()) return SPEC_FILE.test(path) ? { files: [path] } : { problem: `${path} is a file, but not a spec (*.yaml or *.yml)` };
  if (!stat.isDirectory()) return { problem: `${path} is neither a folder nor a spec file` };
  const files = readdirSync(path)
    .filter((f) => SPEC_FILE.test(f))
    .sort()
    .map((f) => join(path, f));
  return files.length ? { files } : { problem: `${path} holds no spec files (*.yaml or *.yml)` };
}

/** The spec files a path names; none when it names none. */
export function specFiles(path: string): string[] {
  const found = findSpecs(path);
  return 'files' in found ? found.files : [];
}
