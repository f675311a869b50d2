// ClusterSource.watch (what `serve` runs): every kind list+watched into one store, filters,
// readiness, one warning per skipped kind, surviving a server restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiServerDouble } from '../../support/apiserver.js';
import { ClusterSource } from '../../../src/cluster/cluster-source.js';
import type { ObjectEvent, SyncedEvent } from '../../../src/cluster/source.js';
import type { ClusterObjects } from '../../../src/gateway-api/objects.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { clientFor, fastBackoff, gateway, ingress, namespace, route, waitFor } from './helpers.js';

const names = (objs: { metadata?: { namespace?: string; name?: string } }[]) => objs.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`).sort();

function seed(api: ApiServerDouble): void {
  api.apply(namespace('infra'));
  api.apply(namespace('shop'));
  api.apply(gateway('infra', 'gw'));
  api.apply(route('HTTPRoute', 'shop', 'shop', ['shop.local'], { app: 'shop' }));
  api.apply(route('HTTPRoute', 'blog', 'blog', ['blog.local'], { app: 'blog' }));
  api.apply(route('GRPCRoute', 'shop', 'grpc', ['grpc.local'], { app: 'shop' }));
  api.apply(ingress('shop', 'legacy', 'legacy.local'));
  api.apply(ingress('blog', 'old', 'old.local'));
}

test('watch: synced once every kind is listed, snapshot holds them, changes arrive with a fresh snapshot', async () => {
  const api = await ApiServerDouble.start();
  seed(api);
  const reporter = new MemoryReporter();
  const source = new ClusterSource(await clientFor(api), reporter);
  const abort = new AbortController();
  const changes: (ObjectEvent | SyncedEvent)[] = [];
  let last: ClusterObjects | undefined;
  try {
    const w = await source.watch(
      (change, snapshot) => {
        changes.push(change);
        last = snapshot();
      },
      abort.signal,
      { backoff: fastBackoff },
    );
    assert.deepEqual(w.warnings, []);
    assert.equal(w.kinds.length, 10); // issue 13: + Service, TCPRoute, UDPRoute
    await w.synced;
    const snap = w.snapshot();
    assert.deepEqual(names(snap.gateways), ['infra/gw']);
    assert.deepEqual(names(snap.routes), ['blog/blog', 'shop/grpc', 'shop/shop']);
    assert.deepEqual(names(snap.namespaces), ['/infra', '/shop']);
    assert.deepEqual(names(snap.ingresses), ['blog/old', 'shop/legacy']);
    assert.equal(changes.filter((c) => c.type === 'SYNCED').length, 10);
    assert.equal(w.snapshot(), snap, 'cached until something changes');

    await waitFor(() => api.openWatches() === 10, 'ten watches');
    api.apply(route('TLSRoute', 'shop', 'tls', ['tls.local']));
    await waitFor(() => changes.some((c) => c.type === 'ADDED' && c.kind === 'TLSRoute'), 'the TLSRoute');
    assert.deepEqual(names(last!.routes), ['blog/blog', 'shop/grpc', 'shop/shop', 'shop/tls']);
    assert.notEqual(w.snapshot(), snap);
    api.delete('Gateway', 'infra', 'gw');
    await waitFor(() => changes.some((c) => c.type === 'DELETED' && c.kind === 'Gateway'), 'the delete');
    assert.deepEqual(last!.gateways, []);
    assert.equal(reporter.events.length, 0, JSON.stringify(reporter.events));

    abort.abort();
    await w.done;
  } finally {
    abort.abort();
    source.close();
    await api.close();
  }
});

test('watch with -n and -l: routes and ingresses filtered, gateways and namespaces not', async () => {
  const api = await ApiServerDouble.start();
  seed(api);
  api.apply(gateway('blog', 'blog-gw'));
  const source = new ClusterSource(await clientFor(api));
  const abort = new AbortController();
  try {
    const w = await source.watch(() => {}, abort.signal, { namespace: 'shop', labelSelector: 'app=shop', backoff: fastBackoff });
    await w.synced;
    const snap = w.snapshot();
    assert.deepEqual(names(snap.routes), ['shop/grpc', 'shop/shop']);
    assert.deepEqual(names(snap.ingresses), [], 'the shop ingress has no app=shop label');
    assert.deepEqual(names(snap.gateways), ['blog/blog-gw', 'infra/gw']);
    assert.equal(snap.namespaces.length, 2);
    await waitFor(() => api.openWatches() === 10, 'ten watches');
    api.apply(route('HTTPRoute', 'blog', 'blog2', ['b2.local'], { app: 'shop' })); // wrong namespace
    api.apply(route('HTTPRoute', 'shop', 'shop2', ['s2.local'], { app: 'shop' }));
    await waitFor(() => names(w.snapshot().routes).includes('shop/shop2'), 'shop2');
    assert.ok(!names(w.snapshot().routes).includes('blog/blog2'));
  } finally {
    abort.abort();
    source.close();
    await api.close();
  }
});

test('a forbidden kind and a kind not served: one warning each, readiness not blocked, the rest works', async () => {
  const api = await ApiServerDouble.start();
  seed(api);
  api.forbid('GRPCRoute');
  api.unserve('TLSRoute');
  const reporter = new MemoryReporter();
  const source = new ClusterSource(await clientFor(api), reporter);
  const abort = new AbortController();
  try {
    const w = await source.watch(() => {}, abort.signal, { backoff: fastBackoff, slowRetryMs: 30 });
    await w.synced;
    assert.deepEqual(w.kinds.includes('TLSRoute'), false);
    assert.deepEqual(names(w.snapshot().routes), ['blog/blog', 'shop/shop']);
    // Let the forbidden kind be retried a few times: still one warning.
    await waitFor(() => api.requests.filter((r) => r.path.endsWith('/grpcroutes')).length >= 4, 'retries');
    const warnings = reporter.events.filter((e) => e.kind === 'warning').map((e) => e.message);
    assert.equal(warnings.length, 2, JSON.stringify(warnings));
    assert.ok(warnings.some((m) => /^TLSRoute is not served by the cluster/.test(m)));
    assert.ok(warnings.some((m) => /^GRPCRoute skipped: grpcroutes\.gateway\.networking\.k8s\.io is forbidden/.test(m)));
  } finally {
    abort.abort();
    source.close();
    await api.close();
  }
});

test('serve survives an API server restart: changes made while it was down arrive', async () => {
  const api = await ApiServerDouble.start();
  seed(api);
  const reporter = new MemoryReporter();
  const source = new ClusterSource(await clientFor(api, { context: 'kind-dev' }), reporter);
  const abort = new AbortController();
  try {
    const w = await source.watch(() => {}, abort.signal, { backoff: fastBackoff });
    await w.synced;
    await waitFor(() => api.openWatches() === 10, 'ten watches');
    await api.stop();
    api.apply(route('HTTPRoute', 'shop', 'while-down', ['down.local']));
    api.delete('Ingress', 'blog', 'old');
    await waitFor(() => reporter.events.some((e) => e.kind === 'warning'), 'an outage warning');
    await api.restart();
    await waitFor(() => names(w.snapshot().routes).includes('shop/while-down'), 'the new route');
    await waitFor(() => w.snapshot().ingresses.length === 1, 'the deleted ingress gone');
    const warning = reporter.events.find((e) => e.kind === 'warning')!;
    assert.match(warning.message, /API server of context "kind-dev" at https:\/\/127\.0\.0\.1:\d+/);
    assert.ok(!warning.message.includes('\n'));
  } finally {
    abort.abort();
    source.close();
    await api.close();
  }
});
