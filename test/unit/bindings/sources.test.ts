// Issue 13's rules, each with a case where it holds and one where it does not, through
// computeBindings: LoadBalancer Services, the hostname annotation (ours and external-dns's two
// prefixes, with their precedence), gateway-hostname-source, the target annotation on a Gateway
// and a ListenerSet, TCPRoute/UDPRoute, a Hostname address as a CNAME, and a ListenerSet its
// controller did not accept. Rows: `hostname status gateway listener port publish`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterObjects, Service, ServicePort } from '../../../src/gateway-api/objects.js';
import type { Binding, BindingOptions } from '../../../src/bindings/types.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { desiredRecords } from '../../../src/records/desired.js';
import { assertStatusSemantics, gateway, listener, listenerSet, objects, options, route, row } from './fixtures.js';

const ED = 'external-dns.kubernetes.io/';
const ALPHA = 'external-dns.alpha.kubernetes.io/';

function service(
  ns: string,
  name: string,
  o: { type?: string; annotations?: Record<string, string>; ports?: unknown[]; ips?: string[]; hostnames?: string[] } = {},
): Service {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { type: o.type ?? 'LoadBalancer', ports: (o.ports ?? [{ name: 'https', port: 443, protocol: 'TCP' }]) as ServicePort[] },
  };
  const lb = [...(o.ips ?? []).map((ip) => ({ ip })), ...(o.hostnames ?? []).map((hostname) => ({ hostname }))];
  if (lb.length) svc.status = { loadBalancer: { ingress: lb } };
  return svc;
}

const web = (annotations: Record<string, string>, o: Parameters<typeof service>[2] = {}) => service('apps', 'web', { ips: ['172.18.0.30'], annotations, ...o });
const infraGw = (
  o: Parameters<typeof gateway>[3] = { addresses: ['172.18.0.10'] },
  listeners = [listener('http', 80, { from: 'All' }), listener('https', 443, { from: 'All' })],
) => gateway('infra', 'gw', listeners, o);
const l4Gw = (o: Parameters<typeof gateway>[3] = { addresses: ['172.18.0.10'] }) =>
  gateway(
    'infra',
    'gw',
    [
      listener('postgres', 5432, { protocol: 'TCP', from: 'All' }),
      listener('pg-alt', 6432, { protocol: 'TCP', from: 'All' }),
      listener('dns', 53, { protocol: 'UDP', from: 'All' }),
    ],
    o,
  );
const parentRefs = [{ name: 'gw', namespace: 'infra' }];

interface Case {
  name: string;
  objects: Partial<ClusterObjects>;
  options?: Partial<BindingOptions>;
  rows: [string, RegExp?][];
  /** Checked on the first binding. */
  check?: (b: Binding) => void;
}

