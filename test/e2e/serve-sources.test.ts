// Issue 13 end to end through `kubectl mdns serve` (the real CLI in network namespace A, the
// API server double and a real named in A, python3-zeroconf in namespace B across a veth): a
// LoadBalancer Service named by external-dns's alpha-prefixed annotation resolves in B by mDNS
// and lands in BIND by unicast with its ownership TXT; a TCPRoute named by annotation resolves
// in B; a route on a gateway with only a Hostname address lands as a CNAME (its TXT at
// cname-<name>) and goes when the route is deleted.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { zeroconfLookup } from '../support/zeroconf.js';
import {
  type ApiDouble,
  type ServeProcess,
  eventually,
  gateway,
  httpRoute,
  startApiDouble,
  startNamedIn,
  startServe,
  tempDir,
  unicastArgs,
} from '../support/e2e.js';

const skip = hasNetns() ? false : 'needs root and Linux network namespaces';

const hostnameGateway = {
  ...gateway('infra', 'gwh', { listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }] }),
  status: { addresses: [{ type: 'Hostname', value: 'lb.example.com' }] },
};

const OBJECTS = [
  gateway('infra', 'gw', {
    addresses: ['172.18.0.10'],
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP' },
      { name: 'postgres', port: 5432, protocol: 'TCP' },
    ],
  }),
  hostnameGateway,
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'apps', name: 'web', annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'web.local,web.dev.k8s' } },
    spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    status: { loadBalancer: { ingress: [{ ip: '172.18.0.30' }] } },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1alpha2',
    kind: 'TCPRoute',
    metadata: { namespace: 'db', name: 'pg', annotations: { 'external-dns.kubernetes.io/hostname': 'pg.local' } },
    spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'pg', port: 5432 }] }] },
  },
  httpRoute('shop', 'cn', ['cn.dev.k8s'], { namespace: 'infra', name: 'gwh' }),
];

describe('kubectl mdns serve: Services, annotations, TCPRoute, CNAME (e2e, network namespaces)', { skip, timeout: 120_000 }, () => {
  let pair: NetnsPair;
  let api: ApiDouble;
  let serve: ServeProcess | undefined;
  const tmp = tempDir('e2e-sources');

  before(async () => {
    pair = await createPair('srcs', 231);
    api = await startApiDouble(pair, pair.a, OBJECTS, join(tmp.dir, 'api'));
  });

  afterEach(async () => {
    await serve?.stop('SIGKILL');
    serve = undefined;
  });

  after(async () => {
    await api?.stop();
    await pair?.destroy();
    tmp.remove();
  });

  test('a Service resolves in B and lands in BIND; a TCPRoute resolves; a Hostname address is a CNAME, removed with its route', async () => {
    const named = await startNamedIn(pair, pair.a, join(tmp.dir, 'named'), { zones: ['dev.k8s'] });
    try {
      const flags = ['--kubeconfig', api.kubeconfig, ...unicastArgs(named)];
      serve = startServe(pair, pair.a, flags);
      await serve.waitForLine(/serving \d+ names?\b/, 20_000);

      const seen = await zeroconfLookup(pair, pair.b, ['web.local', 'pg.local']);
      assert.deepEqual(seen, { 'web.local': { A: ['172.18.0.30'], AAAA: [] }, 'pg.local': { A: ['172.18.0.10'], AAAA: [] } });

      const owned = (resource: string) => `"heritage=kubectl-mdns,owner=e2e,resource=${resource}"`;
      const zone = [
        'cn.dev.k8s CNAME lb.example.com.',
        `cname-cn.dev.k8s TXT ${owned('HTTPRoute/shop/cn')}`,
        'ns.dev.k8s A 127.0.0.1',
        'web.dev.k8s A 172.18.0.30',
        `web.dev.k8s TXT ${owned('Service/apps/web')}`,
      ];
      await eventually(
        'the zone to hold the Service and the CNAME',
        () => named.zoneRecords('dev.k8s'),
        (z) => JSON.stringify(z) === JSON.stringify(zone),
      );

      await api.remove('HTTPRoute', 'shop', 'cn');
      await eventually(
        'the CNAME and its TXT to go with the route',
        () => named.zoneRecords('dev.k8s'),
        (z) => JSON.stringify(z) === JSON.stringify(zone.filter((l) => !l.includes('cn.dev.k8s'))),
      );

      const stopped = await serve.stop('SIGTERM');
      assert.equal(stopped.code, 0);
      serve = undefined;
    } finally {
      await named.stop();
    }
  });
});
