/**
 * The JSON Schemas a spec embeds (the bodies of successes and errors), checked as draft 2020-12 in ajv's
 * strict mode: the draft the format documents and the one the checks validate responses with. Without
 * strict mode ajv ignores what it does not know, so `requird: [name]` or `format: uuidd` would make a
 * schema that checks nothing while reading as if it did. Each problem points at the keyword, the format
 * or the `required` entry to change.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { closest, didYouMean } from './suggest.js';
import { escapePointer, getPointer } from './template.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020;

export type Report = (pointer: string, message: string, useKey?: boolean) => void;

let strictAjv: Ajv2020 | undefined;
/** One ajv for every spec: strict, draft 2020-12, with ajv-formats' formats. */
export function bodySchemaAjv(): Ajv2020 {
  // Union types (`type: [string, 'null']`) say exactly what they mean; strict mode only asks to allow them.
  strictAjv ??= addFormats(new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, logger: false }));
  return strictAjv;
}

/** Keywords whose value is one subschema (or, wrongly written, a list of them). */
const ONE = new Set(['not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema']);
/** Keywords whose value is a list of subschemas. */
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to subschemas. */
const MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords through which other subschemas may declare the properties a `required` names. */
const ELSEWHERE = ['allOf', 'anyOf', 'oneOf', '$ref', '$dynamicRef', 'if', 'then', 'else', 'dependentSchemas', 'unevaluatedProperties'];
/** Keywords whose subschemas apply to the same value as their parent: branches of one object's schema. */
const BRANCHES = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas']);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Body schemas that compiled clean, by their JSON text: a spec set reuses the same few. */
const compiled = new Set<string>();

/** Reports every problem of the body schema at `pointer` (a JSON pointer into the spec). */
export function checkBodySchema(pointer: string, schema: Record<string, unknown> | undefined, report: Report): void {
  if (!schema) return;
  const key = JSON.stringify(schema);
  if (compiled.has(key)) return;
  const ajv = bodySchemaAjv();

  let found = false;
  const say: Report = (p, m, useKey) => {
    found = true;
    report(p, m, useKey);
  };
  walk(schema, '', false, (at, s, branch) => checkOne(s, `${pointer}${at}`, branch, ajv, say));
  if (found) return;

  let valid: boolean;
  try {
    valid = ajv.validateSchema(schema) as boolean;
  } catch (e) {
    // ajv knows one meta-schema here, draft 2020-12's; it throws for any other `$schema`.
    const named = '$schema' in schema ? `${pointer}/$schema` : pointer;
    report(named, `Body schemas are JSON Schema draft 2020-12, which ajv cannot check this one against (${(e as Error).message}): remove '$schema' or name https://json-schema.org/draft/2020-12/schema.`);
    return;
  }
  if (!valid) {
    const first = ajv.errors?.[0];
    const where = first?.instancePath ? ` at '${first.instancePath.slice(1).replace(/\//g, '.')}'` : '';
    const got = getPointer(schema, first?.instancePath ?? '');
    const allowed = (first?.params as { allowedValues?: unknown[] } | undefined)?.allowedValues;
    const hint = allowed ? ` (one of ${allowed.map(String).join(', ')})` : '';
    report(
      `${pointer}${first?.instancePath ?? ''}`,
      `This body schema is not a valid JSON Schema${where}: it ${first?.message ?? 'is invalid'}${hint}, but it is ${JSON.stringify(got)}.`,
    );
    return;
  }
  try {
    ajv.compile(schema);
    compiled.add(key);
  } catch (e) {
    const { at, message, keyword, required } = strictMessage((e as Error).message);
    const named = getPointer(schema, at);
    const here = isObject(named) ? named : {};
    const index = required !== undefined && Array.isArray(here.required) ? here.required.indexOf(required) : -1;
    if (required !== undefined && index >= 0) {
      report(`${pointer}${at}/required/${index}`, undeclared(required, isObject(here.properties) ? Object.keys(here.properties) : []));
    } else if (keyword !== undefined && Object.hasOwn(here, keyword)) report(`${pointer}${at}/${escapePointer(keyword)}`, message, true);
    else report(`${pointer}${at}`, message);
  }
}

type Visit = (at: string, s: Record<string, unknown>, branch: boolean) => void;

/**
 * Calls `visit` on every subschema (objects only), with its pointer inside the root schema and whether
 * it is a branch (of `anyOf`, `if`…) of a schema for the same value.
 */
