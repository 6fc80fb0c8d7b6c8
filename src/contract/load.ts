/**
 * Loads a spec: YAML with source positions → ajv against the format's JSON Schema → semantic rules →
 * one resolved `Contract`. Every problem becomes a `SpecError` with file, line, column, JSON pointer and
 * what was expected; all problems are reported, not only the first.
 */
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { LineCounter, isAlias, isMap, isScalar, isSeq, type Alias, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { SpecError, SpecErrors } from './errors.js';
import type { Contract, ContractTokens, Position, TokenExpiry } from './model.js';
import { LOAD_LIMITS, readSpecFile, readYaml, type LoadLimits } from './read.js';
import { semanticProblems, unfinishedProblems, type Locate, type RuleProblem } from './rules.js';
import { specJsonSchema, type ContractSpec } from './schema.js';
import { closest, didYouMean } from './suggest.js';
import { pointerSegments } from './template.js';

export { LOAD_LIMITS, type LoadLimits } from './read.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

let validator: ReturnType<Ajv['compile']> | undefined;
/** The spec format's validator, compiled once per process (not counted against a spec's reading time). */
function specValidator(): ReturnType<Ajv['compile']> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, logger: false });
    addFormats(ajv);
    validator = ajv.compile(specJsonSchema());
  }
  return validator;
}

