// The list+watch loop against the double: events, resume, bookmarks, 410 Gone, restarts,
// the watchdog, periodic relists, 403/404 and server errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiServerDouble } from '../../support/apiserver.js';
import type { ApiServerOptions } from '../../support/apiserver.js';
import { discoverResources } from '../../../src/cluster/discovery.js';
import type { ClusterKind } from '../../../src/cluster/discovery.js';
import { ListWatch } from '../../../src/cluster/listwatch.js';
import type { ListWatchEvent, ListWatchOptions } from '../../../src/cluster/listwatch.js';
import type { ApiClient } from '../../../src/cluster/http.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { clientFor, fastBackoff, gateway, route, namespace, waitFor } from './helpers.js';

interface Harness {
  api: ApiServerDouble;
  client: ApiClient;
  lw: ListWatch;
  events: ListWatchEvent[];
  reporter: MemoryReporter;
  /** "TYPE ns/name" of every event after the index `from`. */
  seen(from?: number): string[];
  syncs(): number;
  lists(): number;
  watches(): { resourceVersion?: string; allowWatchBookmarks?: string }[];
  stop(): Promise<void>;
}

async function harness(
  kind: ClusterKind,
  setup: (api: ApiServerDouble) => void,
  opts: Partial<ListWatchOptions> = {},
  apiOpts: ApiServerOptions = {},
): Promise<Harness> {
  const api = await ApiServerDouble.start(apiOpts);
  setup(api);
  const client = await clientFor(api);
  const { resources } = await discoverResources(client);
  const resource = resources.find((r) => r.kind === kind)!;
  const events: ListWatchEvent[] = [];
  const reporter = new MemoryReporter();
  const lw = new ListWatch({
    client,
    resource,
    reporter,
    backoff: fastBackoff(),
    slowRetryMs: 50,
    watchTimeoutSeconds: 3600,
    onEvent: (e) => events.push(e),
    ...opts,
  });
  const abort = new AbortController();
  const running = lw.run(abort.signal);
  const plural = `/${resource.plural}`;
  const forKind = () => api.requests.filter((r) => r.path.endsWith(plural));
  return {
    api,
    client,
    lw,
    events,
    reporter,
    seen: (from = 0) =>
      events.slice(from).flatMap((e) => (e.type === 'SYNCED' ? [] : [`${e.type} ${e.object.metadata?.namespace ?? ''}/${e.object.metadata?.name}`])),
    syncs: () => events.filter((e) => e.type === 'SYNCED').length,
    lists: () => forKind().filter((r) => r.query.watch === undefined).length,
    watches: () =>
      forKind()
        .filter((r) => r.query.watch !== undefined)
        .map((r) => r.query),
    stop: async () => {
      abort.abort();
      await running;
      client.close();
      await api.close();
    },
  };
}

const gw = (name: string, ns = 'infra') => gateway(ns, name);

test('list, then watch: ADDED, MODIFIED, DELETED in order; the watch starts at the list resourceVersion with bookmarks', async () => {
  const h = await harness('Gateway', (api) => {
    api.apply(gw('a'));
    api.apply(gw('b'));
  });
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches('Gateway') === 1, 'first sync and a watch');
    assert.deepEqual(h.seen(), ['ADDED infra/a', 'ADDED infra/b']);
    const w = h.watches()[0]!;
    assert.equal(w.allowWatchBookmarks, 'true');
    assert.equal(w.resourceVersion, '2');
    const n = h.events.length;
    h.api.apply(gw('c'));
    h.api.apply({ ...gw('a'), status: { addresses: [{ value: '10.0.0.1' }] } });
    h.api.delete('Gateway', 'infra', 'b');
    await waitFor(() => h.events.length === n + 3, 'three events');
    assert.deepEqual(h.seen(n), ['ADDED infra/c', 'MODIFIED infra/a', 'DELETED infra/b']);
    const modified = h.events[n + 1] as { object: { kind?: string; apiVersion?: string } };
    assert.equal(modified.object.kind, 'Gateway');
    assert.equal(h.lw.resourceVersion, h.api.resourceVersion);
    assert.deepEqual([...h.lw.objects().keys()].sort(), ['infra/a', 'infra/c']);
  } finally {
    await h.stop();
  }
});

