/** Writes schema/authconform-spec.schema.json from the TypeBox definitions (the one source of truth). */
import { writeFileSync } from 'node:fs';
import { specJsonSchema } from '../src/contract/schema.js';

export const SCHEMA_FILE = new URL('../schema/authconform-spec.schema.json', import.meta.url);

export function schemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SCHEMA_FILE, schemaText());
  console.log('wrote schema/authconform-spec.schema.json');
}
