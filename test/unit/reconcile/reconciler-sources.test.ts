// Issue 13 in the reconcile loop: Service and TCPRoute/UDPRoute events are dispatched
// and agree with a full recompute; a ListenerSet's status turning Accepted=False withdraws its
// names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reconciler } from '../../../src/reconcile/reconciler.js';
import { MemorySink } from '../../support/memory-sink.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { desiredRecords } from '../../../src/records/desired.js';
import { emptyClusterObjects, type ClusterObjects, type Gateway, type ListenerSet, type Route, type Service } from '../../../src/gateway-api/objects.js';
import { MemoryReporter } from '../../../src/util/reporter.js';

const options = { zones: [], anyPort: false };

const gw: Gateway = {
  kind: 'Gateway',
  metadata: { namespace: 'infra', name: 'gw' },
  spec: {
    listeners: [
      { name: 'postgres', port: 5432, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
    ],
    allowedListeners: { namespaces: { from: 'All' } },
  } as Gateway['spec'],
  status: { addresses: [{ type: 'IPAddress', value: '172.18.0.10' }] },
};

const svc = (type: string): Service => ({
  kind: 'Service',
  metadata: { namespace: 'apps', name: 'web', annotations: { 'external-dns.kubernetes.io/hostname': 'web.local' } },
  spec: { type, ports: [{ name: 'http', port: 80 }] },
  status: { loadBalancer: { ingress: [{ ip: '172.18.0.30' }] } },
});

const tcp: Route = {
  kind: 'TCPRoute',
  metadata: { namespace: 'db', name: 'pg', annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'pg.local' } },
  spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }] },
};

const ls = (accepted: boolean): ListenerSet => ({
  kind: 'ListenerSet',
  metadata: { namespace: 'team', name: 'ls' },
  spec: { parentRef: { name: 'gw', namespace: 'infra' }, listeners: [{ name: 'docs', port: 80, protocol: 'HTTP', hostname: 'docs.local' }] },
  ...(accepted ? {} : { status: { conditions: [{ type: 'Accepted', status: 'False', reason: 'NotAllowed' }] } }),
});

const docs: Route = { kind: 'HTTPRoute', metadata: { namespace: 'team', name: 'docs' }, spec: { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] } };

function world(parts: Partial<ClusterObjects>): ClusterObjects {
  return { ...emptyClusterObjects(), ...parts };
}

const names = (loop: Reconciler) => loop.desired().map((r) => `${r.name} ${r.a.join(',')}`);

test('reconcile loop: Service and TCPRoute events follow the full recompute', () => {
  const loop = new Reconciler(options, new MemoryReporter(), 0);
  loop.onEvent({ type: 'ADDED', kind: 'TCPRoute', object: tcp });
  loop.onEvent({ type: 'ADDED', kind: 'Service', object: svc('ClusterIP') });
  loop.flush();
  assert.deepEqual(names(loop), [], 'no gateway yet, and a ClusterIP Service');
  loop.onEvent({ type: 'ADDED', kind: 'Gateway', object: gw });
  loop.onEvent({ type: 'MODIFIED', kind: 'Service', object: svc('LoadBalancer') });
  loop.flush();
  const expected = desiredRecords(computeBindings(world({ gateways: [gw], routes: [tcp], services: [svc('LoadBalancer')] }), options).bindings);
  assert.deepEqual(loop.desired(), expected);
  assert.deepEqual(names(loop), ['pg.local 172.18.0.10', 'web.local 172.18.0.30']);
  assert.ok(loop.bindings().some((b) => b.route.kind === 'Service' && b.status === 'Ready'));
  loop.onEvent({ type: 'DELETED', kind: 'Service', object: svc('LoadBalancer') });
  loop.onEvent({ type: 'DELETED', kind: 'TCPRoute', object: tcp });
  loop.flush();
  assert.deepEqual(names(loop), []);
});

test('reconcile loop: a ListenerSet turning Accepted=False withdraws its names, and back', () => {
  const reporter = new MemoryReporter();
  const loop = new Reconciler(options, reporter, 0);
  loop.onEvent({ type: 'REPLACED', objects: world({ gateways: [gw], listenerSets: [ls(true)], routes: [docs] }) });
  assert.deepEqual(names(loop), ['docs.local 172.18.0.10']);
  loop.addSink(new MemorySink(), { reporter });
  reporter.events.length = 0; // from here on, only what the change below applies
  loop.onEvent({ type: 'MODIFIED', kind: 'ListenerSet', object: ls(false) });
  loop.flush();
  assert.deepEqual(names(loop), []);
  assert.match(loop.bindings()[0]!.reason, /ListenerSet team\/ls was not accepted .*Accepted=False, NotAllowed/);
  assert.ok(reporter.events.some((e) => e.kind === 'removed' && e.fields?.hostname === 'docs.local'));
  loop.onEvent({ type: 'MODIFIED', kind: 'ListenerSet', object: ls(true) });
  loop.flush();
  assert.deepEqual(names(loop), ['docs.local 172.18.0.10']);
});
