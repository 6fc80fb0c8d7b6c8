/**
 * Templates: text with {name} placeholders, the one way a spec builds values from credentials and
 * issued parts. Rendering is used by clients of a contract (checks); matching (the reverse) is used by
 * servers of a contract (the mock) to read the values back out of a request.
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Vars = Readonly<Record<string, string | undefined>>;

/** Names used by a template, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Offsets (0-based, into the template) of each placeholder, for error positions. */
export function placeholderOffsets(template: string): { name: string; offset: number }[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1] as string, offset: m.index ?? 0 }));
}

/** The single name when the whole template is one placeholder, such as "{token}". */
export function soleplaceholder(template: string): string | undefined {
  const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(template);
  return m?.[1];
}

/**
 * Renders a template. Returns undefined when a name it needs is undefined: the caller drops the value,
 * which is how a check omits a field (a missing credential, an omitted expiry).
 */
export function render(template: string, vars: Vars): string | undefined {
  let missing = false;
  const out = template.replace(PLACEHOLDER, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

/** Renders every string of a JSON value; object members whose template renders to undefined are dropped. */
export function renderJson(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') return render(value, vars);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, vars)).filter((v) => v !== undefined);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = renderJson(v, vars);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A template compiled for matching, the reverse of `render`: the regular expression is built once (the
 * mock compiles its templates when it starts), so matching a value costs one `exec`.
 */
export interface TemplateMatcher {
  /** Placeholder names, in order of appearance. */
  readonly names: readonly string[];
  /**
   * The placeholder values in `names` order, or undefined when the value does not match. The mock's hot
   * path (reading a presented token) uses this: it builds no object keyed by names that vary per contract.
   */
  values(value: string): string[] | undefined;
  /** The same, as a record by name (a name used twice takes its last value). */
  match(value: string): Record<string, string> | undefined;
}

/**
 * Compiles a template for matching. Placeholders match lazily; with `segment`, each matches one path
 * segment (no "/") and is percent-decoded (left as sent when it is not valid percent-encoding).
 */
export function compileTemplate(template: string, opts: { segment?: boolean } = {}): TemplateMatcher {
  const names = placeholders(template);
  const segment = opts.segment === true;
  let values: (value: string) => string[] | undefined;
  if (names.length === 0) {
    values = (value) => (value === template ? [] : undefined);
  } else if (!segment && names.length === 1 && template === `{${names[0]}}`) {
    values = (value) => [value];
  } else {
    let pattern = '';
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      pattern += escapeRegExp(template.slice(last, m.index));
      pattern += segment ? '([^/]+)' : '(.*?)';
      last = (m.index ?? 0) + m[0].length;
    }
    pattern += escapeRegExp(template.slice(last));
    const re = new RegExp(`^${pattern}$`, 's');
    values = (value) => {
      const found = re.exec(value);
      if (!found) return undefined;
      const out = new Array<string>(names.length);
      for (let i = 0; i < names.length; i++) {
        const raw = found[i + 1] ?? '';
        out[i] = segment && raw.includes('%') ? safeDecode(raw) : raw;
      }
      return out;
    };
  }
  return {
    names,
    values,
    match: (value) => {
      const v = values(value);
      if (v === undefined) return undefined;
      const out: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) out[names[i] as string] = v[i] as string;
      return out;
    },
  };
}

/**
 * Matches a value against a template once and returns the values of its placeholders, or undefined
 * when it does not match. Code that matches one template many times compiles it with `compileTemplate`.
 */
export function match(template: string, value: string, opts: { segment?: boolean } = {}): Record<string, string> | undefined {
  return compileTemplate(template, opts).match(value);
}

/** Count of literal characters of a template: more literal text is a more specific route. */
export function literalLength(template: string): number {
  return template.replace(PLACEHOLDER, '').length;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Reads placeholder values out of a JSON value shaped like a JSON template: where the template has
 * "{name}", the value at the same position is taken. Non-string values are ignored.
 */
export function matchJson(template: unknown, value: unknown, out: Record<string, string> = {}): Record<string, string> {
  if (typeof template === 'string') {
    if (typeof value === 'string') {
      const m = match(template, value);
      if (m) Object.assign(out, m);
    }
    return out;
  }
  if (Array.isArray(template) && Array.isArray(value)) {
    template.forEach((t, i) => matchJson(t, value[i], out));
    return out;
  }
  if (template !== null && typeof template === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, t] of Object.entries(template)) matchJson(t, (value as Record<string, unknown>)[k], out);
  }
  return out;
}

/** Every template string inside a JSON template, with its JSON pointer relative to the template. */
export function jsonTemplates(value: unknown, base = ''): { pointer: string; template: string }[] {
  if (typeof value === 'string') return [{ pointer: base, template: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => jsonTemplates(v, `${base}/${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => jsonTemplates(v, `${base}/${escapePointer(k)}`));
  }
  return [];
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Reads a JSON pointer; undefined when absent. */
export function getPointer(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const seg of pointerSegments(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Writes a JSON pointer, creating objects on the way; the empty pointer replaces the root. */
export function setPointer(root: unknown, pointer: string, v: unknown): unknown {
  const segs = pointerSegments(pointer);
  if (segs.length === 0) return v;
  const top = (root !== null && typeof root === 'object' ? root : {}) as Record<string, unknown>;
  let cur = top;
  segs.slice(0, -1).forEach((s) => {
    const next = cur[s];
    if (next === null || typeof next !== 'object') cur[s] = {};
    cur = cur[s] as Record<string, unknown>;
  });
  cur[segs[segs.length - 1] as string] = v;
  return top;
}
