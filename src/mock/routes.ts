/**
 * The contract's endpoints as routes. Each exchange the contract declares (acquire, probes, refresh,
 * logout, private tokens) is one route matched by method and path template, compiled once. Exchanges
 * that share method and path are told apart by the fixed values their requests differ in (the OAuth
 * token endpoint serves login and refresh on one POST /token, by `grant_type`); a request that carries
 * none of them goes to the first, so the login answers an unknown grant type. Otherwise the more
 * specific route serves: more literal path text first, and a probe, which any protected read can
 * play, last (a token list that doubles as the probe).
 */
import { fixedValues } from '../contract/facts.js';
import type { Contract, ProbeSpec, RequestSpec } from '../contract/model.js';
import { compileTemplate, literalLength, type TemplateMatcher } from '../contract/template.js';
import type { Incoming } from './exchange.js';
import { header } from './exchange.js';

export type RouteKind = 'acquire' | 'probe' | 'refresh' | 'logout' | 'tokens.create' | 'tokens.list' | 'tokens.rotate' | 'tokens.revoke';

export interface Route {
  readonly kind: RouteKind;
  /** Unique per route: the kind, or `probe@<id>` for one of the further probes. */
  readonly key: string;
  /** For a further probe: its declaration (the contract's own `probe` has none). */
  readonly probe?: ProbeSpec;
  readonly request: RequestSpec;
  readonly method: string;
  readonly match: TemplateMatcher;
  /** Fixed values that tell this route from another on the same method and path; empty when none shares them. */
  readonly discriminators: readonly Discriminator[];
  /** The body schema its success promises, if any. */
  readonly schema?: Readonly<Record<string, unknown>>;
}

/** A fixed value a request must carry to be this route's: `form` field `grant_type` = `refresh_token`. */
export interface Discriminator {
  readonly in: 'query' | 'header' | 'form' | 'json';
  readonly name: string;
  readonly value: string;
}

export type Routed =
  | { readonly found: 'route'; readonly route: Route; readonly pathVars: Readonly<Record<string, string>> }
  | { readonly found: 'method'; readonly allow: readonly string[] }
  | { readonly found: 'none' };

/** Lower wins among routes of equal literal length. */
const RANK: Record<RouteKind, number> = {
  'tokens.list': 0,
  'tokens.create': 0,
  'tokens.rotate': 0,
  'tokens.revoke': 0,
  refresh: 1,
  logout: 1,
  acquire: 1,
  probe: 2,
};

export function contractRoutes(contract: Contract): Route[] {
  type Declared = [RouteKind, { readonly request: RequestSpec; readonly response: object } | undefined, ProbeSpec?];
  const declared: Declared[] = [
    ['acquire', contract.acquire],
    ['probe', contract.probe],
    ...contract.probes.map((p): Declared => ['probe', p, p]),
    ['refresh', contract.refresh],
    ['logout', contract.logout],
    ['tokens.create', contract.tokens?.create],
    ['tokens.list', contract.tokens?.list],
    ['tokens.rotate', contract.tokens?.rotate],
    ['tokens.revoke', contract.tokens?.revoke],
  ];
  const routes = declared.flatMap(([kind, op, probe]) =>
    op
      ? [
          {
            kind,
            key: probe ? `probe@${probe.id}` : kind,
            ...(probe ? { probe } : {}),
            ...successSchema(op.response),
            request: op.request,
            method: op.request.method,
            match: compileTemplate(op.request.path, { segment: true }),
            literal: literalLength(op.request.path),
          },
        ]
      : [],
  );
  // Stable: among equals, the declared order (the login before the refresh that shares its path).
  routes.sort((a, b) => b.literal - a.literal || RANK[a.kind] - RANK[b.kind]);
  return routes.map(({ literal: _, ...route }) => ({ ...route, discriminators: discriminators(route, routes) }));
}

function successSchema(response: object): { schema?: Readonly<Record<string, unknown>> } {
  const schema = (response as { readonly schema?: Readonly<Record<string, unknown>> }).schema;
  return schema ? { schema } : {};
}

/** The fixed values of a route's request that another route on the same method and path does not share. */
function discriminators(route: { request: RequestSpec }, all: readonly { request: RequestSpec }[]): Discriminator[] {
  const others = all.filter((o) => o !== route && o.request.method === route.request.method && o.request.path === route.request.path);
  if (others.length === 0) return [];
  const own = fixedValues(route.request);
  const theirs = others.map((o) => fixedValues(o.request));
  const out: Discriminator[] = [];
  for (const [key, value] of own) {
    if (!theirs.some((t) => t.get(key) !== value)) continue;
    const colon = key.indexOf(':');
    out.push({ in: key.slice(0, colon) as Discriminator['in'], name: key.slice(colon + 1), value });
  }
  return out;
}

/** What routing reads of a request. */
type RoutedRequest = Pick<Incoming, 'method' | 'path' | 'query' | 'form' | 'rawHeaders' | 'body'>;

/** Whether a request carries every fixed value that tells its route apart. */
function carries(req: RoutedRequest, ds: readonly Discriminator[]): boolean {
  for (const d of ds) {
    if (d.in === 'form' && req.form.get(d.name) !== d.value) return false;
    if (d.in === 'query' && req.query.get(d.name) !== d.value) return false;
    if (d.in === 'header' && header(req, d.name) !== d.value) return false;
    if (d.in === 'json' && jsonMember(req.body, d.name) !== d.value) return false;
  }
  return true;
}

function jsonMember(body: Buffer, name: string): unknown {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The route of a request. Among routes on the same method and path, the first whose discriminating
 * values the request carries; when it carries none of them, the first of them.
 */
export function findRoute(routes: readonly Route[], req: RoutedRequest): Routed {
  let allow: string[] | undefined;
  let fallback: { route: Route; pathVars: Record<string, string> } | undefined;
  for (const route of routes) {
    const pathVars = route.match.match(req.path);
    if (!pathVars) continue;
    if (route.method === req.method) {
      if (route.discriminators.length === 0 || carries(req, route.discriminators)) return { found: 'route', route, pathVars };
      fallback ??= { route, pathVars };
      continue;
    }
    allow ??= [];
    if (!allow.includes(route.method)) allow.push(route.method);
  }
  if (fallback) return { found: 'route', ...fallback };
  return allow ? { found: 'method', allow: allow.sort() } : { found: 'none' };
}

/**
 * Routes a request for `route` also reaches but never gets to: later routes on the same method and
 * path that nothing tells apart (a probe that is the token list's own request). The first serves them.
 */
export function shadowed(routes: readonly Route[], route: Route): Route[] {
  if (route.discriminators.length > 0) return [];
  const at = routes.indexOf(route);
  return routes.filter((r, i) => i > at && r.method === route.method && r.request.path === route.request.path && r.discriminators.length === 0);
}

/**
 * The schema the body of the route of `kind` is sampled from: its own, with the schemas of the routes it
 * shadows (allOf), so a probe answered by the token list still gets the body it promises. Lint refuses
 * the pairs whose statuses differ (routeSharingProblems in src/contract/rules.ts).
 */
export function servedSchema(routes: readonly Route[], kind: RouteKind, own: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const route = routes.find((r) => r.kind === kind);
  const others = route ? shadowed(routes, route).flatMap((r) => (r.schema ? [r.schema] : [])) : [];
  return others.length ? { allOf: [own, ...others] } : own;
}
