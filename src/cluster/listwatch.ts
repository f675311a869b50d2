// Our own list+watch loop for one kind, instead of client-node's informer, which stops for
// good on most errors, never relists and has a dead inactivity timeout in 1.4.0 (docs/decisions.md, @kubernetes/client-node).
// The loop:
// - lists (paginated) and emits the differences against what it holds, then 'SYNCED';
// - watches from the list's resourceVersion with bookmarks, and when a stream ends resumes from
//   the last resourceVersion seen (events and bookmarks move it);
// - relists on 410 Gone (HTTP status or an ERROR event), emitting deletes for vanished objects;
// - reconnects with capped, jittered backoff after errors, and when a stream is silent for
//   longer than the server should let it be (half-open connections never end by themselves);
// - relists every relistIntervalMs (default 10 min) to repair anything a watch missed;
// - on 403 (or 404: CRD removed) warns once and retries slowly, without crashing.
// It runs until its AbortSignal aborts and never rejects.

import type { KubeObject } from '../gateway-api/objects.js';
import type { Reporter } from '../util/reporter.js';
import { silentReporter } from '../util/reporter.js';
import { Backoff, sleep } from '../util/backoff.js';
import { errorMessage } from '../util/errors.js';
import { ApiStatusError, isForbidden, isGone, isNotFound } from './http.js';
import type { ApiClient, ApiStatus } from './http.js';
import type { ClusterKind, ServedResource } from './discovery.js';
import { resourcePath } from './discovery.js';
import { listAll, normalizeObject, objectKey } from './list.js';
import { ConnectionHealth } from './health.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export type ListWatchEvent =
  | { type: WatchEventType; kind: ClusterKind; object: KubeObject }
  /** After each (re)list: the store now mirrors the server. Also once when a kind is first found forbidden or gone, so readiness never waits on it. */
  | { type: 'SYNCED'; kind: ClusterKind };

export interface ListWatchOptions {
  client: ApiClient;
  resource: ServedResource;
  /** Only this namespace (namespaced resources only). */
  namespace?: string;
  labelSelector?: string;
  onEvent: (event: ListWatchEvent) => void;
  reporter?: Reporter;
  /** Shared between the kinds of one cluster so an outage is reported once. */
  health?: ConnectionHealth;
  /** List page size (`limit`), default 500. */
  pageSize?: number;
  /** Asks the server to end each watch after this long (default 5–10 min, random like client-go). */
  watchTimeoutSeconds?: number;
  /** Watchdog: reconnect when a stream carries no data this long (default watchTimeoutSeconds + 30 s). */
  idleTimeoutMs?: number;
  /** Full relist every so often, emitting only differences (default 10 min; 0 = never). */
  relistIntervalMs?: number;
  /** Between retries after errors (default 0.5 s doubling to 30 s). */
  backoff?: Backoff;
  /** Between retries of a forbidden or unserved kind (default 60 s). */
  slowRetryMs?: number;
}

interface WatchEvent {
  type?: string;
  object?: KubeObject & ApiStatus;
}

type WatchOutcome = 'ended' | 'ended-empty' | 'gone' | 'relist-due';

export class ListWatch {
  private readonly store = new Map<string, KubeObject>();
  private rv = '';
  private lastListAt = 0;
  private synced = false;
  private forbiddenWarned = false;
  private notServedWarned = false;
  private readonly reporter: Reporter;
  private readonly health: ConnectionHealth;
  /** The current watch request got its response headers (cleared when it breaks). */
  private streamOpen = false;
  private lastBreakAt = 0;
  private readonly backoff: Backoff;
  private readonly watchTimeoutSeconds: number;
  private readonly idleTimeoutMs: number;
  private readonly relistIntervalMs: number;
  private readonly slowRetryMs: number;

  constructor(private readonly o: ListWatchOptions) {
    this.reporter = o.reporter ?? silentReporter;
    this.health = o.health ?? new ConnectionHealth(this.reporter);
    this.backoff = o.backoff ?? new Backoff(500, 30_000);
    this.watchTimeoutSeconds = o.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    this.idleTimeoutMs = o.idleTimeoutMs ?? (this.watchTimeoutSeconds + 30) * 1000;
    this.relistIntervalMs = o.relistIntervalMs ?? 600_000;
    this.slowRetryMs = o.slowRetryMs ?? 60_000;
  }

