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
 * Matches a value against a template and returns the values of its placeholders, or undefined when it
 * does not match. `segment` restricts placeholders to one path segment (no "/").
 */
export function match(template: string, value: string, opts: { segment?: boolean } = {}): Record<string, string> | undefined {
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    pattern += escapeRegExp(template.slice(last, m.index));
    names.push(m[1] as string);
    pattern += opts.segment ? '([^/]+)' : '(.*?)';
    last = (m.index ?? 0) + m[0].length;
  }
  pattern += escapeRegExp(template.slice(last));
  const found = new RegExp(`^${pattern}$`, 's').exec(value);
  if (!found) return undefined;
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const raw = found[i + 1] ?? '';
    out[n] = opts.segment ? safeDecode(raw) : raw;
  });
  return out;
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
