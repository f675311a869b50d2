// Shared by the cluster integration tests: objects to apply, a client for a double, and a
// condition wait (a generous deadline that fails the test, never a timing assertion).

import { ApiClient } from '../../../src/cluster/http.js';
import { resolveKubeconfig } from '../../../src/cluster/kubeconfig.js';
import type { KubeconfigOptions } from '../../../src/cluster/kubeconfig.js';
import type { ApiServerDouble } from '../../support/apiserver.js';
import { Backoff } from '../../../src/util/backoff.js';

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function clientFor(
  api: ApiServerDouble,
  kubeconfigOpts: Parameters<ApiServerDouble['writeKubeconfig']>[0] = {},
  overrides: Omit<KubeconfigOptions, 'kubeconfig'> = {},
): Promise<ApiClient> {
  const kubeconfig = api.writeKubeconfig(kubeconfigOpts);
  const resolved = await resolveKubeconfig({ kubeconfig, env: {}, ...overrides });
  return new ApiClient(resolved);
}

/** Backoff fast enough for tests (the production defaults reach 30 s). */
export const fastBackoff = (): Backoff => new Backoff(10, 100);

export function gateway(ns: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace: ns, name },
    spec: { gatewayClassName: 'test', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    status: { addresses: [{ type: 'IPAddress', value: '172.18.0.10' }] },
    ...extra,
  };
}

export function route(kind: string, ns: string, name: string, hostnames: string[], labels: Record<string, string> = {}) {
  return {
    apiVersion: kind === 'TLSRoute' ? 'gateway.networking.k8s.io/v1alpha2' : 'gateway.networking.k8s.io/v1',
    kind,
    metadata: { namespace: ns, name, labels },
    spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function ingress(ns: string, name: string, host: string) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace: ns, name },
    spec: { rules: [{ host }] },
    status: { loadBalancer: { ingress: [{ ip: '172.18.0.20' }] } },
  };
}
