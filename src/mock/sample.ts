/**
 * A value from a JSON Schema, so every body the mock sends (success or error) has the shape the
 * contract promises without per-provider code. Named values win (`const`, `enum`, `examples`,
 * `default`); generated ones are fresh on every call (a new uuid for an incident id, the test clock's
 * time for a date-time), as a real server's would be.
 */
import { randomUUID } from 'node:crypto';

type Schema = Readonly<Record<string, unknown>>;

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
    default: {
      const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
      return 'example'.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, 7)));
    }
  }
}

function sampleNumber(schema: Schema, integer: boolean): number {
  let n = 0;
  if (typeof schema.minimum === 'number') n = schema.minimum;
  else if (typeof schema.exclusiveMinimum === 'number') n = schema.exclusiveMinimum + (integer ? 1 : 0.5);
  else if (typeof schema.maximum === 'number' && schema.maximum < 0) n = schema.maximum;
  return integer ? Math.ceil(n) : n;
}
