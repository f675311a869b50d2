// Gateway API conformance manifests (gateway-api/, copied byte for byte from
// kubernetes-sigs/gateway-api conformance/tests at 4564255a; see gateway-api/README.md) through
// loadManifests and computeBindings. The upstream Go tests send requests; here the same
// expectations are written as DNS facts: which hostname attaches to which gateway/listener (a
// Ready binding), which route hostnames attach nowhere (upstream: 404 / Accepted=False), and
// which routes attach but have no hostname to publish. Each file is loaded with
// base-manifests.yaml on its own, because several files reuse route names.
//
// The conformance hostnames are .com/.org/.io/.net, so the test passes those as --zone: every
// attached name is then Ready (unicast), and a name that does not attach stays Skipped.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadManifests } from '../../../../src/cluster/files.js';
import { computeBindings } from '../../../../src/bindings/compute.js';
import type { Binding } from '../../../../src/bindings/types.js';
import type { ClusterObjects } from '../../../../src/gateway-api/objects.js';

// Compiled to dist/test/unit/bindings/conformance/; the YAML stays in the source tree.
const DIR = fileURLToPath(new URL('../../../../../test/unit/bindings/conformance/gateway-api/', import.meta.url));
const BASE = join(DIR, 'base-manifests.yaml');
const ZONES = ['com', 'org', 'io', 'net'];

/** [route, hostname, gateway, listener, port] */
type Attached = [string, string, string, string, number];

interface Expectation {
  /** The upstream Go test (conformance/tests/<file>.go ShortName). */
  upstream: string;
  file: string;
  /** Exactly the Ready bindings of the file's routes. */
  attached: Attached[];
  /** [route, hostname]: a route hostname that intersects no listener (upstream: 404 for that host). */
  unmatched?: [string, string][];
  /** [route, reason]: routes that attach to nothing at all (upstream: Accepted=False). */
  notAttached?: [string, RegExp][];
  /** [route, gateway]: attached upstream, but neither route nor listener has a hostname: nothing to publish. */
  nameless?: [string, string][];
  /** gateway/listener → number of routes attached (upstream ListenerStatus.AttachedRoutes), where checked. */
  attachedRoutes?: Record<string, number>;
  /** Listeners on ports other than 443/80 without sectionName/port: attach only with --any-port (rule 5). */
  anyPort?: boolean;
}

const NO_LISTENER_HOSTNAME = /matches no listener hostname/;

