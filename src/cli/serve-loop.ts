// The running state of `serve`: the latest cluster objects, their bindings and desired
// records, and the sinks to hand them to. Events are coalesced (a relist of thousands of
// objects becomes one recompute) and each recompute reports what changed, per name.
import type { ClusterObjects, KubeObject } from '../cluster/objects.js';
import { emptyClusterObjects } from '../cluster/objects.js';
import type { Binding, BindingOptions, BindingStatus } from '../bindings/types.js';
import { computeBindings } from '../bindings/compute.js';
import { desiredRecords } from '../records/desired.js';
import { refString, type RecordSet } from '../records/types.js';
import type { Reporter } from '../util/reporter.js';

export interface ClusterEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  object: KubeObject;
}

type Sink = (records: RecordSet[]) => void;

const LIST_OF: Record<string, keyof ClusterObjects> = {
  Gateway: 'gateways',
  ListenerSet: 'listenerSets',
  XListenerSet: 'listenerSets',
  HTTPRoute: 'routes',
  GRPCRoute: 'routes',
  TLSRoute: 'routes',
  Namespace: 'namespaces',
  Ingress: 'ingresses',
};

function key(kind: string, o: KubeObject): string {
  return `${kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

export class ServeLoop {
  private objects = new Map<string, { kind: string; object: KubeObject }>();
  private bindings: Binding[] = [];
  private records: RecordSet[] = [];
  private readonly sinks: Sink[] = [];
  private reporting = false;
  private scheduled = false;

  constructor(
    private readonly options: BindingOptions,
    private readonly reporter: Reporter,
  ) {}

  addSink(sink: Sink): void {
    this.sinks.push(sink);
    sink(this.records);
  }

  /** After start-up: from now on every change is reported as a line. */
  startReporting(): void {
    this.reporting = true;
  }

  replaceAll(objects: ClusterObjects): void {
    this.objects.clear();
    for (const [kindList, list] of Object.entries(objects) as [keyof ClusterObjects, KubeObject[]][]) {
      for (const o of list) {
        const kind = o.kind ?? kindOfList(kindList);
        this.objects.set(key(kind, o), { kind, object: o });
      }
    }
    this.recompute();
  }

  apply(event: ClusterEvent): void {
    if (!(event.kind in LIST_OF)) return;
    const k = key(event.kind, event.object);
    if (event.type === 'DELETED') this.objects.delete(k);
    else this.objects.set(k, { kind: event.kind, object: { ...event.object, kind: event.object.kind ?? event.kind } });
    // Coalesce bursts (relists, many routes applied at once) into one recompute.
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.recompute();
      }, 10);
    }
  }

  snapshot(): ClusterObjects {
    const out = emptyClusterObjects();
    for (const { kind, object } of this.objects.values()) {
      const list = LIST_OF[kind];
      if (list) (out[list] as KubeObject[]).push(object);
    }
    return out;
  }

  snapshotCounts(): { routes: number; gateways: number } {
    const s = this.snapshot();
    return { routes: s.routes.length + s.ingresses.length, gateways: s.gateways.length };
  }

  bindingCounts(): Record<BindingStatus, number> {
    const counts: Record<BindingStatus, number> = { Ready: 0, Pending: 0, Skipped: 0 };
    for (const b of this.bindings) counts[b.status]++;
    return counts;
  }

  desired(): RecordSet[] {
    return this.records;
  }

  currentBindings(): Binding[] {
    return this.bindings;
  }

  private recompute(): void {
    const { bindings, warnings } = computeBindings(this.snapshot(), this.options);
    const before = this.records;
    const after = desiredRecords(bindings);
    if (this.reporting) {
      for (const w of warnings) this.reporter.debug('bindings', w);
      this.reportChanges(before, after, bindings);
    }
    this.bindings = bindings;
    this.records = after;
    for (const sink of this.sinks) sink(after);
  }

  private reportChanges(before: RecordSet[], after: RecordSet[], bindings: Binding[]): void {
    const id = (r: RecordSet) => `${r.target}|${r.name}`;
    const old = new Map(before.map((r) => [id(r), r]));
    const now = new Map(after.map((r) => [id(r), r]));
    const gateways = (name: string) => [...new Set(bindings.filter((b) => b.hostname === name && b.gateway).map((b) => `${b.gateway!.namespace}/${b.gateway!.name}`))];
    const describe = (r: RecordSet) => {
      const addrs = [...r.a, ...r.aaaa].join(' ');
      const gws = gateways(r.name);
      return { text: `${r.name} ${addrs} (${r.owners.map(refString).join(', ')}${gws.length ? ` via ${gws.join(', ')}` : ''}) [${r.target}]`, fields: { hostname: r.name, addresses: [...r.a, ...r.aaaa], routes: r.owners.map(refString), gateways: gws, target: r.target } };
    };
    for (const [k, r] of now) {
      const prev = old.get(k);
      const d = describe(r);
      if (!prev) this.reporter.report({ kind: 'added', source: 'serve', message: d.text, fields: d.fields });
      else if (prev.a.join() !== r.a.join() || prev.aaaa.join() !== r.aaaa.join()) {
        this.reporter.report({ kind: 'changed', source: 'serve', message: `${d.text} (was ${[...prev.a, ...prev.aaaa].join(' ')})`, fields: { ...d.fields, before: [...prev.a, ...prev.aaaa] } });
      }
    }
    for (const [k, r] of old) {
      if (now.has(k)) continue;
      const d = describe(r);
      this.reporter.report({ kind: 'removed', source: 'serve', message: d.text, fields: d.fields });
    }
  }
}

function kindOfList(list: keyof ClusterObjects): string {
  return { gateways: 'Gateway', listenerSets: 'ListenerSet', routes: 'HTTPRoute', namespaces: 'Namespace', ingresses: 'Ingress' }[list];
}
