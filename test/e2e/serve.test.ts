// `kubectl mdns serve` end to end (issue 4, the tests that go through the CLI): the real CLI
// (plugin/kubectl-mdns) inside network namespace A with the API server double in A; third-party
// queriers in namespace B across a veth — python3-zeroconf, avahi's D-Bus RecordBrowser and
// `dig -p 5353 @A` (legacy unicast). Changes made through the double's admin endpoint must
// change what B sees; a deleted name must leave avahi's cache at once (goodbye); SIGTERM and
// SIGINT must exit 0 within 2 s with goodbyes on the wire (tcpdump + tshark).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { startAvahi, type Avahi } from '../support/avahi.js';
import { zeroconfLookup } from '../support/zeroconf.js';
import { startCapture, type CapturedPacket } from '../support/capture.js';
import {
  type ApiDouble,
  type ServeProcess,
  digLines,
  digMdns,
  eventually,
  gateway,
  httpRoute,
  pidsIn,
  runCli,
  startApiDouble,
  startNamedIn,
  startServe,
  tempDir,
  writeManifest,
  unicastArgs,
} from '../support/e2e.js';

const skip = hasNetns() ? false : 'needs root and Linux network namespaces';

const OBJECTS = [
  gateway('infra', 'gw', { addresses: ['172.18.0.10', 'fd00::10'] }),
  gateway('infra', 'gw2', { addresses: ['172.18.0.20'] }),
  gateway('infra', 'waiting'),
  httpRoute('shop', 'shop', ['shop.local', 'api.local']),
  httpRoute('blog', 'blog', ['blog.local'], { namespace: 'infra', name: 'gw2' }),
  httpRoute('staging', 'preview', ['preview.local'], { namespace: 'infra', name: 'waiting' }),
  httpRoute('bad', 'bad', ['bad_name.local']),
];

/** Goodbye records (TTL 0, address types) per name in multicast responses from `src` after `since`. */
function goodbyes(packets: CapturedPacket[], src: string, since: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of packets) {
    if (!p.response || p.src !== src || p.time < since || p.dst !== '224.0.0.251') continue;
    for (const r of [...p.answers, ...p.additionals]) {
      if (r.ttl !== 0 || (r.type !== 'A' && r.type !== 'AAAA')) continue;
      out.set(r.name, [...new Set([...(out.get(r.name) ?? []), r.data])].sort());
    }
  }
  return out;
}

async function socketsOn5353(pair: NetnsPair, ns: string): Promise<string[]> {
  const out = await pair.exec(ns, 'ss', ['-Huanp']);
  return out.split('\n').filter((l) => /:5353\b/.test(l));
}

