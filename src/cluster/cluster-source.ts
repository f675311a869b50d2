// The cluster as a Source (source.ts): kubeconfig → API client → discovery → one list per
// kind (`list`, `diff`) or list+watch loops with an in-memory store per kind (`serve`,
// `list -w`). `-n`/`-l` (filter.ts) are pushed down to the API server.

import { getMaxListeners, setMaxListeners } from 'node:events';
import type { ClusterObjects, Gateway, Ingress, KubeObject, ListenerSet, Namespace, Route, Service } from '../gateway-api/objects.js';
import { emptyClusterObjects } from '../gateway-api/objects.js';
import { serverFilterFor, type ObjectFilter } from './filter.js';
import type { ObjectEvent, Source, SourceList, SourceWatch, SyncedEvent } from './source.js';
import type { Reporter } from '../util/reporter.js';
import { silentReporter } from '../util/reporter.js';
import { errorMessage } from '../util/errors.js';
import type { Backoff } from '../util/backoff.js';
import type { KubeconfigOptions, ResolvedConfig } from './kubeconfig.js';
import { resolveKubeconfig } from './kubeconfig.js';
import { ApiClient, isForbidden, isNotFound } from './http.js';
import type { ApiClientOptions } from './http.js';
import type { ClusterKind, DiscoveryResult, ServedResource } from './discovery.js';
import { CLUSTER_KINDS, discoverResources } from './discovery.js';
import { listAll } from './list.js';
import { ListWatch } from './listwatch.js';
import { ConnectionHealth } from './health.js';

/** `snapshot()` returns the current store as ClusterObjects (built lazily, cached until the next change). */
export type ClusterChangeHandler = (change: ObjectEvent | SyncedEvent, snapshot: () => ClusterObjects) => void;

export interface ClusterWatchOptions extends ObjectFilter {
  /** Tuning for tests; defaults are the production ones (see ListWatchOptions). */
  watchTimeoutSeconds?: number;
  idleTimeoutMs?: number;
  relistIntervalMs?: number;
  slowRetryMs?: number;
  pageSize?: number;
  backoff?: () => Backoff;
}

export interface ClusterWatch extends SourceWatch {
  /** Warnings from discovery (kinds not served); already sent to the reporter. */
  warnings: string[];
  /** The kinds being watched. */
  kinds: ClusterKind[];
  snapshot(): ClusterObjects;
}

export interface ConnectOptions extends KubeconfigOptions {
  client?: ApiClientOptions;
}

export class ClusterSource implements Source {
  private readonly reporter: Reporter;
  private discovery?: Promise<DiscoveryResult>;

  constructor(
    readonly client: ApiClient,
    reporter: Reporter = silentReporter,
  ) {
    this.reporter = reporter;
  }

  /** Resolves the kubeconfig like kubectl and prepares a client (no request is made yet). */
  static async connect(opts: ConnectOptions, reporter?: Reporter): Promise<ClusterSource> {
    const resolved: ResolvedConfig = await resolveKubeconfig(opts);
    return new ClusterSource(new ApiClient(resolved, opts.client), reporter);
  }

  /**
   * Which kinds the cluster serves (asked once per ClusterSource; listOnce and watch reuse the
   * answer). Rejects when the server is unreachable or serves no Gateway API.
   */
  discover(signal?: AbortSignal): Promise<DiscoveryResult> {
    if (!this.discovery) {
      const p = discoverResources(this.client, signal ? { signal } : {});
      this.discovery = p;
      p.catch(() => {
        if (this.discovery === p) this.discovery = undefined;
      });
    }
    return this.discovery;
  }

  get context(): string {
    return this.client.contextName;
  }
  get description(): string {
    return `${this.context} (${this.server})`;
  }
  get server(): string {
    return this.client.server;
  }

  /** Discovery, for serve's start-up line: the kinds and versions found. */
  async prepare(signal?: AbortSignal): Promise<string> {
    return (await this.discover(signal)).resources.map((r) => `${r.kind} ${r.version}`).join(', ');
  }

