// The cheap path (answer-cache.ts) must answer exactly as the full path does, follow every
// change of the names it answers for, and leave alone what it cannot judge. Goodbyes on exit
// made from announcement packets (outbox.ts farewell) must say goodbye to the same records.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MdnsResponder } from '../../../src/mdns/responder.js';
import { goodbyeCopy } from '../../../src/mdns/outbox.js';
import { CLASS_IN, RR, decodeMessage, encodeMessage, recordKey, type MdnsQuestion } from '../../../src/mdns/packet.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { FakeClock, FakeNetwork, half, publish, recordSet } from './helpers.js';

async function owned(names = [recordSet('shop.local', ['10.0.0.7'], ['fd00::7']), recordSet('v4only.local', ['10.0.0.8'])]) {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const responder = await MdnsResponder.start({ reporter: new MemoryReporter(), clock, network, random: half });
  publish(responder, names);
  clock.advance(5000); // probed, announced twice, past the §6 rate limit
  network.clear();
  return { clock, network, responder };
}

const q = (name: string, type: number): MdnsQuestion => ({ name, typeCode: type, qclass: CLASS_IN, unicastResponse: false });
const legacy = (id: number, name: string, type: number = RR.A) => encodeMessage({ response: false, id }, { questions: [q(name, type)] });
const from = { address: '192.168.7.42', port: 40000 };

test("§6.7 legacy replies from the cache are the full path's reply byte for byte, with the query's ID", async () => {
  const { network } = await owned();
  for (const [name, type] of [
    ['shop.local', RR.A],
    ['shop.local', RR.AAAA],
    ['v4only.local', RR.AAAA],
    ['SHOP.local', RR.A],
  ] as const) {
    network.clear();
    network.deliverRaw(legacy(0x1111, name, type), from); // full path, kept
    network.deliverRaw(legacy(0x2222, name, type), from); // from the cache
    network.deliverRaw(legacy(0x3333, name, type), from);
    assert.equal(network.sent.length, 3, `${name} ${type}`);
    const [first, second, third] = network.sent.map((s) => s.packet);
    assert.equal(first!.readUInt16BE(0), 0x1111);
    assert.equal(second!.readUInt16BE(0), 0x2222);
    assert.equal(third!.readUInt16BE(0), 0x3333);
    assert.deepEqual(second!.subarray(2), first!.subarray(2), `${name} ${type}: same bytes after the ID`);
    assert.deepEqual(network.sent[1]!.dest, { kind: 'unicast', address: '192.168.7.42', port: 40000, family: 4 });
  }
  // the question is echoed as asked (§6.7), case included
  assert.equal(network.sent[2]!.msg.questions[0]!.name, 'SHOP.local');
});

test('a changed address is answered at once: a cached reply is never used for records that were replaced', async () => {
  const { network, responder, clock } = await owned();
  network.deliverRaw(legacy(1, 'shop.local'), from);
  network.deliverRaw(legacy(2, 'shop.local'), from);
  publish(responder, [recordSet('shop.local', ['10.0.0.99'], ['fd00::7']), recordSet('v4only.local', ['10.0.0.8'])]);
  network.clear();
  network.deliverRaw(legacy(3, 'shop.local'), from);
  const answers = network.sent.filter((s) => s.dest.kind === 'unicast').map((s) => s.msg.answers.map((r) => (r.type === 'A' ? r.data : '?')));
  assert.deepEqual(answers, [['10.0.0.99']]);
  clock.advance(3000);
});

test('a removed name, or one lost to a conflict, is not answered from the cache', async () => {
  const { network, responder } = await owned();
  network.deliverRaw(legacy(1, 'v4only.local'), from);
  network.deliverRaw(legacy(2, 'v4only.local'), from);
  assert.equal(network.sent.length, 2);
  publish(responder, [recordSet('shop.local', ['10.0.0.7'], ['fd00::7'])]);
  network.clear();
  network.deliverRaw(legacy(3, 'v4only.local'), from);
  assert.deepEqual(
    network.sent.filter((s) => s.dest.kind === 'unicast'),
    [],
  );
  // a conflict (§9): another host answers for shop.local with other data; we probe again and stay silent meanwhile
  network.deliverRaw(legacy(4, 'shop.local'), from);
  network.deliverRaw(legacy(5, 'shop.local'), from);
  network.deliver(
    { response: true },
    { answers: [{ name: 'shop.local', type: 'A', data: '10.9.9.9', rclass: CLASS_IN, flush: true, ttl: 120 }] },
    { address: '192.168.7.50' },
  );
  network.clear();
  network.deliverRaw(legacy(6, 'shop.local'), from);
  assert.deepEqual(
    network.sent.filter((s) => s.dest.kind === 'unicast'),
    [],
  );
});

