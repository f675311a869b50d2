// For `serve`: which routes to rebind when a Gateway, ListenerSet or Namespace changes (added,
// modified or deleted), so one event costs a few bindRoute calls instead of a full recompute.
// Ingresses depend on nothing but themselves and are never affected.

import type { Route } from '../gateway-api/objects.js';
import { namespaceOf, objectKey, type BindingIndex } from './object-index.js';
import { parentRefKey } from './parents.js';

export interface ChangedObject {
  kind: 'Gateway' | 'ListenerSet' | 'Namespace';
  /** Gateway and ListenerSet: their namespace ("default" if omitted). Ignored for Namespace. */
  namespace?: string;
  name: string;
}

export interface RouteParents {
  /** objectKey of each Gateway named directly in spec.parentRefs. */
  gateways: string[];
  /** objectKey of each ListenerSet named in spec.parentRefs. */
  listenerSets: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The Gateway and ListenerSet keys a route's parentRefs name (rule 1: other parents are ignored). */
export function routeParents(route: Route): RouteParents {
  const out: RouteParents = { gateways: [], listenerSets: [] };
  const spec: unknown = route.spec;
  const refs: unknown = isRecord(spec) ? spec.parentRefs : undefined;
  if (!Array.isArray(refs)) return out;
  const ns = namespaceOf(route);
  for (const raw of refs as unknown[]) {
    const ref = parentRefKey(raw, ns);
    if (ref === null || 'error' in ref) continue;
    const key = objectKey(ref.namespace, ref.name);
    const list = ref.kind === 'Gateway' ? out.gateways : out.listenerSets;
    if (!list.includes(key)) list.push(key);
  }
  return out;
}

/** objectKey of the Gateway a ListenerSet (by key) attaches to, if the ListenerSet is indexed. */
function listenerSetGateway(index: BindingIndex, key: string): string | undefined {
  const ls = index.listenerSets.get(key);
  const spec: unknown = ls?.spec;
  const ref: unknown = isRecord(spec) ? spec.parentRef : undefined;
  if (!ls || !isRecord(ref) || typeof ref.name !== 'string') return undefined;
  const ns = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : namespaceOf(ls);
  return objectKey(ns, ref.name);
}

/**
 * The routes whose bindings may change because `changed` changed.
 * - Gateway: routes naming it, and routes naming a ListenerSet (as now in `index`) whose parent it is.
 * - ListenerSet: routes naming it (its listeners, or its parent, changed).
 * - Namespace: routes in it (allowedRoutes Selector reads its labels), and routes naming a
 *   ListenerSet that lives in it (allowedListeners Selector reads them too).
 * Call it with the index as it is AFTER the change; for a ListenerSet whose spec.parentRef moved,
 * the routes naming it are found by name either way.
 */
export function routesAffectedBy(changed: ChangedObject, routes: Iterable<Route>, index: BindingIndex): Route[] {
  const out: Route[] = [];
  const changedKey = objectKey(changed.namespace && changed.namespace !== '' ? changed.namespace : 'default', changed.name);
  for (const route of routes) {
    const parents = routeParents(route);
    let hit = false;
    if (changed.kind === 'Gateway') {
      hit = parents.gateways.includes(changedKey) || parents.listenerSets.some((ls) => listenerSetGateway(index, ls) === changedKey);
    } else if (changed.kind === 'ListenerSet') {
      hit = parents.listenerSets.includes(changedKey);
    } else {
      hit = namespaceOf(route) === changed.name || parents.listenerSets.some((ls) => ls.startsWith(`${changed.name}/`));
    }
    if (hit) out.push(route);
  }
  return out;
}