test('a stream that ends is resumed from the last resourceVersion, without a relist and without duplicates', async () => {
  const h = await harness('Gateway', (api) => api.apply(gw('a')));
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    h.api.apply(gw('b'));
    await waitFor(() => h.seen().includes('ADDED infra/b'), 'b');
    const rvAfterB = h.api.resourceVersion;
    // End the stream (as timeoutSeconds does) and change things before the client is back.
    h.api.endWatches();
    h.api.apply(gw('c'));
    h.api.delete('Gateway', 'infra', 'a');
    await waitFor(() => h.seen().includes('DELETED infra/a'), 'the missed events, replayed');
    assert.deepEqual(h.seen(), ['ADDED infra/a', 'ADDED infra/b', 'ADDED infra/c', 'DELETED infra/a']);
    assert.equal(h.lists(), 1, 'no relist');
    assert.equal(h.watches()[1]?.resourceVersion, rvAfterB);
    assert.equal(h.syncs(), 1);
  } finally {
    await h.stop();
  }
});

test('bookmarks move the resourceVersion a resumed watch starts from', async () => {
  const h = await harness('Gateway', (api) => api.apply(gw('a')));
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    // Other kinds move the global resourceVersion; only a bookmark tells the Gateway watch.
    h.api.apply(namespace('x'));
    h.api.apply(namespace('y'));
    assert.equal(h.lw.resourceVersion, '1');
    h.api.bookmark();
    await waitFor(() => h.lw.resourceVersion === '3', 'the bookmark');
    h.api.endWatches();
    await waitFor(() => h.watches().length === 2, 'a second watch');
    assert.equal(h.watches()[1]?.resourceVersion, '3');
    assert.equal(h.events.length, 2, 'bookmarks are not events');
  } finally {
    await h.stop();
  }
});

for (const goneAs of ['event', 'status'] as const) {
  test(`410 Gone (${goneAs === 'event' ? 'ERROR event in the stream' : 'HTTP 410'}) relists and emits deletes for vanished objects`, async () => {
    const h = await harness(
      'Gateway',
      (api) => {
        api.apply(gw('stays'));
        api.apply(gw('goes'));
        api.apply(gw('changes'));
      },
      {},
      { goneAs },
    );
    try {
      await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
      await h.api.stop();
      h.api.delete('Gateway', 'infra', 'goes');
      h.api.apply({ ...gw('changes'), spec: { gatewayClassName: 'other' } });
      h.api.apply(gw('new'));
      h.api.compact();
      const n = h.events.length;
      await h.api.restart();
      await waitFor(() => h.syncs() === 2, 'the relist');
      assert.deepEqual(h.seen(n).sort(), ['ADDED infra/new', 'DELETED infra/goes', 'MODIFIED infra/changes']);
      assert.equal(h.lists(), 2);
      assert.deepEqual([...h.lw.objects().keys()].sort(), ['infra/changes', 'infra/new', 'infra/stays']);
      await waitFor(() => h.api.openWatches() === 1, 'watching again');
      h.api.apply(gw('after'));
      await waitFor(() => h.seen().includes('ADDED infra/after'), 'events after the relist');
    } finally {
      await h.stop();
    }
  });
}

test('reconnects after the server restarts and resumes (no relist); the outage is reported once', async () => {
  const h = await harness('Gateway', (api) => api.apply(gw('a')));
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    await h.api.stop();
    h.api.apply(gw('while-down'));
    await waitFor(() => h.reporter.events.some((e) => e.kind === 'warning'), 'the outage warning');
    await h.api.restart();
    await waitFor(() => h.seen().includes('ADDED infra/while-down'), 'the change made while down');
    assert.equal(h.lists(), 1);
    await waitFor(() => h.reporter.events.some((e) => e.kind === 'info'), 'the recovery line');
    const warnings = h.reporter.events.filter((e) => e.kind === 'warning');
    assert.equal(warnings.length, 1, JSON.stringify(h.reporter.events));
    assert.match(
      warnings[0]!.message,
      /cannot reach the API server of context "double" at https:\/\/127\.0\.0\.1:\d+: .*; retrying$|lost the connection to the API server of context "double"/,
    );
  } finally {
    await h.stop();
  }
});

test('watchdog: a stream silent for longer than idleTimeoutMs is replaced', async () => {
  const h = await harness('Gateway', (api) => api.apply(gw('a')), { idleTimeoutMs: 300 });
  try {
    await waitFor(() => h.watches().length >= 3, 'reconnects after silence');
    assert.equal(h.lists(), 1, 'resumed, not relisted');
    assert.ok(h.watches().every((w) => w.resourceVersion === '1'));
    h.api.apply(gw('b'));
    await waitFor(() => h.seen().includes('ADDED infra/b'), 'still receiving events');
  } finally {
    await h.stop();
  }
});

