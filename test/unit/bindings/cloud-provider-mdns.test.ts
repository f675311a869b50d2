// cloud-provider-mdns (docs/design.md#origins): the one-to-one, many-to-one and many-to-many
// cases of its README and tests, and cases derived from how it behaved, with the decisions
// this tool made where it left them open ("decided"). Fixture: Gateway edge/gw, listeners http:80 and https:443, address 172.18.0.2;
// Route app/r, hostname app.local, parentRef {name: gw, namespace: edge}.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterObjects } from '../../../src/gateway-api/objects.js';
import type { Binding } from '../../../src/bindings/types.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { bindRoute } from '../../../src/bindings/routes.js';
import { indexObjects } from '../../../src/bindings/object-index.js';
import { desiredRecords } from '../../../src/records/desired.js';
import { assertStatusSemantics, edgeGateway, gateway, listener, objects, options, route, row } from './fixtures.js';

const appRoute = (o: Parameters<typeof route>[2] = {}) =>
  route('app', 'r', { hostnames: ['app.local'], parentRefs: [{ name: 'gw', namespace: 'edge' }], ...o });

function bind(parts: Partial<ClusterObjects>, o: Parameters<typeof options>[0] = {}): Binding[] {
  const { bindings } = computeBindings(objects(parts), options(o));
  assertStatusSemantics(bindings);
  return bindings;
}

describe('cloud-provider-mdns README: one-to-one, many-to-one, many-to-many', () => {
  it('one-to-one: every name of the route on every address of the gateway', () => {
    const bs = bind({ gateways: [edgeGateway(['172.18.0.2', '172.18.0.3', 'fd00::2'])], routes: [appRoute({ hostnames: ['app.local', 'www.app.local'] })] });
    assert.deepEqual(bs.map(row), ['app.local Ready edge/gw https 443 mdns', 'www.app.local Ready edge/gw https 443 mdns']);
    const records = desiredRecords(bs);
    assert.deepEqual(
      records.map((r) => [r.name, r.a, r.aaaa]),
      [
        ['app.local', ['172.18.0.2', '172.18.0.3'], ['fd00::2']],
        ['www.app.local', ['172.18.0.2', '172.18.0.3'], ['fd00::2']],
      ],
    );
  });

  it('many-to-one: several routes on one gateway, each name on the gateway’s addresses', () => {
    const routes = [
      appRoute(),
      route('blog', 'b', { hostnames: ['blog.local'], parentRefs: [{ name: 'gw', namespace: 'edge' }] }),
      route('wiki', 'w', { hostnames: ['wiki.local'], parentRefs: [{ name: 'gw', namespace: 'edge' }] }),
    ];
    const bs = bind({ gateways: [edgeGateway()], routes });
    assert.deepEqual(bs.map(row), [
      'app.local Ready edge/gw https 443 mdns',
      'blog.local Ready edge/gw https 443 mdns',
      'wiki.local Ready edge/gw https 443 mdns',
    ]);
    assert.ok(bs.every((b) => b.addresses.join() === '172.18.0.2'));
  });

  it('many-to-many: one route on two gateways → one binding per gateway, records are the union (round robin)', () => {
    const gw2 = gateway('edge', 'gw2', [listener('http', 80, { from: 'All' })], { addresses: ['172.18.0.9'] });
    const r = appRoute({
      parentRefs: [
        { name: 'gw', namespace: 'edge' },
        { name: 'gw2', namespace: 'edge' },
      ],
    });
    const bs = bind({ gateways: [edgeGateway(), gw2], routes: [r] });
    assert.deepEqual(bs.map(row), ['app.local Ready edge/gw https 443 mdns', 'app.local Ready edge/gw2 http 80 mdns']);
    const [record] = desiredRecords(bs);
    assert.deepEqual(record?.a, ['172.18.0.2', '172.18.0.9']);
  });
});

