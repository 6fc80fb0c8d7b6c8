/**
 * The one-line exchange log: method, path, status and time, never a header or a body. A path can
 * still carry secrets (a token in a query parameter or a path segment), so values of secret names
 * are replaced before anything is written.
 */
import type { Contract } from '../contract/model.js';
import { secretNames } from '../contract/model.js';
import { placeholders } from '../contract/template.js';
import type { Route } from './routes.js';

const REDACTED = '***';
/** Query names that carry secrets by convention, whatever the contract calls its own. */
const SECRET_LOOKING = /token|secret|passw|key|auth|session|signature|code|credential/i;
/** A path segment (of an unknown path) or query value this long may be a credential; it is not written. */
const LONG_SEGMENT = 32;

export class ExchangeLog {
  readonly #secrets: ReadonlySet<string>;
  readonly #secretQuery: ReadonlySet<string>;
  /** Per route, which segments of its path template hold a secret placeholder (worked out on the route's first line). */
  readonly #secretSegments = new Map<Route, readonly boolean[]>();

  constructor(contract: Contract) {
    const secrets = secretNames(contract);
    this.#secrets = secrets;
    const query = new Set<string>(secrets);
    for (const c of contract.present.companions) if (placeholders(c.value).some((n) => secrets.has(n))) query.add(c.name);
    if (contract.present.in === 'query') query.add(contract.present.name);
    this.#secretQuery = query;
  }

  line(method: string, path: string, rawQuery: string, status: number, ms: number, route: Route | undefined): string {
    return `${method} ${this.#path(path, route)}${this.#query(rawQuery)} ${status} ${ms.toFixed(0)}ms`;
  }

  #path(path: string, route: Route | undefined): string {
    const segments = path.split('/');
    if (!route) return segments.map((s) => (s.length > LONG_SEGMENT ? REDACTED : s)).join('/');
    const secret = this.#segmentsOf(route);
    return segments.map((s, i) => (secret[i] === true ? REDACTED : s)).join('/');
  }

  #segmentsOf(route: Route): readonly boolean[] {
    let secret = this.#secretSegments.get(route);
    if (!secret) {
      secret = route.request.path.split('/').map((t) => placeholders(t).some((n) => this.#secrets.has(n)));
      this.#secretSegments.set(route, secret);
    }
    return secret;
  }

  #query(raw: string): string {
    if (raw === '') return '';
    const parts = raw.split('&').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = safeDecode(pair.slice(0, eq));
      const secret = this.#secretQuery.has(name) || SECRET_LOOKING.test(name) || pair.length - eq - 1 > LONG_SEGMENT;
      return secret ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    });
    return `?${parts.join('&')}`;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