function walk(schema: unknown, at: string, branch: boolean, visit: Visit): void {
  if (!isObject(schema)) return;
  visit(at, schema, branch);
  for (const [k, v] of Object.entries(schema)) {
    const here = `${at}/${escapePointer(k)}`;
    const inner = BRANCHES.has(k);
    if (ONE.has(k)) {
      if (Array.isArray(v)) v.forEach((s, i) => walk(s, `${here}/${i}`, inner, visit));
      else walk(v, here, inner, visit);
    } else if (LIST.has(k) && Array.isArray(v)) {
      v.forEach((s, i) => walk(s, `${here}/${i}`, inner, visit));
    } else if (MAP.has(k) && isObject(v)) {
      for (const [name, s] of Object.entries(v)) walk(s, `${here}/${escapePointer(name)}`, inner, visit);
    }
  }
}

/** Unknown keywords and formats, and `required` names no property declares, in one schema object. */
function checkOne(schema: Record<string, unknown>, at: string, branch: boolean, ajv: Ajv2020, report: Report): void {
  const keywords = Object.keys(ajv.RULES.keywords);
  for (const k of Object.keys(schema)) {
    if (Object.hasOwn(ajv.RULES.keywords, k)) continue;
    report(
      `${at}/${escapePointer(k)}`,
      `Unknown JSON Schema keyword '${k}': ajv ignores what it does not know, so the schema would check less than it says.${didYouMean(k, keywords)}`,
      true,
    );
  }

  if (typeof schema.format === 'string' && !Object.hasOwn(ajv.formats, schema.format)) {
    const formats = Object.keys(ajv.formats);
    report(
      `${at}/format`,
      `Unknown format '${schema.format}': ajv would ignore it and let any string pass.${didYouMean(schema.format, formats)} Known formats: ${formats.join(', ')}.`,
    );
  }

  const { required, properties, patternProperties, additionalProperties } = schema;
  // Extra properties allowed by a schema, or declared by another branch or its parent, may be what
  // `required` names.
  const open = additionalProperties !== undefined && additionalProperties !== false;
  if (Array.isArray(required) && isObject(properties) && !open && !branch && !ELSEWHERE.some((k) => k in schema)) {
    const declared = Object.keys(properties);
    const patterns = isObject(patternProperties) ? Object.keys(patternProperties).flatMap(regex) : [];
    required.forEach((name, i) => {
      if (typeof name !== 'string' || Object.hasOwn(properties, name) || patterns.some((re) => re.test(name))) return;
      report(`${at}/required/${i}`, undeclared(name, declared));
    });
  }
}

function undeclared(name: string, declared: readonly string[]): string {
  const meant = closest(name, declared);
  return `'required' names '${name}', but 'properties' does not declare it: the mock's bodies would lack it, and its checks would fail against the spec's own mock.${meant ? ` Did you mean '${meant}'?` : ` Declare it under 'properties'.`}`;
}

function regex(pattern: string): RegExp[] {
  try {
    return [new RegExp(pattern, 'u')];
  } catch {
    return [];
  }
}

/**
 * A strict-mode refusal from ajv, as a sentence, the pointer (inside the schema) it names, and the
 * keyword or the `required` name it is about.
 */
function strictMessage(raw: string): { at: string; message: string; keyword?: string; required?: string } {
  const path = /at (?:path )?"[^"#]*#([^"]*)"/.exec(raw)?.[1];
  let at = '';
  if (path) {
    try {
      at = decodeURIComponent(path);
    } catch {
      at = '';
    }
  }
  const text = raw.replace(/^strict mode: /, '').replace(/ at (?:path )?"[^"]*"/, '').replace(/ \(strictTypes\)$/, '');
  const missing = /^missing type "(\w+)" for keyword "([^"]+)"/.exec(text);
  if (missing) {
    const [, type, keyword] = missing;
    return {
      at,
      ...(keyword !== undefined && { keyword }),
      message: `'${keyword}' applies to ${type} values only, but this schema does not say 'type: ${type}', so a value of another type would pass. Add 'type: ${type}'.`,
    };
  }
  const tuple = /^"(\w+)" is (\d+)-tuple/.exec(text);
  if (tuple) {
    const [, keyword, n] = tuple;
    return {
      at,
      ...(keyword !== undefined && { keyword }),
      message: `'${keyword}' lists ${n} item${n === '1' ? '' : 's'}, but nothing says how long the list is, so a shorter or longer one would pass. Add 'minItems: ${n}' and 'items: false' (or 'maxItems: ${n}').`,
    };
  }
  const required = /^required property "([^"]+)" is not defined/.exec(text)?.[1];
  if (required !== undefined) return { at, message: undeclared(required, []), required };
  const refusal = raw.startsWith('strict mode:') ? "ajv's strict mode refuses this body schema" : 'ajv cannot compile this body schema';
  return { at, message: `${refusal}: ${text.replace(/\.?$/, '.')}` };
}