const expectations: Expectation[] = [
  {
    upstream: 'HTTPRouteHostnameIntersection',
    file: 'httproute-hostname-intersection.yaml',
    attached: [
      ['specific-host-matches-listener-specific-host', 'very.specific.com', 'httproute-hostname-intersection', 'listener-1', 80],
      ['specific-host-matches-listener-wildcard-host', 'foo.wildcard.io', 'httproute-hostname-intersection', 'listener-2', 80],
      ['specific-host-matches-listener-wildcard-host', 'bar.wildcard.io', 'httproute-hostname-intersection', 'listener-2', 80],
      ['specific-host-matches-listener-wildcard-host', 'foo.bar.wildcard.io', 'httproute-hostname-intersection', 'listener-2', 80],
      // *.specific.com on very.specific.com: the more specific name.
      ['wildcard-host-matches-listener-specific-host', 'very.specific.com', 'httproute-hostname-intersection', 'listener-1', 80],
      ['wildcard-host-matches-listener-wildcard-host', '*.anotherwildcard.io', 'httproute-hostname-intersection', 'listener-3', 80],
      // "HTTPRoutes intersects with an unspecified hostname listener".
      ['httproute-hostname-intersection-all', 'first.com', 'httproute-hostname-intersection-all', 'listener-1', 80],
      ['httproute-hostname-intersection-all', 'sub.first.com', 'httproute-hostname-intersection-all', 'listener-1', 80],
      ['httproute-hostname-intersection-all', 'second.com', 'httproute-hostname-intersection-all', 'listener-1', 80],
      ['httproute-hostname-intersection-all', 'sub.second.com', 'httproute-hostname-intersection-all', 'listener-1', 80],
    ],
    unmatched: [
      ['specific-host-matches-listener-specific-host', 'non.matching.com'],
      ['specific-host-matches-listener-specific-host', '*.nonmatchingwildcard.io'],
      ['specific-host-matches-listener-wildcard-host', 'non.matching.com'],
      ['specific-host-matches-listener-wildcard-host', 'wildcard.io'], // *.wildcard.io never matches wildcard.io
      ['wildcard-host-matches-listener-specific-host', 'non.matching.com'],
      ['no-intersecting-hosts', 'specific.but.wrong.com'],
      ['no-intersecting-hosts', 'wildcard.io'],
    ],
    notAttached: [['no-intersecting-hosts', NO_LISTENER_HOSTNAME]], // Accepted=False, NoMatchingListenerHostname
    attachedRoutes: {
      'httproute-hostname-intersection/listener-1': 2,
      'httproute-hostname-intersection/listener-2': 1,
      'httproute-hostname-intersection/listener-3': 1,
    },
  },
  {
    upstream: 'HTTPRouteListenerHostnameMatching',
    file: 'httproute-listener-hostname-matching.yaml',
    attached: [
      ['backend-v1', 'bar.com', 'httproute-listener-hostname-matching', 'listener-1', 80],
      ['backend-v2', 'foo.bar.com', 'httproute-listener-hostname-matching', 'listener-2', 80],
      ['backend-v3', '*.bar.com', 'httproute-listener-hostname-matching', 'listener-3', 80],
      ['backend-v3', '*.foo.com', 'httproute-listener-hostname-matching', 'listener-4', 80],
    ],
  },
  {
    upstream: 'GRPCRouteListenerHostnameMatching',
    file: 'grpcroute-listener-hostname-matching.yaml',
    attached: [
      ['backend-v1', 'bar.com', 'grpcroute-listener-hostname-matching', 'listener-1', 80],
      ['backend-v2', 'foo.bar.com', 'grpcroute-listener-hostname-matching', 'listener-2', 80],
      ['backend-v3', '*.bar.com', 'grpcroute-listener-hostname-matching', 'listener-3', 80],
      ['backend-v3', '*.foo.com', 'grpcroute-listener-hostname-matching', 'listener-4', 80],
    ],
  },
  {
    upstream: 'GatewayHTTPListenerIsolation ("hostnames are configured only in listeners")',
    file: 'gateway-http-listener-isolation.yaml',
    attached: [
      ['attaches-to-wildcard-example-com', '*.example.com', 'http-listener-isolation', 'wildcard-example-com', 80],
      ['attaches-to-wildcard-foo-example-com', '*.foo.example.com', 'http-listener-isolation', 'wildcard-foo-example-com', 80],
      ['attaches-to-abc-foo-example-com', 'abc.foo.example.com', 'http-listener-isolation', 'abc-foo-example-com', 80],
    ],
    nameless: [['attaches-to-empty-hostname', 'http-listener-isolation']],
  },
  {
    upstream: 'GatewayHTTPListenerIsolation ("intersecting hostnames are configured in listeners and HTTPRoutes")',
    file: 'gateway-http-listener-isolation-with-hostname-intersection.yaml',
    attached: [
      // Isolation decides which listener answers a request; for DNS every intersecting name counts.
      ['attaches-to-empty-hostname-with-hostname-intersection', 'bar.com', 'http-listener-isolation-with-hostname-intersection', 'empty-hostname', 80],
      ['attaches-to-empty-hostname-with-hostname-intersection', '*.example.com', 'http-listener-isolation-with-hostname-intersection', 'empty-hostname', 80],
      [
        'attaches-to-empty-hostname-with-hostname-intersection',
        '*.foo.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'empty-hostname',
        80,
      ],
      [
        'attaches-to-empty-hostname-with-hostname-intersection',
        'abc.foo.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'empty-hostname',
        80,
      ],
      [
        'attaches-to-wildcard-example-com-with-hostname-intersection',
        '*.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'wildcard-example-com',
        80,
      ],
      [
        'attaches-to-wildcard-example-com-with-hostname-intersection',
        '*.foo.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'wildcard-example-com',
        80,
      ],
      [
        'attaches-to-wildcard-example-com-with-hostname-intersection',
        'abc.foo.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'wildcard-example-com',
        80,
      ],
      // "*.example.com ... becomes *.foo.example.com, as the hostname cannot be less specific" (the manifest's own comment).
      [
        'attaches-to-wildcard-foo-example-com-with-hostname-intersection',
        '*.foo.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'wildcard-foo-example-com',
        80,
      ],
      [
        'attaches-to-wildcard-foo-example-com-with-hostname-intersection',
        'abc.foo.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'wildcard-foo-example-com',
        80,
      ],
      [
        'attaches-to-abc-foo-example-com-with-hostname-intersection',
        'abc.foo.example.com',
        'http-listener-isolation-with-hostname-intersection',
        'abc-foo-example-com',
        80,
      ],
    ],
    unmatched: [
      ['attaches-to-wildcard-example-com-with-hostname-intersection', 'bar.com'],
      ['attaches-to-wildcard-foo-example-com-with-hostname-intersection', 'bar.com'],
      ['attaches-to-abc-foo-example-com-with-hostname-intersection', 'bar.com'],
    ],
  },
  {
    upstream: 'HTTPRouteListenerPortMatching',
    file: 'httproute-listener-port-matching.yaml',
    attached: [
      ['backend-v1', 'foo.com', 'httproute-listener-port-matching', 'listener-1', 80],
      ['backend-v2', 'foo.com', 'httproute-listener-port-matching', 'listener-2', 8080],
      ['backend-v2', 'bar.com', 'httproute-listener-port-matching', 'listener-3', 8080],
      // port 8090 + sectionName listener-4: foo.com only (bar.com:8090 is a 404 upstream).
      ['backend-v3', 'foo.com', 'httproute-listener-port-matching', 'listener-4', 8090],
    ],
  },
  {
    upstream: 'HTTPRouteHTTPSListener',
    file: 'httproute-https-listener.yaml',
    attached: [
      ['httproute-https-test', 'example.org', 'same-namespace-with-https-listener', 'https', 443],
      ['httproute-https-test-no-hostname', 'second-example.org', 'same-namespace-with-https-listener', 'https-with-hostname', 443],
    ],
  },
  {
    upstream: 'HTTPRouteHTTPSListenerDetectMisdirectedRequests',
    file: 'httproute-https-listener-detect-misdirected-requests.yaml',
    attached: [
      ['https-listener-detect-misdirected-requests-test-1', 'example.org', 'same-namespace-with-https-listener', 'https', 443],
      ['https-listener-detect-misdirected-requests-test-2', 'second-example.org', 'same-namespace-with-https-listener', 'https-with-hostname', 443],
      ['https-listener-detect-misdirected-requests-test-3', '*.wildcard.org', 'same-namespace-with-https-listener', 'https-with-wildcard-hostname', 443],
      [
        'https-listener-detect-misdirected-requests-test-4',
        'fourth-example.wildcard.org',
        'same-namespace-with-https-listener',
        'https-with-hostname-matching-wildcard',
        443,
      ],
    ],
  },
  {
    upstream: 'GatewayWithAttachedRoutes',
    file: 'gateway-with-attached-routes.yaml',
    attached: [
      // AttachedRoutes: 2 on gateway-with-two-attached-routes/http (Selector on kubernetes.io/metadata.name).
      ['http-route-2', 'foo.example.com', 'gateway-with-two-attached-routes', 'http', 80],
      ['http-route-3', 'foo.example.com', 'gateway-with-two-attached-routes', 'http', 80],
    ],
    unmatched: [['http-route-not-accepted', 'not-accepted.test.com']],
    notAttached: [['http-route-not-accepted', NO_LISTENER_HOSTNAME]],
    // AttachedRoutes: 1 on gateway-with-one-attached-route/http; http-route-4 attaches by sectionName.
    nameless: [
      ['http-route-1', 'gateway-with-one-attached-route'],
      ['http-route-4', 'unresolved-gateway-with-one-attached-unresolved-route'],
    ],
    attachedRoutes: { 'gateway-with-two-attached-routes/http': 2 },
  },
  {
    upstream: 'HTTPRouteMatchingAcrossRoutes',
    file: 'httproute-matching-across-routes.yaml',
    attached: [
      ['matching-part1', 'example.com', 'same-namespace', 'http', 80],
      ['matching-part1', 'example.net', 'same-namespace', 'http', 80],
      ['matching-part2', 'example.com', 'same-namespace', 'http', 80],
    ],
  },
  {
    upstream: 'TLSRouteHostnameIntersection',
    file: 'tlsroute-hostname-intersection.yaml',
    attached: [
      ['tlsroute-more-specific-wc-hostname-x-1', 'abc.example.com', 'gw-tlsroute-exact-hostname-x-1', 'listener-exact-hostname', 443],
      ['tlsroute-exact-hostname-x-2', 'abc.example.com', 'gw-tlsroute-more-specific-wc-hostname-x-2', 'listener-more-specific-wc-hostname', 443],
      ['tlsroute-less-specific-wc-hostname-x-2', '*.example.com', 'gw-tlsroute-more-specific-wc-hostname-x-2', 'listener-more-specific-wc-hostname', 443],
      ['tlsroute-exact-hostname-x-3', 'abc.example.com', 'gw-tlsroute-less-specific-wc-hostname-x-3', 'listener-less-specific-wc-hostname', 443],
      ['tlsroute-more-specific-wc-hostname-x-3', '*.example.com', 'gw-tlsroute-less-specific-wc-hostname-x-3', 'listener-less-specific-wc-hostname', 443],
      ['tlsroute-exact-hostname-x-4', 'abc.example.com', 'gw-tlsroute-empty-hostname-x-4', 'listener-empty-hostname', 443],
      ['tlsroute-less-specific-wc-hostname-x-4', '*.com', 'gw-tlsroute-empty-hostname-x-4', 'listener-empty-hostname', 443],
    ],
  },
  {
    upstream: 'TLSRouteInvalidNoMatchingListenerHostname',
    file: 'tlsroute-invalid-no-matching-listener-hostname.yaml',
    attached: [],
    unmatched: [
      ['tlsroute-hostname-mismatch-1', 'www.nomatch.com'],
      ['tlsroute-hostname-mismatch-1', '*.nomatch.com'],
      ['tlsroute-hostname-mismatch-2', 'www.different.com'],
      ['tlsroute-hostname-mismatch-2', '*.different.com'],
    ],
    notAttached: [
      ['tlsroute-hostname-mismatch-1', NO_LISTENER_HOSTNAME],
      ['tlsroute-hostname-mismatch-2', NO_LISTENER_HOSTNAME],
    ],
  },
  {
    upstream: 'TLSRouteInvalidNoMatchingListener',
    file: 'tlsroute-invalid-no-matching-listener.yaml',
    attached: [],
    notAttached: [
      ['tlsroute-not-allowed-protocol-http', /"http" accepts HTTPRoute, GRPCRoute only/], // NotAllowedByListeners
      ['tlsroute-not-allowed-protocol-https', /"https" accepts HTTPRoute, GRPCRoute only/], // NotAllowedByListeners
      ['tlsroute-no-matching-section-name', /sectionName "nonexistent-listener" matches no listener/], // NoMatchingParent
    ],
  },
  {
    upstream: 'TLSRouteMixedTerminationSameNamespace (provisional)',
    file: 'tlsroute-mixed-termination-same-namespace.yaml',
    anyPort: true,
    attached: [
      ['gateway-conformance-mixed-passthroughroute', 'abc.example.com', 'gateway-tlsroute-mixed-termination', 'tls-passthrough', 8883],
      ['gateway-conformance-mixed-terminateroute', 'tls.example.com', 'gateway-tlsroute-mixed-termination', 'tls-terminate', 8883],
    ],
  },
  {
    upstream: 'TLSRouteSimpleSameNamespace',
    file: 'tlsroute-simple-same-namespace.yaml',
    attached: [['gateway-conformance-infra-test', 'abc.example.com', 'gateway-tlsroute', 'https', 443]],
  },
  {
    upstream: 'TLSRouteTerminateSimpleSameNamespace (provisional)',
    file: 'tlsroute-terminate-simple-same-namespace.yaml',
    anyPort: true,
    attached: [['tlsroute-terminated-test', 'tls.example.com', 'gateway-tlsroute-terminate', 'tlsterminate', 8443]],
  },
];

