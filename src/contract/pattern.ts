/**
 * Strings that match a JSON Schema `pattern`, for both sides of a contract: the mock samples a value
 * (a token in a documented alphabet) from it, and lint proves that the mock can, by testing a few
 * samples against the pattern itself. The generator covers the regular expressions token alphabets
 * are written in (classes, ranges, escapes, groups, alternation, quantifiers, anchors); lookaround,
 * backreferences, word boundaries and property escapes are refused as unsupported, never guessed.
 * Dependency-free, because the contract layer imports nothing but its schema tools.
 */

/** A pattern the generator does not cover; the message names the construct. */
export class UnsupportedPattern extends Error {}

export interface PatternRandom {
  /** A uniform integer in [0, n). */
  readonly below: (n: number) => number;
  /** Repetitions beyond the minimum of an unbounded quantifier (`+`, `*`, `{2,}`): a long secret wants many. */
  readonly extra: number;
}

type Ranges = readonly (readonly [number, number])[];
type Node =
  | { readonly t: 'chars'; readonly ranges: Ranges }
  | { readonly t: 'alt'; readonly options: readonly (readonly Item[])[] }
  | { readonly t: 'empty' };
interface Item {
  readonly node: Node;
  readonly min: number;
  readonly max: number;
}

/** Printable ASCII: what `.` and a negated class choose from. */
const PRINTABLE: Ranges = [[0x20, 0x7e]];
const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: Ranges = [[0x20, 0x20], [0x09, 0x09]];

function complement(ranges: Ranges): Ranges {
  const out: [number, number][] = [];
  let from = 0x20;
  for (const [lo, hi] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (lo > from) out.push([from, Math.min(lo - 1, 0x7e)]);
    from = Math.max(from, hi + 1);
  }
  if (from <= 0x7e) out.push([from, 0x7e]);
  return out.filter(([lo, hi]) => lo <= hi);
}

class Parser {
  #i = 0;
  constructor(readonly src: string) {}

