/**
 * Loads a spec: YAML with source positions → ajv against the format's JSON Schema → semantic rules →
 * one resolved `Contract`. Every problem becomes a `SpecError` with file, line, column, JSON pointer and
 * what was expected; all problems are reported, not only the first.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { SpecError, SpecErrors } from './errors.js';
import type { Contract, Position } from './model.js';
import { semanticProblems, type Locate } from './rules.js';
import { specJsonSchema, type ContractSpec } from './schema.js';
import { didYouMean } from './suggest.js';
import { pointerSegments } from './template.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

let validator: ReturnType<Ajv['compile']> | undefined;
function validateSpec(value: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(specJsonSchema());
  }
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

export interface LoadResult {
  readonly contract?: Contract;
  readonly problems: readonly SpecError[];
}

/** Loads one spec file; never throws for a bad spec (problems come back as values). */
export function loadContractFile(file: string): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { problems: [new SpecError({ file, line: 1, col: 1, pointer: '', message: `Cannot read the spec: ${reason}.` })] };
  }
  return parseContract(text, file);
}

/** Loads one spec file or throws `SpecErrors` listing every problem. */
export function loadContract(file: string): Contract {
  const { contract, problems } = loadContractFile(file);
  if (!contract || problems.length) throw new SpecErrors(problems);
  return contract;
}

/** Parses and validates spec text. */
export function parseContract(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const at = (offset: number): Position => lineCounter.linePos(offset);

  if (doc.errors.length) {
    const problems = doc.errors.map((err) => {
      const pos = err.linePos?.[0] ?? at(err.pos[0]);
      return new SpecError({ file, line: pos.line, col: pos.col, pointer: '', message: yamlMessage(err.message) });
    });
    return { problems: sortProblems(problems) };
  }

  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const locate = makeLocate(doc, at);
  const problem = (pointer: string, message: string, useKey = false): SpecError => {
    const pos = locate(pointer, useKey) ?? { line: 1, col: 1 };
    return new SpecError({ file, line: pos.line, col: pos.col, pointer, message });
  };

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [problem('', 'A spec must be a YAML mapping with keys such as authconform, id, provider, acquire, present, probe and errors.')] };
  }

  const schemaProblems = schemaErrors(validateSpec(value), value).map((e) => problem(e.pointer, e.message, e.useKey));
  if (schemaProblems.length) return { problems: sortProblems(schemaProblems) };

  const spec = value as ContractSpec;
  const semantic = semanticProblems(spec, locate).map(
    (p) => new SpecError({ file, line: p.position?.line ?? 1, col: p.position?.col ?? 1, pointer: p.pointer, message: p.message }),
  );
  if (semantic.length) return { problems: sortProblems(semantic) };

  return { contract: resolve(spec, file, (p) => locate(p, false)), problems: [] };
}

function resolve(spec: ContractSpec, file: string, at: (pointer: string) => Position | undefined): Contract {
  const scheme = spec.present.scheme;
  const part = spec.token.part ?? 'token';
  return {
    ...spec,
    file,
    token: { ...spec.token, part },
    present: {
      header: spec.present.header ?? 'Authorization',
      scheme,
      value: spec.present.value ?? `{${part}}`,
      companions: spec.present.companions ?? [],
      source: spec.present.source,
    },
    at,
  };
}

function sortProblems(problems: SpecError[]): SpecError[] {
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

function yamlMessage(message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
  const sentence = first.endsWith('.') ? first : `${first}.`;
  return `YAML syntax error: ${sentence}`;
}

/** Position of the value (or, with useKey, of the key) at a JSON pointer; the nearest existing ancestor otherwise. */
function makeLocate(doc: Document, at: (offset: number) => Position): Locate {
  return (pointer, useKey = false) => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    let best: Node | undefined = isNode(node) ? node : undefined;
    for (const seg of pointerSegments(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        keyNode = isNode(pair.key) ? pair.key : undefined;
        node = pair.value;
        best = isNode(node) ? node : keyNode ?? best;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined) break;
        keyNode = undefined;
        node = item;
        best = isNode(node) ? node : best;
      } else break;
    }
    const target = useKey && keyNode ? keyNode : best;
    const offset = target?.range?.[0];
    return offset === undefined ? undefined : at(offset);
  };
}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && 'range' in (v as object);
}