  /** One consistent-enough read of every kind, for `list` and `diff`: one list per kind, in parallel. */
  async list(opts: ObjectFilter & { signal?: AbortSignal } = {}): Promise<SourceList> {
    const signal = opts.signal;
    const { resources, warnings: discoveryWarnings } = await this.discover(signal);
    const warnings = [...discoveryWarnings];
    const lists = await Promise.all(
      resources.map(async (r) => {
        try {
          const { items } = await listAll(this.client, r, { ...serverFilterFor(r.kind, opts), ...(signal ? { signal } : {}) });
          return { resource: r, items };
        } catch (err) {
          if (isForbidden(err)) warnings.push(`${r.kind} skipped: ${errorMessage(err)}`);
          else if (isNotFound(err)) warnings.push(`${r.kind} is not served by the cluster: skipped`);
          else throw err;
          return { resource: r, items: [] as KubeObject[] };
        }
      }),
    );
    const byKind = new Map<ClusterKind, KubeObject[]>();
    for (const { resource, items } of lists) byKind.set(resource.kind, items);
    return { objects: assemble(byKind), warnings, context: this.context };
  }

  /**
   * Discovers the kinds, then list+watches each until `signal` aborts. Rejects only when
   * discovery fails (unreachable server, no Gateway API); afterwards errors are retried and
   * reported through the reporter.
   */
  async watch(onChange: ClusterChangeHandler, signal: AbortSignal, opts: ClusterWatchOptions = {}): Promise<ClusterWatch> {
    const { resources, warnings } = await this.discover(signal);
    for (const w of warnings) this.reporter.report({ kind: 'warning', source: 'cluster', message: w });

    // Every kind's loop listens for the abort (ten kinds and their requests pass Node's default
    // of 10, which would print a false leak warning on stderr).
    setMaxListeners(Math.max(getMaxListeners(signal), 10 + 3 * resources.length), signal);
    const health = new ConnectionHealth(this.reporter);
    const loops = new Map<ClusterKind, ListWatch>();
    let cached: ClusterObjects | undefined;
    const snapshot = (): ClusterObjects => {
      if (!cached) {
        const byKind = new Map<ClusterKind, KubeObject[]>();
        for (const [kind, lw] of loops) byKind.set(kind, [...lw.objects().values()]);
        cached = assemble(byKind);
      }
      return cached;
    };

    let resolveSynced!: () => void;
    const synced = new Promise<void>((r) => (resolveSynced = r));
    const pending = new Set<ClusterKind>(resources.map((r) => r.kind));
    if (pending.size === 0) resolveSynced();
    signal.addEventListener('abort', () => resolveSynced(), { once: true });

    for (const r of resources) {
      const lw = new ListWatch({
        client: this.client,
        resource: r,
        ...serverFilterFor(r.kind, opts),
        reporter: this.reporter,
        health,
        onEvent: (ev) => {
          if (ev.type !== 'SYNCED') cached = undefined;
          if (ev.type === 'SYNCED' && pending.delete(ev.kind) && pending.size === 0) resolveSynced();
          onChange(ev, snapshot);
        },
        ...(opts.watchTimeoutSeconds !== undefined ? { watchTimeoutSeconds: opts.watchTimeoutSeconds } : {}),
        ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
        ...(opts.relistIntervalMs !== undefined ? { relistIntervalMs: opts.relistIntervalMs } : {}),
        ...(opts.slowRetryMs !== undefined ? { slowRetryMs: opts.slowRetryMs } : {}),
        ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
        ...(opts.backoff ? { backoff: opts.backoff() } : {}),
      });
      loops.set(r.kind, lw);
    }
    const done = Promise.all([...loops.values()].map((lw) => lw.run(signal))).then(() => undefined);
    return { warnings, kinds: resources.map((r) => r.kind), synced, done, snapshot };
  }

  close(): void {
    this.client.close();
  }
}

function assemble(byKind: Map<ClusterKind, KubeObject[]>): ClusterObjects {
  const out = emptyClusterObjects();
  for (const kind of CLUSTER_KINDS) {
    const items = byKind.get(kind) ?? [];
    switch (kind) {
      case 'Gateway':
        pushAll(out.gateways, items as Gateway[]);
        break;
      case 'ListenerSet':
        pushAll(out.listenerSets, items as ListenerSet[]);
        break;
      case 'HTTPRoute':
      case 'GRPCRoute':
      case 'TLSRoute':
      case 'TCPRoute':
      case 'UDPRoute':
        pushAll(out.routes, items as Route[]);
        break;
      case 'Service':
        pushAll(out.services, items as Service[]);
        break;
      case 'Namespace':
        pushAll(out.namespaces, items as Namespace[]);
        break;
      case 'Ingress':
        pushAll(out.ingresses, items as Ingress[]);
        break;
    }
  }
  return out;
}

// Not push(...items): spreading 100k+ arguments overflows the stack.
function pushAll<T>(into: T[], items: T[]): void {
  for (const item of items) into.push(item);
}

export type { ServedResource };
