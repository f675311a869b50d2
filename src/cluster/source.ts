// The source stage: where the objects come from — the cluster (cluster-source.ts) or `-f`
// manifests (FileSource) — behind one interface, with `-n`/`-l` applied by one wrapper
// (filtered). Every command reads objects through it: `list`/`diff`/`doctor`/`tls` call
// list() once; `serve` and `list -w` follow watch() events (docs/design.md#sources).
import type { ClusterObjects, KubeObject } from '../gateway-api/objects.js';
import type { Reporter } from '../util/reporter.js';
import type { ApiClient } from './http.js';
import { silentReporter } from '../util/reporter.js';
import { errorMessage } from '../util/errors.js';
import { filterObjects, objectMatcher, type ObjectFilter } from './filter.js';

/** One object added, changed or deleted. `kind` is the object's kind as the source names it. */
export interface ObjectEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  object: KubeObject;
}

/** Every object of `kind` has been listed (the first list, and every relist after an error). */
export interface SyncedEvent {
  type: 'SYNCED';
  kind: string;
}

/** A whole new world: `-f` manifests (re)read. Everything not in it is gone. */
export interface ReplacedEvent {
  type: 'REPLACED';
  objects: ClusterObjects;
}

export type SourceEvent = ObjectEvent | SyncedEvent | ReplacedEvent;

export interface SourceList {
  objects: ClusterObjects;
  /** One line per problem that did not stop the read (kinds not served, forbidden, bad documents). */
  warnings: string[];
  /** The kubeconfig context, or "" for -f files. */
  context: string;
  /** -f only: Secrets and ReferenceGrants found in the files (src/tls reads them). */
  tlsObjects?: KubeObject[];
}

export interface SourceWatch {
  /** Resolves once everything has been read once (or on abort). */
  synced: Promise<void>;
  /** Resolves when the source has stopped after the signal aborted. */
  done: Promise<void>;
  /** Everything as it is now, where the source keeps it (the cluster's watch store). */
  snapshot?(): ClusterObjects;
}

export interface Source {
  /** The kubeconfig context, or "" for -f files. */
  readonly context: string;
  /** For people: `kind-dev (https://127.0.0.1:6443)`, `manifests in examples/`. */
  readonly description: string;
  /** The cluster's API client, for the stages that read or write more than bindings (tls Secrets); none for files. */
  readonly client?: ApiClient;
  /** Anything to check before reading (the cluster's discovery); says what it found. */
  prepare?(signal?: AbortSignal): Promise<string>;
  /** One read of every object. `narrow` may be applied by the source (the API server does). */
  list(opts?: ObjectFilter & { signal?: AbortSignal }): Promise<SourceList>;
  /** Follows changes until `signal` aborts. */
  watch(onEvent: (e: SourceEvent) => void, signal: AbortSignal, narrow?: ObjectFilter): Promise<SourceWatch>;
  close?(): void;
}

/**
 * `-n`/`-l` as a wrapper: pushed down to the inner source (the API server narrows its lists and
 * watches) and checked here for every object, so sources that cannot narrow (files) agree.
 * An object that stops matching (its labels changed) is a deletion downstream.
 */
export function filtered(inner: Source, filter: ObjectFilter): Source {
  if (filter.namespace === undefined && filter.labelSelector === undefined) return inner;
  const matches = objectMatcher(filter);
  const keep = (objects: ClusterObjects): ClusterObjects => filterObjects(objects, filter);
  return {
    get context() {
      return inner.context;
    },
    get description() {
      return inner.description;
    },
    get client() {
      return inner.client;
    },
    ...(inner.prepare ? { prepare: (signal?: AbortSignal) => inner.prepare!(signal) } : {}),
    async list(opts = {}) {
      const listed = await inner.list({ ...opts, ...filter });
      return { ...listed, objects: keep(listed.objects) };
    },
    watch(onEvent, signal) {
      return inner.watch(
        (e) => {
          if (e.type === 'REPLACED') onEvent({ type: 'REPLACED', objects: keep(e.objects) });
          else if (e.type !== 'SYNCED' && e.type !== 'DELETED' && !matches(e.kind, e.object)) onEvent({ ...e, type: 'DELETED' });
          else onEvent(e);
        },
        signal,
        filter,
      );
    },
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
}

/** `-f` manifests: read once for list(); for watch(), every edit re-reads them (a REPLACED event). */
export class FileSource implements Source {
  readonly context = '';

  constructor(
    private readonly paths: string[],
    private readonly reporter: Reporter = silentReporter,
  ) {}

  get description(): string {
    return `manifests in ${this.paths.join(', ')}`;
  }

  async list(): Promise<SourceList> {
    const { loadManifests } = await import('./files.js');
    const { objects, warnings, tlsObjects } = await loadManifests(this.paths);
    return { objects, warnings, context: '', ...(tlsObjects ? { tlsObjects } : {}) };
  }

  async watch(onEvent: (e: SourceEvent) => void, signal: AbortSignal): Promise<SourceWatch> {
    const { watchManifests } = await import('./file-watch.js');
    const read = async () => {
      const { objects, warnings } = await this.list();
      for (const w of warnings) this.reporter.report({ kind: 'warning', source: 'files', message: w });
      onEvent({ type: 'REPLACED', objects });
    };
    await read(); // the first read's errors are the command's errors
    // Edits are events; a broken file keeps the last good state (nothing is sent) and says why.
    const files = watchManifests(this.paths, () => {
      read().catch((err: unknown) =>
        this.reporter.report({ kind: 'warning', source: 'files', message: `${errorMessage(err)}; still serving the last good manifests` }),
      );
    });
    const done = new Promise<void>((resolve) => {
      const stop = () => {
        files.close();
        resolve();
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
    return { synced: Promise.resolve(), done };
  }
}
