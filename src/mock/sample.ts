/**
 * A value from a JSON Schema, so every body the mock sends (success or error) has the shape the
 * contract promises without per-provider code. Named values win (`const`, `enum`, `examples`,
 * `default`); generated ones are fresh on every call (a new uuid for an incident id, the test clock's
 * time for a date-time), as a real server's would be.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { sampleWithin, type PatternRandom } from '../contract/pattern.js';

export type Schema = Readonly<Record<string, unknown>>;

function isSchema(v: unknown): v is Schema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A sample value of `schema`; `nowMs` is the time a date-time says. */
export function sample(schema: unknown, nowMs: number): unknown {
  if (!isSchema(schema)) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('default' in schema) return schema.default;
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length) {
      if (key !== 'allOf') return sample(list[0], nowMs);
      // allOf: the object members of every branch together.
      const parts = list.map((s) => sample(s, nowMs));
      if (parts.every((p) => isSchema(p))) return Object.assign({}, ...parts);
      return parts[0];
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') ?? schema.type[0] : schema.type;
  switch (type ?? (isSchema(schema.properties) ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (isSchema(schema.properties)) for (const [k, s] of Object.entries(schema.properties)) out[k] = sample(s, nowMs);
      return out;
    }
    case 'array': {
      // Draft 2020-12 tuples: the first items follow `prefixItems`, the rest `items`.
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
      const n = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 0, prefix.length);
      return Array.from({ length: n }, (_, i) => sample(i < prefix.length ? prefix[i] : schema.items, nowMs));
    }
    case 'string':
      return sampleString(schema, nowMs);
    case 'integer':
    case 'number':
      return sampleNumber(schema, type === 'integer');
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return null;
  }
}

function sampleString(schema: Schema, nowMs: number): string {
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : undefined;
  const formatted = sampleFormatted(schema, nowMs);
  if (pattern === undefined || (formatted !== undefined && matches(pattern, formatted))) return formatted ?? sampleLength(schema);
  return patterned(schema, 'plain') ?? formatted ?? sampleLength(schema);
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return false;
  }
}

/**
 * How random a value from a pattern is: `plain` for an ordinary field, `secret` for a credential the
 * mock issues (every choice from the system's CSPRNG, unbounded repetitions long, so a pattern such as
 * `^[A-Za-z0-9]+$` still gives a token of about 380 bits), `weak` for the low-entropy faults (only the
 * first few choices vary: about 32 bits, guessable).
 */
export type Randomness = 'plain' | 'secret' | 'weak';

function randomness(kind: Randomness): PatternRandom {
  if (kind === 'secret') return { below: (n) => randomInt(n), extra: 64 };
  if (kind === 'plain') return { below: (n) => randomInt(n), extra: 8 };
  let varied = 0;
  return { below: (n) => (n > 1 && varied++ < 5 ? randomInt(n) : 0), extra: 32 };
}

/** A string matching the schema's `pattern` within its length bounds; undefined when it has none or none fits. */
export function patterned(schema: unknown, kind: Randomness): string | undefined {
  if (!isSchema(schema) || typeof schema.pattern !== 'string') return undefined;
  const bounds = {
    ...(typeof schema.minLength === 'number' ? { minLength: schema.minLength } : {}),
    ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
  };
  try {
    return sampleWithin(schema.pattern, bounds, randomness(kind));
  } catch {
    // A pattern the generator does not cover: lint has said so (patternProblems in src/contract/rules.ts).
    return undefined;
  }
}

/**
 * The schema of the value at a JSON pointer of a body (`/data/token`): through `properties`, array
 * `items`, and the branches of `allOf`/`anyOf`/`oneOf` that declare it.
 */
export function schemaAt(schema: unknown, pointer: string): Schema | undefined {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: unknown = schema;
  for (const seg of segments) {
    cur = childSchema(cur, seg);
    if (cur === undefined) return undefined;
  }
  return isSchema(cur) ? cur : undefined;
}

function childSchema(schema: unknown, seg: string): unknown {
  if (!isSchema(schema)) return undefined;
  if (isSchema(schema.properties) && Object.hasOwn(schema.properties, seg)) return schema.properties[seg];
  if (/^\d+$/.test(seg)) {
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    const i = Number(seg);
    if (i < prefix.length) return prefix[i];
    if (isSchema(schema.items)) return schema.items;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const branch of list) {
      const found = childSchema(branch, seg);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function sampleFormatted(schema: Schema, nowMs: number): string | undefined {
  switch (schema.format) {
    case 'uuid':
      return randomUUID();
    case 'date-time':
      return new Date(nowMs).toISOString();
    case 'date':
      return new Date(nowMs).toISOString().slice(0, 10);
    case 'time':
      return new Date(nowMs).toISOString().slice(11);
    case 'email':
      return 'user@example.test';
    case 'uri':
    case 'url':
      return 'https://example.test/';
    default:
      return undefined;
  }
}

function sampleLength(schema: Schema): string {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  return 'example'.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, 7)));
}

function sampleNumber(schema: Schema, integer: boolean): number {
  let n = 0;
  if (typeof schema.minimum === 'number') n = schema.minimum;
  else if (typeof schema.exclusiveMinimum === 'number') n = schema.exclusiveMinimum + (integer ? 1 : 0.5);
  else if (typeof schema.maximum === 'number' && schema.maximum < 0) n = schema.maximum;
  return integer ? Math.ceil(n) : n;
}
