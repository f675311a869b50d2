// Issue 13 against the API server double over real HTTP: Services and the experimental
// TCPRoute/UDPRoute are discovered, listed (with -n) and watched; a cluster without them gives
// one warning and no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiServerDouble } from '../../support/apiserver.js';
import { discoverResources } from '../../../src/cluster/discovery.js';
import { ClusterSource } from '../../../src/cluster/cluster-source.js';
import type { ObjectEvent, SyncedEvent } from '../../../src/cluster/source.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { clientFor, fastBackoff, gateway, route, waitFor } from './helpers.js';

function lbService(ns: string, name: string, hostname: string, annotation = 'external-dns.kubernetes.io/hostname') {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: ns, name, annotations: { [annotation]: hostname } },
    spec: { type: 'LoadBalancer', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
    status: { loadBalancer: { ingress: [{ ip: '172.18.0.30' }] } },
  };
}

function tcpRoute(ns: string, name: string, hostname: string, kind = 'TCPRoute') {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind,
    metadata: { namespace: ns, name, annotations: { 'external-dns.alpha.kubernetes.io/hostname': hostname } },
    spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'db', port: 5432 }] }] },
  };
}

function l4Gateway() {
  return gateway('infra', 'gw', {
    spec: {
      gatewayClassName: 'test',
      listeners: [
        { name: 'postgres', port: 5432, protocol: 'TCP', allowedRoutes: { namespaces: { from: 'All' } } },
        { name: 'dns', port: 53, protocol: 'UDP', allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
  });
}

test('a cluster without Services, TCPRoute and UDPRoute: one warning, no error, the rest is read', async () => {
  const api = await ApiServerDouble.start();
  try {
    api.unserve('Service');
    api.unserve('TCPRoute');
    api.unserve('UDPRoute');
    api.apply(gateway('infra', 'gw'));
    api.apply(route('HTTPRoute', 'infra', 'shop', ['shop.local']));
    const c = await clientFor(api);
    const { resources, warnings } = await discoverResources(c);
    c.close();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0]!,
      /^TCPRoute, UDPRoute, Service are not served by the cluster \(no tcproutes\.gateway\.networking\.k8s\.io, udproutes\.gateway\.networking\.k8s\.io, services\): skipped$/,
    );
    assert.ok(!resources.some((r) => ['Service', 'TCPRoute', 'UDPRoute'].includes(r.kind)));

    const source = new ClusterSource(await clientFor(api));
    const listed = await source.list();
    source.close();
    assert.deepEqual(listed.warnings, warnings);
    assert.deepEqual(listed.objects.services, []);
    assert.deepEqual(
      computeBindings(listed.objects, { zones: [], anyPort: false }).bindings.map((b) => `${b.hostname} ${b.status}`),
      ['shop.local Ready'],
    );
  } finally {
    await api.close();
  }
});

test('Services and TCPRoute/UDPRoute are listed (routes and Services filtered by -n) and bound', async () => {
  const api = await ApiServerDouble.start();
  try {
    api.apply(l4Gateway());
    api.apply(lbService('shop', 'web', 'web.local'));
    api.apply(lbService('blog', 'other', 'other.local'));
    api.apply(tcpRoute('shop', 'pg', 'pg.local'));
    api.apply(tcpRoute('shop', 'dns', 'dns.local', 'UDPRoute'));
    const source = new ClusterSource(await clientFor(api));
    const { objects, warnings } = await source.list({ namespace: 'shop' });
    source.close();
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      objects.services.map((s) => `${s.kind} ${s.metadata?.namespace}/${s.metadata?.name}`),
      ['Service shop/web'],
    );
    assert.deepEqual(objects.routes.map((r) => `${r.kind} ${r.metadata?.name}`).sort(), ['TCPRoute pg', 'UDPRoute dns']);
    assert.ok(api.requests.some((r) => r.path === '/api/v1/namespaces/shop/services'));
    assert.ok(api.requests.some((r) => r.path === '/apis/gateway.networking.k8s.io/v1alpha2/namespaces/shop/tcproutes'));
    const rows = computeBindings(objects, { zones: [], anyPort: false }).bindings.map(
      (b) => `${b.route.kind}/${b.route.name} ${b.hostname} ${b.status} ${b.addresses.join(',')} ${b.port} ${b.dnsSdType ?? '-'}`,
    );
    assert.deepEqual(rows, [
      'Service/web web.local Ready 172.18.0.30 443 -',
      'TCPRoute/pg pg.local Ready 172.18.0.10 5432 _postgres._tcp',
      'UDPRoute/dns dns.local Ready 172.18.0.10 53 _dns._udp',
    ]);
  } finally {
    await api.close();
  }
});

test('watch: a Service and a TCPRoute arrive as events', async () => {
  const api = await ApiServerDouble.start();
  const source = new ClusterSource(await clientFor(api), new MemoryReporter());
  const abort = new AbortController();
  const changes: (ObjectEvent | SyncedEvent)[] = [];
  try {
    const w = await source.watch((c) => changes.push(c), abort.signal, { backoff: fastBackoff });
    assert.deepEqual(w.warnings, []);
    assert.ok(w.kinds.includes('Service') && w.kinds.includes('TCPRoute') && w.kinds.includes('UDPRoute'));
    await w.synced;
    await waitFor(() => api.openWatches('Service') === 1 && api.openWatches('TCPRoute') === 1, 'the Service and TCPRoute watches');
    api.apply(lbService('shop', 'web', 'web.local'));
    api.apply(tcpRoute('shop', 'pg', 'pg.local'));
    await waitFor(() => w.snapshot().services.length === 1 && w.snapshot().routes.length === 1, 'both objects in the snapshot');
    assert.ok(changes.some((c) => c.type === 'ADDED' && c.kind === 'Service'));
    assert.ok(changes.some((c) => c.type === 'ADDED' && c.kind === 'TCPRoute'));
    assert.equal(w.snapshot().routes[0]!.kind, 'TCPRoute');
    abort.abort();
    await w.done;
  } finally {
    abort.abort();
    source.close();
    await api.close();
  }
});
