/**
 * Compiled templates: the same matching as `match` in src/contract/template.ts (placeholders are
 * lazy, or one path segment each with `segment`), but the regular expression is built once per
 * template when the mock starts instead of on every request. `values` answers in placeholder order,
 * so the hot path (reading a presented token) builds no object keyed by names that vary per contract.
 */
import { placeholders } from '../contract/template.js';

export interface Matcher {
  /** Placeholder names, in order of appearance. */
  readonly names: readonly string[];
  /** The placeholder values in `names` order, or undefined when the value does not match. */
  values(value: string): string[] | undefined;
  /** The same, as a record by name. */
  match(value: string): Record<string, string> | undefined;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function compileTemplate(template: string, opts: { segment?: boolean } = {}): Matcher {
  const names = placeholders(template);
  let values: (value: string) => string[] | undefined;
  if (names.length === 0) {
    values = (value) => (value === template ? [] : undefined);
  } else if (names.length === 1 && template === `{${names[0]}}` && !opts.segment) {
    values = (value) => [value];
  } else {
    let pattern = '';
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      pattern += escapeRegExp(template.slice(last, m.index));
      pattern += opts.segment ? '([^/]+)' : '(.*?)';
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
        out[i] = opts.segment && raw.includes('%') ? safeDecode(raw) : raw;
      }
      return out;
    };
  }
  return {
    names,
    values,
    match: (value) => {
      const v = values(value);
      return v === undefined ? undefined : toRecord(names, v);
    },
  };
}

export function toRecord(names: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) out[names[i] as string] = values[i] as string;
  return out;
}

/** Count of literal characters of a template: more literal text is a more specific route. */
export function literalLength(template: string): number {
  return template.replace(PLACEHOLDER, '').length;
}
