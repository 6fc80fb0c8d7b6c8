/**
 * Loads a spec: YAML with source positions → ajv against the format's JSON Schema → semantic rules →
 * one resolved `Contract`. Every problem becomes a `SpecError` with file, line, column, JSON pointer and
 * what was expected; all problems are reported, not only the first.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { SpecError, SpecErrors } from './errors.js';
import type { Contract, Position } from './model.js';
import { semanticProblems, type Locate } from './rules.js';
import { specJsonSchema, type ContractSpec } from './schema.js';
import { closest, didYouMean } from './suggest.js';
import { pointerSegments } from './template.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

let validator: ReturnType<Ajv['compile']> | undefined;
function validateSpec(value: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, logger: false });
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
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true, logLevel: 'silent' });
  const at = positions(text);

  if (doc.errors.length) {
    // One mistake in YAML often cascades into several errors; the first is the one to fix.
    const [first] = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
    if (first) {
      const pos = at(syntaxErrorOffset(text, first.code, first.pos[0]));
      const more = doc.errors.length - 1;
      const message = `${yamlMessage(first.message, text, first.pos[0])}${more ? ` (${more} more YAML error${more > 1 ? 's' : ''} may follow from it.)` : ''}`;
      return { problems: [new SpecError({ file, line: pos.line, col: pos.col, pointer: '', message })] };
    }
  }

  const structural = structuralProblems(doc, at, file);
  if (structural.length) return { problems: structural };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { problems: [new SpecError({ file, line: 1, col: 1, pointer: '', message: `The YAML cannot be read as data: ${(e as Error).message}.` })] };
  }
  const locate = makeLocate(doc, at);
  const problem = (pointer: string, message: string, useKey = false): SpecError => {
    const pos = locate(pointer, useKey) ?? { line: 1, col: 1 };
    return new SpecError({ file, line: pos.line, col: pos.col, pointer, message });
  };

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [problem('', 'A spec must be a YAML mapping with keys such as authconform, id, provider, acquire, present, probe and errors.')] };
  }

  const errors = validateSpec(value);
  if (errors.length) {
    const shown = schemaErrors(errors, value);
    // Never go on to the semantic rules with a spec the schema refused, even if every error was folded away.
    const list = shown.length ? shown : errors.slice(0, 1).map(toProblem);
    return { problems: sortProblems(list.map((e) => problem(e.pointer, e.message, e.useKey))) };
  }

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
      in: spec.present.field !== undefined ? 'form' : spec.present.query !== undefined ? 'query' : 'header',
      name: spec.present.field ?? spec.present.query ?? spec.present.header ?? 'Authorization',
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

function yamlMessage(message: string, text: string, offset: number): string {
  let first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
  if (/^Map keys must be unique/.test(first)) {
    const key = /^\s*([^:#\n]+?)\s*:/.exec(text.slice(offset))?.[1];
    first = key ? `The key '${key}' is given twice in the same mapping` : first;
  }
  const sentence = first.endsWith('.') ? first : `${first}.`;
  return `YAML syntax error: ${sentence}`;
}

/** 1-based line and column of an offset, counted from the text itself. */
function positions(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] as number) + 1 };
  };
}

/**
 * Where to point for a syntax error. For an unclosed flow collection or quote, yaml reports where it
 * gave up (often the next line or the end of the file); the author needs where it was opened.
 */
function syntaxErrorOffset(text: string, code: string, offset: number): number {
  const opener = code === 'MISSING_CHAR' || code === 'BAD_INDENT' || code === 'UNEXPECTED_TOKEN' ? openerBefore(text, offset) : undefined;
  return opener ?? offset;
}

/** The last unclosed '[', '{' or quote before an offset, outside comments and closed quotes. */
function openerBefore(text: string, offset: number): number | undefined {
  const stack: number[] = [];
  let quote: { ch: string; at: number } | undefined;
  let comment = false;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    const ch = text[i] as string;
    if (ch === '\n') comment = false;
    if (comment) continue;
    if (quote) {
      if (ch === quote.ch && !(quote.ch === '"' && text[i - 1] === '\\')) quote = undefined;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) comment = true;
    else if ((ch === '"' || ch === "'") && (i === 0 || /[\s:[{,]/.test(text[i - 1] as string))) quote = { ch, at: i };
    else if (ch === '[' || ch === '{') stack.push(i);
    else if ((ch === ']' || ch === '}') && stack.length) stack.pop();
  }
  return quote?.at ?? stack.at(-1);
}

/** Aliases without an anchor, bad merge keys and non-scalar keys: what yaml would throw or warn about later. */
function structuralProblems(doc: Document, at: (offset: number) => Position, file: string): SpecError[] {
  const out: SpecError[] = [];
  const add = (node: Node | undefined, message: string): void => {
    const pos = at(node?.range?.[0] ?? 0);
    out.push(new SpecError({ file, line: pos.line, col: pos.col, pointer: '', message }));
  };
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined) add(node, `The alias '*${node.source}' names no anchor: define '&${node.source}' on a value above it, or write the value out.`);
    },
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (key && !isScalar(key) && !isAlias(key)) add(key, 'A key must be a plain name, not a list or a mapping.');
      if (isScalar(key) && key.value === '<<') {
        const v = pair.value as Node | null;
        const target = isAlias(v) ? v.resolve(doc) : v;
        const ok = (n: unknown): boolean => isMap(n) || (isAlias(n) && isMap((n as { resolve(d: Document): unknown }).resolve(doc)));
        if (!(isMap(target) || (isSeq(target) && target.items.every(ok)))) add(v ?? key, "A merge key '<<' must be followed by a mapping or an alias of one, such as '<<: *defaults'.");
      }
    },
  });
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Position of the value (or, with useKey, of the key) at a JSON pointer; the nearest existing ancestor otherwise. */
function makeLocate(doc: Document, at: (offset: number) => Position): Locate {
  return (pointer, useKey = false, inner = 0) => {
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
    if (offset === undefined) return undefined;
    // Inside a one-line scalar, point at the character (a placeholder) rather than the scalar's start.
    if (inner && isScalar(target) && (target.type === 'PLAIN' || target.type === 'QUOTE_DOUBLE' || target.type === 'QUOTE_SINGLE')) {
      return at(offset + inner + (target.type === 'PLAIN' ? 0 : 1));
    }
    return at(offset);
  };
}