interface SchemaProblem {
  pointer: string;
  message: string;
  useKey: boolean;
}

function label(pointer: string): string {
  const segs = pointerSegments(pointer);
  return segs.length ? segs.map((s) => (/^\d+$/.test(s) ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[') : 'the spec';
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function describeAlternative(s: Record<string, unknown>): string {
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(', ');
  if (s.type === 'object' && s.properties && typeof s.properties === 'object') {
    return `a mapping with ${Object.keys(s.properties as object).join(', ')}`;
  }
  return String(s.type ?? 'a value');
}

function expectedType(t: unknown): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
  };
  return Array.isArray(t) ? t.map((x) => names[String(x)] ?? String(x)).join(' or ') : names[String(t)] ?? String(t);
}

function schemaErrors(errors: ErrorObject[], root: unknown): SchemaProblem[] {
  // Collapse anyOf noise: where the value is not a mapping, one "must be one of" message says it all.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const valueAt = (p: string): unknown => pointerSegments(p).reduce<unknown>((v, s) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined), root);
  const kept = errors.filter((e) => {
    if (e.keyword === 'anyOf') {
      const v = valueAt(e.instancePath);
      return !(v !== null && typeof v === 'object');
    }
    const inAnyOf = [...anyOfPaths].find((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
    if (inAnyOf === undefined) return true;
    const v = valueAt(inAnyOf);
    // For a mapping, keep the errors of the mapping alternative only.
    return v !== null && typeof v === 'object' && !(e.instancePath === inAnyOf && (e.keyword === 'const' || e.keyword === 'type' || e.keyword === 'enum'));
  });

  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of kept) {
    const p = toProblem(e);
    const key = `${p.pointer}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

function toProblem(e: ErrorObject): SchemaProblem {
  const where = label(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      const desc = (parent.properties as Record<string, { description?: string }> | undefined)?.[key]?.description;
      return {
        pointer: e.instancePath,
        useKey: true,
        message: `${where === 'the spec' ? 'The spec' : `'${where}'`} is missing the required key '${key}'.${desc ? ` (${key}: ${desc})` : ''}`,
      };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      const pointer = `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      return {
        pointer,
        useKey: true,
        message: `Unknown key '${key}' in ${where === 'the spec' ? 'the spec' : `'${where}'`}.${didYouMean(key, allowed)} Expected one of: ${allowed.join(', ')}.`,
      };
    }
    case 'type':
      return { pointer: e.instancePath, useKey: false, message: `'${where}' must be ${expectedType(params.type)}, but it is ${typeOf(e.data)}.` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        pointer: e.instancePath,
        useKey: false,
        message: `'${where}' must be one of ${allowed.join(', ')}, but it is ${typeOf(e.data)}.${typeof e.data === 'string' ? didYouMean(e.data, allowed) : ''}`,
      };
    }
    case 'const':
      return { pointer: e.instancePath, useKey: false, message: `'${where}' must be ${JSON.stringify(params.allowedValue)}, but it is ${typeOf(e.data)}.` };
    case 'anyOf': {
      const alts = ((e.schema as Record<string, unknown>[] | undefined) ?? []).map(describeAlternative);
      return { pointer: e.instancePath, useKey: false, message: `'${where}' must be one of: ${alts.join('; ')}; but it is ${typeOf(e.data)}.` };
    }
    case 'pattern': {
      const desc = typeof parent.description === 'string' ? ` (${parent.description})` : '';
      return { pointer: e.instancePath, useKey: false, message: `'${where}' must match ${String(params.pattern)}${desc}, but it is ${typeOf(e.data)}.` };
    }
    default:
      return { pointer: e.instancePath, useKey: false, message: `'${where}' ${e.message ?? 'is not valid'}.` };
  }
}
