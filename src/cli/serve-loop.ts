// The running state of `serve`: the latest cluster objects, their bindings and the desired
// records, kept up to date incrementally. A route event rebinds that route; a Gateway,
// ListenerSet or Namespace event rebinds only the routes that name it (routesAffectedBy);
// records are regrouped only for the hostnames those bindings touch. Bursts (a relist of
// thousands of objects) are coalesced into one flush, and each flush reports what changed,
// per name, before handing the full desired state to the sinks.
import type { ClusterObjects, Ingress, KubeObject, Route, Service } from '../cluster/objects.js';
import type { Binding, BindingOptions, BindingStatus } from '../bindings/types.js';
import { bindIngress, bindRoute, bindService, compareBindings, indexObjects, keyOf, routesAffectedBy, type BindingIndex } from '../bindings/index.js';
import { compareRecordSets, desiredRecords } from '../records/desired.js';
import { refString, type RecordSet } from '../records/types.js';
import type { Reporter } from '../util/reporter.js';

export interface ClusterEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  object: KubeObject;
}

type Sink = (records: RecordSet[]) => void;

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);

export class ServeLoop {
  private index: BindingIndex = indexObjects({ gateways: [], listenerSets: [], namespaces: [] });
  private routes = new Map<string, Route>();
  private ingresses = new Map<string, Ingress>();
  /** Services depend on nothing but themselves, like Ingresses. */
  private services = new Map<string, Service>();
  private bindingsOf = new Map<string, Binding[]>();
  private recordsByKey = new Map<string, RecordSet>();
  private records: RecordSet[] = [];
  private dirty = new Set<string>();
  private readonly sinks: Sink[] = [];
  private reporting = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: BindingOptions,
    private readonly reporter: Reporter,
    private readonly coalesceMs = 10,
  ) {}

  addSink(sink: Sink): void {
    this.sinks.push(sink);
    sink(this.records);
  }

  /** After start-up: from now on every change is reported as a line. */
  startReporting(): void {
    this.reporting = true;
  }

  /** A whole new world (-f files): everything is rebound now. */
  replaceAll(objects: ClusterObjects): void {
    this.index = indexObjects(objects);
    this.routes = new Map();
    this.ingresses = new Map();
    for (const r of objects.routes) this.routes.set(objectId(r.kind ?? 'HTTPRoute', r), r);
    for (const i of objects.ingresses) this.ingresses.set(objectId('Ingress', i), i);
    this.services = new Map();
    for (const svc of objects.services) this.services.set(objectId('Service', svc), svc);
    for (const id of [...this.routes.keys(), ...this.ingresses.keys(), ...this.services.keys(), ...this.bindingsOf.keys()]) this.dirty.add(id);
    this.flush();
  }

  apply(event: ClusterEvent): void {
    const { kind, object } = event;
    const deleted = event.type === 'DELETED';
    if (ROUTE_KINDS.has(kind)) {
      const id = objectId(kind, object);
      if (deleted) this.routes.delete(id);
      else this.routes.set(id, { ...(object as Route), kind });
      this.dirty.add(id);
    } else if (kind === 'Ingress') {
      const id = objectId(kind, object);
      if (deleted) this.ingresses.delete(id);
      else this.ingresses.set(id, object as Ingress);
      this.dirty.add(id);
    } else if (kind === 'Service') {
      const id = objectId(kind, object);
      if (deleted) this.services.delete(id);
      else this.services.set(id, object as Service);
      this.dirty.add(id);
    } else if (kind === 'Gateway' || kind === 'ListenerSet' || kind === 'XListenerSet' || kind === 'Namespace') {
      const normalKind = kind === 'XListenerSet' ? 'ListenerSet' : kind;
      const name = object.metadata?.name;
      if (typeof name !== 'string' || name === '') return;
      const map = normalKind === 'Gateway' ? this.index.gateways : normalKind === 'ListenerSet' ? this.index.listenerSets : this.index.namespaces;
      const key = normalKind === 'Namespace' ? name : keyOf(object);
      if (key === undefined) return;
      // Routes naming a ListenerSet through its old parent are found by name either way.
      if (deleted) map.delete(key);
      else (map as Map<string, KubeObject>).set(key, object);
      const changed = { kind: normalKind as 'Gateway' | 'ListenerSet' | 'Namespace', name, namespace: object.metadata?.namespace ?? 'default' };
      for (const r of routesAffectedBy(changed, this.routes.values(), this.index)) this.dirty.add(objectId(r.kind ?? 'HTTPRoute', r));
    } else {
      return;
    }
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.coalesceMs);
  }

  bindingCounts(): Record<BindingStatus, number> {
    const counts: Record<BindingStatus, number> = { Ready: 0, Pending: 0, Skipped: 0 };
    for (const list of this.bindingsOf.values()) for (const b of list) counts[b.status]++;
    return counts;
  }

  objectCounts(): { routes: number; gateways: number } {
    return { routes: this.routes.size + this.ingresses.size, gateways: this.index.gateways.size };
  }

  desired(): RecordSet[] {
    return this.records;
  }

  currentBindings(): Binding[] {
    return [...this.bindingsOf.values()].flat().sort(compareBindings);
  }

  /** Rebind the dirty objects, regroup the hostnames they touch, tell the sinks. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty.size === 0) return;
    const touched = new Set<string>();
    for (const id of this.dirty) {
      for (const b of this.bindingsOf.get(id) ?? []) touched.add(b.hostname);
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
      if (fresh.length) this.bindingsOf.set(id, fresh);
      else this.bindingsOf.delete(id);
      for (const b of fresh) touched.add(b.hostname);
    }
    this.dirty.clear();

    // Regroup only the touched hostnames: a hostname's records are the union over every
    // binding of that name, wherever it comes from (many-to-many).
    const byHost = new Map<string, Binding[]>();
    for (const list of this.bindingsOf.values()) {
      for (const b of list) {
        if (!touched.has(b.hostname)) continue;
        const same = byHost.get(b.hostname);
        if (same) same.push(b);
        else byHost.set(b.hostname, [b]);
      }
    }
    const before = new Map<string, RecordSet>();
    for (const [k, r] of this.recordsByKey) {
      if (!touched.has(r.name)) continue;
      before.set(k, r);
      this.recordsByKey.delete(k);
    }
    const after = new Map<string, RecordSet>();
    for (const r of desiredRecords([...byHost.values()].flat())) {
      const k = `${r.target}|${r.name}`;
      after.set(k, r);
      this.recordsByKey.set(k, r);
    }
    this.records = [...this.recordsByKey.values()].sort(compareRecordSets);
    if (this.reporting) this.reportChanges(before, after, byHost);
    for (const sink of this.sinks) sink(this.records);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private reportChanges(before: Map<string, RecordSet>, after: Map<string, RecordSet>, byHost: Map<string, Binding[]>): void {
    const describe = (r: RecordSet) => {
      const gws = [...new Set((byHost.get(r.name) ?? []).filter((b) => b.gateway && b.status === 'Ready').map((b) => `${b.gateway!.namespace}/${b.gateway!.name}`))];
      const addresses = [...r.a, ...r.aaaa];
      const routes = r.owners.map(refString);
      return {
        text: `${r.name} ${addresses.join(' ')}  ${routes.join(', ')}${gws.length ? ` via ${gws.join(', ')}` : ''} [${r.target}]`,
        fields: { hostname: r.name, addresses, routes, gateways: gws, target: r.target },
      };
    };
    for (const [k, r] of after) {
      const prev = before.get(k);
      const d = describe(r);
      if (!prev) this.reporter.report({ kind: 'added', source: 'serve', message: d.text, fields: d.fields });
      else if (prev.a.join() !== r.a.join() || prev.aaaa.join() !== r.aaaa.join()) {
        const was = [...prev.a, ...prev.aaaa];
        this.reporter.report({ kind: 'changed', source: 'serve', message: `${d.text} (was ${was.join(' ')})`, fields: { ...d.fields, before: was } });
      }
    }
    for (const [k, r] of before) {
      if (after.has(k)) continue;
      const d = describe(r);
      this.reporter.report({ kind: 'removed', source: 'serve', message: d.text, fields: d.fields });
    }
  }
}

function objectId(kind: string, o: KubeObject): string {
  return `${kind}/${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;
}