/** The file with base-manifests.yaml, and a fake address on every Gateway (the suite's controller would set one). */
async function load(file: string): Promise<{ objects: ClusterObjects; routes: Set<string> }> {
  const own = await loadManifests([join(DIR, file)]);
  const { objects } = await loadManifests([BASE, join(DIR, file)]);
  objects.gateways.forEach((gw, i) => {
    gw.status = { addresses: [{ type: 'IPAddress', value: `192.0.2.${i + 1}` }] };
  });
  return { objects, routes: new Set(own.objects.routes.map((r) => r.metadata?.name ?? '')) };
}

function bindingsOf(objects: ClusterObjects, anyPort: boolean, routes: Set<string>): Binding[] {
  return computeBindings(objects, { zones: ZONES, anyPort }).bindings.filter((b) => routes.has(b.route.name));
}

const attachedRow = (b: Binding) => [b.route.name, b.hostname, b.gateway?.name ?? '', b.listener, b.port ?? 0].join(' ');

describe('Gateway API conformance manifests', () => {
  it('every YAML file has an expectation table', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.yaml') && f !== 'base-manifests.yaml')
      .sort();
    assert.deepEqual(expectations.map((e) => e.file).sort(), files);
  });

  for (const e of expectations) {
    describe(`${e.upstream}: ${e.file}`, () => {
      it('attaches exactly the expected hostnames to the expected gateway/listener', async () => {
        const { objects, routes } = await load(e.file);
        const bindings = bindingsOf(objects, Boolean(e.anyPort), routes);
        const ready = bindings
          .filter((b) => b.status === 'Ready')
          .map(attachedRow)
          .sort();
        assert.deepEqual(ready, e.attached.map((a) => a.join(' ')).sort());
        for (const b of bindings.filter((x) => x.status === 'Ready')) assert.equal(b.gateway?.namespace, 'gateway-conformance-infra');
      });

      it('every route of the file is accounted for', async () => {
        const { routes } = await load(e.file);
        const named = new Set([...e.attached.map((a) => a[0]), ...(e.notAttached ?? []).map((n) => n[0]), ...(e.nameless ?? []).map((n) => n[0])]);
        assert.deepEqual([...routes].sort(), [...named].sort());
      });

      if (e.unmatched) {
        it('route hostnames that intersect no listener are Skipped with that reason', async () => {
          const { objects, routes } = await load(e.file);
          const bindings = bindingsOf(objects, Boolean(e.anyPort), routes);
          for (const [route, hostname] of e.unmatched!) {
            const rows = bindings.filter((b) => b.route.name === route && b.hostname === hostname);
            assert.equal(rows.length, 1, `${route} ${hostname}`);
            assert.equal(rows[0]?.status, 'Skipped');
            assert.match(rows[0]?.reason ?? '', NO_LISTENER_HOSTNAME);
          }
        });
      }

      if (e.notAttached) {
        it('routes that attach nowhere have no Ready binding, and say why', async () => {
          const { objects, routes } = await load(e.file);
          const bindings = bindingsOf(objects, Boolean(e.anyPort), routes);
          for (const [route, reason] of e.notAttached!) {
            const rows = bindings.filter((b) => b.route.name === route);
            assert.ok(rows.length > 0, `${route} has rows`);
            assert.ok(
              rows.every((b) => b.status === 'Skipped'),
              `${route} must not be Ready`,
            );
            assert.ok(
              rows.every((b) => reason.test(b.reason)),
              `${route}: ${rows.map((b) => b.reason).join(' | ')}`,
            );
          }
        });
      }

      if (e.nameless) {
        it('attached routes without any hostname publish nothing and say why', async () => {
          const { objects, routes } = await load(e.file);
          const bindings = bindingsOf(objects, Boolean(e.anyPort), routes);
          for (const [route, gw] of e.nameless!) {
            const rows = bindings.filter((b) => b.route.name === route);
            assert.equal(rows.length, 1, route);
            assert.equal(rows[0]?.gateway?.name, gw);
            assert.equal(rows[0]?.hostname, '');
            assert.match(rows[0]?.reason ?? '', /^no hostname: the route has no spec\.hostnames/);
          }
        });
      }

      if (e.attachedRoutes) {
        it('attached routes per listener match upstream AttachedRoutes', async () => {
          const { objects, routes } = await load(e.file);
          const bindings = bindingsOf(objects, Boolean(e.anyPort), routes).filter((b) => b.status === 'Ready');
          for (const [key, count] of Object.entries(e.attachedRoutes!)) {
            const attached = new Set(bindings.filter((b) => `${b.gateway?.name}/${b.listener}` === key).map((b) => b.route.name));
            assert.equal(attached.size, count, key);
          }
        });
      }

      if (e.anyPort) {
        it('without --any-port, listeners off 443/80 skip unpinned routes (rule 5)', async () => {
          const { objects, routes } = await load(e.file);
          const bindings = bindingsOf(objects, false, routes);
          assert.ok(bindings.length > 0);
          for (const b of bindings) {
            assert.equal(b.status, 'Skipped');
            assert.match(b.reason, /has no listener on 443 or 80; set sectionName or port in parentRefs, or use --any-port$/);
          }
        });
      }
    });
  }

  it('without addresses the same attachments are Pending, not Ready', async () => {
    const { objects } = await loadManifests([BASE, join(DIR, 'httproute-https-listener.yaml')]);
    const bindings = computeBindings(objects, { zones: ZONES, anyPort: false }).bindings;
    assert.deepEqual(
      bindings.map((b) => `${b.hostname} ${b.status}`),
      ['example.org Pending', 'second-example.org Pending'],
    );
  });
});
