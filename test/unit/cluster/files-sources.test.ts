// -f reads what issue 13 adds: core v1 Services (not Services of other API groups) and the
// v1alpha2 TCPRoute/UDPRoute, with the same defaults an API server would apply.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { loadManifests } from '../../../src/cluster/files.js';

const MANIFEST = `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    external-dns.alpha.kubernetes.io/hostname: web.local
spec:
  type: LoadBalancer
  ports: [{ name: http, port: 80 }]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: not-core
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata:
  name: pg
  namespace: db
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: UDPRoute
metadata:
  name: dns
  namespace: net
---
apiVersion: example.com/v1
kind: TCPRoute
metadata:
  name: not-gateway-api
`;

it('-f reads core Services and TCPRoute/UDPRoute; other groups of the same kind names are not ours', async () => {
  const { objects, warnings } = await loadManifests(['-'], async () => MANIFEST);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    objects.services.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`),
    ['default/web'],
  );
  assert.deepEqual(
    objects.routes.map((r) => `${r.kind} ${r.metadata?.namespace}/${r.metadata?.name}`),
    ['TCPRoute db/pg', 'UDPRoute net/dns'],
  );
  assert.deepEqual(
    objects.namespaces.map((n) => n.metadata?.name),
    ['db', 'default', 'net'],
    'the namespaces they live in, as an API server has them',
  );
});
