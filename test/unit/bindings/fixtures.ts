// Builders for binding tests: small objects shaped like what the API server returns, and a
// one-line rendering of a Binding so tables of expected rows stay readable.

import assert from 'node:assert/strict';
import type { ClusterObjects, Gateway, Ingress, Listener, ListenerSet, Namespace, ParentReference, Route } from '../../../src/gateway-api/objects.js';
import { emptyClusterObjects } from '../../../src/gateway-api/objects.js';
import type { Binding, BindingOptions } from '../../../src/bindings/types.js';

export function listener(
  name: string,
  port: number,
  o: { protocol?: string; hostname?: string; from?: string; selector?: unknown; kinds?: string[] } = {},
): Listener {
  const l: Listener = { name, port, protocol: o.protocol ?? (port === 443 ? 'HTTPS' : 'HTTP') };
  if (o.hostname !== undefined) l.hostname = o.hostname;
  if (o.from !== undefined || o.selector !== undefined || o.kinds !== undefined) {
    l.allowedRoutes = {};
    if (o.from !== undefined || o.selector !== undefined) {
      l.allowedRoutes.namespaces = { from: o.from ?? 'Selector' };
      if (o.selector !== undefined) (l.allowedRoutes.namespaces as { selector?: unknown }).selector = o.selector;
    }
    if (o.kinds !== undefined) l.allowedRoutes.kinds = o.kinds.map((kind) => ({ kind }));
  }
  return l;
}

/** Addresses: a string is an IPAddress (an IPv6 string too); `host:NAME` a Hostname address. */
export function gateway(
  ns: string,
  name: string,
  listeners: Listener[],
  o: { addresses?: string[]; annotations?: Record<string, string>; allowedListeners?: unknown } = {},
): Gateway {
  const gw: Gateway = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ns },
    spec: { gatewayClassName: 'test', listeners },
  };
  if (o.annotations) gw.metadata!.annotations = o.annotations;
  if (o.allowedListeners !== undefined) (gw.spec as Record<string, unknown>).allowedListeners = o.allowedListeners;
  if (o.addresses) {
    gw.status = {
      addresses: o.addresses.map((a) => (a.startsWith('host:') ? { type: 'Hostname', value: a.slice(5) } : { type: 'IPAddress', value: a })),
    };
  }
  return gw;
}

/** The listeners of cloud-provider-mdns's test fixture (docs/design.md#origins): http:80 and https:443, open to all namespaces. */
export function edgeGateway(addresses: string[] = ['172.18.0.2']): Gateway {
  return gateway('edge', 'gw', [listener('http', 80, { from: 'All' }), listener('https', 443, { from: 'All' })], { addresses });
}

export function route(
  ns: string,
  name: string,
  o: { kind?: string; hostnames?: unknown[]; parentRefs?: ParentReference[]; status?: unknown; annotations?: Record<string, string> } = {},
): Route {
  const r: Route = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: o.kind ?? 'HTTPRoute',
    metadata: { name, namespace: ns },
    spec: { parentRefs: o.parentRefs ?? [], hostnames: (o.hostnames ?? []) as string[] },
  };
  if (o.annotations) r.metadata!.annotations = o.annotations;
  if (o.status !== undefined) r.status = o.status as Route['status'];
  return r;
}

export function namespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function listenerSet(ns: string, name: string, parent: ParentReference, listeners: Listener[]): ListenerSet {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ListenerSet', metadata: { name, namespace: ns }, spec: { parentRef: parent, listeners } };
}

export function ingress(
  ns: string,
  name: string,
  o: { hosts?: unknown[]; tls?: unknown[][]; ips?: unknown[]; hostnames?: string[]; annotations?: Record<string, string> } = {},
): Ingress {
  const ing: Ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: ns },
    spec: { rules: (o.hosts ?? []).map((host) => ({ host: host as string })), tls: (o.tls ?? []).map((hosts) => ({ hosts: hosts as string[] })) },
  };
  if (o.annotations) ing.metadata!.annotations = o.annotations;
  const lb = [...(o.ips ?? []).map((ip) => ({ ip: ip as string })), ...(o.hostnames ?? []).map((hostname) => ({ hostname }))];
  if (lb.length) ing.status = { loadBalancer: { ingress: lb } };
  return ing;
}

export function objects(parts: Partial<ClusterObjects>): ClusterObjects {
  return { ...emptyClusterObjects(), ...parts };
}

export function options(o: Partial<BindingOptions> = {}): BindingOptions {
  return { zones: [], anyPort: false, ...o };
}

/** `hostname status gateway listener port publish`, '-' for empty fields. */
export function row(b: Binding): string {
  const gw = b.gateway ? `${b.gateway.namespace}/${b.gateway.name}` : '-';
  return [b.hostname || '-', b.status, gw, b.listener || '-', b.port ?? '-', b.publish.join('+') || '-'].join(' ');
}

/** The status semantics of docs/design.md#status, checked on every binding every test produces. */
export function assertStatusSemantics(bindings: readonly Binding[]): void {
  for (const b of bindings) {
    const at = `${row(b)} (${b.reason})`;
    if (b.status === 'Ready') {
      assert.equal(b.reason, '', `Ready must have no reason: ${at}`);
      assert.ok(b.publish.length > 0, `Ready must be published somewhere: ${at}`);
      // A CNAME (a gateway with only a Hostname address, unicast only) is served without an address.
      assert.ok(b.addresses.length > 0 || (b.cname !== undefined && b.publish.join() === 'unicast'), `Ready must have addresses: ${at}`);
    } else {
      assert.ok(b.reason.length > 0, `non-Ready needs a reason: ${at}`);
      assert.ok(!b.reason.includes('\n'), `reasons are one line: ${at}`);
    }
    if (b.status === 'Pending') {
      assert.ok(b.publish.length > 0, `Pending would be published: ${at}`);
      assert.equal(b.addresses.length, 0, `Pending has no addresses: ${at}`);
    }
    if (b.status === 'Skipped') assert.deepEqual(b.publish, [], `Skipped is published nowhere: ${at}`);
  }
}