function validateSpec(value: unknown): ErrorObject[] {
  const validate = specValidator();
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

export interface LoadResult {
  readonly contract?: Contract;
  readonly problems: readonly SpecError[];
  /**
   * What is left to write in a spec that otherwise loads: `source` values that are still TODO. The mock
   * and the suite run such a spec (a starter runs as written); `authconform lint` refuses it.
   */
  readonly unfinished?: readonly SpecError[];
}

/** Loads one spec file; never throws for a bad spec (problems come back as values). */
export function loadContractFile(file: string, limits: LoadLimits = LOAD_LIMITS): LoadResult {
  const read = readSpecFile(file, limits);
  if ('problem' in read) {
    // Only the size limit points past the start of the file, into the part that was read.
    const { offset, message } = read.problem;
    const pos = lineCounter(read.head ?? '').linePos(offset);
    return { problems: [new SpecError({ file, line: pos.line, col: pos.col, pointer: '', message })] };
  }
  return parseContract(read.text, file, limits);
}

/** Loads one spec file or throws `SpecErrors` listing every problem. */
export function loadContract(file: string): Contract {
  const { contract, problems } = loadContractFile(file);
  if (!contract || problems.length) throw new SpecErrors(problems);
  return contract;
}

/** Parses and validates spec text. */
export function parseContract(text: string, file: string, limits: LoadLimits = LOAD_LIMITS): LoadResult {
  specValidator();
  const deadline = limits.now() + limits.maxMillis;
  const at = lineCounter(text).linePos;
  const read = readYaml(text, limits, deadline);

  if ('syntax' in read) {
    // One mistake in YAML often cascades into several errors; the first is the one to fix.
    const { offset, code, message, more } = read.syntax;
    const pos = at(syntaxErrorOffset(text, code, offset));
    const sentence = `${yamlMessage(message)}${more ? ` (${more} more YAML error${more > 1 ? 's' : ''} may follow from it.)` : ''}`;
    return { problems: [new SpecError({ file, line: pos.line, col: pos.col, pointer: '', message: sentence })] };
  }
  if ('problems' in read) {
    return {
      problems: read.problems.map(({ offset, message }) => {
        const pos = at(offset);
        return new SpecError({ file, line: pos.line, col: pos.col, pointer: '', message });
      }),
    };
  }

  const { doc, value, targets } = read;
  const locate = makeLocate(doc, at, targets);
  // A contract cites its rules where they are written, the alias itself rather than what it names.
  const cite = makeLocate(doc, at);
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
  const asError = (p: RuleProblem): SpecError =>
    new SpecError({ file, line: p.position?.line ?? 1, col: p.position?.col ?? 1, pointer: p.pointer, message: p.message });
  const unfinished = sortProblems(unfinishedProblems(spec, locate).map(asError));
  const semantic = semanticProblems(spec, locate).map(asError);
  if (semantic.length) return { problems: sortProblems(semantic), unfinished };

  return { contract: resolve(spec, file, (p) => cite(p, false)), problems: [], unfinished };
}

function resolve(spec: ContractSpec, file: string, at: (pointer: string) => Position | undefined): Contract {
  const scheme = spec.present.scheme;
  const part = spec.token.part ?? 'token';
  const { tokens, ...rest } = spec;
  return {
    ...rest,
    file,
    token: { ...spec.token, part },
    probes: spec.probes ?? [],
    ...(tokens ? { tokens: resolveTokens(tokens) } : {}),
    present: {
      in: spec.present.field !== undefined ? 'form' : spec.present.query !== undefined ? 'query' : 'header',
      name: spec.present.field ?? spec.present.query ?? spec.present.header ?? 'Authorization',
      scheme,
      schemeCase: spec.present.schemeCase ?? 'insensitive',
      value: spec.present.value ?? `{${part}}`,
      companions: spec.present.companions ?? [],
      source: spec.present.source,
    },
    at,
  };
}

/**
 * The long-lived tokens with their expiry mode made explicit and a rotation by sequence apart from one
 * by request. The rules have made sure a chosen expiry has its var, format and required, and a rotation
 * either its request and response or its sequence.
 */
function resolveTokens(tokens: NonNullable<ContractSpec['tokens']>): ContractTokens {
  const { mode = 'chosen', var: name, format, required, source } = tokens.create.expiry;
  const expiry: TokenExpiry =
    mode === 'chosen' ? { mode, var: name ?? '', format: format ?? 'iso8601', required: required ?? false, source } : { mode, source };
  const { rotate, ...rest } = tokens;
  return {
    ...rest,
    create: { ...tokens.create, expiry },
    ...(rotate?.by
      ? { rotateSequence: { steps: rotate.by, source: rotate.source } }
      : rotate?.request && rotate.response
        ? { rotate: { request: rotate.request, response: rotate.response, source: rotate.source } }
        : {}),
  };
}

/** Problems in file order, each once: a schema shared through an alias is reported where it is written. */
function sortProblems(problems: SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.line}:${p.col}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

function yamlMessage(message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
  const sentence = first.endsWith('.') ? first : `${first}.`;
  return `YAML syntax error: ${sentence}`;
}

/**
 * yaml's LineCounter (1-based line and column of an offset) over every line break of the text. Not the
 * one yaml's parser fills as it reads: on some malformed YAML it skips a line break (text after a
 * closed flow mapping, `{\n  "a": 1\n  },\n  "b": {`), and every position below it would be a line off,
 * which is where a spec author most needs them right.
 */
function lineCounter(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
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

/**
 * Position of the value (or, with useKey, of the key) at a JSON pointer; the nearest existing ancestor
 * otherwise. Given the aliases' targets, a pointer that passes through an alias goes on in the value the
 * alias names, and a key brought in by a merge key is found where the merged mapping defines it: a
 * problem inside a shared schema is shown once, where it can be fixed. Each mapping's keys are indexed
 * once, on first use, so locating is linear in the depth of the pointer.
 */
function makeLocate(doc: Document, at: (offset: number) => Position, targets?: ReadonlyMap<Alias, Node>): Locate {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const mergeSources = new WeakMap<YAMLMap, Pair[]>();
  const deref = (n: unknown): unknown => (isAlias(n) ? targets?.get(n) : n);
  const pairIn = (map: YAMLMap, key: string, depth = 0): Pair | undefined => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      const merges: Pair[] = [];
      for (const p of map.items) {
        if (!isScalar(p.key)) continue;
        if (typeof p.key.value === 'symbol' || p.key.value === '<<') merges.push(p);
        else if (!index.has(String(p.key.value))) index.set(String(p.key.value), p);
      }
      indexes.set(map, index);
      mergeSources.set(map, merges);
    }
    const own = index.get(key);
    if (own || !targets || depth > 8) return own;
    for (const merge of mergeSources.get(map) ?? []) {
      const v = deref(merge.value);
      for (const source of isSeq(v) ? v.items.map(deref) : [v]) {
        const found = isMap(source) ? pairIn(source, key, depth + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };

  return (pointer, useKey = false, inner = 0) => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    let best: Node | undefined = isNode(node) ? node : undefined;
    for (const seg of pointerSegments(pointer)) {
      const here = deref(node);
      if (isMap(here)) {
        const pair = pairIn(here, seg);
        if (!pair) break;
        keyNode = isNode(pair.key) ? pair.key : undefined;
        node = pair.value;
        best = isNode(node) ? node : keyNode ?? best;
      } else if (isSeq(here)) {
        const item = here.items[Number(seg)];
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
  // YAML's names for what JSON cannot write.
  if (typeof v === 'number' && !Number.isFinite(v)) return `number ${Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function durationInWords(seconds: number): string {
  const units: [number, string][] = [
    [365 * 24 * 3600, 'year'],
    [24 * 3600, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${name}${seconds === size ? '' : 's'}`;
  }
  return `${seconds} seconds`;
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
  // A value of the wrong type (YAML's .nan among them) is that one problem, not also out of range.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const RANGE = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
  const kept = errors.filter((e) => {
    if (RANGE.has(e.keyword) && wrongType.has(e.instancePath)) return false;
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
    case 'maximum': {
      // A lifetime's limit reads better as a duration.
      const limit = Number(params.limit);
      const words = e.instancePath.endsWith('/seconds') ? ` (${durationInWords(limit)})` : '';
      return { pointer: e.instancePath, useKey: false, message: `'${where}' must be at most ${limit}${words}, but it is ${typeOf(e.data)}.` };
    }
    case 'format':
      return { pointer: e.instancePath, useKey: false, message: `'${where}' must be ${formatName(String(params.format))}, but it is ${typeOf(e.data)}.` };
    default:
      return { pointer: e.instancePath, useKey: false, message: `'${where}' ${e.message ?? 'is not valid'}, but it is ${typeOf(e.data)}.` };
  }
}
