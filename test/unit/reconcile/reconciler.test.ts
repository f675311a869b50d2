// The reconcile loop (incremental bindings and records) must always agree with a full
// recompute of the same objects, and report what its sinks applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reconciler } from '../../../src/reconcile/reconciler.js';
import type { ObjectEvent as ClusterEvent } from '../../../src/cluster/source.js';
import { MemorySink } from '../../support/memory-sink.js';
import { loadManifests } from '../../../src/cluster/files.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { desiredRecords } from '../../../src/records/desired.js';
import type { ClusterObjects, KubeObject } from '../../../src/gateway-api/objects.js';
import { MemoryReporter } from '../../../src/util/reporter.js';

const examples = new URL('../../../../examples/', import.meta.url).pathname;
const options = { zones: ['dev.k8s'], anyPort: false };

function full(objects: ClusterObjects) {
  return desiredRecords(computeBindings(objects, options).bindings);
}

function events(objects: ClusterObjects): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  const push = (kind: string, o: KubeObject) => out.push({ type: 'ADDED', kind, object: o });
  objects.namespaces.forEach((o) => push('Namespace', o));
  objects.routes.forEach((o) => push(o.kind ?? 'HTTPRoute', o));
  objects.gateways.forEach((o) => push('Gateway', o));
  objects.listenerSets.forEach((o) => push('ListenerSet', o));
  objects.ingresses.forEach((o) => push('Ingress', o));
  objects.services.forEach((o) => push('Service', o));
  return out;
}

test('reconcile loop: events in any order converge to the full recompute', async () => {
  const { objects } = await loadManifests([examples]);
  assert.ok(objects.routes.length > 5, 'examples should hold routes');
  const expected = full(objects);
  assert.ok(expected.length > 3);
  // Routes before gateways (a route that arrives before its gateway), then gateways.
  const loop = new Reconciler(options, new MemoryReporter(), 0);
  for (const e of events(objects)) loop.onEvent(e);
  loop.flush();
  assert.deepEqual(loop.desired(), expected);
  // Reversed order too.
  const loop2 = new Reconciler(options, new MemoryReporter(), 0);
  for (const e of events(objects).reverse()) loop2.onEvent(e);
  loop2.flush();
  assert.deepEqual(loop2.desired(), expected);
});

test('reconcile loop: deleting a gateway removes its names; re-adding brings them back; changes are reported', async () => {
  const { objects } = await loadManifests([examples]);
  const reporter = new MemoryReporter();
  const loop = new Reconciler(options, reporter, 0);
  loop.onEvent({ type: 'REPLACED', objects });
  loop.addSink(new MemorySink(), { reporter });
  reporter.events.length = 0; // from here on, only what the changes below apply
  const gw = objects.gateways.find((g) => g.metadata?.name === 'gw-main')!;
  assert.ok(gw, 'examples have infra/gw-main');
  loop.onEvent({ type: 'DELETED', kind: 'Gateway', object: gw });
  loop.flush();
  const without = { ...objects, gateways: objects.gateways.filter((g) => g !== gw) };
  assert.deepEqual(loop.desired(), full(without));
  assert.ok(reporter.events.some((e) => e.kind === 'removed' && String(e.fields?.hostname) === 'shop.local'));
  loop.onEvent({ type: 'ADDED', kind: 'Gateway', object: gw });
  loop.flush();
  assert.deepEqual(loop.desired(), full(objects));
  assert.ok(reporter.events.some((e) => e.kind === 'added' && String(e.fields?.hostname) === 'shop.local'));
});

test('reconcile loop: an address change is one "changed" line and sinks get the new state', async () => {
  const { objects } = await loadManifests([examples]);
  const reporter = new MemoryReporter();
  const loop = new Reconciler(options, reporter, 0);
  loop.onEvent({ type: 'REPLACED', objects });
  const sink = new MemorySink();
  loop.addSink(sink, { reporter });
  reporter.events.length = 0; // from here on, only what the change below applies
  const seen = sink.plans;
  const gw = structuredClone(objects.gateways.find((g) => g.metadata?.name === 'gw-main')!);
  gw.status = { addresses: [{ type: 'IPAddress', value: '172.18.0.99' }] };
  loop.onEvent({ type: 'MODIFIED', kind: 'Gateway', object: gw });
  loop.flush();
  const shop = loop.desired().find((r) => r.name === 'shop.local' && r.target === 'mdns')!;
  assert.deepEqual(shop.a, ['172.18.0.99']);
  assert.deepEqual(shop.aaaa, []);
  assert.ok(reporter.events.some((e) => e.kind === 'changed' && String(e.fields?.hostname) === 'shop.local'));
  assert.equal(seen.length, 2);
});
