// Untrusted input (hand-written -f files, half-reconciled objects): every malformation turns
// into a warning or a Skipped reason, never a throw.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterObjects } from '../../../src/gateway-api/objects.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { assertStatusSemantics, edgeGateway, gateway, listener, objects, options, route, row } from './fixtures.js';

const cast = <T>(v: unknown) => v as T;
const appRoute = (o: Parameters<typeof route>[2] = {}) =>
  route('app', 'r', { hostnames: ['app.local'], parentRefs: [{ name: 'gw', namespace: 'edge' }], ...o });

interface Case {
  name: string;
  objects: Partial<ClusterObjects>;
  /** Expected rows (fixtures.row), or null to only require no throw. */
  rows?: string[];
  reason?: RegExp;
  warning?: RegExp;
}

const hugeName = Array.from({ length: 300 }, (_, i) => `l${i}`).join('.') + '.local';
const manyLabels: Record<string, string> = {};
for (let i = 0; i < 5000; i++) manyLabels[`label-${i}`] = String(i);

const cases: Case[] = [
  {
    name: 'gateway without spec',
    objects: { gateways: [cast({ kind: 'Gateway', metadata: { name: 'gw', namespace: 'edge' } })], routes: [appRoute()] },
    rows: ['app.local Skipped edge/gw - - -'],
    reason: /has no usable listeners/,
    warning: /Gateway edge\/gw has no spec/,
  },
  {
    name: 'gateway without metadata',
    objects: { gateways: [cast({ kind: 'Gateway', spec: {} })], routes: [appRoute()] },
    rows: ['app.local Skipped edge/gw - - -'],
    reason: /not found/,
    warning: /Gateway in namespace default has no metadata\.name/,
  },
  {
    name: 'gateway spec.listeners not a list',
    objects: { gateways: [cast({ metadata: { name: 'gw', namespace: 'edge' }, spec: { listeners: 'http' } })], routes: [appRoute()] },
    rows: ['app.local Skipped edge/gw - - -'],
    reason: /no usable listeners/,
    warning: /spec\.listeners is not a list/,
  },
  {
    name: 'listeners without names are ignored, with a warning',
    objects: {
      gateways: [
        gateway('edge', 'gw', [cast({ port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }), listener('https', 443, { from: 'All' })], {
          addresses: ['10.0.0.1'],
        }),
      ],
      routes: [appRoute()],
    },
    rows: ['app.local Ready edge/gw https 443 mdns'],
    warning: /listener #1 has no name; it is ignored/,
  },
  {
    name: 'listener port a string',
    objects: { gateways: [gateway('edge', 'gw', [cast({ name: 'http', port: '80', protocol: 'HTTP' })], { addresses: ['10.0.0.1'] })], routes: [appRoute()] },
    rows: ['app.local Skipped edge/gw - - -'],
    warning: /listener "http" has no valid port/,
  },
  {
    name: 'listener hostname invalid',
    objects: {
      gateways: [
        gateway('edge', 'gw', [cast({ name: 'http', port: 80, hostname: 'Bad Name', allowedRoutes: { namespaces: { from: 'All' } } })], {
          addresses: ['10.0.0.1'],
        }),
      ],
      routes: [appRoute()],
    },
    warning: /invalid hostname/,
  },
  {
    name: 'listener allowedRoutes garbage',
    objects: {
      gateways: [gateway('edge', 'gw', [cast({ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: 'all' })], { addresses: ['10.0.0.1'] })],
      routes: [appRoute()],
    },
    rows: ['app.local Skipped edge/gw - - -'],
    reason: /allows routes from namespace edge only/,
  },
  {
    name: 'listener allowedRoutes.kinds garbage',
    objects: {
      gateways: [
        gateway(
          'edge',
          'gw',
          [cast({ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' }, kinds: [5, null, { kind: 7 }] } })],
          { addresses: ['10.0.0.1'] },
        ),
      ],
      routes: [appRoute()],
    },
    rows: ['app.local Skipped edge/gw - - -'],
    reason: /accepts no route kinds/,
  },
  {
    name: 'garbage addresses 999.1.1.1 and fe80::1%eth0',
    objects: { gateways: [edgeGateway(['999.1.1.1', 'fe80::1%eth0'])], routes: [appRoute()] },
    rows: ['app.local Pending edge/gw https 443 mdns'],
    reason: /no addresses yet/,
  },
  {
    name: 'status not an object',
    objects: { gateways: [{ ...edgeGateway(), status: cast('ready') }], routes: [appRoute()] },
    rows: ['app.local Pending edge/gw https 443 mdns'],
  },
  {
    name: 'route without spec',
    objects: { gateways: [edgeGateway()], routes: [cast({ kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'app' } })] },
    rows: ['- Skipped - - - -'],
    reason: /has no parentRefs/,
    warning: /HTTPRoute app\/r has no spec/,
  },
  {
    name: 'route without metadata.name: no row, a warning',
    objects: { gateways: [edgeGateway()], routes: [cast({ kind: 'HTTPRoute', metadata: { namespace: 'app' }, spec: { hostnames: ['x.local'] } })] },
    rows: [],
    warning: /HTTPRoute in namespace app has no metadata\.name/,
  },
  {
    name: 'route without kind',
    objects: { gateways: [edgeGateway()], routes: [cast({ metadata: { name: 'r' }, spec: {} })] },
    rows: [],
    warning: /has kind undefined/,
  },
  {
    name: 'route hostnames not strings',
    objects: { gateways: [edgeGateway()], routes: [appRoute({ hostnames: [42, { a: 1 }, 'app.local'] })] },
    rows: ['42 Skipped edge/gw - - -', 'app.local Ready edge/gw https 443 mdns', '{"a":1} Skipped edge/gw - - -'],
    reason: /is not a string/,
  },
  {
    name: 'route hostnames not a list',
    objects: {
      gateways: [edgeGateway()],
      routes: [
        cast({
          kind: 'HTTPRoute',
          metadata: { name: 'r', namespace: 'app' },
          spec: { hostnames: 'app.local', parentRefs: [{ name: 'gw', namespace: 'edge' }] },
        }),
      ],
    },
    warning: /spec\.hostnames is not a list/,
  },
  {
    name: 'names with bad characters',
    objects: { gateways: [edgeGateway()], routes: [appRoute({ hostnames: ['app!.local', 'ünï.local', 'a b.local'] })] },
    reason: /invalid hostname/,
  },
  { name: '300-label name', objects: { gateways: [edgeGateway()], routes: [appRoute({ hostnames: [hugeName] })] }, reason: /more than 253/ },
  {
    name: 'parentRefs not a list',
    objects: {
      gateways: [edgeGateway()],
      routes: [cast({ kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'app' }, spec: { hostnames: ['app.local'], parentRefs: { name: 'gw' } } })],
    },
    rows: ['app.local Skipped - - - -'],
    warning: /spec\.parentRefs is not a list/,
  },
  {
    name: 'parentRef not an object',
    objects: { gateways: [edgeGateway()], routes: [appRoute({ parentRefs: [cast('gw')] })] },
    rows: ['app.local Skipped - - - -'],
    reason: /spec\.parentRefs\[0\] is not an object/,
  },
  {
    name: 'parentRef without name',
    objects: { gateways: [edgeGateway()], routes: [appRoute({ parentRefs: [cast({ namespace: 'edge' })] })] },
    rows: ['app.local Skipped - - - -'],
    reason: /spec\.parentRefs\[0\] has no name/,
  },
  {
    name: 'parentRef port not a number',
    objects: { gateways: [edgeGateway()], routes: [appRoute({ parentRefs: [cast({ name: 'gw', namespace: 'edge', port: 'https' })] })] },
    reason: /invalid port "https"/,
  },
  {
    name: 'status.parents garbage',
    objects: {
      gateways: [edgeGateway()],
      routes: [appRoute({ status: { parents: [null, 'x', { parentRef: 5 }, { parentRef: { name: 'gw', namespace: 'edge' }, conditions: 'no' }] } })],
    },
    rows: ['app.local Ready edge/gw https 443 mdns'],
  },
  {
    name: 'namespace with huge label counts',
    objects: {
      gateways: [gateway('edge', 'gw', [listener('http', 80, { selector: { matchLabels: { 'label-4999': '4999' } } })], { addresses: ['10.0.0.1'] })],
      namespaces: [{ metadata: { name: 'app', labels: manyLabels } }],
      routes: [appRoute()],
    },
    rows: ['app.local Ready edge/gw http 80 mdns'],
  },
  {
    name: 'namespace labels garbage',
    objects: {
      gateways: [gateway('edge', 'gw', [listener('http', 80, { selector: { matchLabels: { a: 'b' } } })], { addresses: ['10.0.0.1'] })],
      namespaces: [cast({ metadata: { name: 'app', labels: 'a=b' } })],
      routes: [appRoute()],
    },
    rows: ['app.local Skipped edge/gw - - -'],
  },
  {
    name: 'ingress without spec',
    objects: { ingresses: [cast({ kind: 'Ingress', metadata: { name: 'i', namespace: 'web' } })] },
    rows: ['- Skipped - - - -'],
    reason: /no host/,
    warning: /Ingress web\/i has no spec/,
  },
  {
    name: 'ingress rules garbage',
    objects: { ingresses: [cast({ kind: 'Ingress', metadata: { name: 'i', namespace: 'web' }, spec: { rules: [null, 5, { host: 7 }], tls: 'x' } })] },
    rows: ['7 Skipped - - - -'],
    reason: /is not a string/,
  },
  {
    name: 'listenerSet garbage',
    objects: {
      gateways: [edgeGateway()],
      listenerSets: [cast({ metadata: { name: 'ls', namespace: 'app' }, spec: { parentRef: 'gw', listeners: [1] } })],
      routes: [appRoute({ parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: ['app.local Skipped - - - -'],
    reason: /has no spec\.parentRef/,
    warning: /ListenerSet app\/ls has no spec\.parentRef/,
  },
  {
    name: 'null entries in every list',
    objects: cast({ gateways: [null], listenerSets: [null], routes: [null], namespaces: [null], ingresses: [null] }),
    rows: [],
  },
];

describe('malformed input: reasons and warnings, never a throw', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = computeBindings(objects(c.objects), options());
      assertStatusSemantics(result.bindings);
      if (c.rows) assert.deepEqual(result.bindings.map(row), c.rows);
      if (c.reason)
        assert.ok(
          result.bindings.some((b) => c.reason!.test(b.reason)),
          `no reason matches ${c.reason}: ${result.bindings.map((b) => b.reason).join(' | ')}`,
        );
      if (c.warning)
        assert.ok(
          result.warnings.some((w) => c.warning!.test(w)),
          `no warning matches ${c.warning}: ${result.warnings.join(' | ')}`,
        );
    });
  }
});
