// One-shot reads (`list`, `diff`): every kind, the -n/-l filters, pagination, 403s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiServerDouble } from '../../support/apiserver.js';
import { ClusterSource } from '../../../src/cluster/cluster-source.js';
import { discoverResources } from '../../../src/cluster/discovery.js';
import { listAll } from '../../../src/cluster/list.js';
import { clientFor, gateway, ingress, namespace, route } from './helpers.js';

let api: ApiServerDouble;

before(async () => {
  api = await ApiServerDouble.start();
  api.apply(namespace('infra'));
  api.apply(namespace('shop', { team: 'shop' }));
  api.apply(namespace('blog'));
  api.apply(gateway('infra', 'gw'));
  api.apply(gateway('blog', 'blog-gw'));
  api.apply({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'ListenerSet',
    metadata: { namespace: 'shop', name: 'extra' },
    spec: { parentRef: { name: 'gw', namespace: 'infra' }, listeners: [{ name: 'x', port: 8443, protocol: 'HTTPS' }] },
  });
  api.apply(route('HTTPRoute', 'shop', 'shop', ['shop.local'], { app: 'shop' }));
  api.apply(route('HTTPRoute', 'blog', 'blog', ['blog.local'], { app: 'blog' }));
  api.apply(route('GRPCRoute', 'shop', 'grpc', ['grpc.local'], { app: 'shop' }));
  api.apply(route('TLSRoute', 'shop', 'tls', ['tls.local']));
  api.apply(ingress('shop', 'legacy', 'legacy.local'));
  api.apply(ingress('blog', 'old-blog', 'old-blog.local'));
});
after(async () => {
  await api.close();
});