describe('kubectl mdns serve (e2e, network namespaces)', { skip, timeout: 150_000 }, () => {
  let pair: NetnsPair;
  let api: ApiDouble;
  let avahi: Avahi | undefined;
  let serve: ServeProcess | undefined;
  const tmp = tempDir('e2e-serve');

  before(async () => {
    pair = await createPair('sv', 202);
    api = await startApiDouble(pair, pair.a, OBJECTS, join(tmp.dir, 'api'));
  });

  // A failed test must not leave its serve running into the next one.
  afterEach(async () => {
    await serve?.stop('SIGKILL');
    serve = undefined;
  });

  after(async () => {
    await avahi?.stop();
    await api?.stop();
    await pair?.destroy();
    tmp.remove();
  });

  test('with the API double: Ready names resolve in B, changes follow the cluster, goodbye on delete, SIGTERM exits 0 with goodbyes', async (t) => {
    avahi = await startAvahi(pair, pair.b, pair.ifB);
    const capture = await startCapture(pair, pair.a, pair.ifA);
    let packets: CapturedPacket[] = [];
    let termAt = 0;
    try {
      serve = startServe(pair, pair.a, ['--kubeconfig', api.kubeconfig, '--log-format', 'json']);
      await serve.waitForLine(/serving \d+ names?\b/, 20_000);

      // Every Ready .local name, exactly its addresses; Pending and Skipped names get no answer.
      const seen = await zeroconfLookup(pair, pair.b, ['shop.local', 'api.local', 'blog.local', 'preview.local']);
      assert.deepEqual(seen, {
        'shop.local': { A: ['172.18.0.10'], AAAA: ['fd00::10'] },
        'api.local': { A: ['172.18.0.10'], AAAA: ['fd00::10'] },
        'blog.local': { A: ['172.18.0.20'], AAAA: [] },
        'preview.local': { A: [], AAAA: [] },
      });
      assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'shop.local', 'A'), ['172.18.0.10']);
      assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'shop.local', 'AAAA'), ['fd00::10']);
      const legacy = await digLines(pair, pair.b, pair.ipA, 'api.local', 'A');
      assert.ok(legacy.length === 1 && Number(legacy[0]![1]) <= 10, `legacy-unicast answers carry TTL ≤ 10: ${JSON.stringify(legacy)}`);
      assert.deepEqual(await avahi.records(['shop.local:A', 'shop.local:AAAA', 'blog.local:A'], 3), {
        'shop.local:A': ['172.18.0.10'],
        'shop.local:AAAA': ['fd00::10'],
        'blog.local:A': ['172.18.0.20'],
      });

      // A new route, then its gateway moving: B sees both.
      await api.apply([httpRoute('blog', 'news', ['news.local'], { namespace: 'infra', name: 'gw2' })]);
      await eventually(
        'news.local to resolve',
        () => digMdns(pair, pair.b, pair.ipA, 'news.local', 'A'),
        (v) => v.join() === '172.18.0.20',
      );
      await api.apply([gateway('infra', 'gw2', { addresses: ['172.18.0.21', '172.18.0.22'] })]);
      await eventually(
        'blog.local to follow its gateway',
        () => digMdns(pair, pair.b, pair.ipA, 'blog.local', 'A'),
        (v) => v.join() === '172.18.0.21,172.18.0.22',
      );
      await eventually(
        'news.local to follow its gateway',
        () => digMdns(pair, pair.b, pair.ipA, 'news.local', 'A'),
        (v) => v.join() === '172.18.0.21,172.18.0.22',
      );
      // A new gateway with a route on it.
      await api.apply([
        gateway('infra', 'gw3', { addresses: ['172.18.0.40', 'fd00::40'] }),
        httpRoute('blog', 'later', ['later.local'], { namespace: 'infra', name: 'gw3' }),
      ]);
      await eventually(
        'later.local on a new gateway',
        () => zeroconfLookup(pair, pair.b, ['later.local'], 1.2),
        (v) => JSON.stringify(v['later.local']) === JSON.stringify({ A: ['172.18.0.40'], AAAA: ['fd00::40'] }),
      );
      // The pending gateway gets an address: its route becomes Ready.
      await api.apply([gateway('infra', 'waiting', { addresses: ['172.18.0.30'] })]);
      await eventually(
        'preview.local to appear once its gateway has an address',
        () => digMdns(pair, pair.b, pair.ipA, 'preview.local', 'A'),
        (v) => v.join() === '172.18.0.30',
      );

      // Deleting a route: avahi drops the names at once (the goodbye), not after the 120 s TTL.
      const watch = await avahi.watch(['api.local:A', 'shop.local:A']);
      try {
        await eventually(
          'avahi to hold api.local',
          async () => watch.events.filter((e) => e.event === 'new').map((e) => e.key),
          (keys) => keys.includes('api.local:A') && keys.includes('shop.local:A'),
          10_000,
        );
        const t0 = Date.now();
        await api.remove('HTTPRoute', 'shop', 'shop');
        await eventually(
          'avahi to drop api.local and shop.local',
          async () => watch.events.filter((e) => e.event === 'remove').map((e) => e.key),
          (keys) => keys.includes('api.local:A') && keys.includes('shop.local:A'),
          5_000,
          50,
        );
        const took = Date.now() - t0;
        t.diagnostic(`deleted route's names left avahi's cache after ${took} ms`);
        assert.ok(took < 3_000, `gone from avahi's cache within ~1.5 s of the delete because of the goodbye (took ${took} ms)`);
      } finally {
        watch.stop();
      }
      assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'shop.local', 'A'), [], 'no answer for a deleted name');
      // Deleting a gateway takes its routes' names with it.
      await api.remove('Gateway', 'infra', 'waiting');
      await eventually(
        'preview.local to go with its gateway',
        () => digMdns(pair, pair.b, pair.ipA, 'preview.local', 'A'),
        (v) => v.length === 0,
      );

      termAt = Date.now() / 1000;
      const stopped = await serve.stop('SIGTERM');
      t.diagnostic(`SIGTERM -> exit ${stopped.code} after ${stopped.ms} ms`);
      assert.equal(stopped.code, 0, serve.lines.join('\n'));
      assert.ok(stopped.ms < 2_000, `exits within 2 s (took ${stopped.ms} ms)`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      packets = await capture.stop();
    }
    // Goodbyes (TTL 0) for every record still published, multicast from A.
    const bye = goodbyes(packets, pair.ipA, termAt - 0.05);
    assert.deepEqual(bye.get('blog.local'), ['172.18.0.21', '172.18.0.22']);
    assert.deepEqual(bye.get('news.local'), ['172.18.0.21', '172.18.0.22']);
    assert.deepEqual(bye.get('later.local'), ['172.18.0.40', 'fd00::40']);
    // The deleted names' goodbyes went out at delete time, before SIGTERM.
    assert.ok(goodbyes(packets, pair.ipA, 0).get('shop.local')?.includes('172.18.0.10'), 'goodbye for a deleted route');
    assert.deepEqual(await socketsOn5353(pair, pair.a), [], 'no socket left on 5353');
    assert.equal(serve.child.exitCode, 0);

    // --log-format json: every stderr line is a JSON object with kind, source and message,
    // and the changes are there for machines.
    const events = serve.lines.filter(Boolean).map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        assert.fail(`not a JSON line: ${l}`);
      }
    });
    for (const e of events) for (const k of ['time', 'kind', 'source', 'message']) assert.ok(k in e, `${k} in ${JSON.stringify(e)}`);
    assert.ok(
      events.some((e) => e['kind'] === 'added' && e['hostname'] === 'news.local'),
      'an added line for news.local',
    );
    assert.ok(
      events.some((e) => e['kind'] === 'removed' && e['hostname'] === 'shop.local'),
      'a removed line for shop.local',
    );
    assert.ok(
      events.some((e) => e['kind'] === 'changed' && e['hostname'] === 'blog.local'),
      'a changed line for blog.local',
    );
    serve = undefined;
    await avahi.stop();
    avahi = undefined;
    // Back to the starting objects for the next test.
    await api.apply(OBJECTS);
    for (const [kind, ns, name] of [
      ['HTTPRoute', 'blog', 'news'],
      ['HTTPRoute', 'blog', 'later'],
      ['Gateway', 'infra', 'gw3'],
    ] as const)
      await api.remove(kind, ns, name);
  });

  test('the API double restarted, watches dropped, 410 Gone: serve keeps answering and converges', async () => {
    serve = startServe(pair, pair.a, ['--kubeconfig', api.kubeconfig]);
    await serve.waitForLine(/serving \d+ names?\b/, 20_000);
    assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'shop.local', 'A'), ['172.18.0.10']);

    // 1. The API server goes away for a while: names keep resolving meanwhile.
    await api.admin('restart', { downMs: 1500 });
    assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'shop.local', 'A'), ['172.18.0.10'], 'still answering while the API server is down');
    await eventually(
      'the API double to listen again',
      () => api.admin('watches'),
      () => true,
      15_000,
    );
    await api.apply([httpRoute('r1', 'one', ['one.local'])]);
    await eventually(
      'a route created across the restart',
      () => digMdns(pair, pair.b, pair.ipA, 'one.local', 'A'),
      (v) => v.join() === '172.18.0.10',
      30_000,
    );

    // 2. Watches cut.
    await api.admin('drop-watches');
    await api.apply([httpRoute('r2', 'two', ['two.local'])]);
    await eventually(
      'a route created after the watches were cut',
      () => digMdns(pair, pair.b, pair.ipA, 'two.local', 'A'),
      (v) => v.join() === '172.18.0.10',
      30_000,
    );

    // 3. History compacted and watches cut: the re-watch gets 410 Gone and must relist; a
    // delete that happened meanwhile must not be missed.
    await api.admin('compact');
    await api.admin('drop-watches');
    await api.remove('HTTPRoute', 'r1', 'one');
    await api.apply([httpRoute('r3', 'three', ['three.local'])]);
    await api.admin('compact');
    await eventually(
      'three.local after 410 Gone',
      () => digMdns(pair, pair.b, pair.ipA, 'three.local', 'A'),
      (v) => v.join() === '172.18.0.10',
      30_000,
    );
    await eventually(
      'one.local gone after 410 Gone',
      () => digMdns(pair, pair.b, pair.ipA, 'one.local', 'A'),
      (v) => v.length === 0,
      30_000,
    );
    assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'shop.local', 'A'), ['172.18.0.10']);
    assert.equal(serve.child.exitCode, null, 'serve is still running');

    const stopped = await serve.stop('SIGINT');
    serve = undefined;
    assert.equal(stopped.code, 0);
    assert.ok(stopped.ms < 2_000, `SIGINT exits within 2 s (took ${stopped.ms} ms)`);
    for (const [ns, name] of [
      ['r2', 'two'],
      ['r3', 'three'],
    ] as const)
      await api.remove('HTTPRoute', ns, name);
  });

  test('-f manifests: SIGINT says goodbye for every name and exits 0 within 2 s, nothing left behind', async (t) => {
    const manifest = writeManifest(join(tmp.dir, 'files.json'), [
      gateway('infra', 'edge', { addresses: ['10.77.0.1', 'fd00::77'] }),
      httpRoute('web', 'web', ['web.local', 'www.local'], { namespace: 'infra', name: 'edge' }),
    ]);
    const capture = await startCapture(pair, pair.a, pair.ifA);
    let packets: CapturedPacket[] = [];
    let intAt = 0;
    let pid: number | undefined;
    try {
      serve = startServe(pair, pair.a, ['-f', manifest]);
      pid = serve.child.pid;
      await serve.waitForLine(/serving 2 names/, 20_000);
      assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'www.local', 'AAAA'), ['fd00::77']);
      intAt = Date.now() / 1000;
      const stopped = await serve.stop('SIGINT');
      t.diagnostic(`SIGINT -> exit ${stopped.code} after ${stopped.ms} ms`);
      assert.equal(stopped.code, 0, serve.lines.join('\n'));
      assert.ok(stopped.ms < 2_000, `exits within 2 s (took ${stopped.ms} ms)`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      packets = await capture.stop();
    }
    assert.ok(
      serve.lines.some((l) => /SIGINT: saying goodbye/.test(l)),
      serve.lines.join('\n'),
    );
    const bye = goodbyes(packets, pair.ipA, intAt - 0.05);
    assert.deepEqual(bye.get('web.local'), ['10.77.0.1', 'fd00::77']);
    assert.deepEqual(bye.get('www.local'), ['10.77.0.1', 'fd00::77']);
    const left = await pidsIn(pair.a);
    assert.ok(pid !== undefined && !left.includes(pid), 'the serve process is gone');
    assert.deepEqual(await socketsOn5353(pair, pair.a), [], 'no socket left on 5353');
    serve = undefined;
  });

  test('--dns-server to a real named in the same namespace: the zone follows the desired records', async (t) => {
    const owned = (resource: string) => `"heritage=kubectl-mdns,owner=e2e,resource=${resource}"`;
    const named = await startNamedIn(pair, pair.a, join(tmp.dir, 'named'), {
      zones: ['dev.k8s'],
      records: { 'dev.k8s': ['stale IN A 10.0.0.3', `stale IN TXT ${owned('HTTPRoute/old/old')}`, 'taken IN A 10.9.9.9'] },
    });
    try {
      await api.apply([httpRoute('dev', 'app', ['app.dev.k8s', 'api.dev.k8s', 'taken.dev.k8s'], { namespace: 'infra', name: 'gw2' })]);
      const flags = ['--kubeconfig', api.kubeconfig, ...unicastArgs(named)];
      serve = startServe(pair, pair.a, flags);
      await serve.waitForLine(/serving \d+ names?\b/, 20_000);
      const txt = owned('HTTPRoute/dev/app');
      await eventually(
        'the zone to hold exactly the desired records',
        () => named.zoneRecords('dev.k8s'),
        (z) =>
          JSON.stringify(z) ===
          JSON.stringify([
            'api.dev.k8s A 172.18.0.20',
            `api.dev.k8s TXT ${txt}`,
            'app.dev.k8s A 172.18.0.20',
            `app.dev.k8s TXT ${txt}`,
            'ns.dev.k8s A 127.0.0.1',
            'taken.dev.k8s A 10.9.9.9',
          ]),
      );
      assert.ok(
        serve.lines.some((l) => /taken\.dev\.k8s/.test(l)),
        `the foreign record at taken.dev.k8s is reported:\n${serve.lines.join('\n')}`,
      );
      assert.deepEqual(await digMdns(pair, pair.b, pair.ipA, 'shop.local', 'A'), ['172.18.0.10'], 'mDNS keeps working beside unicast');

      // A change in the cluster reaches the zone.
      await api.apply([httpRoute('dev', 'app', ['app.dev.k8s', 'new.dev.k8s'], { namespace: 'infra', name: 'gw2' })]);
      await eventually(
        'the zone to follow the changed route',
        () => named.zoneRecords('dev.k8s'),
        (z) =>
          JSON.stringify(z) ===
          JSON.stringify([
            'app.dev.k8s A 172.18.0.20',
            `app.dev.k8s TXT ${txt}`,
            'new.dev.k8s A 172.18.0.20',
            `new.dev.k8s TXT ${txt}`,
            'ns.dev.k8s A 127.0.0.1',
            'taken.dev.k8s A 10.9.9.9',
          ]),
      );

      // With serve in sync, diff has nothing to say about either target.
      const d = await runCli(pair, pair.a, ['diff', ...flags]);
      t.diagnostic(d.stdout);
      assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);

      const stopped = await serve.stop('SIGTERM');
      assert.equal(stopped.code, 0);
      assert.ok(!serve.lines.join('\n').includes(named.key.secret) && !serve.stdout().includes(named.key.secret), 'the TSIG secret is never printed');
      assert.ok((await named.zoneRecords('dev.k8s')).includes('app.dev.k8s A 172.18.0.20'), 'records stay on exit without --cleanup-on-exit');
    } finally {
      await api.remove('HTTPRoute', 'dev', 'app');
      await named.stop();
    }
  });

  test('start-up errors: exit 2 with an error line; flag problems before the cluster is asked', async () => {
    const kc = join(tmp.dir, 'unreachable.kubeconfig');
    writeFileSync(kc, readFileSync(api.kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:9'));
    const noKey = await runCli(pair, pair.a, ['serve', '--kubeconfig', kc, '--dns-server', '127.0.0.1:53', '--zone', 'dev.k8s']);
    assert.equal(noKey.code, 2, noKey.stderr);
    assert.match(noKey.stderr, /^error: --dns-server needs a TSIG key/m);
    assert.doesNotMatch(noKey.stderr, /127\.0\.0\.1:9/, 'the flag problem is reported before the cluster is asked');
    const noApi = await runCli(pair, pair.a, ['serve', '--kubeconfig', kc]);
    assert.equal(noApi.code, 2, noApi.stderr);
    assert.equal(noApi.stderr.split('\n').filter((l) => l.startsWith('error: ')).length, 1, noApi.stderr);
    assert.match(noApi.stderr, /^error: cannot reach the API server of context "double" at https:\/\/127\.0\.0\.1:9/m);
    assert.deepEqual(await socketsOn5353(pair, pair.a), [], 'nothing left listening');
  });
});