test('periodic relist repairs what the watch missed and emits only the differences', async () => {
  const h = await harness(
    'Gateway',
    (api) => {
      api.apply(gw('a'));
      api.apply(gw('b'));
      api.apply(gw('c'));
    },
    { relistIntervalMs: 400 },
  );
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    const n = h.events.length;
    h.api.withoutEvents(() => {
      h.api.delete('Gateway', 'infra', 'b');
      h.api.apply({ ...gw('c'), spec: { gatewayClassName: 'changed' } });
      h.api.apply(gw('d'));
    });
    await waitFor(() => h.syncs() >= 2, 'a periodic relist');
    assert.deepEqual(h.seen(n).sort(), ['ADDED infra/d', 'DELETED infra/b', 'MODIFIED infra/c'], 'nothing for unchanged "a"');
  } finally {
    await h.stop();
  }
});

test('403 on the kind: one warning, retried slowly, picked up once allowed', async () => {
  const h = await harness('HTTPRoute', (api) => {
    api.apply(route('HTTPRoute', 'shop', 'shop', ['shop.local']));
    api.forbid('HTTPRoute');
  });
  try {
    await waitFor(() => h.syncs() === 1, 'a SYNCED so readiness does not wait');
    await waitFor(() => h.lists() >= 3, 'retries');
    const warnings = h.reporter.events.filter((e) => e.kind === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /^HTTPRoute skipped: httproutes\.gateway\.networking\.k8s\.io is forbidden: .*; retrying every/);
    assert.deepEqual(h.seen(), []);
    h.api.allow('HTTPRoute');
    await waitFor(() => h.seen().includes('ADDED shop/shop'), 'the route once allowed');
    assert.ok(h.reporter.events.some((e) => e.kind === 'info' && /HTTPRoute: readable again/.test(e.message)));
  } finally {
    await h.stop();
  }
});

test('a kind that stops being served (CRD removed): its objects are deleted, it comes back when served again', async () => {
  const h = await harness('Gateway', (api) => api.apply(gw('a')));
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    h.api.unserve('Gateway');
    await waitFor(() => h.seen().includes('DELETED infra/a'), 'the delete');
    assert.equal(h.reporter.events.filter((e) => e.kind === 'warning').length, 1);
    h.api.serve('Gateway');
    await waitFor(() => h.seen().filter((s) => s === 'ADDED infra/a').length === 2, 'back again');
  } finally {
    await h.stop();
  }
});

test('server errors (500) on the watch: backoff and retry, one warning, then recovery', async () => {
  const h = await harness('Gateway', (api) => api.apply(gw('a')));
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    h.api.failNext(500, 3, '/apis/gateway.networking.k8s.io/v1/gateways');
    h.api.endWatches();
    h.api.apply(gw('b'));
    await waitFor(() => h.seen().includes('ADDED infra/b'), 'b after the errors');
    assert.equal(h.lists(), 1);
    const warnings = h.reporter.events.filter((e) => e.kind === 'warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /answered 500/);
  } finally {
    await h.stop();
  }
});

test('label selector on the watch: an object relabelled out of it is DELETED, back in is ADDED', async () => {
  const labelled = (app: string) => route('HTTPRoute', 'shop', 'r', ['r.local'], { app });
  const h = await harness('HTTPRoute', (api) => api.apply(labelled('shop')), { labelSelector: 'app=shop' });
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    h.api.apply(labelled('other'));
    await waitFor(() => h.seen().includes('DELETED shop/r'), 'out');
    h.api.apply(labelled('shop'));
    await waitFor(() => h.seen().filter((s) => s === 'ADDED shop/r').length === 2, 'in again');
    assert.equal(h.watches()[0] && (h.watches()[0] as { labelSelector?: string }).labelSelector, 'app=shop');
  } finally {
    await h.stop();
  }
});

test('events split across chunks (and inside UTF-8 characters) arrive intact', async () => {
  const h = await harness('Gateway', () => {}, {}, { splitEvents: true });
  try {
    await waitFor(() => h.syncs() === 1 && h.api.openWatches() === 1, 'a watch');
    const note = 'café ☕ — ünïcödé 🚀'.repeat(20);
    h.api.apply({ ...gw('utf8'), metadata: { namespace: 'infra', name: 'utf8', annotations: { note } } });
    h.api.apply(gw('second'));
    await waitFor(() => h.events.length === 3, 'two events');
    assert.deepEqual(h.seen(), ['ADDED infra/utf8', 'ADDED infra/second']);
    const first = h.events[1] as { object: { metadata?: { annotations?: Record<string, string> } } };
    assert.equal(first.object.metadata?.annotations?.note, note);
  } finally {
    await h.stop();
  }
});
