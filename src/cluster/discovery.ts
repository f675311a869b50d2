// Which of the kinds we read does this cluster serve, and at which version? Asked of the API
// server's discovery documents at run time, because Gateway API versions move (TLSRoute is v1
// since Gateway API v1.5 and the standard channel no longer serves v1alpha2 — docs/decisions.md,
// Discovery; ListenerSet graduated from gateway.networking.x-k8s.io XListenerSet; TCPRoute and
// UDPRoute exist only in the experimental channel, at v1alpha2). Kinds that are not served are
// skipped with one warning for all of them (a standard-channel cluster lacks TCPRoute and
// UDPRoute on every run: one line, not a screenful); no Gateway API at all is an error, since
// nothing could ever be published.

import { UserError } from '../util/errors.js';
import { EXPERIMENTAL_GATEWAY_GROUP, GATEWAY_GROUP } from '../gateway-api/objects.js';
import { isNotFound } from './http.js';
import type { ApiClient } from './http.js';

export type ClusterKind = 'Gateway' | 'ListenerSet' | 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute' | 'Namespace' | 'Ingress' | 'Service';

export const CLUSTER_KINDS: readonly ClusterKind[] = [
  'Gateway',
  'ListenerSet',
  'HTTPRoute',
  'GRPCRoute',
  'TLSRoute',
  'TCPRoute',
  'UDPRoute',
  'Namespace',
  'Ingress',
  'Service',
];