  parse(): Node {
    const node = this.#alternation();
    if (this.#i < this.src.length) throw new UnsupportedPattern(`an unmatched '${this.src[this.#i]}' at offset ${this.#i}`);
    return node;
  }

  #peek(): string | undefined {
    return this.src[this.#i];
  }

  #alternation(): Node {
    const options: Item[][] = [this.#sequence()];
    while (this.#peek() === '|') {
      this.#i++;
      options.push(this.#sequence());
    }
    return { t: 'alt', options };
  }

  #sequence(): Item[] {
    const items: Item[] = [];
    for (let c = this.#peek(); c !== undefined && c !== '|' && c !== ')'; c = this.#peek()) {
      const node = this.#atom();
      const [min, max] = this.#quantifier();
      items.push({ node, min, max });
    }
    return items;
  }

  #quantifier(): [number, number] {
    const c = this.#peek();
    let q: [number, number] = [1, 1];
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.#i));
      if (!m) return q;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.#i += m[0].length;
      if (this.#peek() === '?') this.#i++;
      return [min, max];
    } else return q;
    this.#i++;
    if (this.#peek() === '?') this.#i++;
    return q;
  }

  #atom(): Node {
    const c = this.src[this.#i++] as string;
    switch (c) {
      case '^':
      case '$':
        return { t: 'empty' };
      case '.':
        return { t: 'chars', ranges: PRINTABLE };
      case '[':
        return { t: 'chars', ranges: this.#class() };
      case '\\':
        return this.#escape(false);
      case '(': {
        const rest = this.src.slice(this.#i);
        if (/^\?[=!]|^\?<[=!]/.test(rest)) throw new UnsupportedPattern('a lookaround assertion');
        if (rest.startsWith('?:')) this.#i += 2;
        else if (rest.startsWith('?<')) {
          const end = rest.indexOf('>');
          if (end < 0) throw new UnsupportedPattern('an unterminated group name');
          this.#i += end + 1;
        } else if (rest.startsWith('?')) throw new UnsupportedPattern(`the group '(${rest.slice(0, 2)}'`);
        const node = this.#alternation();
        if (this.src[this.#i++] !== ')') throw new UnsupportedPattern('an unterminated group');
        return node;
      }
      default:
        return { t: 'chars', ranges: [[c.codePointAt(0) as number, c.codePointAt(0) as number]] };
    }
  }

  /** After the backslash; in a class, `\b` is a backspace and classes of classes are merged by the caller. */
  #escape(inClass: boolean): { t: 'chars'; ranges: Ranges } {
    const c = this.src[this.#i++];
    const one = (code: number) => ({ t: 'chars' as const, ranges: [[code, code] as const] });
    switch (c) {
      case undefined:
        throw new UnsupportedPattern('a trailing backslash');
      case 'd':
        return { t: 'chars', ranges: DIGIT };
      case 'D':
        return { t: 'chars', ranges: complement(DIGIT) };
      case 'w':
        return { t: 'chars', ranges: WORD };
      case 'W':
        return { t: 'chars', ranges: complement(WORD) };
      case 's':
        return { t: 'chars', ranges: SPACE };
      case 'S':
        return { t: 'chars', ranges: complement(SPACE) };
      case 'n':
        return one(0x0a);
      case 'r':
        return one(0x0d);
      case 't':
        return one(0x09);
      case 'f':
        return one(0x0c);
      case 'v':
        return one(0x0b);
      case 'x':
      case 'u': {
        const m = c === 'x' ? /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.#i)) : /^([0-9A-Fa-f]{4}|\{[0-9A-Fa-f]{1,6}\})/.exec(this.src.slice(this.#i));
        if (!m) throw new UnsupportedPattern(`the escape '\\${c}' without its hex digits`);
        this.#i += m[0].length;
        return one(parseInt(m[0].replace(/[{}]/g, ''), 16));
      }
      case 'b':
        if (inClass) return one(0x08);
        throw new UnsupportedPattern("a word boundary '\\b'");
      case 'B':
        throw new UnsupportedPattern("a word boundary '\\B'");
      case 'p':
      case 'P':
        throw new UnsupportedPattern(`a Unicode property escape '\\${c}'`);
      case 'k':
        throw new UnsupportedPattern("a backreference '\\k'");
      case '0':
        return one(0);
      default:
        if (/[1-9]/.test(c)) throw new UnsupportedPattern(`a backreference '\\${c}'`);
        if (c === 'c') throw new UnsupportedPattern("a control escape '\\c'");
        return one(c.codePointAt(0) as number);
    }
  }

  #class(): Ranges {
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#i++;
    }
    const ranges: [number, number][] = [];
    let first = true;
    for (;;) {
      const c = this.src[this.#i];
      if (c === undefined) throw new UnsupportedPattern('an unterminated character class');
      if (c === ']' && !first) break;
      first = false;
      this.#i++;
      let lo: Ranges;
      if (c === '\\') lo = this.#escape(true).ranges;
      else lo = [[c.codePointAt(0) as number, c.codePointAt(0) as number]];
      // A range a-z: both ends single characters.
      if (this.#peek() === '-' && this.src[this.#i + 1] !== ']' && this.src[this.#i + 1] !== undefined && lo.length === 1 && lo[0]?.[0] === lo[0]?.[1]) {
        this.#i++;
        const d = this.src[this.#i++] as string;
        const hi = d === '\\' ? this.#escape(true).ranges : [[d.codePointAt(0) as number, d.codePointAt(0) as number] as const];
        if (hi.length !== 1 || hi[0]?.[0] !== hi[0]?.[1]) throw new UnsupportedPattern('a class range that ends in a class escape');
        ranges.push([lo[0]?.[0] as number, hi[0]?.[0] as number]);
      } else ranges.push(...lo.map(([a, b]): [number, number] => [a, b]));
    }
    this.#i++;
    return negated ? complement(ranges) : ranges;
  }
}

const parsed = new Map<string, Node>();

function parse(pattern: string): Node {
  let node = parsed.get(pattern);
  if (!node) {
    node = new Parser(pattern).parse();
    parsed.set(pattern, node);
  }
  return node;
}

/** Throws UnsupportedPattern when the generator does not cover the pattern. */
export function assertGeneratable(pattern: string): void {
  parse(pattern);
}

/** A string that contains a match of `pattern` (anchored patterns: a string that matches it whole). */
export function generateFromPattern(pattern: string, random: PatternRandom): string {
  const out: string[] = [];
  const emit = (node: Node): void => {
    if (node.t === 'empty') return;
    if (node.t === 'chars') {
      const size = node.ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
      if (size === 0) throw new UnsupportedPattern('a character class that matches nothing printable');
      let k = random.below(size);
      for (const [lo, hi] of node.ranges) {
        if (k <= hi - lo) {
          out.push(String.fromCodePoint(lo + k));
          return;
        }
        k -= hi - lo + 1;
      }
      return;
    }
    const option = node.options[node.options.length === 1 ? 0 : random.below(node.options.length)] ?? [];
    for (const item of option) {
      const count = item.max === Infinity ? item.min + random.extra : item.min + (item.max > item.min ? random.below(item.max - item.min + 1) : 0);
      for (let i = 0; i < count; i++) emit(item.node);
    }
  };
  emit(parse(pattern));
  return out.join('');
}

/**
 * Why the mock cannot produce a string for `pattern` within the length bounds, from a few samples
 * tested against the pattern itself; undefined when it can. An invalid pattern is the schema check's
 * to report, so it is none of this.
 */
export function unsampleablePattern(pattern: string, bounds: { minLength?: number; maxLength?: number } = {}): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  try {
    assertGeneratable(pattern);
  } catch (e) {
    return `it uses ${(e as Error).message}, which the mock's generator does not cover`;
  }
  const below = (n: number): number => Math.floor(Math.random() * n);
  for (let i = 0; i < 5; i++) {
    const s = sampleWithin(pattern, bounds, { below, extra: 8 });
    if (s === undefined) return `no sample of it fits minLength ${bounds.minLength ?? 0} and maxLength ${bounds.maxLength ?? '∞'}`;
    if (!re.test(s)) return `a sample the mock generates for it (${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}) does not match it (an anchor or class the generator reads otherwise)`;
  }
  return undefined;
}

/**
 * A sample of `pattern` whose length is within the bounds, trying fewer repetitions of unbounded
 * quantifiers when a sample is too long; undefined when none fits.
 */
export function sampleWithin(pattern: string, bounds: { minLength?: number; maxLength?: number }, random: PatternRandom): string | undefined {
  const min = bounds.minLength ?? 0;
  const max = bounds.maxLength ?? Infinity;
  for (const extra of [random.extra, Math.max(min, 8), 4, 1, 0, random.extra * 2 + min]) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const s = generateFromPattern(pattern, { below: random.below, extra });
      const length = [...s].length;
      if (length >= min && length <= max) return s;
    }
  }
  return undefined;
}