test('names that are not ours: nothing sent, and malformed packets still count as dropped', async () => {
  const { network, responder } = await owned();
  network.deliverRaw(legacy(1, 'other.local'), from);
  network.deliver({ response: false }, { questions: [q('other.local', RR.A)] });
  network.deliver({ response: true }, { answers: [{ name: 'other.local', type: 'A', data: '10.9.9.9', rclass: CLASS_IN, flush: true, ttl: 120 }] });
  assert.deepEqual(network.sent, []);
  assert.equal(responder.dropped, 0);
  const bad = legacy(1, 'shop.local');
  bad[12] = 0xc0; // a compression pointer that does not point backwards
  network.deliverRaw(bad, from);
  assert.equal(responder.dropped, 1);
  assert.deepEqual(network.sent, []);
});

test('goodbyeCopy: every record TTL 0 and cache-flush clear, names and rdata untouched', () => {
  const packet = encodeMessage(
    { response: true, authoritative: true },
    {
      answers: [
        { name: 'shop.local', type: 'A', data: '10.0.0.7', rclass: CLASS_IN, flush: true, ttl: 120 },
        { name: '_http._tcp.local', type: 'PTR', data: 'shop._http._tcp.local', rclass: CLASS_IN, flush: false, ttl: 4500 },
      ],
    },
  );
  const bye = goodbyeCopy(packet)!;
  const msg = decodeMessage(bye);
  assert.deepEqual(
    msg.answers.map((r) => [r.name, r.ttl, r.flush, r.type === 'A' || r.type === 'PTR' ? r.data : '?']),
    [
      ['shop.local', 0, false, '10.0.0.7'],
      ['_http._tcp.local', 0, false, 'shop._http._tcp.local'],
    ],
  );
  assert.equal(goodbyeCopy(packet.subarray(0, packet.length - 1)), null);
});

test('§10.1 on exit: goodbyes for exactly the records published, also after some names changed', async () => {
  const sets = Array.from({ length: 600 }, (_, i) =>
    recordSet(
      `h${i}.local`,
      [`10.1.${i >> 8}.${i & 255}`],
      [],
      i % 100 === 0 ? { services: [{ instance: `h${i}`, type: '_http._tcp', port: 80, txt: [] }] } : {},
    ),
  );
  const { network, responder, clock } = await owned(sets);
  // change one name of the first group of 256 and remove one of the second: those two groups go
  // the slow way, the third from its announcement packets
  const changed = sets.map((s, i) => (i === 3 ? { ...s, a: ['10.9.9.9'] } : s)).filter((_, i) => i !== 300);
  publish(responder, changed);
  clock.advance(5000);
  network.clear();
  await responder.stop();
  const byes = new Set<string>();
  for (const s of network.v4multicast()) {
    for (const r of s.msg.answers) {
      assert.equal(r.ttl, 0);
      assert.equal(r.flush, false);
      byes.add(recordKey(r));
    }
  }
  // The oracle: what a responder holding only `changed` announces (§8.3).
  const clock2 = new FakeClock();
  const network2 = new FakeNetwork(clock2);
  const fresh = await MdnsResponder.start({ reporter: new MemoryReporter(), clock: clock2, network: network2, random: half });
  publish(fresh, changed);
  clock2.advance(5000);
  const published = new Set<string>();
  for (const s of network2.v4multicast()) if (s.msg.response) for (const r of s.msg.answers) published.add(recordKey(r));
  assert.ok(published.size > 600);
  assert.deepEqual([...byes].sort(), [...published].sort());
});