  get kind(): ClusterKind {
    return this.o.resource.kind;
  }
  /** The last resourceVersion seen (list, event or bookmark). */
  get resourceVersion(): string {
    return this.rv;
  }
  get hasSynced(): boolean {
    return this.synced;
  }
  /** The objects as of the last event, keyed "namespace/name". */
  objects(): ReadonlyMap<string, KubeObject> {
    return this.store;
  }

  async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let gonesInARow = 0;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.relist(signal);
          needList = false;
        }
        const outcome = await this.watchOnce(signal);
        if (outcome === 'gone' || outcome === 'relist-due') {
          needList = true;
          if (outcome === 'gone') {
            this.reporter.debug('cluster', `${this.kind}: resourceVersion ${this.rv} is too old (410 Gone): relisting`);
            // A server that answers Gone right after a fresh list must not make us spin.
            if (++gonesInARow > 1) await sleep(this.backoff.next(), signal);
          }
        } else if (outcome === 'ended-empty') {
          gonesInARow = 0;
          await sleep(this.backoff.next(), signal);
        } else {
          gonesInARow = 0;
          this.backoff.reset();
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          needList = true;
          if (++gonesInARow > 1) await sleep(this.backoff.next(), signal);
        } else if (isForbidden(err)) {
          this.onForbidden(err);
          needList = true;
          await sleep(this.slowRetryMs, signal);
        } else if (isNotFound(err)) {
          this.onNotServed(err);
          needList = true;
          await sleep(this.slowRetryMs, signal);
        } else if (this.streamOpen && Date.now() - this.lastBreakAt > 5_000) {
          // An established watch stream that breaks (a proxy or the server closing it) is
          // routine: resume at once from this.rv, and only call it an outage if that fails.
          // Streams that keep breaking within seconds go through the backoff below instead.
          this.streamOpen = false;
          this.lastBreakAt = Date.now();
          this.reporter.debug('cluster', `${this.kind}: watch stream broke (${errorMessage(err)}); resuming from ${this.rv}`);
        } else {
          // Network, credentials, 5xx: the watch resumes from this.rv, a failed list is retried.
          this.health.failed(err);
          await sleep(this.backoff.next(), signal);
        }
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const { items, resourceVersion } = await listAll(this.o.client, this.o.resource, {
      ...(this.o.namespace ? { namespace: this.o.namespace } : {}),
      ...(this.o.labelSelector ? { labelSelector: this.o.labelSelector } : {}),
      ...(this.o.pageSize ? { pageSize: this.o.pageSize } : {}),
      signal,
    });
    if (signal.aborted) return;
    this.recovered();
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const prev = this.store.get(key);
      if (prev && sameVersion(prev, item)) continue;
      this.store.set(key, item);
      this.emit({ type: prev ? 'MODIFIED' : 'ADDED', kind: this.kind, object: item });
    }
    for (const [key, prev] of this.store) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.emit({ type: 'DELETED', kind: this.kind, object: prev });
    }
    this.rv = resourceVersion;
    this.lastListAt = Date.now();
    this.synced = true;
    this.emit({ type: 'SYNCED', kind: this.kind });
  }

  private async watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    let relistTimer: NodeJS.Timeout | undefined;
    this.streamOpen = false;
    const child = new AbortController();
    let relistDue = false;
    if (this.relistIntervalMs > 0) {
      const remaining = this.lastListAt + this.relistIntervalMs - Date.now();
      if (remaining <= 0) return 'relist-due';
      relistTimer = setTimeout(() => {
        relistDue = true;
        child.abort();
      }, remaining);
    }
    const onAbort = () => child.abort();
    signal.addEventListener('abort', onAbort, { once: true });

    const q = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.watchTimeoutSeconds),
    });
    if (this.rv) q.set('resourceVersion', this.rv);
    if (this.o.labelSelector) q.set('labelSelector', this.o.labelSelector);
    const path = `${resourcePath(this.o.resource, this.o.namespace)}?${q.toString()}`;

    let gone = false;
    let events = 0;
    const started = Date.now();
    try {
      await this.o.client.watch(
        path,
        (raw) => {
          events++;
          const ev = (raw ?? {}) as WatchEvent;
          if (ev.type === 'ERROR') {
            const st = ev.object ?? {};
            if (st.code === 410) {
              gone = true;
              return false;
            }
            throw new ApiStatusError(
              `${this.kind} watch failed: ${st.message ?? 'unknown error'} (${st.code ?? '?'} ${st.reason ?? ''})`.trim(),
              st.code ?? 500,
              st.reason,
              path,
            );
          }
          this.onWatchEvent(ev);
          return true;
        },
        {
          signal: child.signal,
          idleTimeoutMs: this.idleTimeoutMs,
          onOpen: () => {
            this.streamOpen = true;
            this.recovered();
          },
        },
      );
    } finally {
      if (relistTimer) clearTimeout(relistTimer);
      signal.removeEventListener('abort', onAbort);
    }
    if (gone) return 'gone';
    if (relistDue) return 'relist-due';
    // A stream that ends at once without a single event (not even a bookmark) is a server in
    // trouble: back off rather than reconnect in a tight loop (client-node #1933).
    return events === 0 && Date.now() - started < 1000 ? 'ended-empty' : 'ended';
  }

  private onWatchEvent(ev: WatchEvent): void {
    const obj = ev.object;
    if (!obj || typeof obj !== 'object') return;
    const rv = obj.metadata?.resourceVersion;
    if (ev.type === 'BOOKMARK') {
      if (rv) this.rv = rv;
      return;
    }
    if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED') return;
    normalizeObject(obj, this.o.resource);
    if (rv) this.rv = rv;
    const key = objectKey(obj);
    const prev = this.store.get(key);
    if (ev.type === 'DELETED') {
      if (!prev) return;
      this.store.delete(key);
      this.emit({ type: 'DELETED', kind: this.kind, object: obj });
      return;
    }
    if (prev && sameVersion(prev, obj)) return; // replayed after a resume
    this.store.set(key, obj);
    this.emit({ type: prev ? 'MODIFIED' : 'ADDED', kind: this.kind, object: obj });
  }

  private recovered(): void {
    this.health.ok(`${this.kind}`);
    this.backoff.reset();
    if (this.forbiddenWarned || this.notServedWarned) {
      this.reporter.report({ kind: 'info', source: 'cluster', message: `${this.kind}: readable again, watching it` });
      this.forbiddenWarned = false;
      this.notServedWarned = false;
    }
  }

  private onForbidden(err: ApiStatusError): void {
    if (!this.forbiddenWarned) {
      this.forbiddenWarned = true;
      this.reporter.report({
        kind: 'warning',
        source: 'cluster',
        message: `${this.kind} skipped: ${errorMessage(err)}; retrying every ${Math.round(this.slowRetryMs / 1000)}s`,
      });
    } else {
      this.reporter.debug('cluster', `${this.kind}: still forbidden`);
    }
    this.markSyncedOnce();
  }

  private onNotServed(err: ApiStatusError): void {
    if (!this.notServedWarned) {
      this.notServedWarned = true;
      this.reporter.report({
        kind: 'warning',
        source: 'cluster',
        message: `${this.kind} is no longer served (${errorMessage(err)}): its objects are dropped; retrying every ${Math.round(this.slowRetryMs / 1000)}s`,
      });
    }
    // The CRD is gone, and its objects with it.
    for (const [key, prev] of this.store) {
      this.store.delete(key);
      this.emit({ type: 'DELETED', kind: this.kind, object: prev });
    }
    this.markSyncedOnce();
  }

  private markSyncedOnce(): void {
    if (this.synced) return;
    this.synced = true;
    this.emit({ type: 'SYNCED', kind: this.kind });
  }

  private emit(event: ListWatchEvent): void {
    try {
      this.o.onEvent(event);
    } catch (err) {
      // A consumer's bug must not be mistaken for a cluster error (and restart the watch).
      this.reporter.report({ kind: 'error', source: 'cluster', message: `handling ${event.type} ${event.kind}: ${errorMessage(err)}` });
    }
  }
}

function sameVersion(a: KubeObject, b: KubeObject): boolean {
  const ra = a.metadata?.resourceVersion;
  return ra !== undefined && ra === b.metadata?.resourceVersion;
}
