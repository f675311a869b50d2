// A gateway's Hostname address published as a CNAME in a real BIND 9 zone, with its ownership
// TXT at cname-<name> (RFC 2181 §10.1: nothing else may sit beside a CNAME), from bindings to
// the zone and back out when the route goes; found again as ours after a restart (AXFR and
// per-name queries); moved between A and CNAME; a foreign CNAME is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBindings } from '../../../src/bindings/compute.js';
import { desiredRecords } from '../../../src/records/desired.js';
import { emptyClusterObjects, type ClusterObjects } from '../../../src/gateway-api/objects.js';
import type { RecordSet } from '../../../src/records/types.js';
import { configFor, rs, transcript, txtFor, withNamed } from './helpers.js';

function cluster(withRoute: boolean): ClusterObjects {
  const objects = emptyClusterObjects();
  objects.gateways.push({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace: 'infra', name: 'gw' },
    spec: { listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } }] },
    status: { addresses: [{ type: 'Hostname', value: 'lb.example.com' }] },
  });
  if (withRoute) {
    objects.routes.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { namespace: 'apps', name: 'shop' },
      spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['shop.dev.k8s'] },
    });
  }
  return objects;
}

const desired = (withRoute: boolean): RecordSet[] => desiredRecords(computeBindings(cluster(withRoute), { zones: ['dev.k8s'], anyPort: false }).bindings);

const cnameRs = (name: string, target: string, route = name.split('.')[0]!): RecordSet => ({ ...rs(name, [], [], route), cname: target });

test('a Hostname address lands in BIND as a CNAME with its TXT at cname-<name>, and is removed with its route', () =>
  withNamed({}, async (named, sinkFor) => {
    const wanted = desired(true);
    assert.deepEqual(
      wanted.map((r) => [r.target, r.name, r.cname]),
      [['unicast', 'shop.dev.k8s', 'lb.example.com']],
    );
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    sink.sync(wanted);
    await sink.whenIdle();
    assert.deepEqual(await named.zoneRecords('dev.k8s'), [
      'cname-shop.dev.k8s TXT ' + txtFor('shop'),
      'ns.dev.k8s A 127.0.0.1',
      'shop.dev.k8s CNAME lb.example.com.',
    ]);

    // A second run reads it back as ours: nothing to write.
    const againConfig = configFor(named);
    const again = sinkFor(againConfig);
    await again.start();
    again.sync(wanted);
    await again.whenIdle();
    assert.ok(!againConfig.reporter.debugLines.some((l) => l.includes('UPDATE')), transcript(againConfig.reporter));
    assert.deepEqual(
      again
        .current()
        .filter((s) => !s.foreign)
        .map((s) => [s.name, s.cname, s.foreign, s.ownerId]),
      [['shop.dev.k8s', 'lb.example.com', undefined, 'test-owner']],
    );

    // The route is deleted: the CNAME and its TXT go, nothing else.
    again.sync(desired(false));
    await again.whenIdle();
    assert.deepEqual(await named.zoneRecords('dev.k8s'), ['ns.dev.k8s A 127.0.0.1']);
    assert.match(transcript(againConfig.reporter), /removed shop\.dev\.k8s CNAME lb\.example\.com/);
  }));

test('without zone transfers (per-name queries) a CNAME of ours is found and changed', () =>
  withNamed({ allowTransfer: 'none' }, async (named, sinkFor) => {
    const first = sinkFor(configFor(named));
    await first.start();
    first.sync([cnameRs('shop.dev.k8s', 'lb.example.com')]);
    await first.whenIdle();
    const config = configFor(named);
    const second = sinkFor(config);
    await second.start();
    second.sync([cnameRs('shop.dev.k8s', 'lb2.example.com')]);
    await second.whenIdle();
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'CNAME'), ['lb2.example.com.']);
    assert.deepEqual(await named.lookup('cname-shop.dev.k8s', 'TXT'), [txtFor('shop')]);
    assert.ok(!config.reporter.events.some((e) => e.kind === 'conflict'), transcript(config.reporter));
  }));

test('a name moves from A records to a CNAME and back, its TXT moving with it', () =>
  withNamed({}, async (named, sinkFor) => {
    const sink = sinkFor(configFor(named));
    await sink.start();
    sink.sync([rs('shop.dev.k8s', ['10.0.0.1'], ['fd00::1'])]);
    await sink.whenIdle();
    sink.sync([cnameRs('shop.dev.k8s', 'lb.example.com')]);
    await sink.whenIdle();
    assert.deepEqual(await named.zoneRecords('dev.k8s'), [
      'cname-shop.dev.k8s TXT ' + txtFor('shop'),
      'ns.dev.k8s A 127.0.0.1',
      'shop.dev.k8s CNAME lb.example.com.',
    ]);
    sink.sync([rs('shop.dev.k8s', ['10.0.0.2'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.zoneRecords('dev.k8s'), ['ns.dev.k8s A 127.0.0.1', 'shop.dev.k8s A 10.0.0.2', 'shop.dev.k8s TXT ' + txtFor('shop')]);
  }));

test('a wildcard name gets a wildcard CNAME; its TXT sits at cname-*.<rest>', () =>
  withNamed({}, async (named, sinkFor) => {
    const sink = sinkFor(configFor(named));
    await sink.start();
    sink.sync([cnameRs('*.apps.dev.k8s', 'lb.example.com', 'apps')]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('anything.apps.dev.k8s', 'CNAME'), ['lb.example.com.'], 'the wildcard answers for any name under it');
    assert.deepEqual(await named.zoneRecords('dev.k8s'), [
      '*.apps.dev.k8s CNAME lb.example.com.',
      'cname-*.apps.dev.k8s TXT ' + txtFor('apps'),
      'ns.dev.k8s A 127.0.0.1',
    ]);
    sink.sync([]);
    await sink.whenIdle();
    assert.deepEqual(await named.zoneRecords('dev.k8s'), ['ns.dev.k8s A 127.0.0.1']);
  }));

test('a CNAME not created by kubectl-mdns is never touched', () =>
  withNamed({ records: { 'dev.k8s': ['shop CNAME elsewhere.example.org.'] } }, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    sink.sync([cnameRs('shop.dev.k8s', 'lb.example.com')]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'CNAME'), ['elsewhere.example.org.']);
    assert.deepEqual(await named.lookup('cname-shop.dev.k8s', 'TXT'), []);
    const conflict = config.reporter.events.find((e) => e.kind === 'conflict');
    assert.match(conflict?.message ?? '', /shop\.dev\.k8s: name in use by CNAME records not created by kubectl-mdns; left alone/);
  }));
