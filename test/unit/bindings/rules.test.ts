// Binding rules 1–7 (docs/design.md#bindings), each with a case where it lets a name through and one where
// it stops it, run through computeBindings. Rows: `hostname status gateway listener port publish`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterObjects } from '../../../src/gateway-api/objects.js';
import type { BindingOptions } from '../../../src/bindings/types.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { assertStatusSemantics, gateway, listener, listenerSet, namespace, objects, options, route, row } from './fixtures.js';

interface Case {
  name: string;
  objects: Partial<ClusterObjects>;
  options?: Partial<BindingOptions>;
  /** Expected rows in output order, each with the reason pattern for non-Ready rows. */
  rows: [string, RegExp?][];
}

const infraGw = (listeners = [listener('http', 80, { from: 'All' }), listener('https', 443, { from: 'All' })], addresses = ['172.18.0.10']) =>
  gateway('infra', 'gw', listeners, { addresses });
const shop = (o: Parameters<typeof route>[2] = {}) =>
  route('shop', 'shop', { hostnames: ['shop.local'], parentRefs: [{ name: 'gw', namespace: 'infra' }], ...o });

const cases: Case[] = [
  // Rule 1: which parentRefs count.
  {
    name: 'rule 1 holds: Gateway parent (group/kind defaulted)',
    objects: { gateways: [infraGw()], routes: [shop()] },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 1 holds: explicit group and kind',
    objects: {
      gateways: [infraGw()],
      routes: [shop({ parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'infra' }] })],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 1 stops: a Service parent (mesh) is ignored, no row',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ group: '', kind: 'Service', name: 'shop' }] })] },
    rows: [],
  },
  {
    name: 'rule 1: namespace defaults to the route’s, so the gateway is not found',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ name: 'gw' }] })] },
    rows: [['shop.local Skipped shop/gw - - -', /gateway shop\/gw not found; check the parentRef name and namespace/]],
  },
  {
    name: 'rule 1 stops: parent not found',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ name: 'nope', namespace: 'infra' }] })] },
    rows: [['shop.local Skipped infra/nope - - -', /gateway infra\/nope not found/]],
  },

  // Rule 2: Accepted=False in the route's status.
  {
    name: 'rule 2 holds: Accepted=True',
    objects: {
      gateways: [infraGw()],
      routes: [shop({ status: { parents: [{ parentRef: { name: 'gw', namespace: 'infra' }, conditions: [{ type: 'Accepted', status: 'True' }] }] } })],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 2 holds: Accepted=Unknown goes on',
    objects: {
      gateways: [infraGw()],
      routes: [shop({ status: { parents: [{ parentRef: { name: 'gw', namespace: 'infra' }, conditions: [{ type: 'Accepted', status: 'Unknown' }] }] } })],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 2 holds: Accepted=False for another parent does not count',
    objects: {
      gateways: [infraGw()],
      routes: [
        shop({ status: { parents: [{ parentRef: { name: 'other', namespace: 'infra' }, conditions: [{ type: 'Accepted', status: 'False', reason: 'X' }] }] } }),
      ],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 2 stops: Accepted=False, with the condition’s reason and message',
    objects: {
      gateways: [infraGw()],
      routes: [
        shop({
          status: {
            parents: [
              {
                parentRef: { name: 'gw', namespace: 'infra' },
                conditions: [{ type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners', message: 'no listener allows it' }],
              },
            ],
          },
        }),
      ],
    },
    rows: [['shop.local Skipped infra/gw - - -', /Accepted=False, NotAllowedByListeners: no listener allows it.*kubectl describe httproute -n shop shop/]],
  },
  {
    name: 'rule 2: one controller accepting is enough',
    objects: {
      gateways: [infraGw()],
      routes: [
        shop({
          status: {
            parents: [
              { parentRef: { name: 'gw', namespace: 'infra' }, controllerName: 'a', conditions: [{ type: 'Accepted', status: 'False', reason: 'X' }] },
              {
                parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'infra' },
                controllerName: 'b',
                conditions: [{ type: 'Accepted', status: 'True' }],
              },
            ],
          },
        }),
      ],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },

  // Rule 3: sectionName, port, allowedRoutes.
  {
    name: 'rule 3 holds: sectionName names a listener',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'http' }] })] },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 3 stops: sectionName names no listener',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'tls' }] })] },
    rows: [
      [
        'shop.local Skipped infra/gw - - -',
        /^parentRef sectionName "tls" matches no listener of gateway infra\/gw \(listeners: http, https\); use one of those names$/,
      ],
    ],
  },
  {
    name: 'rule 3 holds: port selects listeners',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ name: 'gw', namespace: 'infra', port: 80 }] })] },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 3 stops: port matches no listener',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ name: 'gw', namespace: 'infra', port: 8443 }] })] },
    rows: [['shop.local Skipped infra/gw - - -', /parentRef port 8443 matches no listener of gateway infra\/gw \(ports: 80, 443\)/]],
  },
  {
    name: 'rule 3 stops: sectionName and port disagree',
    objects: { gateways: [infraGw()], routes: [shop({ parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'http', port: 443 }] })] },
    rows: [['shop.local Skipped infra/gw - - -', /port 443 does not match listener "http".*\(port 80\)/]],
  },
  {
    name: 'rule 3 holds: allowedRoutes Same (default) in the same namespace',
    objects: { gateways: [gateway('shop', 'gw', [listener('http', 80)], { addresses: ['10.0.0.1'] })], routes: [shop({ parentRefs: [{ name: 'gw' }] })] },
    rows: [['shop.local Ready shop/gw http 80 mdns']],
  },
  {
    name: 'rule 3 stops: allowedRoutes Same (default) from another namespace',
    objects: { gateways: [infraGw([listener('http', 80)])], routes: [shop()] },
    rows: [
      [
        'shop.local Skipped infra/gw - - -',
        /no listener of gateway infra\/gw accepts HTTPRoute shop\/shop: "http" allows routes from namespace infra only.*change the listener's allowedRoutes/,
      ],
    ],
  },
  {
    name: 'rule 3 holds: Selector matches the route namespace labels',
    objects: {
      gateways: [infraGw([listener('http', 80, { selector: { matchLabels: { team: 'shop' } } })])],
      namespaces: [namespace('shop', { team: 'shop' })],
      routes: [shop()],
    },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 3 stops: Selector does not match',
    objects: {
      gateways: [infraGw([listener('http', 80, { selector: { matchLabels: { team: 'blog' } } })])],
      namespaces: [namespace('shop', { team: 'shop' })],
      routes: [shop()],
    },
    rows: [['shop.local Skipped infra/gw - - -', /namespace shop does not match/]],
  },
  {
    name: 'rule 3 holds: Selector on kubernetes.io/metadata.name works without a Namespace object',
    objects: {
      gateways: [
        infraGw([listener('http', 80, { selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } })]),
      ],
      routes: [shop()],
    },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 3 holds: explicit kinds include the route kind',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All', kinds: ['HTTPRoute'] })])], routes: [shop()] },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 3 stops: explicit kinds exclude the route kind',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All', kinds: ['GRPCRoute'] })])], routes: [shop()] },
    rows: [['shop.local Skipped infra/gw - - -', /"http" accepts GRPCRoute only/]],
  },
  {
    name: 'rule 3 holds: TLSRoute on a TLS listener',
    objects: { gateways: [infraGw([listener('tls', 443, { protocol: 'TLS', from: 'All' })])], routes: [shop({ kind: 'TLSRoute' })] },
    rows: [['shop.local Ready infra/gw tls 443 mdns']],
  },
  {
    name: 'rule 3 stops: TLSRoute on HTTP/HTTPS listeners (protocol default kinds)',
    objects: { gateways: [infraGw()], routes: [shop({ kind: 'TLSRoute' })] },
    rows: [['shop.local Skipped infra/gw - - -', /"http" accepts HTTPRoute, GRPCRoute only; "https" accepts HTTPRoute, GRPCRoute only/]],
  },
  {
    name: 'rule 3: a listener that refuses is left out, the others still bind',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All' }), listener('https', 443)])], routes: [shop()] },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },

  // Rule 4: hostnames.
  {
    name: 'rule 4 holds: route name inside a wildcard listener',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All', hostname: '*.a.local' })])], routes: [shop({ hostnames: ['x.a.local'] })] },
    rows: [['x.a.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 4 stops: *.a.local never matches a.local',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All', hostname: '*.a.local' })])], routes: [shop({ hostnames: ['a.local'] })] },
    rows: [['a.local Skipped infra/gw - - -', /a\.local matches no listener hostname of gateway infra\/gw \(http: \*\.a\.local\); change spec\.hostnames/]],
  },
  {
    name: 'rule 4 holds: wildcard route on an exact listener takes the listener’s (more specific) name',
    objects: {
      gateways: [infraGw([listener('http', 80, { from: 'All', hostname: 'very.specific.local' })])],
      routes: [shop({ hostnames: ['*.specific.local'] })],
    },
    rows: [['very.specific.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 4: no route hostnames → the listener’s hostname',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All', hostname: 'shop.local' })])], routes: [shop({ hostnames: [] })] },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 4 stops: neither route nor listener has a hostname',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All' })])], routes: [shop({ hostnames: [] })] },
    rows: [
      ['- Skipped infra/gw - - -', /no hostname: the route has no spec\.hostnames and listener "http" of gateway infra\/gw has none; add spec\.hostnames/],
    ],
  },
  {
    name: 'rule 4: normalised (case, trailing dot) and de-duplicated',
    objects: { gateways: [infraGw()], routes: [shop({ hostnames: ['SHOP.local.', 'shop.local'] })] },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 4 stops: invalid hostname',
    objects: { gateways: [infraGw()], routes: [shop({ hostnames: ['shop_1.local', 'ok.local'] })] },
    rows: [['ok.local Ready infra/gw https 443 mdns'], ['shop_1.local Skipped infra/gw - - -', /invalid hostname "shop_1\.local".*fix spec\.hostnames/]],
  },
  {
    name: 'rule 4: one route name on two listeners of one gateway gives ONE binding',
    objects: {
      gateways: [infraGw([listener('http', 80, { from: 'All', hostname: '*.local' }), listener('https', 443, { from: 'All', hostname: 'shop.local' })])],
      routes: [shop()],
    },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 4: a wildcard route on several listeners yields each intersection',
    objects: {
      gateways: [infraGw([listener('a', 80, { from: 'All', hostname: '*.foo.a.local' }), listener('b', 80, { from: 'All', hostname: 'abc.foo.a.local' })])],
      routes: [shop({ hostnames: ['*.a.local'] })],
    },
    rows: [['*.foo.a.local Skipped infra/gw a 80 -', /mDNS has no wildcards/], ['abc.foo.a.local Ready infra/gw b 80 mdns']],
  },

  // Rule 5: port.
  { name: 'rule 5: 443 when a listener has it', objects: { gateways: [infraGw()], routes: [shop()] }, rows: [['shop.local Ready infra/gw https 443 mdns']] },
  {
    name: 'rule 5: else 80',
    objects: { gateways: [infraGw([listener('http', 80, { from: 'All' }), listener('alt', 8080, { from: 'All' })])], routes: [shop()] },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },
  {
    name: 'rule 5 stops: no 443 or 80',
    objects: { gateways: [infraGw([listener('alt', 8080, { from: 'All' })])], routes: [shop()] },
    rows: [['shop.local Skipped infra/gw - - -', /^gateway infra\/gw has no listener on 443 or 80; set sectionName or port in parentRefs, or use --any-port$/]],
  },
  {
    name: 'rule 5: --any-port takes the lowest',
    objects: { gateways: [infraGw([listener('b', 9090, { from: 'All' }), listener('a', 8080, { from: 'All' })])], routes: [shop()] },
    options: { anyPort: true },
    rows: [['shop.local Ready infra/gw a 8080 mdns']],
  },
  {
    name: 'rule 5: sectionName pins a non-standard port',
    objects: {
      gateways: [infraGw([listener('alt', 8443, { from: 'All' })])],
      routes: [shop({ parentRefs: [{ name: 'gw', namespace: 'infra', sectionName: 'alt' }] })],
    },
    rows: [['shop.local Ready infra/gw alt 8443 mdns']],
  },
  {
    name: 'rule 5: only listeners that serve the name count (443 listener for another name)',
    objects: {
      gateways: [infraGw([listener('http', 80, { from: 'All' }), listener('https', 443, { from: 'All', hostname: 'blog.local' })])],
      routes: [shop()],
    },
    rows: [['shop.local Ready infra/gw http 80 mdns']],
  },

  // Rule 6: addresses.
  {
    name: 'rule 6 holds: IPv4 and IPv6',
    objects: { gateways: [infraGw(undefined, ['fd00::10', '172.18.0.10'])], routes: [shop()] },
    rows: [['shop.local Ready infra/gw https 443 mdns']],
  },
  {
    name: 'rule 6 stops: no addresses yet → Pending',
    objects: { gateways: [infraGw(undefined, [])], routes: [shop()] },
    rows: [['shop.local Pending infra/gw https 443 mdns', /^gateway infra\/gw has no addresses yet/]],
  },
  {
    name: 'rule 6 stops: only a Hostname address → Pending, and says so',
    objects: { gateways: [infraGw(undefined, ['host:lb.example.com'])], routes: [shop()] },
    rows: [['shop.local Pending infra/gw https 443 mdns', /only Hostname addresses.*lb\.example\.com/]],
  },
  {
    name: 'rule 6 stops: garbage only → Pending',
    objects: { gateways: [infraGw(undefined, ['999.1.1.1', 'fe80::1%eth0'])], routes: [shop()] },
    rows: [['shop.local Pending infra/gw https 443 mdns', /no addresses yet/]],
  },
  {
    name: 'rule 6: annotation override with only garbage → Pending naming the annotation',
    objects: {
      gateways: [
        gateway('infra', 'gw', [listener('http', 80, { from: 'All' })], { addresses: ['10.0.0.1'], annotations: { 'kubectl-mdns/addresses': 'nope' } }),
      ],
      routes: [shop()],
    },
    rows: [['shop.local Pending infra/gw http 80 mdns', /no usable address in annotation kubectl-mdns\/addresses/]],
  },

  // Rule 7: where it goes.
  { name: 'rule 7: .local → mdns', objects: { gateways: [infraGw()], routes: [shop()] }, rows: [['shop.local Ready infra/gw https 443 mdns']] },
  {
    name: 'rule 7: in a --zone → unicast',
    objects: { gateways: [infraGw()], routes: [shop({ hostnames: ['shop.dev.k8s'] })] },
    options: { zones: ['dev.k8s'] },
    rows: [['shop.dev.k8s Ready infra/gw https 443 unicast']],
  },
  {
    name: 'rule 7 stops: not .local, no zone',
    objects: { gateways: [infraGw()], routes: [shop({ hostnames: ['shop.dev.k8s'] })] },
    rows: [['shop.dev.k8s Skipped infra/gw https 443 -', /^not a \.local name and no --zone covers it/]],
  },
  {
    name: 'rule 7 stops: wildcard without zone; with a zone → unicast only',
    objects: { gateways: [infraGw()], routes: [shop({ hostnames: ['*.apps.local', '*.apps.dev.k8s'] })] },
    options: { zones: ['dev.k8s'] },
    rows: [
      ['*.apps.dev.k8s Ready infra/gw https 443 unicast'],
      ['*.apps.local Skipped infra/gw https 443 -', /mDNS has no wildcards and no --zone covers \*\.apps\.local/],
    ],
  },
  {
    name: 'rule 7 stops: kubectl-mdns/publish=none on the route',
    objects: { gateways: [infraGw()], routes: [shop({ annotations: { 'kubectl-mdns/publish': 'none' } })] },
    rows: [['shop.local Skipped infra/gw https 443 -', /publishing disabled by annotation kubectl-mdns\/publish=none on HTTPRoute shop\/shop/]],
  },
  {
    name: 'rule 7 stops: kubectl-mdns/publish=unicast on the Gateway leaves a .local name nowhere',
    objects: {
      gateways: [
        gateway('infra', 'gw', [listener('http', 80, { from: 'All' })], { addresses: ['10.0.0.1'], annotations: { 'kubectl-mdns/publish': 'unicast' } }),
      ],
      routes: [shop()],
    },
    rows: [['shop.local Skipped infra/gw http 80 -', /kubectl-mdns\/publish=unicast on gateway infra\/gw leaves nowhere/]],
  },
  {
    name: 'rule 7 stops: unknown publish annotation value',
    objects: { gateways: [infraGw()], routes: [shop({ annotations: { 'kubectl-mdns/publish': 'yes' } })] },
    rows: [['shop.local Skipped infra/gw https 443 -', /unknown value "yes"/]],
  },
  {
    name: 'rule 7: Pending only for names that would be published (no-zone name on an address-less gateway is Skipped)',
    objects: { gateways: [infraGw(undefined, [])], routes: [shop({ hostnames: ['shop.example.com'] })] },
    rows: [['shop.example.com Skipped infra/gw https 443 -', /not a \.local name/]],
  },

  // ListenerSet parents (docs/design.md#rule-1-parent).
  {
    name: 'ListenerSet holds: route binds through its listeners to the parent gateway’s addresses',
    objects: {
      gateways: [
        gateway('infra', 'gw', [listener('http', 80, { from: 'All' })], { addresses: ['172.18.0.10'], allowedListeners: { namespaces: { from: 'All' } } }),
      ],
      listenerSets: [listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [listener('docs', 443, { hostname: 'docs.local' })])],
      routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [['docs.local Ready infra/gw docs 443 mdns']],
  },
  {
    name: 'ListenerSet stops: the gateway does not allow ListenerSets (allowedListeners defaults to None)',
    objects: {
      gateways: [infraGw()],
      listenerSets: [listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [listener('docs', 443, { hostname: 'docs.local' })])],
      routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [['- Skipped infra/gw - - -', /gateway infra\/gw does not accept ListenerSet team\/ls: .*None/]],
  },
  {
    name: 'ListenerSet stops: not found',
    objects: { gateways: [infraGw()], routes: [route('team', 'docs', { hostnames: ['docs.local'], parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })] },
    rows: [['docs.local Skipped - - - -', /ListenerSet team\/ls not found/]],
  },
  {
    name: 'ListenerSet stops: its parent gateway is missing',
    objects: {
      listenerSets: [listenerSet('team', 'ls', { name: 'gone', namespace: 'infra' }, [listener('docs', 443, { hostname: 'docs.local' })])],
      routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls' }] })],
    },
    rows: [['- Skipped infra/gone - - -', /gateway infra\/gone \(parent of ListenerSet team\/ls\) not found/]],
  },
  {
    name: 'legacy XListenerSet parent (gateway.networking.x-k8s.io)',
    objects: {
      gateways: [gateway('infra', 'gw', [], { addresses: ['172.18.0.10'], allowedListeners: { namespaces: { from: 'Same' } } })],
      listenerSets: [{ ...listenerSet('infra', 'ls', { name: 'gw' }, [listener('docs', 80, { hostname: 'docs.local' })]), kind: 'XListenerSet' }],
      routes: [route('infra', 'docs', { parentRefs: [{ group: 'gateway.networking.x-k8s.io', kind: 'XListenerSet', name: 'ls' }] })],
    },
    rows: [['docs.local Ready infra/gw docs 80 mdns']],
  },
];

describe('binding rules (docs/design.md#bindings)', () => {
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
    });
  }
});

describe('binding details', () => {
  it('the JSON shape of a Ready binding (docs/design.md#bindinglist item)', () => {
    const gw = infraGw(undefined, ['172.18.0.10', 'fd00::10', 'host:gw.infra.svc']);
    const [b] = computeBindings(objects({ gateways: [gw], routes: [shop()] }), options()).bindings;
    assert.deepEqual(b, {
      hostname: 'shop.local',
      addresses: ['172.18.0.10', 'fd00::10'],
      status: 'Ready',
      reason: '',
      publish: ['mdns'],
      route: { kind: 'HTTPRoute', namespace: 'shop', name: 'shop' },
      gateway: { namespace: 'infra', name: 'gw' },
      listener: 'https',
      port: 443,
      url: 'https://shop.local/',
      parent: { kind: 'Gateway', namespace: 'infra', name: 'gw' },
      hostnameAddresses: ['gw.infra.svc'],
      // Issue 13: every item says where its name comes from (the SOURCE column).
      sources: ['spec'],
    });
  });

  const urls: [string, Parameters<typeof listener>, string][] = [
    ['443 → https, no port', ['https', 443, { from: 'All', protocol: 'HTTPS' }], 'https://shop.local/'],
    ['80 → http, no port', ['http', 80, { from: 'All' }], 'http://shop.local/'],
    ['8080 → http with port', ['alt', 8080, { from: 'All' }], 'http://shop.local:8080/'],
    ['HTTPS on 8443 → https with port', ['alt', 8443, { from: 'All', protocol: 'HTTPS' }], 'https://shop.local:8443/'],
    ['TLS on 443 → https', ['tls', 443, { from: 'All', protocol: 'TLS' }], 'https://shop.local/'],
  ];
  for (const [name, l, url] of urls) {
    it(`url: ${name}`, () => {
      const kind = l[2]?.protocol === 'TLS' ? 'TLSRoute' : 'HTTPRoute';
      const [b] = computeBindings(objects({ gateways: [infraGw([listener(...l)])], routes: [shop({ kind })] }), options({ anyPort: true })).bindings;
      assert.equal(b?.url, url);
    });
  }

  it('zone is set to the most specific --zone for unicast names', () => {
    const [b] = computeBindings(
      objects({ gateways: [infraGw()], routes: [shop({ hostnames: ['a.dev.k8s'] })] }),
      options({ zones: ['k8s', 'dev.k8s'] }),
    ).bindings;
    assert.equal(b?.zone, 'dev.k8s');
  });

  it('the parent records a ListenerSet and the parentRef as written', () => {
    const [b] = computeBindings(
      objects({
        gateways: [gateway('infra', 'gw', [], { addresses: ['10.0.0.1'], allowedListeners: { namespaces: { from: 'All' } } })],
        listenerSets: [listenerSet('team', 'ls', { name: 'gw', namespace: 'infra' }, [listener('docs', 443, { hostname: 'docs.local' })])],
        routes: [route('team', 'docs', { parentRefs: [{ kind: 'ListenerSet', name: 'ls', sectionName: 'docs' }] })],
      }),
      options(),
    ).bindings;
    assert.deepEqual(b?.parent, { kind: 'ListenerSet', namespace: 'team', name: 'ls', sectionName: 'docs' });
    assert.deepEqual(b?.gateway, { namespace: 'infra', name: 'gw' });
  });

  it('two parentRefs to one gateway (http and https) give one binding on 443, the other kept as nothing lost', () => {
    const r = shop({
      parentRefs: [
        { name: 'gw', namespace: 'infra', sectionName: 'http' },
        { name: 'gw', namespace: 'infra', sectionName: 'https' },
      ],
    });
    const bs = computeBindings(objects({ gateways: [infraGw()], routes: [r] }), options()).bindings;
    assert.deepEqual(bs.map(row), ['shop.local Ready infra/gw https 443 mdns']);
  });

  it('a failing parentRef to the same gateway is kept as a warning on the Ready binding', () => {
    const r = shop({
      parentRefs: [
        { name: 'gw', namespace: 'infra', sectionName: 'typo' },
        { name: 'gw', namespace: 'infra', sectionName: 'http' },
      ],
    });
    const bs = computeBindings(objects({ gateways: [infraGw()], routes: [r] }), options()).bindings;
    assert.deepEqual(bs.map(row), ['shop.local Ready infra/gw http 80 mdns']);
    assert.match(bs[0]?.warnings?.join() ?? '', /sectionName "typo" matches no listener/);
  });

  it('dropped addresses become binding warnings', () => {
    const [b] = computeBindings(objects({ gateways: [infraGw(undefined, ['10.0.0.1', '999.1.1.1'])], routes: [shop()] }), options()).bindings;
    assert.equal(b?.status, 'Ready');
    assert.match(b?.warnings?.join() ?? '', /999\.1\.1\.1/);
  });

  it('output order: namespace, route kind/name, hostname, gateway', () => {
    const gwB = gateway('infra', 'b', [listener('http', 80, { from: 'All' })], { addresses: ['10.0.0.2'] });
    const gwA = gateway('infra', 'a', [listener('http', 80, { from: 'All' })], { addresses: ['10.0.0.1'] });
    const routes = [
      route('z', 'r', { hostnames: ['a.local'], parentRefs: [{ name: 'a', namespace: 'infra' }] }),
      route('a', 'r2', {
        hostnames: ['b.local', 'a.local'],
        parentRefs: [
          { name: 'b', namespace: 'infra' },
          { name: 'a', namespace: 'infra' },
        ],
      }),
      route('a', 'r1', { kind: 'GRPCRoute', hostnames: ['z.local'], parentRefs: [{ name: 'a', namespace: 'infra' }] }),
    ];
    const bs = computeBindings(objects({ gateways: [gwB, gwA], routes }), options()).bindings;
    assert.deepEqual(
      bs.map((b) => `${b.route.namespace}/${b.route.kind}/${b.route.name} ${b.hostname} ${b.gateway?.name}`),
      [
        'a/GRPCRoute/r1 z.local a',
        'a/HTTPRoute/r2 a.local a',
        'a/HTTPRoute/r2 a.local b',
        'a/HTTPRoute/r2 b.local a',
        'a/HTTPRoute/r2 b.local b',
        'z/HTTPRoute/r a.local a',
      ],
    );
  });
});
