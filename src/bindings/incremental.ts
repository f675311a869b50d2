// The bindings of a changing world, kept up to date one event at a time (what `serve` and
// `list -w` run; `list` computes them once with computeBindings). A route event rebinds that
// route; a Gateway, ListenerSet or Namespace event rebinds only the routes that name it
// (routesAffectedBy). flush() returns the hostnames whose bindings may have changed, so the
// records stage regroups only those. Pure: no timers, no I/O — the reconcile stage decides
// when to flush (docs/design.md#reconcile).
import {
  isRouteKind,
  objectId,
  type ClusterObjects,
  type Gateway,
  type Ingress,
  type ListenerSet,
  type Namespace,
  type Route,
  type Service,
} from '../gateway-api/objects.js';
import type { ObjectEvent } from '../cluster/source.js';
import type { Binding, BindingOptions, BindingStatus } from './types.js';
import { indexObjects, keyOf, type BindingIndex } from './object-index.js';
import { bindRoute } from './routes.js';
import { bindIngress } from './ingresses.js';
import { bindService } from './services.js';
import { routesAffectedBy } from './affected.js';
import { compareBindings } from './order.js';

export class LiveBindings {
  private index: BindingIndex = indexObjects({ gateways: [], listenerSets: [], namespaces: [] });
  private routes = new Map<string, Route>();
  private ingresses = new Map<string, Ingress>();
  /** Services, like Ingresses, depend on nothing but themselves. */
  private services = new Map<string, Service>();
  private readonly byObject = new Map<string, Binding[]>();
  private readonly byHost = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();

  constructor(private readonly options: BindingOptions) {}

  /** A whole new world (-f files): everything is rebound at the next flush. */
  replaceAll(objects: ClusterObjects): void {
    this.index = indexObjects(objects);
    this.routes = new Map();
    this.ingresses = new Map();
    for (const r of objects.routes) this.routes.set(objectId(r.kind ?? 'HTTPRoute', r), r);
    for (const i of objects.ingresses) this.ingresses.set(objectId('Ingress', i), i);
    this.services = new Map();
    for (const svc of objects.services) this.services.set(objectId('Service', svc), svc);
    for (const id of [...this.routes.keys(), ...this.ingresses.keys(), ...this.services.keys(), ...this.byObject.keys()]) this.dirty.add(id);
  }

  /** Records one event; returns whether anything needs rebinding. */
  apply(event: ObjectEvent): boolean {
    const { kind, object } = event;
    const deleted = event.type === 'DELETED';
    if (isRouteKind(kind)) {
      const id = objectId(kind, object);
      if (deleted) this.routes.delete(id);
      else this.routes.set(id, { ...(object as Route), kind });
      this.dirty.add(id);
      return true;
    }
    if (kind === 'Ingress' || kind === 'Service') {
      const id = objectId(kind, object);
      if (kind === 'Ingress') setOrDelete(this.ingresses, id, object as Ingress, deleted);
      else setOrDelete(this.services, id, object as Service, deleted);
      this.dirty.add(id);
      return true;
    }
    if (kind !== 'Gateway' && kind !== 'ListenerSet' && kind !== 'XListenerSet' && kind !== 'Namespace') return false;
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') return false;
    const parentKind: 'Gateway' | 'ListenerSet' | 'Namespace' = kind === 'XListenerSet' ? 'ListenerSet' : kind;
    const key = parentKind === 'Namespace' ? name : keyOf(object);
    if (key === undefined) return false;
    // Routes naming a ListenerSet through its old parent are found by name either way.
    if (parentKind === 'Gateway') setOrDelete(this.index.gateways, key, object as Gateway, deleted);
    else if (parentKind === 'ListenerSet') setOrDelete(this.index.listenerSets, key, object as ListenerSet, deleted);
    else setOrDelete(this.index.namespaces, key, object as Namespace, deleted);
    const changed = { kind: parentKind, name, namespace: object.metadata?.namespace ?? 'default' };
    for (const r of routesAffectedBy(changed, this.routes.values(), this.index)) this.dirty.add(objectId(r.kind ?? 'HTTPRoute', r));
    return true;
  }

  /** Rebinds what changed; returns the hostnames whose bindings may differ now. */
  flush(): Set<string> {
    const touched = new Set<string>();
    for (const id of this.dirty) {
      for (const b of this.byObject.get(id) ?? []) touched.add(b.hostname);
      const route = this.routes.get(id);
      const ingress = this.ingresses.get(id);
      const service = this.services.get(id);
      const fresh = route
        ? bindRoute(route, this.index, this.options)
        : ingress
          ? bindIngress(ingress, this.index, this.options)
          : service
            ? bindService(service, this.index, this.options)
            : [];
      this.unlink(id);
      if (fresh.length) this.byObject.set(id, fresh);
      else this.byObject.delete(id);
      for (const b of fresh) {
        touched.add(b.hostname);
        let ids = this.byHost.get(b.hostname);
        if (!ids) this.byHost.set(b.hostname, (ids = new Set()));
        ids.add(id);
      }
    }
    this.dirty.clear();
    return touched;
  }

  /** Every binding of these hostnames (many-to-many: a name may come from several routes). */
  bindingsOf(hostnames: Iterable<string>): Binding[] {
    const out: Binding[] = [];
    for (const h of hostnames) for (const id of this.byHost.get(h) ?? []) for (const b of this.byObject.get(id) ?? []) if (b.hostname === h) out.push(b);
    return out;
  }

  all(): Binding[] {
    return [...this.byObject.values()].flat().sort(compareBindings);
  }

  counts(): Record<BindingStatus, number> {
    const counts: Record<BindingStatus, number> = { Ready: 0, Pending: 0, Skipped: 0 };
    for (const list of this.byObject.values()) for (const b of list) counts[b.status]++;
    return counts;
  }

  objectCounts(): { routes: number; gateways: number } {
    return { routes: this.routes.size + this.ingresses.size + this.services.size, gateways: this.index.gateways.size };
  }

  private unlink(id: string): void {
    for (const b of this.byObject.get(id) ?? []) {
      const ids = this.byHost.get(b.hostname);
      ids?.delete(id);
      if (ids?.size === 0) this.byHost.delete(b.hostname);
    }
  }
}

function setOrDelete<T>(map: Map<string, T>, key: string, value: T, deleted: boolean): void {
  if (deleted) map.delete(key);
  else map.set(key, value);
}