/** One kind as this cluster serves it. */
export interface ServedResource {
  kind: ClusterKind;
  /** The kind as the server names it (XListenerSet for the experimental group). */
  servedKind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export interface DiscoveryResult {
  resources: ServedResource[];
  warnings: string[];
}

interface Candidate {
  group: string;
  versions: string[]; // most preferred first
  plural: string;
  servedKind: string;
}

// Newest first: a cluster serving several versions of a kind gets the newest one.
const CANDIDATES: Record<ClusterKind, Candidate[]> = {
  Gateway: [{ group: GATEWAY_GROUP, versions: ['v1', 'v1beta1'], plural: 'gateways', servedKind: 'Gateway' }],
  ListenerSet: [
    { group: GATEWAY_GROUP, versions: ['v1', 'v1beta1', 'v1alpha1'], plural: 'listenersets', servedKind: 'ListenerSet' },
    { group: EXPERIMENTAL_GATEWAY_GROUP, versions: ['v1alpha1'], plural: 'xlistenersets', servedKind: 'XListenerSet' },
  ],
  HTTPRoute: [{ group: GATEWAY_GROUP, versions: ['v1', 'v1beta1'], plural: 'httproutes', servedKind: 'HTTPRoute' }],
  GRPCRoute: [{ group: GATEWAY_GROUP, versions: ['v1', 'v1alpha2'], plural: 'grpcroutes', servedKind: 'GRPCRoute' }],
  TLSRoute: [{ group: GATEWAY_GROUP, versions: ['v1', 'v1alpha3', 'v1alpha2'], plural: 'tlsroutes', servedKind: 'TLSRoute' }],
  TCPRoute: [{ group: GATEWAY_GROUP, versions: ['v1', 'v1alpha2'], plural: 'tcproutes', servedKind: 'TCPRoute' }],
  UDPRoute: [{ group: GATEWAY_GROUP, versions: ['v1', 'v1alpha2'], plural: 'udproutes', servedKind: 'UDPRoute' }],
  Namespace: [{ group: '', versions: ['v1'], plural: 'namespaces', servedKind: 'Namespace' }],
  Ingress: [{ group: 'networking.k8s.io', versions: ['v1'], plural: 'ingresses', servedKind: 'Ingress' }],
  Service: [{ group: '', versions: ['v1'], plural: 'services', servedKind: 'Service' }],
};

interface APIGroup {
  versions?: { groupVersion?: string; version?: string }[];
}

interface APIResourceList {
  resources?: { name?: string; kind?: string; namespaced?: boolean; verbs?: string[] }[];
}

/** `/api/v1` or `/apis/GROUP/VERSION`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The collection URL of a resource, cluster-wide or in one namespace. */
export function resourcePath(r: ServedResource, namespace?: string): string {
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(r.group, r.version)}${ns}/${r.plural}`;
}

export function apiVersionOf(r: ServedResource): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

export async function discoverResources(client: ApiClient, opts: { kinds?: readonly ClusterKind[]; signal?: AbortSignal } = {}): Promise<DiscoveryResult> {
  const kinds = opts.kinds ?? CLUSTER_KINDS;
  const signal = opts.signal;
  const get = <T>(path: string) => client.getJson<T>(path, signal ? { signal } : {});

  // Round 1: which versions each group serves (null = group not served).
  const groups = new Set<string>();
  for (const k of kinds) for (const c of CANDIDATES[k]) groups.add(c.group);
  groups.add(GATEWAY_GROUP);
  const versionsOf = new Map<string, Set<string> | null>();
  await Promise.all(
    [...groups].map(async (g) => {
      if (g === '') {
        versionsOf.set(g, new Set(['v1'])); // the core group always serves v1
        return;
      }
      try {
        const doc = await get<APIGroup>(`/apis/${g}`);
        versionsOf.set(g, new Set((doc.versions ?? []).map((v) => v.version ?? '').filter(Boolean)));
      } catch (err) {
        if (!isNotFound(err)) throw err;
        versionsOf.set(g, null);
      }
    }),
  );
  if (versionsOf.get(GATEWAY_GROUP) === null) {
    throw new UserError(
      `the cluster of context "${client.contextName}" at ${client.server} serves no Gateway API (${GATEWAY_GROUP}): ` +
        'install the CRDs (https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api)',
    );
  }

  // Round 2: the resource list of every group version a kind could come from.
  const wanted = new Set<string>();
  for (const k of kinds) {
    for (const c of CANDIDATES[k]) {
      const served = versionsOf.get(c.group);
      for (const v of c.versions) if (served?.has(v)) wanted.add(`${c.group}\0${v}`);
    }
  }
  const resourcesOf = new Map<string, Map<string, boolean>>(); // "group\0version" -> plural -> namespaced
  await Promise.all(
    [...wanted].map(async (gv) => {
      const [group, version] = gv.split('\0') as [string, string];
      let doc: APIResourceList;
      try {
        doc = await get<APIResourceList>(groupVersionPath(group, version));
      } catch (err) {
        if (!isNotFound(err)) throw err; // a version removed between the two rounds
        doc = {};
      }
      const plurals = new Map<string, boolean>();
      for (const r of doc.resources ?? []) {
        // Subresources (gateways/status) are not collections; a collection we cannot list or
        // watch is of no use to us.
        if (!r.name || r.name.includes('/')) continue;
        if (r.verbs && !(r.verbs.includes('list') && r.verbs.includes('watch'))) continue;
        plurals.set(r.name, r.namespaced !== false);
      }
      resourcesOf.set(gv, plurals);
    }),
  );

  const resources: ServedResource[] = [];
  const missing: ClusterKind[] = [];
  for (const kind of kinds) {
    const found = pick(kind, resourcesOf);
    if (found) resources.push(found);
    else missing.push(kind);
  }
  return { resources, warnings: missing.length ? [notServedWarning(missing)] : [] };
}

function pick(kind: ClusterKind, resourcesOf: Map<string, Map<string, boolean>>): ServedResource | undefined {
  for (const c of CANDIDATES[kind]) {
    for (const version of c.versions) {
      const namespaced = resourcesOf.get(`${c.group}\0${version}`)?.get(c.plural);
      if (namespaced !== undefined) {
        return { kind, servedKind: c.servedKind, group: c.group, version, plural: c.plural, namespaced };
      }
    }
  }
  return undefined;
}

function notServedWarning(kinds: readonly ClusterKind[]): string {
  const where = (kind: ClusterKind) => CANDIDATES[kind].map((c) => (c.group ? `${c.plural}.${c.group}` : c.plural)).join(' or ');
  if (kinds.length === 1) return `${kinds[0]} is not served by the cluster (no ${where(kinds[0]!)}): skipped`;
  return `${kinds.join(', ')} are not served by the cluster (no ${kinds.map(where).join(', ')}): skipped`;
}
