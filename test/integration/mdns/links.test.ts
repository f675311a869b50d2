// Links that come and go while the responder runs (RFC 6762 §8.1: probe whenever the host
// connects to a link, then announce). The responder in namespace A runs on every interface
// (serve's default), re-reading them every second (--rescan-ms 1000; 5 s by default). While it
// runs: a second veth A↔C appears (namespace C, a capture and python3-zeroconf there), is
// deleted again, the A↔B link loses its carrier (B's end down) and gets it back, and A's end is
// set down and up. A querier must resolve our names on the
// new link once the probes there are done, and the responder must live through all of it
// without looping on errors, answering on the links that are left.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordSet } from '../../../src/records/types.js';
import { type Capture, type CapturedPacket, startCapture } from '../../support/capture.js';
import { type FixtureEvent, MdnsChild } from '../../support/mdns-child.js';
import { type NetnsPeer, addPeer, createPair, hasNetns, sh } from '../../support/netns.js';
import { zeroconfLookup } from '../../support/zeroconf.js';

const SETS: RecordSet[] = [
  { name: 'shop.local', target: 'mdns', a: ['10.1.2.3'], aaaa: ['fd00::3'], services: [], owners: [{ kind: 'HTTPRoute', namespace: 'default', name: 'shop' }] },
  { name: 'cart.local', target: 'mdns', a: ['10.1.2.4'], aaaa: [], services: [], owners: [{ kind: 'HTTPRoute', namespace: 'default', name: 'cart' }] },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `dig -p 5353 @server name A` (legacy unicast, §6.7) from namespace `ns`: the addresses, or [] for no answer. */
async function dig(exec: (cmd: string, args: string[]) => Promise<string>, server: string, name: string): Promise<string[]> {
  try {
    const out = await exec('dig', ['+short', '+time=1', '+tries=1', '-p', '5353', `@${server}`, name, 'A']);
    return out
      .split('\n')
      .filter((l) => /^\d+\.\d+\.\d+\.\d+$/.test(l.trim()))
      .sort();
  } catch {
    return []; // timed out: dig exits 9
  }
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<{ value: T; elapsedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return { value, elapsedMs: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`${what}: nothing after ${ms} ms`);
    await sleep(200);
  }
}

test('links that appear, vanish, go down and come back while the responder runs', {
  skip: !hasNetns() && 'needs root and Linux network namespaces',
  timeout: 90_000,
}, async (t) => {
  const pair = await createPair('ml', 15);
  let peer: NetnsPeer | undefined;
  let child: MdnsChild | undefined;
  let capture: Capture | undefined;
  try {
    child = MdnsChild.start(pair, pair.a, '', SETS, ['--rescan-ms', '1000'], { env: { ...process.env, MDNS_FIXTURE_DEBUG: '1' } });
    const ch = child;
    await ch.settled();
    const inB = (cmd: string, args: string[]) => pair.exec(pair.b, cmd, args);
    assert.deepEqual(await dig(inB, pair.ipA, 'shop.local'), ['10.1.2.3']);
    const debugSince = (t0: number) =>
      ch.events.filter((e): e is FixtureEvent & { t: number } => e.event === 'debug' && typeof e['t'] === 'number' && e['t'] >= t0);
    const debugAfter = (t0: number, text: string, what: string) =>
      ch.waitFor((e) => e.event === 'debug' && (e['t'] as number) >= t0 && String(e.message).startsWith(text), 5000, what);

    const p = await addPeer(pair, 'mlc', 16);
    peer = p;
    const inC = (cmd: string, args: string[]) => pair.exec(p.ns, cmd, args);

    await t.test('a link that appears: probed there first, then announced; a querier there resolves our names within seconds', async () => {
      capture = await startCapture(pair, p.ns, p.ifPeer);
      await p.setA('up');
      const found = await until('dig from the new link', 8000, async () => {
        const r = await dig(inC, p.ipA, 'shop.local');
        return r.length ? r : undefined;
      });
      assert.deepEqual(found.value, ['10.1.2.3']);
      // rescan (≤ 1 s) + §8.1 (0–250 ms, 3 probes 250 ms apart) + dig's own retries
      assert.ok(found.elapsedMs < 5000, `answered after ${found.elapsedMs} ms`);
      const zc = await zeroconfLookup(pair, p.ns, ['shop.local', 'cart.local']);
      assert.deepEqual(zc, { 'shop.local': { A: ['10.1.2.3'], AAAA: ['fd00::3'] }, 'cart.local': { A: ['10.1.2.4'], AAAA: [] } });
      await sleep(1300); // the second announcement
      const packets = await capture.stop();
      capture = undefined;
      const fromA = packets.filter((x) => x.src === p.ipA && x.dst === '224.0.0.251');
      const firstResponse = fromA.findIndex((x) => x.response);
      assert.ok(firstResponse >= 0, JSON.stringify(fromA));
      const probes = fromA.slice(0, firstResponse);
      const summary = (x: CapturedPacket) =>
        `${x.time.toFixed(3)} ${x.response ? 'response' : 'query'} ${x.questions.map((q) => `${q.name}/${q.type}${q.qu ? '/QU' : ''}`).join(',')} ${x.answers.map((r) => `${r.name}=${r.data}/${r.ttl}`).join(',')}`;
      assert.equal(probes.length, 3, fromA.map(summary).join('\n'));
      for (const pr of probes) {
        assert.deepEqual(pr.questions.map((q) => `${q.name} ${q.type} ${q.qu}`).sort(), ['cart.local 255 true', 'shop.local 255 true']);
        assert.ok(pr.authorities.some((r) => r.name === 'shop.local' && r.data === '10.1.2.3'));
      }
      for (const gap of [probes[1]!.time - probes[0]!.time, probes[2]!.time - probes[1]!.time]) assert.ok(gap > 0.2 && gap < 0.4, `probe gap ${gap}`);
      const announcements = fromA.filter(
        (x) =>
          x.response && x.answers.some((r) => r.name === 'shop.local' && r.data === '10.1.2.3' && r.ttl > 0) && x.answers.some((r) => r.name === 'cart.local'),
      );
      assert.ok(announcements.length >= 2, fromA.map(summary).join('\n'));
      assert.ok(announcements[0]!.time > probes[2]!.time);
      // nothing from A on the new link before its probes: the names were not answered there early
      assert.ok(!packets.some((x) => x.src === p.ipA && x.response && x.time < probes[2]!.time), 'no response before the third probe');
    });

    await t.test('a link that vanishes: no crash, no error loop, still answering on the other link', async () => {
      const t0 = Date.now();
      await p.removeLink();
      await debugAfter(t0, `links gone: ${p.ifA}`, 'the responder noticing the link is gone');
      await sleep(2500); // two more rescans
      assert.equal(ch.child.exitCode, null, `responder died: ${ch.stderr}`);
      assert.deepEqual(await dig(inB, pair.ipA, 'shop.local'), ['10.1.2.3']);
      const zc = await zeroconfLookup(pair, pair.b, ['cart.local']);
      assert.deepEqual(zc['cart.local']?.A, ['10.1.2.4']);
      const noise = debugSince(t0).filter((e) => !/^links (gone|up)/.test(String(e.message)));
      assert.ok(noise.length <= 3, `debug messages since the link went: ${JSON.stringify(noise)}`);
      assert.equal(ch.stderr, '');
    });

    await t.test("the link to B loses its carrier (B's end down) and gets it back: probed there again, answering", async () => {
      const t0 = Date.now();
      await sh('ip', ['-n', pair.b, 'link', 'set', pair.ifB, 'down']);
      await debugAfter(t0, `links gone: ${pair.ifA}`, 'the responder noticing the carrier is gone');
      const t1 = Date.now();
      await sh('ip', ['-n', pair.b, 'link', 'set', pair.ifB, 'up']);
      // down flushed B's route and IPv6 address (keep_addr_on_down is 0): put them back
      await sh('ip', ['-n', pair.b, 'addr', 'replace', `${pair.ll6B}/64`, 'dev', pair.ifB, 'nodad']);
      await sh('ip', ['-n', pair.b, 'route', 'replace', '224.0.0.0/4', 'dev', pair.ifB]);
      await debugAfter(t1, `probed 2 names on ${pair.ifA}`, 'probes on the link when the carrier came back');
      const back = await until('dig from B after the carrier came back', 5000, async () => {
        const r = await dig(inB, pair.ipA, 'shop.local');
        return r.length ? r : undefined;
      });
      assert.deepEqual(back.value, ['10.1.2.3']);
      assert.equal(ch.child.exitCode, null);
    });

    await t.test('the link to B set down and up again: answering resumes after it is probed there', async () => {
      const t0 = Date.now();
      await sh('ip', ['-n', pair.a, 'link', 'set', pair.ifA, 'down']);
      await debugAfter(t0, `links gone: ${pair.ifA}`, 'the responder noticing the link is down');
      await sh('ip', ['-n', pair.a, 'link', 'set', pair.ifA, 'up']);
      const back = await until('dig from B after the link came back', 8000, async () => {
        const r = await dig(inB, pair.ipA, 'shop.local');
        return r.length ? r : undefined;
      });
      assert.deepEqual(back.value, ['10.1.2.3']);
      assert.ok(
        ch.events.some(
          (e) => e.event === 'debug' && String(e.message).startsWith('probed 2 names on') && String(e.message).includes(pair.ifA) && (e['t'] as number) >= t0,
        ),
        'probed on the link when it came back',
      );
      // multicast too: the group was joined again
      const zc = await zeroconfLookup(pair, pair.b, ['shop.local', 'cart.local']);
      assert.deepEqual(zc['shop.local']?.A, ['10.1.2.3']);
      assert.deepEqual(zc['cart.local']?.A, ['10.1.2.4']);
      assert.equal(ch.child.exitCode, null);
      const noise = debugSince(t0).filter((e) => !/^(links (gone|up)|probed \d+ names)/.test(String(e.message)));
      assert.ok(noise.length <= 5, `debug messages: ${JSON.stringify(noise)}`);
    });

    const r = await ch.terminate();
    assert.equal(r.code, 0, ch.stderr);
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
    await peer?.destroy();
  }
});
