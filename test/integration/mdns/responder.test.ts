// The responder in network namespace A, judged by third-party queriers in namespace B:
// avahi-daemon (RecordBrowser over D-Bus, avahi-browse), python3-zeroconf, dig (legacy
// unicast), and a tcpdump capture decoded by tshark. Plus queryLink (diff's query).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RecordSet } from '../../../src/records/types.js';
import type { ObservedAnswer } from '../../../src/mdns/query.js';
import { type Avahi, startAvahi } from '../../support/avahi.js';
import { type Capture, type CapturedPacket, startCapture } from '../../support/capture.js';
import { MdnsChild } from '../../support/mdns-child.js';
import { type NetnsPair, createPair, hasNetns, sh } from '../../support/netns.js';
import { zeroconfLookup } from '../../support/zeroconf.js';

const QUERY = fileURLToPath(new URL('../../support/mdns-query.js', import.meta.url));

function set(name: string, a: string[], aaaa: string[], services: RecordSet['services'] = []): RecordSet {
  return { name, target: 'mdns', a, aaaa, services, owners: [{ kind: 'HTTPRoute', namespace: 'default', name: name.split('.')[0]! }] };
}

const INITIAL: RecordSet[] = [
  set('shop.local', ['10.1.2.3', '10.1.2.4'], ['fd00::3'], [{ instance: 'shop', type: '_https._tcp', port: 443, txt: ['path=/'] }]),
  set('v4only.local', ['10.1.2.5'], [], [{ instance: 'v4only', type: '_http._tcp', port: 80, txt: ['path=/'] }]),
  set('v6only.local', [], ['fd00::6']),
];
const UPDATED: RecordSet[] = [
  set('shop.local', ['10.1.2.3', '10.1.2.9'], ['fd00::3'], [{ instance: 'shop', type: '_https._tcp', port: 443, txt: ['path=/'] }]),
  set('v4only.local', ['10.1.2.5'], [], [{ instance: 'v4only', type: '_http._tcp', port: 80, txt: ['path=/'] }]),
];

async function dig(
  pair: NetnsPair,
  server: string,
  name: string,
  type: string,
): Promise<{ status: string; answers: { name: string; ttl: number; type: string; value: string }[]; raw: string }> {
  let raw: string;
  try {
    raw = await pair.exec(pair.b, 'dig', ['+time=2', '+tries=1', '+nocookie', '+noedns', '-p', '5353', `@${server}`, name, type]);
  } catch (err) {
    return { status: 'no answer', answers: [], raw: String((err as { stdout?: string }).stdout ?? err) };
  }
  const status = /status: (\w+)/.exec(raw)?.[1] ?? 'none';
  const section = raw.split(';; ANSWER SECTION:')[1]?.split('\n\n')[0] ?? '';
  const answers = section
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith(';'))
    .map((l) => {
      const [n, ttl, , t, ...rest] = l.trim().split(/\s+/);
      return { name: n!, ttl: Number(ttl), type: t!, value: rest.join(' ') };
    });
  return { status, answers, raw };
}

