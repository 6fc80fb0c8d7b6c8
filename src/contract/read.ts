/**
 * Reading a spec's YAML within limits. Whatever a file holds, reading it is one linear pass: a file that
 * is not a regular file is refused before it is opened, the size is capped, nesting is bounded while
 * the text is parsed (before anything recurses over it), and duplicate keys, aliases and merge keys are
 * checked in one walk of the document, with each alias resolved once. What is refused comes back as an
 * offset into the text and a sentence; load.ts turns offsets into line and column.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { CST, Composer, Lexer, Parser, isAlias, isMap, isNode, isScalar, isSeq, type Alias, type Document, type Node } from 'yaml';

/** The limits a spec is read within. Real specs are a few KiB, a dozen levels deep, with a handful of aliases. */
export interface LoadLimits {
  /** The largest spec read, in bytes. */
  readonly maxBytes: number;
  /** The deepest nesting of mappings and lists. */
  readonly maxDepth: number;
  /** The most aliases (`*name`, merge keys included) in one spec. */
  readonly maxAliases: number;
  /** The most values aliases may add once expanded: what makes a small file a "billion laughs". */
  readonly maxExpanded: number;
  /** The longest reading a spec may take, in milliseconds. */
  readonly maxMillis: number;
  /** The clock `maxMillis` is measured with, in milliseconds. */
  readonly now: () => number;
}

/**
 * The CPU time this process has used, in milliseconds: a spec is judged by the work reading it takes,
 * not by how busy the machine is. On wall time, a process that waits for a core (parallel test files,
 * a shared CI runner) would have a few-KiB spec refused as too slow to read.
 */
export function cpuMillis(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export const LOAD_LIMITS: LoadLimits = {
  maxBytes: 128 * 1024,
  maxDepth: 64,
  maxAliases: 100,
  maxExpanded: 10_000,
  maxMillis: 1000,
  now: cpuMillis,
};

/** A problem found while reading, at an offset into the text. */
export interface ReadProblem {
  readonly offset: number;
  readonly message: string;
}

/** A spec file's text, or why it is not read; `head` is the text up to the problem's offset. */
export type FileText = { readonly text: string } | { readonly problem: ReadProblem; readonly head?: string };

/**
 * The text of a spec file. Anything but a regular file (a FIFO, a folder, a device) is refused from its
 * `stat`, without opening it: opening a FIFO for reading waits for a writer. The file is then opened
 * non-blocking and checked again, so one swapped in meanwhile cannot block either.
 */
export function readSpecFile(file: string, limits: LoadLimits = LOAD_LIMITS): FileText {
  const refuse = (message: string, head = ''): FileText => ({ problem: { offset: head.length, message }, head });
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (e) {
    return refuse(`Cannot read the spec: ${reason(e)}.`);
  }
  if (!stats.isFile()) return refuse(notAFile(stats));
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return refuse(`Cannot read the spec: ${reason(e)}.`);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return refuse(notAFile(opened));
    // One byte past the limit is enough to know the file is over it.
    const buf = Buffer.alloc(Math.min(opened.size, limits.maxBytes) + 1);
    let length = 0;
    while (length < buf.length) {
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limits.maxBytes) {
      return refuse(tooLarge(Math.max(opened.size, length), limits), buf.subarray(0, limits.maxBytes).toString('utf8'));
    }
    return { text: buf.subarray(0, length).toString('utf8') };
  } catch (e) {
    return refuse(`Cannot read the spec: ${reason(e)}.`);
  } finally {
    closeSync(fd);
  }
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EACCES') return 'permission denied';
  return err.message ?? String(e);
}