describe('cases derived from cloud-provider-mdns', () => {
  it('1 baseline: decided 443 (rule 5: the https listener exists), not cloud-provider-mdns’s 80', () => {
    assert.deepEqual(bind({ gateways: [edgeGateway()], routes: [appRoute()] }).map(row), ['app.local Ready edge/gw https 443 mdns']);
  });

  it('1 baseline with listeners left at allowedRoutes Same (the default): the route in app is not allowed', () => {
    const gw = gateway('edge', 'gw', [listener('http', 80), listener('https', 443)], { addresses: ['172.18.0.2'] });
    const [b] = bind({ gateways: [gw], routes: [appRoute()] });
    assert.equal(b?.status, 'Skipped');
    assert.match(b?.reason ?? '', /allows routes from namespace edge only/);
  });

  it('2 route before gateway: Skipped (not found), then Ready once the gateway exists', () => {
    const r = appRoute();
    const index = indexObjects(objects({}));
    assert.match(bindRoute(r, index, options())[0]?.reason ?? '', /gateway edge\/gw not found/);
    index.gateways.set('edge/gw', edgeGateway());
    assert.deepEqual(bindRoute(r, index, options()).map(row), ['app.local Ready edge/gw https 443 mdns']);
  });

  it('3 gateway with no addresses, or no status at all: Pending; then Ready when an address arrives', () => {
    const gw = edgeGateway([]);
    delete gw.status;
    assert.equal(bind({ gateways: [gw], routes: [appRoute()] })[0]?.status, 'Pending');
    assert.equal(bind({ gateways: [edgeGateway(['172.18.0.2'])], routes: [appRoute()] })[0]?.status, 'Ready');
  });

  const sectionCases: [string, object, string, RegExp?][] = [
    ['4 sectionName https → 443', { sectionName: 'https' }, 'app.local Ready edge/gw https 443 mdns'],
    [
      '4 sectionName naming nothing → decided Skipped (cloud-provider-mdns used 80)',
      { sectionName: 'nope' },
      'app.local Skipped edge/gw - - -',
      /sectionName "nope" matches no listener/,
    ],
    ['4 port 8443 with a sectionName → 8443', { sectionName: 'alt', port: 8443 }, 'app.local Ready edge/gw alt 8443 mdns'],
  ];
  for (const [name, ref, want, reason] of sectionCases) {
    it(name, () => {
      const gw = gateway(
        'edge',
        'gw',
        [listener('http', 80, { from: 'All' }), listener('https', 443, { from: 'All' }), listener('alt', 8443, { from: 'All', protocol: 'HTTPS' })],
        { addresses: ['172.18.0.2'] },
      );
      const [b] = bind({ gateways: [gw], routes: [appRoute({ parentRefs: [{ name: 'gw', namespace: 'edge', ...ref }] })] });
      assert.equal(b && row(b), want);
      if (reason) assert.match(b?.reason ?? '', reason);
    });
  }

  it('5 only an 8080 listener → decided Skipped (the README’s rule); --any-port → 8080', () => {
    const gw = gateway('edge', 'gw', [listener('alt', 8080, { from: 'All' })], { addresses: ['172.18.0.2'] });
    const [skipped] = bind({ gateways: [gw], routes: [appRoute()] });
    assert.equal(skipped?.reason, 'gateway edge/gw has no listener on 443 or 80; set sectionName or port in parentRefs, or use --any-port');
    assert.deepEqual(bind({ gateways: [gw], routes: [appRoute()] }, { anyPort: true }).map(row), ['app.local Ready edge/gw alt 8080 mdns']);
  });

  const outside: [string, string, string[], string][] = [
    ['6 app.test.org → no mDNS', 'app.test.org', [], 'app.test.org Skipped edge/gw https 443 -'],
    ['6 app.k8s with zone k8s → unicast', 'app.k8s', ['k8s'], 'app.k8s Ready edge/gw https 443 unicast'],
    ['6 app.notk8s with zone k8s → skipped (label boundary)', 'app.notk8s', ['k8s'], 'app.notk8s Skipped edge/gw https 443 -'],
    ['7 wildcard *.apps.local → decided Skipped (mDNS has no wildcards)', '*.apps.local', [], '*.apps.local Skipped edge/gw https 443 -'],
    ['7 wildcard inside a zone → unicast only', '*.apps.k8s', ['k8s'], '*.apps.k8s Ready edge/gw https 443 unicast'],
  ];
  for (const [name, host, zones, want] of outside) {
    it(name, () => assert.deepEqual(bind({ gateways: [edgeGateway()], routes: [appRoute({ hostnames: [host] })] }, { zones }).map(row), [want]));
  }

  it('8 two parentRefs and two hostnames → 4 bindings; deleting gw1 leaves 2 Ready', () => {
    const gw1 = gateway('edge', 'gw1', [listener('http', 80, { from: 'All' })], { addresses: ['172.18.0.2'] });
    const gw2 = gateway('edge', 'gw2', [listener('http', 80, { from: 'All' })], { addresses: ['172.18.0.3'] });
    const r = appRoute({
      hostnames: ['a.local', 'b.local'],
      parentRefs: [
        { name: 'gw1', namespace: 'edge' },
        { name: 'gw2', namespace: 'edge' },
      ],
    });
    assert.equal(bind({ gateways: [gw1, gw2], routes: [r] }).filter((b) => b.status === 'Ready').length, 4);
    const after = bind({ gateways: [gw2], routes: [r] });
    assert.deepEqual(after.filter((b) => b.status === 'Ready').map(row), ['a.local Ready edge/gw2 http 80 mdns', 'b.local Ready edge/gw2 http 80 mdns']);
    assert.ok(after.filter((b) => b.status !== 'Ready').every((b) => /gateway edge\/gw1 not found/.test(b.reason)));
  });

  it('9 cross-namespace: no parentRef namespace → app/gw (not found); with namespace edge → Ready', () => {
    assert.match(bind({ gateways: [edgeGateway()], routes: [appRoute({ parentRefs: [{ name: 'gw' }] })] })[0]?.reason ?? '', /gateway app\/gw not found/);
    assert.equal(bind({ gateways: [edgeGateway()], routes: [appRoute()] })[0]?.status, 'Ready');
  });

  it('10 no parentRefs → Skipped with the reason, no records', () => {
    const bs = bind({ gateways: [edgeGateway()], routes: [appRoute({ parentRefs: [] })] });
    assert.deepEqual(bs.map(row), ['app.local Skipped - - - -']);
    assert.match(bs[0]?.reason ?? '', /has no parentRefs; add one that names a Gateway/);
    assert.deepEqual(desiredRecords(bs), []);
  });

  it('10 no hostnames on a listener without hostname → nothing published, the reason says so', () => {
    const bs = bind({ gateways: [edgeGateway()], routes: [appRoute({ hostnames: [] })] });
    assert.ok(bs.every((b) => b.status === 'Skipped' && /no hostname/.test(b.reason)));
    assert.deepEqual(desiredRecords(bs), []);
  });

  it('11 [172.18.0.2, fd00::2, Hostname]: A and AAAA served, Hostname reported; several IPv4 all kept', () => {
    const [b] = bind({ gateways: [edgeGateway(['172.18.0.2', 'fd00::2', 'host:gw.example.com', '172.18.0.1'])], routes: [appRoute()] });
    assert.deepEqual(b?.addresses, ['172.18.0.1', '172.18.0.2', 'fd00::2']);
    assert.deepEqual(b?.hostnameAddresses, ['gw.example.com']);
  });

  it('16 Accepted=False → decided Skipped; Unknown does not break anything', () => {
    const status = (s: string) => ({
      parents: [{ parentRef: { name: 'gw', namespace: 'edge' }, conditions: [{ type: 'Accepted', status: s, reason: 'NotAllowedByListeners', message: 'm' }] }],
    });
    assert.equal(bind({ gateways: [edgeGateway()], routes: [appRoute({ status: status('False') })] })[0]?.status, 'Skipped');
    assert.equal(bind({ gateways: [edgeGateway()], routes: [appRoute({ status: status('Unknown') })] })[0]?.status, 'Ready');
  });

  it('17 two routes with the same hostname: two Ready bindings, one record set', () => {
    const bs = bind({
      gateways: [edgeGateway()],
      routes: [appRoute(), route('app', 'r2', { hostnames: ['app.local'], parentRefs: [{ name: 'gw', namespace: 'edge' }] })],
    });
    assert.equal(bs.filter((b) => b.status === 'Ready').length, 2);
    const records = desiredRecords(bs);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.owners.length, 2);
  });
});