test('mDNS responder in a namespace, as avahi, zeroconf, dig and tshark see it', {
  skip: !hasNetns() && 'needs root and Linux network namespaces',
  timeout: 120_000,
}, async (t) => {
  const pair = await createPair('mr', 11);
  let avahi: Avahi | undefined;
  let capture: Capture | undefined;
  let child: MdnsChild | undefined;
  try {
    capture = await startCapture(pair, pair.b, pair.ifB);
    avahi = await startAvahi(pair, pair.b, pair.ifB);
    child = MdnsChild.start(pair, pair.a, pair.ifA, INITIAL);
    const settled = await child.settled();
    assert.deepEqual(settled['conflicts'], []);
    const av = avahi;
    const ch = child;

    await t.test('avahi (RecordBrowser) holds exactly the published A and AAAA sets; nothing for other names', async () => {
      const r = await av.records([
        'shop.local:A',
        'shop.local:AAAA',
        'v4only.local:A',
        'v4only.local:AAAA',
        'v6only.local:A',
        'v6only.local:AAAA',
        'nothere.local:A',
        'nothere.local:AAAA',
      ]);
      assert.deepEqual(r, {
        'shop.local:A': ['10.1.2.3', '10.1.2.4'],
        'shop.local:AAAA': ['fd00::3'],
        'v4only.local:A': ['10.1.2.5'],
        'v4only.local:AAAA': [],
        'v6only.local:A': [],
        'v6only.local:AAAA': ['fd00::6'],
        'nothere.local:A': [],
        'nothere.local:AAAA': [],
      });
    });

    await t.test('python3-zeroconf one-shot lookups return every address', async () => {
      const r = await zeroconfLookup(pair, pair.b, ['shop.local', 'v4only.local', 'v6only.local', 'nothere.local']);
      assert.deepEqual(r, {
        'shop.local': { A: ['10.1.2.3', '10.1.2.4'], AAAA: ['fd00::3'] },
        'v4only.local': { A: ['10.1.2.5'], AAAA: [] },
        'v6only.local': { A: [], AAAA: ['fd00::6'] },
        'nothere.local': { A: [], AAAA: [] },
      });
    });

    await t.test('dig (legacy unicast, §6.7): answers with TTL ≤ 10; NSEC for a missing AAAA; silence for unknown names', async () => {
      const a = await dig(pair, pair.ipA, 'shop.local', 'A');
      assert.equal(a.status, 'NOERROR', a.raw);
      assert.deepEqual(a.answers.map((x) => x.value).sort(), ['10.1.2.3', '10.1.2.4']);
      assert.ok(
        a.answers.every((x) => x.ttl <= 10 && x.ttl > 0),
        a.raw,
      );
      assert.match(a.raw, /flags: qr aa/);
      const v6 = await dig(pair, `${pair.ll6A}%${pair.ifB}`, 'shop.local', 'AAAA');
      assert.deepEqual(
        v6.answers.map((x) => x.value),
        ['fd00::3'],
        v6.raw,
      );
      const nsec = await dig(pair, pair.ipA, 'v4only.local', 'AAAA');
      assert.deepEqual(
        nsec.answers.map((x) => `${x.type} ${x.value}`),
        ['NSEC v4only.local. A'],
        nsec.raw,
      );
      const none = await dig(pair, pair.ipA, 'nothere.local', 'A');
      assert.equal(none.status, 'no answer', none.raw);
    });

    await t.test('avahi-browse -a finds the DNS-SD services with host, port and TXT', async () => {
      const lines = await av.browse();
      const resolved = lines.filter((l) => l.startsWith('='));
      const has = (instance: string, type: string, host: string, port: string) =>
        resolved.some((l) => {
          const f = l.split(';');
          return f[3] === instance && f[4] === type && f[6] === host && f[8] === port && f[9] === '"path=/"';
        });
      assert.ok(has('shop', '_https._tcp', 'shop.local', '443'), lines.join('\n'));
      assert.ok(has('v4only', '_http._tcp', 'v4only.local', '80'), lines.join('\n'));
    });

    await t.test("queryLink (diff) collects the responder's answers over IPv4 and IPv6", async () => {
      const out = await pair.exec(pair.b, process.execPath, [QUERY, '1000', '--interface', pair.ifB, 'shop.local', 'v4only.local', 'nothere.local']);
      const answers = JSON.parse(out) as ObservedAnswer[];
      const fromA = answers.filter((x) => x.responder === pair.ipA);
      assert.deepEqual(
        fromA.map((x) => `${x.name} ${x.type} ${x.values.join(',')} ${x.local}`),
        ['shop.local A 10.1.2.3,10.1.2.4 false', 'shop.local AAAA fd00::3 false', 'v4only.local A 10.1.2.5 false'],
      );
      assert.ok(
        answers.some((x) => x.responder === pair.ll6A && x.name === 'shop.local'),
        JSON.stringify(answers),
      );
      assert.ok(!answers.some((x) => x.name === 'nothere.local'));
    });

    await t.test('updates: avahi sees the new addresses; a removed name leaves its cache within ~1 s (goodbye, not TTL)', async () => {
      const watch = await av.watch(['v6only.local:AAAA', 'shop.local:A']);
      const gone = (key: string, value?: string) =>
        watch.events.some((e) => e.key === key && e.event === 'remove' && (value === undefined || e.value === value));
      try {
        await new Promise((r) => setTimeout(r, 300));
        const t0 = Date.now();
        ch.send({ sync: UPDATED });
        await ch.settled(2);
        const deadline = Date.now() + 4000;
        while (Date.now() < deadline && !(gone('v6only.local:AAAA') && gone('shop.local:A', '10.1.2.4'))) await new Promise((r) => setTimeout(r, 50));
        assert.ok(gone('v6only.local:AAAA'), `removed name: ${JSON.stringify(watch.events)}`);
        assert.ok(gone('shop.local:A', '10.1.2.4'), `changed record: ${JSON.stringify(watch.events)}`);
        const elapsed = Date.now() - t0;
        assert.ok(elapsed < 3000, `removed after ${elapsed} ms (a TTL expiry would take 120 s)`);
      } finally {
        watch.stop();
      }
      // avahi reports the goodbye as "remove" at once but keeps the entry about one second
      // more (RFC 6762 §10.1: TTL 0 means "expire in one second"): a browser started in that
      // second still lists it. So poll, briefly, for the settled cache.
      const want = { 'shop.local:A': ['10.1.2.3', '10.1.2.9'], 'v6only.local:AAAA': [] };
      let r = await av.records(['shop.local:A', 'v6only.local:AAAA']);
      for (let i = 0; i < 10 && JSON.stringify(r) !== JSON.stringify(want); i++) {
        await new Promise((res) => setTimeout(res, 300));
        r = await av.records(['shop.local:A', 'v6only.local:AAAA']);
      }
      assert.deepEqual(r, want);
    });

    const termAt = Date.now() / 1000;
    await t.test('SIGTERM: goodbyes, exit code 0 within 2 s, nothing left in the namespace', async () => {
      const r = await ch.terminate();
      assert.equal(r.code, 0, ch.stderr);
      assert.ok(r.elapsedMs < 2000, `took ${r.elapsedMs} ms`);
      assert.ok(ch.events.some((e) => e.event === 'stopped'));
      assert.equal((await sh('ip', ['netns', 'pids', pair.a])).trim(), '', 'no process left in namespace A');
      assert.equal((await pair.exec(pair.a, 'ss', ['-Huan', 'sport = :5353'])).trim(), '', 'no socket on 5353 left');
    });

    await new Promise((r) => setTimeout(r, 300));
    const packets = await capture.stop();
    capture = undefined;
    const fromA = packets.filter((p) => p.src === pair.ipA || p.src === pair.ll6A);

    await t.test('wire: every packet from the responder leaves port 5353 with IP TTL / hop limit 255; responses have AA', () => {
      assert.ok(fromA.length > 10);
      for (const p of fromA) {
        assert.equal(p.srcPort, 5353);
        assert.equal(p.ipTtl, 255, `${p.src} → ${p.dst}`);
        if (p.response) assert.equal(p.authoritative, true);
      }
    });

    const multicastV4 = fromA.filter((p) => p.dst === '224.0.0.251');
    await t.test('wire: 3 QU probes 250 ms apart before the first announcement; 2 announcements 1 s apart with cache-flush', () => {
      const firstResponse = multicastV4.findIndex((p) => p.response);
      const probes = multicastV4.slice(0, firstResponse);
      assert.equal(probes.length, 3, JSON.stringify(probes.map((p) => p.questions)));
      for (const p of probes) {
        assert.ok(p.questions.length >= 3 && p.questions.every((q) => q.type === 255 && q.qu));
        assert.ok(p.authorities.some((r) => r.name === 'shop.local' && r.data === '10.1.2.4'));
      }
      const gaps = [probes[1]!.time - probes[0]!.time, probes[2]!.time - probes[1]!.time];
      for (const g of gaps) assert.ok(g > 0.2 && g < 0.4, `probe gap ${g}`);
      const full = (p: CapturedPacket) =>
        ['10.1.2.3', '10.1.2.4', 'fd00::3', '10.1.2.5', 'fd00::6'].every((v) => p.answers.some((r) => r.data === v && r.ttl > 0));
      const announcements = multicastV4.filter((p) => p.response && full(p));
      assert.ok(announcements.length >= 2);
      const [a1, a2] = announcements;
      assert.ok(a1!.time - probes[2]!.time > 0.2 && a1!.time - probes[2]!.time < 0.4);
      const gap = a2!.time - a1!.time;
      assert.ok(gap > 0.9 && gap < 1.3, `announcement gap ${gap}`);
      for (const r of a1!.answers) {
        if (r.type === 'PTR') assert.equal(r.cacheFlush, false, `${r.name} PTR is shared`);
        else assert.equal(r.cacheFlush, true, `${r.name} ${r.type} is unique`);
      }
      assert.ok(a1!.questions.length === 0 && a1!.id === 0);
    });

    await t.test('wire: legacy replies echo the ID and question, TTL ≤ 10, no cache-flush; NSEC for a missing AAAA', () => {
      const queries = packets.filter((p) => !p.response && p.srcPort !== 5353 && p.dst === pair.ipA);
      assert.ok(queries.length >= 3);
      let nsecSeen = false;
      for (const q of queries) {
        const reply = fromA.find((p) => p.response && p.dstPort === q.srcPort && p.id === q.id);
        if (q.questions[0]?.name === 'nothere.local') {
          assert.equal(reply, undefined);
          continue;
        }
        assert.ok(reply, `reply to ${JSON.stringify(q.questions)}`);
        assert.deepEqual(
          reply.questions.map((x) => `${x.name} ${x.type}`),
          q.questions.map((x) => `${x.name} ${x.type}`),
        );
        for (const r of [...reply.answers, ...reply.additionals]) {
          assert.ok(r.ttl <= 10, `ttl ${r.ttl}`);
          assert.equal(r.cacheFlush, false);
        }
        if (reply.answers.some((r) => r.type === 'NSEC' && r.name === 'v4only.local')) nsecSeen = true;
      }
      assert.ok(nsecSeen);
    });

    await t.test('wire: on SIGTERM a goodbye (TTL 0) for every record still published', () => {
      const bye = multicastV4.filter((p) => p.time >= termAt - 0.05 && p.response && p.answers.length > 0 && p.answers.every((r) => r.ttl === 0));
      const said = new Set(bye.flatMap((p) => p.answers.map((r) => `${r.name} ${r.type} ${r.data}`)));
      for (const want of [
        'shop.local A 10.1.2.3',
        'shop.local A 10.1.2.9',
        'shop.local AAAA fd00::3',
        'v4only.local A 10.1.2.5',
        'shop._https._tcp.local SRV shop.local',
        'v4only._http._tcp.local SRV v4only.local',
        'shop._https._tcp.local TXT ',
        '_https._tcp.local PTR shop._https._tcp.local',
        '_http._tcp.local PTR v4only._http._tcp.local',
        '_services._dns-sd._udp.local PTR _https._tcp.local',
        '_services._dns-sd._udp.local PTR _http._tcp.local',
      ])
        assert.ok(
          said.has(want),
          `${want} in ${[...said].join(' | ')}; termAt ${termAt}; last: ${JSON.stringify(packets.slice(-6).map((p) => [p.time, p.src, p.dst, p.answers.map((r) => r.ttl)]))}`,
        );
      // the removed name got its goodbye at update time, before SIGTERM
      assert.ok(multicastV4.some((p) => p.time < termAt && p.answers.some((r) => r.name === 'v6only.local' && r.ttl === 0)));
    });
  } finally {
    if (child) {
      try {
        await child.terminate();
      } catch {
        /* already gone */
      }
    }
    await avahi?.stop();
    if (capture) await capture.stop().catch(() => []);
    await pair.destroy();
  }
});