function notAFile(stats: Stats): string {
  const what = stats.isDirectory()
    ? 'a folder'
    : stats.isFIFO()
      ? 'a FIFO (named pipe)'
      : stats.isSocket()
        ? 'a socket'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
  return `Cannot read the spec: it is ${what}, and a spec is read from a regular file only.`;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function tooLarge(bytes: number, limits: LoadLimits): string {
  return `The spec is ${size(bytes)}, more than the ${size(limits.maxBytes)} authconform reads; it passes that limit here. An authentication contract takes a few KiB: this file holds something else.`;
}

/** The YAML of a spec read as data, or the problems that stop it being read. */
export type YamlRead =
  | {
      readonly doc: Document.Parsed;
      readonly value: unknown;
      /** What each alias stands for, resolved once. */
      readonly targets: ReadonlyMap<Alias, Node>;
    }
  | {
      /** A YAML syntax problem: the first by position, and how many others may follow from it. */
      readonly syntax: { readonly offset: number; readonly code: string; readonly message: string; readonly more: number };
    }
  | { readonly problems: readonly ReadProblem[] };

/** Parses spec text as one YAML document within the limits; `deadline` is on `limits.now`'s clock. */
export function readYaml(text: string, limits: LoadLimits, deadline: number): YamlRead {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    // The offset where the limit falls: characters, not bytes.
    return { problems: [{ offset: Buffer.from(text, 'utf8').subarray(0, limits.maxBytes).toString('utf8').length, message: tooLarge(bytes, limits) }] };
  }
  const slow = (offset: number): YamlRead => ({
    problems: [
      {
        offset,
        message: `Reading the spec takes longer than ${limits.maxMillis} ms, the most authconform allows (a spec is read in milliseconds): it is refused rather than slowing every run. Make it smaller.`,
      },
    ],
  });

  // Parsed lexeme by lexeme, so nesting is refused as it deepens (yaml composes documents recursively),
  // aliases are counted before any is composed, and a slow read stops at the deadline.
  const lexer = new Lexer();
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let steps = 0;
  let aliases = 0;
  let scalarNext = false;
  for (const lexeme of lexer.lex(text)) {
    // After the lexer's scalar marker comes a scalar's text, whatever its first character.
    const alias = !scalarNext && lexeme.startsWith('*');
    scalarNext = lexeme === CST.SCALAR;
    if (alias && ++aliases > limits.maxAliases) {
      return {
        problems: [
          { offset: parser.offset, message: `More than ${limits.maxAliases} aliases: a spec reuses a few values with '*name', so this one is refused. Write values out, or reuse fewer.` },
        ],
      };
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > limits.maxDepth + 1) {
      const deep = tooDeep(parser.stack, limits.maxDepth);
      if (deep !== undefined) {
        return { problems: [{ offset: deep, message: `Nesting deeper than ${limits.maxDepth} levels: a spec's mappings and lists nest a dozen levels at most, so this one is refused.` }] };
      }
    }
    if ((++steps & 511) === 0 && limits.now() > deadline) return slow(parser.offset);
  }
  for (const token of parser.end()) tokens.push(token);

  const composer = new Composer({ uniqueKeys: false, merge: true, logLevel: 'silent' });
  const docs = [...composer.compose(tokens, true, text.length)];
  const doc = docs[0] as Document.Parsed;
  if (limits.now() > deadline) return slow(0);

  const shape = inspect(doc, limits);
  const syntax = [
    ...doc.errors.map((e) => ({ offset: e.pos[0], code: e.code as string, message: e.message })),
    ...shape.duplicates.map((d) => ({ ...d, code: 'DUPLICATE_KEY' })),
  ].sort((a, b) => a.offset - b.offset);
  const first = syntax[0];
  if (first) return { syntax: { ...first, more: syntax.length - 1 } };

  const second = docs[1];
  const problems = [...shape.problems];
  if (second) {
    problems.push({
      offset: second.range[0],
      message: 'A second YAML document starts here, but a spec file holds one spec: delete this document or move it to a file of its own.',
    });
  }
  if (problems.length) return { problems: problems.sort((a, b) => a.offset - b.offset) };

  let value: unknown;
  try {
    // The walk above bounds what aliases expand to; yaml's own count stays as a second guard.
    value = doc.toJS({ maxAliasCount: limits.maxExpanded });
  } catch (e) {
    return { problems: [{ offset: 0, message: `The YAML cannot be read as data: ${(e as Error).message.replace(/\.?$/, '.')}` }] };
  }
  if (limits.now() > deadline) return slow(0);
  return { doc, value, targets: shape.targets };
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** The offset of the first collection nested more than `max` deep on the parser's stack, if any. */
function tooDeep(stack: readonly CST.Token[], max: number): number | undefined {
  let depth = 0;
  for (const token of stack) {
    if (COLLECTIONS.has(token.type) && ++depth > max) return (token as { offset: number }).offset;
  }
  return undefined;
}

interface Shape {
  readonly duplicates: ReadProblem[];
  readonly problems: ReadProblem[];
  readonly targets: Map<Alias, Node>;
}

const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

/**
 * One walk of the document, in yaml's resolution order (a node before its children, a key before its
 * value): duplicate keys (a set per mapping), keys that are not plain names, aliases (resolved to the
 * last anchor of that name before them, and weighed by what they expand to; their number was bounded
 * while parsing), merge keys, and unquoted placeholders that YAML read as mappings. Stops at the first
 * exceeded limit.
 */
function inspect(doc: Document.Parsed, limits: LoadLimits): Shape {
  const duplicates: ReadProblem[] = [];
  const problems: ReadProblem[] = [];
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  /** Values each node stands for once aliases are expanded. */
  const weights = new Map<Node, number>();
  /** Collections being walked: an alias to one of them would contain itself. */
  const open = new Set<Node>();
  let expanded = 0;
  let stopped = false;
  const at = (node: Node | null | undefined): number => node?.range?.[0] ?? 0;
  const stop = (node: Node, message: string): number => {
    problems.length = 0;
    problems.push({ offset: at(node), message });
    stopped = true;
    return 0;
  };

  const walk = (node: unknown): number => {
    if (stopped) return 0;
    if (!isNode(node)) return 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) {
        problems.push({ offset: at(node), message: `The alias '*${node.source}' names no anchor: define '&${node.source}' on a value above it, or write the value out.` });
        return 1;
      }
      if (open.has(target)) {
        problems.push({ offset: at(node), message: `The alias '*${node.source}' is inside the value it names, so that value would contain itself: write the inner value out.` });
        return 1;
      }
      targets.set(node, target);
      const weight = weights.get(target) ?? 1;
      expanded += weight;
      if (expanded > limits.maxExpanded) {
        return stop(
          node,
          `The aliases expand past ${limits.maxExpanded} values here ('*${node.source}' alone stands for ${weight}): a spec reuses a few small values, so this one is refused as an alias bomb.`,
        );
      }
      return weight;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    let weight = 1;
    if (isMap(node)) {
      open.add(node);
      const keys = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (key && !isScalar(key) && !isAlias(key)) problems.push({ offset: at(key), message: 'A key must be a plain name, not a list or a mapping.' });
        if (isScalar(key) && !isMergeKey(key)) {
          const name = String(key.value);
          if (keys.has(name)) duplicates.push({ offset: at(key), message: `The key '${name}' is given twice in the same mapping.` });
          keys.add(name);
        }
        weight += walk(key) + walk(pair.value);
        if (stopped) return 0;
        if (isMergeKey(key)) {
          const v = pair.value as Node | null;
          const merged = (n: unknown): boolean => isMap(n) || (isAlias(n) && isMap(targets.get(n)));
          if (!(merged(v) || (isSeq(v) && v.items.every(merged)))) {
            problems.push({ offset: at(v ?? key), message: "A merge key '<<' must be followed by a mapping or an alias of one, such as '<<: *defaults'." });
          }
        }
      }
      open.delete(node);
      const only = node.items.length === 1 ? node.items[0] : undefined;
      // `{ email: {email} }` is a mapping inside a mapping: the unquoted placeholder is a key with no value.
      if (node.flow && only && only.value === null && isScalar(only.key) && only.key.type === 'PLAIN' && PLACEHOLDER_NAME.test(String(only.key.value))) {
        const name = String(only.key.value);
        problems.push({
          offset: at(node),
          message: `YAML reads an unquoted {${name}} as a mapping, not as the placeholder: quote the placeholder: '{${name}}'.`,
        });
      }
    } else if (isSeq(node)) {
      open.add(node);
      for (const item of node.items) weight += walk(item);
      open.delete(node);
    }
    weights.set(node, weight);
    return weight;
  };
  walk(doc.contents);
  if (stopped) return { duplicates: [], problems, targets };
  return { duplicates, problems, targets };
}
