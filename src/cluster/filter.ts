// `-n` and `-l`, defined once for every source. They narrow routes, Ingresses and Services only:
// Gateways, ListenerSets and Namespaces in other namespaces are still needed to bind them (a
// route's parent may live elsewhere; allowedRoutes selectors read namespace labels) —
// docs/design.md#sources.
import { isRouteKind, type ClusterObjects, type KubeObject } from '../gateway-api/objects.js';
import { parseLabelSelector } from '../util/label-selector.js';

export interface ObjectFilter {
  /** `-n`: routes, Ingresses and Services of this namespace only. */
  namespace?: string;
  /** `-l`: routes, Ingresses and Services matching this label selector only. */
  labelSelector?: string;
}

/** The kinds -n and -l apply to: what names hostnames, not what serves them. */
export function isFilteredKind(kind: string): boolean {
  return isRouteKind(kind) || kind === 'Ingress' || kind === 'Service';
}

/** The filter as the API server applies it for one kind (path namespace and labelSelector). */
export function serverFilterFor(kind: string, f: ObjectFilter): ObjectFilter {
  if (!isFilteredKind(kind)) return {};
  return { ...(f.namespace ? { namespace: f.namespace } : {}), ...(f.labelSelector ? { labelSelector: f.labelSelector } : {}) };
}

/** The same filter in memory, for sources the API server does not filter (-f files). */
export function objectMatcher(f: ObjectFilter): (kind: string, o: KubeObject) => boolean {
  const labels = parseLabelSelector(f.labelSelector);
  return (kind, o) =>
    !isFilteredKind(kind) || ((f.namespace === undefined || (o.metadata?.namespace ?? 'default') === f.namespace) && labels(o.metadata?.labels));
}

/** The filter over a whole snapshot: routes and Ingresses narrowed, the rest kept. */
export function filterObjects(objects: ClusterObjects, f: ObjectFilter): ClusterObjects {
  const matches = objectMatcher(f);
  return {
    ...objects,
    routes: objects.routes.filter((r) => matches(r.kind ?? 'HTTPRoute', r)),
    ingresses: objects.ingresses.filter((i) => matches('Ingress', i)),
    services: objects.services.filter((s) => matches('Service', s)),
  };
}
