import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredRecords } from '../../../src/records/desired.js';
import type { Binding } from '../../../src/bindings/types.js';

function binding(hostname: string, addresses: string[], extra: Partial<Binding> = {}): Binding {
  return {
    hostname,
    addresses,
    status: 'Ready',
    reason: '',
    publish: ['mdns'],
    route: { kind: 'HTTPRoute', namespace: 'app', name: 'r' },
    gateway: { namespace: 'edge', name: 'gw' },
    listener: 'https',
    port: 443,
    url: `https://${hostname}/`,
    ...extra,
  };
}

test('records: many-to-many is a union of addresses per hostname (round robin)', () => {
  const sets = desiredRecords([
    binding('app.local', ['172.18.0.2']),
    binding('app.local', ['172.18.0.3', 'fd00::3'], {
      route: { kind: 'HTTPRoute', namespace: 'app', name: 'r2' },
      gateway: { namespace: 'edge', name: 'gw2' },
    }),
    binding('app.local', ['172.18.0.2']),
  ]);
  assert.equal(sets.length, 1);
  assert.deepEqual(sets[0]!.a, ['172.18.0.2', '172.18.0.3']);
  assert.deepEqual(sets[0]!.aaaa, ['fd00::3']);
  assert.deepEqual(
    sets[0]!.owners.map((o) => o.name),
    ['r', 'r2'],
  );
});

test('records: only Ready bindings produce records', () => {
  const sets = desiredRecords([
    binding('a.local', [], { status: 'Pending', reason: 'gateway edge/gw has no addresses yet' }),
    binding('b.local', ['10.0.0.1'], { status: 'Skipped', reason: 'x', publish: [] }),
    binding('c.local', ['10.0.0.2']),
  ]);
  assert.deepEqual(
    sets.map((s) => s.name),
    ['c.local'],
  );
});

test('records: one set per target; unicast carries the zone, mdns carries DNS-SD', () => {
  const sets = desiredRecords([
    binding('shop.dev.k8s', ['10.0.0.1'], { publish: ['unicast'], zone: 'dev.k8s' }),
    binding('shop.local', ['10.0.0.1'], { port: 80, listener: 'http', url: 'http://shop.local/' }),
  ]);
  const uni = sets.find((s) => s.target === 'unicast')!;
  const mdns = sets.find((s) => s.target === 'mdns')!;
  assert.equal(uni.zone, 'dev.k8s');
  assert.deepEqual(uni.services, []);
  assert.deepEqual(mdns.services, [{ instance: 'shop', type: '_http._tcp', port: 80, txt: ['path=/'] }]);
});

test('records: 443 or an https URL is _https._tcp', () => {
  const [set] = desiredRecords([binding('shop.local', ['10.0.0.1'], { port: 8443, url: 'https://shop.local:8443/' })]);
  assert.equal(set!.services[0]!.type, '_https._tcp');
});

test('records: IPv4 addresses sort numerically, not as strings', () => {
  const [set] = desiredRecords([binding('n.local', ['10.0.0.10', '10.0.0.9', '9.0.0.1'])]);
  assert.deepEqual(set!.a, ['9.0.0.1', '10.0.0.9', '10.0.0.10']);
});