function isNode(v: unknown): v is Node {
  return v !== null && typeof v === 'object' && 'range' in (v as object);
}

interface SchemaProblem {
  pointer: string;
  message: string;
  useKey: boolean;
  /** For a missing key: its name. */
  missing?: string;
  /** For an unknown key: the declared key it probably meant, and the mapping it is in. */
  meant?: string;
  parent?: string;
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

function formatName(format: string): string {
  const names: Record<string, string> = { uri: 'an absolute URI such as https://example.com/docs', 'date-time': 'an ISO 8601 date-time' };
  return names[format] ?? `in the ${format} format`;
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

function isMapping(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function schemaErrors(errors: ErrorObject[], root: unknown): SchemaProblem[] {
  // Collapse anyOf noise: where the value is not a mapping, one "must be one of" message says it all.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const valueAt = (p: string): unknown => pointerSegments(p).reduce<unknown>((v, s) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined), root);
  const kept = errors.filter((e) => {
    if (e.keyword === 'anyOf') return !isMapping(valueAt(e.instancePath));
    const inAnyOf = [...anyOfPaths].find((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
    if (inAnyOf === undefined) return true;
    // For a mapping, keep the errors of the mapping alternative only.
    return isMapping(valueAt(inAnyOf)) && !(e.instancePath === inAnyOf && (e.keyword === 'const' || e.keyword === 'type' || e.keyword === 'enum'));
  });

  const seen = new Set<string>();
  let out: SchemaProblem[] = [];
  for (const e of kept) {
    const p = toProblem(e);
    const key = `${p.pointer}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  // A misspelt key also makes the key it meant "missing": the did-you-mean says it all.
  const meant = new Set(out.filter((p) => p.meant).map((p) => `${p.parent}|${p.meant}`));
  out = out.filter((p) => !(p.missing && meant.has(`${p.pointer}|${p.missing}`)));
  // Many missing keys in one mapping (not a spec at all, say) read better as one sentence.
  const missingBy = new Map<string, SchemaProblem[]>();
  for (const p of out) if (p.missing) missingBy.set(p.pointer, [...(missingBy.get(p.pointer) ?? []), p]);
  for (const [pointer, list] of missingBy) {
    if (list.length <= 3) continue;
    const where = label(pointer);
    const merged: SchemaProblem = {
      pointer,
      useKey: true,
      message: `${where === 'the spec' ? 'The spec' : `'${where}'`} is missing the required keys ${list.map((p) => `'${p.missing}'`).join(', ')}.`,
    };
    out = [...out.filter((p) => !list.includes(p)), merged];
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
        missing: key,
        message: `${where === 'the spec' ? 'The spec' : `'${where}'`} is missing the required key '${key}'.${desc ? ` (${key}: ${desc})` : ''}`,
      };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      const pointer = `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const names = Object.keys((parent.patternProperties as object | undefined) ?? {});
      if (!allowed.length && names.length) {
        return {
          pointer,
          useKey: true,
          message: `'${key}' in '${where}' is not a valid name: use letters, digits and '_' only, starting with a letter or '_' (it is used as a {placeholder}).`,
        };
      }
      const meant = closest(key, allowed);
      return {
        pointer,
        useKey: true,
        parent: e.instancePath,
        ...(meant ? { meant } : {}),
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
    case 'format':
      return { pointer: e.instancePath, useKey: false, message: `'${where}' must be ${formatName(String(params.format))}, but it is ${typeOf(e.data)}.` };
    default:
      return { pointer: e.instancePath, useKey: false, message: `'${where}' ${e.message ?? 'is not valid'}, but it is ${typeOf(e.data)}.` };
  }
}
