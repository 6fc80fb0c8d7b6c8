/**
 * The contract's endpoints as routes. Each exchange the contract declares (acquire, probe, refresh,
 * logout, private tokens) is one route matched by method and path template, compiled once. When two
 * exchanges share method and path (a token list that doubles as the probe), the more specific one
 * serves: more literal path text first, and the probe, which any protected read can play, last.
 */
import type { Contract, RequestSpec } from '../contract/model.js';
import { compileTemplate, literalLength, type Matcher } from './matcher.js';

export type RouteKind = 'acquire' | 'probe' | 'refresh' | 'logout' | 'tokens.create' | 'tokens.list' | 'tokens.rotate' | 'tokens.revoke';

export interface Route {
  readonly kind: RouteKind;
  readonly request: RequestSpec;
  readonly method: string;
  readonly match: Matcher;
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
  const declared: [RouteKind, RequestSpec | undefined][] = [
    ['acquire', contract.acquire.request],
    ['probe', contract.probe.request],
    ['refresh', contract.refresh?.request],
    ['logout', contract.logout?.request],
    ['tokens.create', contract.tokens?.create.request],
    ['tokens.list', contract.tokens?.list.request],
    ['tokens.rotate', contract.tokens?.rotate?.request],
    ['tokens.revoke', contract.tokens?.revoke.request],
  ];
  const routes = declared.flatMap(([kind, request]) =>
    request ? [{ kind, request, method: request.method, match: compileTemplate(request.path, { segment: true }), literal: literalLength(request.path) }] : [],
  );
  routes.sort((a, b) => b.literal - a.literal || RANK[a.kind] - RANK[b.kind]);
  return routes.map(({ kind, request, method, match }) => ({ kind, request, method, match }));
}

export function findRoute(routes: readonly Route[], method: string, path: string): Routed {
  let allow: string[] | undefined;
  for (const route of routes) {
    const pathVars = route.match.match(path);
    if (!pathVars) continue;
    if (route.method === method) return { found: 'route', route, pathVars };
    allow ??= [];
    if (!allow.includes(route.method)) allow.push(route.method);
  }
  return allow ? { found: 'method', allow: allow.sort() } : { found: 'none' };
}