const cases: Case[] = [
  // LoadBalancer Services.
  {
    name: 'Service holds: LoadBalancer with an IP, named by external-dns.kubernetes.io/hostname',
    objects: { services: [web({ [`${ED}hostname`]: 'web.local' })] },
    rows: [['web.local Ready - - 443 mdns']],
    check: (b) => {
      assert.deepEqual(b.route, { kind: 'Service', namespace: 'apps', name: 'web' });
      assert.deepEqual(b.addresses, ['172.18.0.30']);
      assert.equal(b.url, 'https://web.local/');
      assert.deepEqual(b.sources, ['annotation']);
      assert.equal(b.sourceAnnotation, `${ED}hostname`);
    },
  },
  { name: 'Service does not hold: no hostname annotation, no row at all', objects: { services: [web({})] }, rows: [] },
  {
    name: 'Service does not hold: type ClusterIP with a hostname annotation is Skipped with the reason',
    objects: { services: [web({ 'kubectl-mdns/hostname': 'web.local' }, { type: 'ClusterIP' })] },
    rows: [
      [
        'web.local Skipped - - - -',
        /Service apps\/web is of type ClusterIP: only a LoadBalancer Service has an address outside the cluster; set spec.type: LoadBalancer/,
      ],
    ],
  },
  {
    name: 'Service: no load-balancer IP yet is Pending',
    objects: { services: [service('apps', 'web', { annotations: { 'kubectl-mdns/hostname': 'web.local' } })] },
    rows: [['web.local Pending - - 443 mdns', /service apps\/web has no addresses yet/]],
  },
  {
    name: 'Service: a hostname load-balancer entry is reported, not served',
    objects: { services: [service('apps', 'web', { annotations: { 'kubectl-mdns/hostname': 'web.local' }, hostnames: ['lb.example.com'] })] },
    rows: [['web.local Pending - - 443 mdns', /only Hostname addresses, which are not served: lb\.example\.com/]],
  },
  {
    name: 'Service: comma-separated names, one row each; kubectl-mdns/publish works on Services',
    objects: { services: [web({ 'kubectl-mdns/hostname': 'a.local, b.local', 'kubectl-mdns/publish': 'none' })] },
    rows: [
      ['a.local Skipped - - 443 -', /publishing disabled by annotation kubectl-mdns\/publish=none on Service apps\/web/],
      ['b.local Skipped - - 443 -', /publishing disabled/],
    ],
  },
  {
    name: 'Service port 8080 → http URL; another port → no URL, DNS-SD from the port name',
    objects: {
      services: [
        web({ 'kubectl-mdns/hostname': 'alt.local' }, { ports: [{ name: 'web', port: 8080 }] }),
        service('apps', 'db', { ips: ['172.18.0.31'], annotations: { 'kubectl-mdns/hostname': 'db.local' }, ports: [{ name: 'postgres', port: 5432 }] }),
      ],
    },
    rows: [['db.local Ready - - 5432 mdns'], ['alt.local Ready - - 8080 mdns']],
    check: (b) => {
      assert.equal(b.url, '');
      assert.equal(b.dnsSdType, '_postgres._tcp');
    },
  },
  // Precedence of the hostname annotation.
  {
    name: 'precedence: kubectl-mdns/hostname over external-dns.kubernetes.io over the alpha prefix',
    objects: { services: [web({ 'kubectl-mdns/hostname': 'ours.local', [`${ED}hostname`]: 'ed.local', [`${ALPHA}hostname`]: 'alpha.local' })] },
    rows: [['ours.local Ready - - 443 mdns']],
  },
  {
    name: 'precedence: external-dns.kubernetes.io over the alpha prefix',
    objects: { services: [web({ [`${ED}hostname`]: 'ed.local', [`${ALPHA}hostname`]: 'alpha.local' })] },
    rows: [['ed.local Ready - - 443 mdns']],
  },
  {
    name: 'precedence: an empty higher-precedence annotation counts as unset',
    objects: { services: [web({ 'kubectl-mdns/hostname': ' ', [`${ALPHA}hostname`]: 'alpha.local' })] },
    rows: [['alpha.local Ready - - 443 mdns']],
  },
  // The hostname annotation on routes.
  {
    name: 'route annotation holds: adds a name beside spec.hostnames, both through the listener intersection',
    objects: {
      gateways: [infraGw()],
      routes: [route('shop', 'shop', { hostnames: ['shop.local'], parentRefs, annotations: { [`${ED}hostname`]: 'extra.local' } })],
    },
    rows: [['extra.local Ready infra/gw https 443 mdns'], ['shop.local Ready infra/gw https 443 mdns']],
    check: (b) => assert.deepEqual(b.sources, ['annotation']),
  },
  {
    name: 'route annotation does not hold: a name outside the listener hostname is Skipped, naming the annotation to fix',
    objects: {
      gateways: [infraGw(undefined, [listener('http', 80, { from: 'All', hostname: '*.shop.local' })])],
      routes: [route('shop', 'shop', { parentRefs, annotations: { [`${ALPHA}hostname`]: 'blog.local' } })],
    },
    rows: [
      [
        'blog.local Skipped infra/gw - - -',
        /blog\.local matches no listener hostname of gateway infra\/gw .*change annotation external-dns\.alpha\.kubernetes\.io\/hostname/,
      ],
    ],
  },
  {
    name: 'a name in both spec.hostnames and the annotation has both sources',
    objects: {
      gateways: [infraGw()],
      routes: [route('shop', 'shop', { hostnames: ['shop.local'], parentRefs, annotations: { [`${ED}hostname`]: 'shop.local' } })],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
    check: (b) => assert.deepEqual(b.sources, ['spec', 'annotation']),
  },
  {
    name: 'no spec.hostnames, no annotation: the listener hostname, source listener',
    objects: { gateways: [infraGw(undefined, [listener('http', 80, { from: 'All', hostname: 'gw.local' })])], routes: [route('shop', 'shop', { parentRefs })] },
    rows: [['gw.local Ready infra/gw http 80 mdns']],
    check: (b) => assert.deepEqual(b.sources, ['listener']),
  },
  // gateway-hostname-source.
  {
    name: 'gateway-hostname-source: annotation-only drops spec.hostnames',
    objects: {
      gateways: [infraGw()],
      routes: [
        route('shop', 'shop', {
          hostnames: ['shop.local'],
          parentRefs,
          annotations: { [`${ED}hostname`]: 'extra.local', [`${ED}gateway-hostname-source`]: 'annotation-only' },
        }),
      ],
    },
    rows: [['extra.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'gateway-hostname-source: defined-hosts-only drops the annotation (alpha prefix)',
    objects: {
      gateways: [infraGw()],
      routes: [
        route('shop', 'shop', {
          hostnames: ['shop.local'],
          parentRefs,
          annotations: { [`${ED}hostname`]: 'extra.local', [`${ALPHA}gateway-hostname-source`]: 'defined-hosts-only' },
        }),
      ],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'gateway-hostname-source: an unknown value uses both, with a warning',
    objects: {
      gateways: [infraGw()],
      routes: [
        route('shop', 'shop', {
          hostnames: ['shop.local'],
          parentRefs,
          annotations: { [`${ED}hostname`]: 'extra.local', [`${ED}gateway-hostname-source`]: 'spec-only' },
        }),
      ],
    },
    rows: [['extra.local Ready infra/gw https 443 mdns'], ['shop.local Ready infra/gw https 443 mdns']],
    check: (b) => assert.match((b.warnings ?? []).join('\n'), /gateway-hostname-source has unknown value "spec-only"/),
  },
  // Target annotation.
  {
    name: 'target annotation holds: external-dns target on the Gateway overrides status',
    objects: {
      gateways: [infraGw({ addresses: ['10.96.0.1'], annotations: { [`${ED}target`]: '192.168.1.50' } })],
      routes: [route('shop', 'shop', { hostnames: ['shop.local'], parentRefs })],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
    check: (b) => assert.deepEqual(b.addresses, ['192.168.1.50']),
  },
  {
    name: 'target annotation: kubectl-mdns/addresses wins over external-dns target',
    objects: {
      gateways: [infraGw({ addresses: ['10.96.0.1'], annotations: { 'kubectl-mdns/addresses': '192.168.1.7', [`${ED}target`]: '192.168.1.50' } })],
      routes: [route('shop', 'shop', { hostnames: ['shop.local'], parentRefs })],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
    check: (b) => assert.deepEqual(b.addresses, ['192.168.1.7']),
  },
  {
    name: 'target annotation does not hold: a name value is reported for mDNS (Pending), not served',
    objects: {
      gateways: [infraGw({ addresses: ['10.96.0.1'], annotations: { [`${ALPHA}target`]: 'lb.example.com' } })],
      routes: [route('shop', 'shop', { hostnames: ['shop.local'], parentRefs })],
    },
    rows: [
      [
        'shop.local Pending infra/gw https 443 mdns',
        /only Hostname addresses in annotation external-dns\.alpha\.kubernetes\.io\/target \(lb\.example\.com\), which mDNS cannot serve/,
      ],
    ],
  },
  {
    name: 'target annotation on a ListenerSet overrides its Gateway’s',
    objects: {
      gateways: [infraGw({ addresses: ['172.18.0.10'], annotations: { [`${ED}target`]: '192.168.1.50' }, allowedListeners: { namespaces: { from: 'All' } } })],
      listenerSets: [
        {
          ...listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [listener('docs', 80, { hostname: 'docs.local' })]),
          metadata: { name: 'ls', namespace: 'team', annotations: { [`${ED}target`]: '192.168.1.60' } },
        },
      ],
      routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [['docs.local Ready infra/gw docs 80 mdns']],
    check: (b) => assert.deepEqual(b.addresses, ['192.168.1.60']),
  },
  // Hostname addresses → CNAME in unicast zones.
  {
    name: 'CNAME holds: a Gateway with only a Hostname address is Ready by unicast in a --zone',
    objects: { gateways: [infraGw({ addresses: ['host:lb.example.com'] })], routes: [route('shop', 'shop', { hostnames: ['shop.dev.k8s'], parentRefs })] },
    options: { zones: ['dev.k8s'] },
    rows: [['shop.dev.k8s Ready infra/gw https 443 unicast']],
    check: (b) => {
      assert.equal(b.cname, 'lb.example.com');
      assert.deepEqual(b.addresses, []);
    },
  },
  {
    name: 'CNAME does not hold: with an IP address too, A records win and the Hostname is only reported',
    objects: {
      gateways: [infraGw({ addresses: ['172.18.0.10', 'host:lb.example.com'] })],
      routes: [route('shop', 'shop', { hostnames: ['shop.dev.k8s'], parentRefs })],
    },
    options: { zones: ['dev.k8s'] },
    rows: [['shop.dev.k8s Ready infra/gw https 443 unicast']],
    check: (b) => {
      assert.equal(b.cname, undefined);
      assert.deepEqual(b.hostnameAddresses, ['lb.example.com']);
    },
  },
  {
    name: 'CNAME does not hold for mDNS: a .local name with only a Hostname address stays Pending',
    objects: { gateways: [infraGw({ addresses: ['host:lb.example.com'] })], routes: [route('shop', 'shop', { hostnames: ['shop.local'], parentRefs })] },
    rows: [['shop.local Pending infra/gw https 443 mdns', /only Hostname addresses, which are not served: lb\.example\.com/]],
  },
  // TCPRoute and UDPRoute.
  {
    name: 'TCPRoute holds: named by the annotation, lowest TCP port without sectionName or port, DNS-SD from the listener name',
    objects: { gateways: [l4Gw()], routes: [route('db', 'pg', { kind: 'TCPRoute', parentRefs, annotations: { [`${ALPHA}hostname`]: 'pg.local' } })] },
    rows: [['pg.local Ready infra/gw postgres 5432 mdns']],
    check: (b) => {
      assert.equal(b.url, '');
      assert.equal(b.dnsSdType, '_postgres._tcp');
      assert.deepEqual(b.sources, ['annotation']);
    },
  },
  {
    name: 'TCPRoute does not hold: spec.hostnames is not a TCPRoute field; without the annotation it is Skipped with the fix',
    objects: { gateways: [l4Gw()], routes: [route('db', 'pg', { kind: 'TCPRoute', hostnames: ['pg.local'], parentRefs })] },
    rows: [
      [
        '- Skipped infra/gw - - -',
        /TCPRoute db\/pg has no hostname: a TCPRoute has no spec.hostnames; name it with annotation external-dns\.kubernetes\.io\/hostname/,
      ],
    ],
  },
  {
    name: 'TCPRoute does not bind to an HTTP listener (allowedRoutes kinds)',
    objects: { gateways: [infraGw()], routes: [route('db', 'pg', { kind: 'TCPRoute', parentRefs, annotations: { [`${ED}hostname`]: 'pg.local' } })] },
    rows: [['pg.local Skipped infra/gw - - -', /no listener of gateway infra\/gw accepts TCPRoute db\/pg/]],
  },
  {
    name: 'UDPRoute holds on the UDP listener, sectionName pins it',
    objects: {
      gateways: [l4Gw()],
      routes: [
        route('net', 'dns', {
          kind: 'UDPRoute',
          parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'dns' }],
          annotations: { [`${ED}hostname`]: 'ns.local' },
        }),
      ],
    },
    rows: [['ns.local Ready infra/gw dns 53 mdns']],
    check: (b) => assert.equal(b.dnsSdType, '_dns._udp'),
  },
  // ListenerSet status.
  {
    name: 'ListenerSet holds: no status goes on',
    objects: {
      gateways: [infraGw({ addresses: ['172.18.0.10'], allowedListeners: { namespaces: { from: 'All' } } })],
      listenerSets: [listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [listener('docs', 80, { hostname: 'docs.local' })])],
      routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [['docs.local Ready infra/gw docs 80 mdns']],
  },
  {
    name: 'ListenerSet does not hold: Accepted=False on the set skips with the controller’s reason',
    objects: {
      gateways: [infraGw({ addresses: ['172.18.0.10'], allowedListeners: { namespaces: { from: 'All' } } })],
      listenerSets: [
        {
          ...listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [listener('docs', 80, { hostname: 'docs.local' })]),
          status: { conditions: [{ type: 'Accepted', status: 'False', reason: 'NotAllowed', message: 'parent refuses' }] },
        },
      ],
      routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [
      [
        '- Skipped infra/gw - - -',
        /ListenerSet team\/ls was not accepted by the controller of gateway infra\/gw \(Accepted=False, NotAllowed: parent refuses\)/,
      ],
    ],
  },
  {
    name: 'ListenerSet does not hold: Accepted=False on its listener skips with the controller’s reason',
    objects: {
      gateways: [infraGw({ addresses: ['172.18.0.10'], allowedListeners: { namespaces: { from: 'All' } } })],
      listenerSets: [
        {
          ...listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [listener('docs', 80, { hostname: 'docs.local' })]),
          status: {
            conditions: [{ type: 'Accepted', status: 'True' }],
            listeners: [{ name: 'docs', conditions: [{ type: 'Accepted', status: 'False', reason: 'HostnameConflict', message: 'docs.local is taken' }] }],
          },
        },
      ],
      routes: [route('team', 'docs', { hostnames: ['docs.local'], parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [
      [
        'docs.local Skipped infra/gw - - -',
        /listener "docs" \(Accepted=False, HostnameConflict: docs\.local is taken\) of ListenerSet team\/ls was not accepted/,
      ],
    ],
  },
  {
    name: 'ListenerSet: one rejected listener among others leaves the accepted one',
    objects: {
      gateways: [infraGw({ addresses: ['172.18.0.10'], allowedListeners: { namespaces: { from: 'All' } } })],
      listenerSets: [
        {
          ...listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [
            listener('docs', 80, { hostname: 'docs.local' }),
            listener('docs-s', 443, { hostname: 'docs.local' }),
          ]),
          status: { listeners: [{ name: 'docs-s', conditions: [{ type: 'Accepted', status: 'False', reason: 'PortUnavailable' }] }] },
        },
      ],
      routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [['docs.local Ready infra/gw docs 80 mdns']],
  },
];

describe('issue 13 binding rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = computeBindings(objects(c.objects), options(c.options));
      assertStatusSemantics(result.bindings);
      assert.deepEqual(
        result.bindings.map(row),
        c.rows.map(([r]) => r),
      );
      c.rows.forEach(([, reason], i) => {
        const b = result.bindings[i]!;
        if (reason) assert.match(b.reason, reason);
        else assert.equal(b.reason, '');
      });
      if (c.check) c.check(result.bindings[0]!);
    });
  }
});

describe('either external-dns prefix gives the same bindings', () => {
  const strip = (bs: Binding[]) => bs.map(({ sourceAnnotation: _ignored, ...rest }) => rest);
  for (const [what, make] of [
    ['a Service', (prefix: string) => objects({ services: [web({ [`${prefix}hostname`]: 'web.local' })] })],
    [
      'a TCPRoute',
      (prefix: string) =>
        objects({ gateways: [l4Gw()], routes: [route('db', 'pg', { kind: 'TCPRoute', parentRefs, annotations: { [`${prefix}hostname`]: 'pg.local' } })] }),
    ],
    [
      'an HTTPRoute',
      (prefix: string) =>
        objects({ gateways: [infraGw()], routes: [route('shop', 'shop', { parentRefs, annotations: { [`${prefix}hostname`]: 'shop.local,extra.local' } })] }),
    ],
    [
      'a Gateway target',
      (prefix: string) =>
        objects({
          gateways: [infraGw({ addresses: ['10.96.0.1'], annotations: { [`${prefix}target`]: '192.168.1.50' } })],
          routes: [route('shop', 'shop', { hostnames: ['shop.local'], parentRefs })],
        }),
    ],
  ] as const) {
    it(what, () => {
      const current = computeBindings(make(ED), options()).bindings;
      const alpha = computeBindings(make(ALPHA), options()).bindings;
      assert.ok(current.length > 0 && current.every((b) => b.status === 'Ready'), JSON.stringify(current));
      assert.deepEqual(strip(alpha), strip(current));
    });
  }
});

describe('records from the new bindings', () => {
  it('a CNAME binding gives a unicast RecordSet with cname and no addresses; an address from another binding wins', () => {
    const gwHost = gateway('infra', 'gwh', [listener('https', 443, { from: 'All' })], { addresses: ['host:lb.example.com'] });
    const only = computeBindings(
      objects({ gateways: [gwHost], routes: [route('shop', 'a', { hostnames: ['a.dev.k8s'], parentRefs: [{ name: 'gwh', namespace: 'infra' }] })] }),
      options({ zones: ['dev.k8s'] }),
    ).bindings;
    assert.deepEqual(
      desiredRecords(only).map((r) => [r.target, r.name, r.a, r.cname]),
      [['unicast', 'a.dev.k8s', [], 'lb.example.com']],
    );
    const both = computeBindings(
      objects({
        gateways: [gwHost, infraGw()],
        routes: [
          route('shop', 'a', {
            hostnames: ['a.dev.k8s'],
            parentRefs: [
              { name: 'gwh', namespace: 'infra' },
              { name: 'gw', namespace: 'infra' },
            ],
          }),
        ],
      }),
      options({ zones: ['dev.k8s'] }),
    ).bindings;
    assert.deepEqual(
      desiredRecords(both).map((r) => [r.name, r.a, r.cname]),
      [['a.dev.k8s', ['172.18.0.10'], undefined]],
    );
  });

  it('DNS-SD: a TCPRoute gets _<listener>._tcp with an empty TXT string; a listener name that is no service name gets none', () => {
    const gw = gateway(
      'infra',
      'gw',
      [listener('postgres', 5432, { protocol: 'TCP', from: 'All' }), listener('tcp-5433-very-long-name', 5433, { protocol: 'TCP', from: 'All' })],
      { addresses: ['172.18.0.10'] },
    );
    const bindings = computeBindings(
      objects({
        gateways: [gw],
        routes: [
          route('db', 'pg', {
            kind: 'TCPRoute',
            parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'postgres' }],
            annotations: { [`${ED}hostname`]: 'pg.local' },
          }),
          route('db', 'pg2', {
            kind: 'TCPRoute',
            parentRefs: [{ name: 'gw', namespace: 'infra', port: 5433 }],
            annotations: { [`${ED}hostname`]: 'pg2.local' },
          }),
        ],
      }),
      options(),
    ).bindings;
    const records = desiredRecords(bindings);
    assert.deepEqual(
      records.map((r) => [r.name, r.services]),
      [
        ['pg.local', [{ instance: 'pg', type: '_postgres._tcp', port: 5432, txt: [''] }]],
        ['pg2.local', []],
      ],
    );
  });
});
