// RFC 6762 §8.1/§9 against another responder on the link: a rival in namespace B already holds
// clash.local with other data. Our responder (namespace A) must report the conflict, never
// announce clash.local, keep publishing its other names, and take clash.local once the rival
// says goodbye. Its DNS-SD instance follows the hostname: not announced while the rival holds
// clash.local, announced once clash.local is ours. queryLink from B sees both responders, and
// marks the one on its own host.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ObservedAnswer } from '../../../src/mdns/query.js';
import type { RecordSet } from '../../../src/records/types.js';
import { type Capture, type CapturedPacket, startCapture } from '../../support/capture.js';
import { MdnsChild } from '../../support/mdns-child.js';
import { createPair, hasNetns } from '../../support/netns.js';

const RIVAL = fileURLToPath(new URL('../../support/mdns-rival.js', import.meta.url));
const QUERY = fileURLToPath(new URL('../../support/mdns-query.js', import.meta.url));

const set = (name: string, a: string[]): RecordSet => ({
  name,
  target: 'mdns',
  a,
  aaaa: [],
  services: [{ instance: name.split('.')[0]!, type: '_http._tcp', port: 80, txt: ['path=/'] }],
  owners: [{ kind: 'HTTPRoute', namespace: 'default', name }],
});

test('conflict with another responder: reported, not announced, others unaffected, retried after its goodbye', {
  skip: !hasNetns() && 'needs root and Linux network namespaces',
  timeout: 90_000,
}, async (t) => {
  const pair = await createPair('mc', 12);
  let capture: Capture | undefined;
  let child: MdnsChild | undefined;
  try {
    const rival = pair.spawn(pair.b, process.execPath, [RIVAL, pair.ipB, 'clash.local', '10.99.99.99'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let rivalOut = '';
    const rivalSays = (what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`rival did not say ${what}: ${rivalOut}`)), 10_000);
        const check = () => {
          if (rivalOut.includes(`"${what}"`)) {
            clearTimeout(timer);
            resolve();
          }
        };
        rival.stdout!.on('data', (d: Buffer) => {
          rivalOut += d.toString();
          check();
        });
        check();
      });
    await rivalSays('ready');
    capture = await startCapture(pair, pair.a, pair.ifA);
    child = MdnsChild.start(pair, pair.a, pair.ifA, [set('clash.local', ['10.1.1.1']), set('fine.local', ['10.1.1.2'])]);
    const ch = child;
    const settled = await ch.settled();

    await t.test('the conflict is reported loudly and listed; the other name is added', () => {
      const conflict = ch.events.find((e) => e.event === 'report' && e.kind === 'conflict');
      assert.ok(conflict, JSON.stringify(ch.events));
      assert.equal(conflict.fields?.['hostname'], 'clash.local');
      assert.match(String(conflict.message), /10\.213\.12\.2/);
      assert.match(String(conflict.message), /10\.99\.99\.99/);
      assert.deepEqual(
        (settled['conflicts'] as { name: string }[]).map((c) => c.name),
        ['clash.local'],
      );
      assert.ok(ch.events.some((e) => e.kind === 'added' && e.fields?.['hostname'] === 'fine.local'));
      assert.ok(!ch.events.some((e) => e.kind === 'added' && e.fields?.['hostname'] === 'clash.local'));
    });

    await t.test('queryLink sees both responders; the rival is on the querying host, ours is not', async () => {
      await new Promise((r) => setTimeout(r, 1200)); // past §6's 1 s per-record limit
      const answers = JSON.parse(
        await pair.exec(pair.b, process.execPath, [QUERY, '800', '--interface', pair.ifB, 'clash.local', 'fine.local']),
      ) as ObservedAnswer[];
      const v4 = answers.filter((a) => !a.responder.includes(':'));
      assert.deepEqual(
        v4.map((a) => `${a.name} ${a.values.join(',')} ${a.responder} ${a.local}`),
        ['clash.local 10.99.99.99 10.213.12.2 true', 'fine.local 10.1.1.2 10.213.12.1 false'],
      );
    });

    await t.test("after the rival's goodbye, clash.local is probed again and announced", async () => {
      rival.stdin!.write('goodbye\n');
      await rivalSays('goodbye');
      const added = await ch.waitFor((e) => e.kind === 'added' && e.fields?.['hostname'] === 'clash.local', 15_000, 'clash.local added');
      assert.ok(added);
      // its DNS-SD instance is probed once the hostname is ours, then answered (dig: legacy unicast)
      let srv = '';
      for (const deadline = Date.now() + 5000; !srv && Date.now() < deadline; ) {
        srv = (
          await pair.exec(pair.b, 'dig', ['+short', '+time=1', '+tries=1', '-p', '5353', `@${pair.ipA}`, 'clash._http._tcp.local', 'SRV']).catch(() => '')
        ).trim();
        if (!srv) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(srv, '0 0 80 clash.local.');
    });

    const r = await ch.terminate();
    assert.equal(r.code, 0);
    const packets = await capture.stop();
    capture = undefined;

    await t.test('wire: clash.local was not announced while the rival held it', () => {
      const ours = packets.filter((p) => p.src === pair.ipA && p.response);
      const goodbyeAt = packets.find((p) => p.src === pair.ipB && p.answers.some((x) => x.name === 'clash.local' && x.ttl === 0))?.time;
      assert.ok(goodbyeAt !== undefined);
      const before = ours.filter((p) => p.time < goodbyeAt);
      assert.ok(
        before.some((p) => p.answers.some((x) => x.name === 'fine.local')),
        'fine.local announced',
      );
      assert.ok(!before.some((p) => p.answers.some((x) => x.name === 'clash.local' && x.ttl > 0)), 'clash.local never announced before the goodbye');
      const after = ours.filter((p) => p.time > goodbyeAt);
      assert.ok(
        after.some((p) => p.answers.some((x) => x.name === 'clash.local' && x.data === '10.1.1.1' && x.ttl > 0)),
        'announced after',
      );
    });

    await t.test("wire: the DNS-SD instance on clash.local follows its hostname; fine.local's is unaffected", () => {
      const ours = packets.filter((p) => p.src === pair.ipA && p.response);
      const goodbyeAt = packets.find((p) => p.src === pair.ipB && p.answers.some((x) => x.name === 'clash.local' && x.ttl === 0))!.time;
      const srv = (p: CapturedPacket, instance: string) => p.answers.some((x) => x.name === `${instance}._http._tcp.local` && x.type === 'SRV' && x.ttl > 0);
      assert.ok(
        ours.some((p) => p.time < goodbyeAt && srv(p, 'fine')),
        'fine._http._tcp.local announced',
      );
      assert.ok(!ours.some((p) => p.time < goodbyeAt && srv(p, 'clash')), 'clash._http._tcp.local not announced while the rival held clash.local');
      const hostBack = ours.find((p) => p.time > goodbyeAt && p.answers.some((x) => x.name === 'clash.local' && x.ttl > 0))!.time;
      const srvBack = ours.find((p) => p.time > goodbyeAt && srv(p, 'clash'))?.time;
      assert.ok(srvBack !== undefined && srvBack > hostBack, `SRV announced at ${srvBack}, host at ${hostBack}`);
    });
    rival.kill('SIGTERM');
  } finally {
    if (child) {
      try {
        await child.terminate();
      } catch {
        /* gone */
      }
    }
    if (capture) await capture.stop().catch(() => []);
    await pair.destroy();
  }
});