const names = (objs: { metadata?: { namespace?: string; name?: string } }[]) => objs.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`).sort();

test('list reads every kind, with kind and apiVersion filled in', async () => {
  const source = new ClusterSource(await clientFor(api, { context: 'kind-dev' }));
  const { objects, warnings, context } = await source.list();
  assert.equal(context, 'kind-dev');
  assert.deepEqual(warnings, []);
  assert.deepEqual(names(objects.gateways), ['blog/blog-gw', 'infra/gw']);
  assert.deepEqual(names(objects.listenerSets), ['shop/extra']);
  assert.deepEqual(names(objects.routes), ['blog/blog', 'shop/grpc', 'shop/shop', 'shop/tls']);
  assert.deepEqual(names(objects.namespaces), ['/blog', '/infra', '/shop']);
  assert.deepEqual(names(objects.ingresses), ['blog/old-blog', 'shop/legacy']);
  assert.deepEqual(objects.routes.map((r) => `${r.kind} ${r.apiVersion}`).sort(), [
    'GRPCRoute gateway.networking.k8s.io/v1',
    'HTTPRoute gateway.networking.k8s.io/v1',
    'HTTPRoute gateway.networking.k8s.io/v1',
    'TLSRoute gateway.networking.k8s.io/v1',
  ]);
  assert.equal(objects.namespaces.find((n) => n.metadata?.name === 'shop')?.metadata?.labels?.team, 'shop');
  source.close();
});

test('-n narrows routes and ingresses only; gateways, listenersets and namespaces stay cluster-wide', async () => {
  const source = new ClusterSource(await clientFor(api));
  const before = api.requests.length;
  const { objects } = await source.list({ namespace: 'shop' });
  assert.deepEqual(names(objects.routes), ['shop/grpc', 'shop/shop', 'shop/tls']);
  assert.deepEqual(names(objects.ingresses), ['shop/legacy']);
  assert.deepEqual(names(objects.gateways), ['blog/blog-gw', 'infra/gw']);
  assert.equal(objects.namespaces.length, 3);
  const paths = api.requests.slice(before).map((r) => r.path);
  assert.ok(paths.includes('/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes'), 'the server filters by namespace');
  assert.ok(paths.includes('/apis/gateway.networking.k8s.io/v1/gateways'));
  source.close();
});

test('-l selects routes and ingresses by label (the server filters)', async () => {
  const source = new ClusterSource(await clientFor(api));
  const before = api.requests.length;
  const { objects } = await source.list({ labelSelector: 'app in (shop)' });
  assert.deepEqual(names(objects.routes), ['shop/grpc', 'shop/shop']);
  assert.deepEqual(names(objects.ingresses), []);
  assert.deepEqual(names(objects.gateways), ['blog/blog-gw', 'infra/gw']);
  const gwReq = api.requests.slice(before).find((r) => r.path.endsWith('/gateways'));
  assert.equal(gwReq?.query.labelSelector, undefined, 'no selector on gateways');
  source.close();
});

test('pagination: limit/continue until the last page', async () => {
  for (let i = 0; i < 23; i++) api.apply(route('HTTPRoute', 'many', `r${String(i).padStart(2, '0')}`, [`r${i}.local`]));
  try {
    const c = await clientFor(api);
    const { resources } = await discoverResources(c);
    const httproutes = resources.find((r) => r.kind === 'HTTPRoute')!;
    const before = api.requests.length;
    const { items, resourceVersion } = await listAll(c, httproutes, { namespace: 'many', pageSize: 10 });
    assert.equal(items.length, 23);
    assert.deepEqual(
      items.map((o) => o.metadata?.name),
      [...Array(23).keys()].map((i) => `r${String(i).padStart(2, '0')}`),
    );
    assert.ok(items.every((o) => o.kind === 'HTTPRoute'));
    assert.equal(resourceVersion, api.resourceVersion);
    const pages = api.requests.slice(before);
    assert.equal(pages.length, 3);
    assert.ok(pages.every((p) => p.query.limit === '10'));
    assert.equal(pages[0]!.query.continue, undefined);
    assert.ok(pages[1]!.query.continue && pages[2]!.query.continue);
    c.close();
  } finally {
    for (let i = 0; i < 23; i++) api.delete('HTTPRoute', 'many', `r${String(i).padStart(2, '0')}`);
  }
});

test('an expired continue token (compaction between pages) restarts the list', async () => {
  for (let i = 0; i < 5; i++) api.apply(route('HTTPRoute', 'pages', `p${i}`, [`p${i}.local`]));
  try {
    const c = await clientFor(api);
    const { resources } = await discoverResources(c);
    const httproutes = resources.find((r) => r.kind === 'HTTPRoute')!;
    let compacted = false;
    api.beforeRequest = (rec) => {
      if (rec.query.continue && !compacted) {
        compacted = true;
        api.apply(route('HTTPRoute', 'pages', 'late', ['late.local']));
        api.compact();
      }
    };
    const before = api.requests.length;
    const { items } = await listAll(c, httproutes, { namespace: 'pages', pageSize: 2 });
    assert.ok(compacted);
    assert.deepEqual(
      items.map((o) => o.metadata?.name),
      ['late', 'p0', 'p1', 'p2', 'p3', 'p4'],
    );
    const firstPages = api.requests.slice(before).filter((r) => !r.query.continue);
    assert.equal(firstPages.length, 2, 'started over once');
    c.close();
  } finally {
    api.beforeRequest = undefined;
    for (const n of ['late', 'p0', 'p1', 'p2', 'p3', 'p4']) api.delete('HTTPRoute', 'pages', n);
  }
});

test('403 on one kind: one warning naming it, everything else is read', async () => {
  api.forbid('GRPCRoute');
  try {
    const source = new ClusterSource(await clientFor(api));
    const { objects, warnings } = await source.list();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^GRPCRoute skipped: grpcroutes\.gateway\.networking\.k8s\.io is forbidden: User "token-user" cannot list resource "grpcroutes"/,
    );
    assert.deepEqual(names(objects.routes), ['blog/blog', 'shop/shop', 'shop/tls']);
    assert.equal(objects.gateways.length, 2);
    source.close();
  } finally {
    api.allow('GRPCRoute');
  }
});
