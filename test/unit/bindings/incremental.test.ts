// The API `serve` uses to rebind only what an event touches: indexObjects, bindRoute,
// bindIngress, routesAffectedBy. Rebinding the affected routes must give what a full
// computeBindings gives.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Binding } from '../../../src/bindings/types.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { bindRoute } from '../../../src/bindings/routes.js';
import { bindIngress } from '../../../src/bindings/ingresses.js';
import { indexObjects, objectKey } from '../../../src/bindings/object-index.js';
import { routeParents, routesAffectedBy } from '../../../src/bindings/affected.js';
import { compareBindings } from '../../../src/bindings/order.js';
import { gateway, ingress, listener, listenerSet, namespace, objects, options, route, row } from './fixtures.js';

const gwA = gateway('infra', 'a', [listener('http', 80, { selector: { matchLabels: { team: 'x' } } })], {
  addresses: ['10.0.0.1'],
  allowedListeners: { namespaces: { from: 'All' } },
});
const gwB = gateway('infra', 'b', [listener('http', 80, { from: 'All' })], { addresses: ['10.0.0.2'] });
const ls = listenerSet('team', 'ls', { name: 'a', namespace: 'infra' }, [listener('docs', 80, { hostname: 'docs.local' })]);
const rA = route('shop', 'ra', { hostnames: ['a.local'], parentRefs: [{ name: 'a', namespace: 'infra' }] });
const rB = route('blog', 'rb', {
  hostnames: ['b.local'],
  parentRefs: [
    { name: 'b', namespace: 'infra' },
    { kind: 'Service', group: '', name: 'svc' },
  ],
});
const rLs = route('team', 'rl', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] });
const routes = [rA, rB, rLs];
const names = (rs: { metadata?: { name?: string } }[]) => rs.map((r) => r.metadata?.name).sort();

describe('indexObjects', () => {
  it('indexes gateways and listenerSets by namespace/name and namespaces by name', () => {
    const index = indexObjects(objects({ gateways: [gwA, gwB], listenerSets: [ls], namespaces: [namespace('shop')] }));
    assert.deepEqual([...index.gateways.keys()].sort(), ['infra/a', 'infra/b']);
    assert.deepEqual([...index.listenerSets.keys()], ['team/ls']);
    assert.deepEqual([...index.namespaces.keys()], ['shop']);
    assert.equal(objectKey('infra', 'a'), 'infra/a');
  });
});

describe('routeParents', () => {
  it('lists Gateway and ListenerSet keys, ignoring other parents', () => {
    assert.deepEqual(routeParents(rB), { gateways: ['infra/b'], listenerSets: [] });
    assert.deepEqual(routeParents(rLs), { gateways: [], listenerSets: ['team/ls'] });
  });
});

describe('routesAffectedBy', () => {
  const index = indexObjects(objects({ gateways: [gwA, gwB], listenerSets: [ls] }));
  const cases: [string, Parameters<typeof routesAffectedBy>[0], string[]][] = [
    ['a Gateway: routes naming it and routes through its ListenerSets', { kind: 'Gateway', namespace: 'infra', name: 'a' }, ['ra', 'rl']],
    ['another Gateway', { kind: 'Gateway', namespace: 'infra', name: 'b' }, ['rb']],
    ['a Gateway nobody names', { kind: 'Gateway', namespace: 'infra', name: 'c' }, []],
    ['a Gateway of the same name in another namespace', { kind: 'Gateway', namespace: 'shop', name: 'a' }, []],
    ['a ListenerSet', { kind: 'ListenerSet', namespace: 'team', name: 'ls' }, ['rl']],
    ['a Namespace: the routes in it', { kind: 'Namespace', name: 'shop' }, ['ra']],
    ['a Namespace holding a ListenerSet: routes through it', { kind: 'Namespace', name: 'team' }, ['rl']],
    ['a Namespace with nothing', { kind: 'Namespace', name: 'empty' }, []],
  ];
  for (const [name, change, want] of cases) it(name, () => assert.deepEqual(names(routesAffectedBy(change, routes, index)), want));
});

describe('incremental rebinding equals a full recompute', () => {
  function full(parts: Parameters<typeof objects>[0]): string[] {
    return computeBindings(objects(parts), options()).bindings.map(row);
  }

  it('a Namespace label change: rebinding the affected routes matches computeBindings', () => {
    const before = { gateways: [gwA, gwB], listenerSets: [ls], namespaces: [namespace('shop')], routes };
    const index = indexObjects(objects(before));
    const current = new Map<string, Binding[]>(routes.map((r) => [r.metadata!.name!, bindRoute(r, index, options())]));
    assert.match(current.get('ra')?.[0]?.reason ?? '', /does not match/);

    // Event: Namespace shop gets team=x.
    const shopNs = namespace('shop', { team: 'x' });
    index.namespaces.set('shop', shopNs);
    for (const r of routesAffectedBy({ kind: 'Namespace', name: 'shop' }, routes, index)) current.set(r.metadata!.name!, bindRoute(r, index, options()));

    const incremental = [...current.values()].flat().sort(compareBindings).map(row);
    assert.deepEqual(incremental, full({ ...before, namespaces: [shopNs] }));
    assert.ok(incremental.includes('a.local Ready infra/a http 80 mdns'));
  });

  it('a Gateway deleted: its routes and ListenerSet routes are rebound', () => {
    const index = indexObjects(objects({ gateways: [gwA, gwB], listenerSets: [ls] }));
    index.gateways.delete('infra/a');
    const affected = routesAffectedBy({ kind: 'Gateway', namespace: 'infra', name: 'a' }, routes, index);
    assert.deepEqual(names(affected), ['ra', 'rl']);
    for (const r of affected) for (const b of bindRoute(r, index, options())) assert.match(b.reason, /not found/);
  });

  it('bindIngress is independent of the index', () => {
    const i = ingress('web', 'wiki', { hosts: ['wiki.local'], ips: ['10.0.0.9'] });
    assert.deepEqual(bindIngress(i, indexObjects(objects({})), options()).map(row), ['wiki.local Ready - - 80 mdns']);
  });
});
