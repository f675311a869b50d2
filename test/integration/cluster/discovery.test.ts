// Which kinds get read, at which version, found through the double's discovery documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiServerDouble } from '../../support/apiserver.js';
import { discoverResources } from '../../../src/cluster/discovery.js';
import type { ServedResource } from '../../../src/cluster/discovery.js';
import { ClusterSource } from '../../../src/cluster/cluster-source.js';
import { UserError } from '../../../src/util/errors.js';
import { clientFor, gateway, route } from './helpers.js';

function byKind(resources: ServedResource[]): Record<string, string> {
  return Object.fromEntries(resources.map((r) => [r.kind, `${r.group}/${r.version}/${r.plural}`]));
}

async function withDouble(fn: (api: ApiServerDouble) => Promise<void>, setup: (api: ApiServerDouble) => void = () => {}) {
  const api = await ApiServerDouble.start();
  try {
    setup(api);
    await fn(api);
  } finally {
    await api.close();
  }
}

test('a current cluster: every kind at its newest version, no warnings', () =>
  withDouble(async (api) => {
    const c = await clientFor(api);
    const { resources, warnings } = await discoverResources(c);
    assert.deepEqual(warnings, []);
    assert.deepEqual(byKind(resources), {
      Gateway: 'gateway.networking.k8s.io/v1/gateways',
      ListenerSet: 'gateway.networking.k8s.io/v1/listenersets',
      HTTPRoute: 'gateway.networking.k8s.io/v1/httproutes',
      GRPCRoute: 'gateway.networking.k8s.io/v1/grpcroutes',
      TLSRoute: 'gateway.networking.k8s.io/v1/tlsroutes',
      // issue 13: the experimental-channel routes (v1alpha2 only) and core Services.
      TCPRoute: 'gateway.networking.k8s.io/v1alpha2/tcproutes',
      UDPRoute: 'gateway.networking.k8s.io/v1alpha2/udproutes',
      Namespace: '/v1/namespaces',
      Ingress: 'networking.k8s.io/v1/ingresses',
      Service: '/v1/services',
    });
    assert.equal(resources.find((r) => r.kind === 'Namespace')?.namespaced, false);
    assert.equal(resources.find((r) => r.kind === 'Gateway')?.namespaced, true);
    c.close();
  }));

test('a cluster without TLSRoute: one warning, the rest is read', () =>
  withDouble(
    async (api) => {
      const c = await clientFor(api);
      const { resources, warnings } = await discoverResources(c);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^TLSRoute is not served by the cluster \(no tlsroutes\.gateway\.networking\.k8s\.io\): skipped$/);
      assert.ok(!resources.some((r) => r.kind === 'TLSRoute'));
      assert.equal(resources.length, 9); // issue 13: + Service, TCPRoute, UDPRoute
      c.close();
    },
    (api) => api.unserve('TLSRoute'),
  ));

test('TLSRoute served only at v1alpha2 (Gateway API before v1.5): read at v1alpha2', () =>
  withDouble(
    async (api) => {
      api.apply(route('TLSRoute', 'shop', 'tls', ['tls.local']));
      const source = new ClusterSource(await clientFor(api));
      const { objects, warnings } = await source.list();
      assert.deepEqual(warnings, []);
      const tls = objects.routes.filter((r) => r.kind === 'TLSRoute');
      assert.equal(tls.length, 1);
      assert.equal(tls[0]!.apiVersion, 'gateway.networking.k8s.io/v1alpha2');
      assert.ok(api.requests.some((r) => r.path === '/apis/gateway.networking.k8s.io/v1alpha2/tlsroutes'));
      assert.ok(!api.requests.some((r) => r.path === '/apis/gateway.networking.k8s.io/v1/tlsroutes'));
      source.close();
    },
    (api) => api.unserve('gateway.networking.k8s.io/v1/tlsroutes'),
  ));

test('ListenerSet from the experimental group (XListenerSet) when the standard one is absent', () =>
  withDouble(
    async (api) => {
      const c = await clientFor(api);
      const { resources, warnings } = await discoverResources(c);
      assert.deepEqual(warnings, []);
      const ls = resources.find((r) => r.kind === 'ListenerSet');
      assert.deepEqual(ls, {
        kind: 'ListenerSet',
        servedKind: 'XListenerSet',
        group: 'gateway.networking.x-k8s.io',
        version: 'v1alpha1',
        plural: 'xlistenersets',
        namespaced: true,
      });
      c.close();
    },
    (api) => {
      api.unserve('ListenerSet');
      api.serve('gateway.networking.x-k8s.io');
    },
  ));

test('an older cluster serving Gateway and HTTPRoute only at v1beta1', () =>
  withDouble(
    async (api) => {
      api.apply(gateway('infra', 'gw'));
      const c = await clientFor(api);
      const { resources } = await discoverResources(c);
      assert.equal(byKind(resources).Gateway, 'gateway.networking.k8s.io/v1beta1/gateways');
      assert.equal(byKind(resources).HTTPRoute, 'gateway.networking.k8s.io/v1beta1/httproutes');
      c.close();
    },
    (api) => {
      api.unserve('gateway.networking.k8s.io/v1/gateways');
      api.unserve('gateway.networking.k8s.io/v1/httproutes');
    },
  ));

test('no Gateway API at all: a clear error, exit code 2', () =>
  withDouble(
    async (api) => {
      const source = new ClusterSource(await clientFor(api, { context: 'kind-dev' }));
      await assert.rejects(source.list(), (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.equal(err.exitCode, 2);
        assert.match(
          err.message,
          /^the cluster of context "kind-dev" at https:\/\/127\.0\.0\.1:\d+ serves no Gateway API \(gateway\.networking\.k8s\.io\): install the CRDs/,
        );
        return true;
      });
      source.close();
    },
    (api) => api.unserve('gateway.networking.k8s.io'),
  ));

test('a cluster without Ingress (networking.k8s.io): warned and skipped', () =>
  withDouble(
    async (api) => {
      const c = await clientFor(api);
      const { resources, warnings } = await discoverResources(c);
      assert.deepEqual(warnings, ['Ingress is not served by the cluster (no ingresses.networking.k8s.io): skipped']);
      assert.ok(!resources.some((r) => r.kind === 'Ingress'));
      c.close();
    },
    (api) => api.unserve('networking.k8s.io'),
  ));
