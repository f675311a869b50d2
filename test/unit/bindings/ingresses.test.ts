// Ingress (docs/design.md#ingress): hosts from rules and tls, addresses from
// status.loadBalancer.ingress[].ip, 443 when a tls entry covers the host, else 80.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeBindings } from '../../../src/bindings/compute.js';
import { assertStatusSemantics, ingress, objects, options, row } from './fixtures.js';

const cases: [string, Parameters<typeof ingress>[2], Partial<Parameters<typeof options>[0]>, [string, RegExp?][]][] = [
  ['a host without tls → 80', { hosts: ['wiki.local'], ips: ['172.18.0.20'] }, {}, [['wiki.local Ready - - 80 mdns']]],
  ['a host covered by tls → 443', { hosts: ['wiki.local'], tls: [['wiki.local']], ips: ['172.18.0.20'] }, {}, [['wiki.local Ready - - 443 mdns']]],
  [
    'a host covered by a wildcard tls entry → 443',
    { hosts: ['wiki.corp.local'], tls: [['*.corp.local']], ips: ['172.18.0.20'] },
    {},
    [['*.corp.local Skipped - - 443 -', /mDNS has no wildcards/], ['wiki.corp.local Ready - - 443 mdns']],
  ],
  [
    'tls for another host does not cover it',
    { hosts: ['wiki.local'], tls: [['blog.local']], ips: ['172.18.0.20'] },
    {},
    [['blog.local Ready - - 443 mdns'], ['wiki.local Ready - - 80 mdns']],
  ],
  [
    'hosts from tls only count too, de-duplicated',
    { hosts: ['Wiki.local'], tls: [['wiki.local', 'docs.local']], ips: ['172.18.0.20'] },
    {},
    [['docs.local Ready - - 443 mdns'], ['wiki.local Ready - - 443 mdns']],
  ],
  ['no load-balancer address yet → Pending', { hosts: ['wiki.local'] }, {}, [['wiki.local Pending - - 80 mdns', /^ingress web\/wiki has no addresses yet/]]],
  [
    'a hostname-only load balancer → Pending, reported',
    { hosts: ['wiki.local'], hostnames: ['elb.example.com'] },
    {},
    [['wiki.local Pending - - 80 mdns', /only Hostname addresses.*elb\.example\.com/]],
  ],
  [
    'the addresses annotation works on an Ingress too',
    { hosts: ['wiki.local'], annotations: { 'kubectl-mdns/addresses': '192.168.1.7' } },
    {},
    [['wiki.local Ready - - 80 mdns']],
  ],
  [
    'publish annotation none',
    { hosts: ['wiki.local'], ips: ['1.2.3.4'], annotations: { 'kubectl-mdns/publish': 'none' } },
    {},
    [['wiki.local Skipped - - 80 -', /publishing disabled by annotation.*Ingress web\/wiki/]],
  ],
  [
    'non-.local host without zone → Skipped; with zone → unicast',
    { hosts: ['wiki.example.com', 'wiki.dev.k8s'], ips: ['1.2.3.4'] },
    { zones: ['dev.k8s'] },
    [['wiki.dev.k8s Ready - - 80 unicast'], ['wiki.example.com Skipped - - 80 -', /not a \.local name/]],
  ],
  ['an invalid host', { hosts: ['wiki_1.local'], ips: ['1.2.3.4'] }, {}, [['wiki_1.local Skipped - - - -', /invalid hostname.*fix the Ingress host/]]],
  ['no host at all (default backend only)', { ips: ['1.2.3.4'] }, {}, [['- Skipped - - - -', /has no host in spec\.rules or spec\.tls/]]],
];

describe('Ingress bindings', () => {
  for (const [name, spec, opts, rows] of cases) {
    it(name, () => {
      const { bindings } = computeBindings(objects({ ingresses: [ingress('web', 'wiki', spec)] }), options(opts));
      assertStatusSemantics(bindings);
      assert.deepEqual(
        bindings.map(row),
        rows.map(([r]) => r),
      );
      rows.forEach(([, reason], i) => (reason ? assert.match(bindings[i]!.reason, reason) : assert.equal(bindings[i]!.reason, '')));
      for (const b of bindings) {
        assert.equal(b.gateway, null);
        assert.equal(b.listener, '');
        assert.deepEqual(b.route, { kind: 'Ingress', namespace: 'web', name: 'wiki' });
      }
    });
  }

  it('url follows the port', () => {
    const { bindings } = computeBindings(
      objects({ ingresses: [ingress('web', 'wiki', { hosts: ['a.local', 'b.local'], tls: [['b.local']], ips: ['1.2.3.4'] })] }),
      options(),
    );
    assert.deepEqual(
      bindings.map((b) => b.url),
      ['http://a.local/', 'https://b.local/'],
    );
  });
});
