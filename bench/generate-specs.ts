/**
 * Many providers for the scale benchmark: copies of the five seed specs under other ids, written to a
 * folder that AUTHCONFORM_SPECS can point at. Only the `id` and `provider` lines change, so every copy
 * states exactly its seed's rules and gets exactly its seed's checks.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The seed specs the copies are made from (the oauth2 spec needs a real server, not a mock). */
export const SEED_SPECS = ['basic-key-token', 'identity-credentials', 'private-tokens', 'vidizmo', 'waldo'] as const;

const SPECS_DIR = fileURLToPath(new URL('../specs/', import.meta.url));

export interface GeneratedSpec {
  readonly id: string;
  readonly seed: string;
  readonly file: string;
}

/** Writes `count` specs into `dir`, cycling through the seeds: basic-key-token-01, identity-credentials-01, … */
export function generateSpecs(dir: string, count: number): GeneratedSpec[] {
  mkdirSync(dir, { recursive: true });
  const out: GeneratedSpec[] = [];
  for (let i = 0; i < count; i++) {
    const seed = SEED_SPECS[i % SEED_SPECS.length] as string;
    const n = String(Math.floor(i / SEED_SPECS.length) + 1).padStart(2, '0');
    const id = `${seed}-${n}`;
    const file = join(dir, `${id}.yaml`);
    writeFileSync(file, renamed(readFileSync(join(SPECS_DIR, `${seed}.yaml`), 'utf8'), seed, id, n));
    out.push({ id, seed, file });
  }
  return out;
}

/** The seed's text with its top-level `id` and `provider` replaced; throws if either line is missing. */
export function renamed(text: string, seed: string, id: string, n: string): string {
  const idLine = new RegExp(`^id: ${seed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
  if (!idLine.test(text)) throw new Error(`the seed spec ${seed} has no top-level "id: ${seed}" line`);
  if (!/^provider: .+$/m.test(text)) throw new Error(`the seed spec ${seed} has no top-level provider line`);
  return text.replace(idLine, `id: ${id}`).replace(/^provider: (.+)$/m, (_, name: string) => `provider: ${name} (copy ${n})`);
}
