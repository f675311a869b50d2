// Answering queries (RFC 6762 §5–§7) through the responder, on a fake clock and network.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MdnsResponder } from '../../../src/mdns/responder.js';
import { CLASS_IN, RR, encodeMessage, type MdnsQuestion, type MdnsRecord } from '../../../src/mdns/packet.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { FakeClock, FakeNetwork, half, publish, recordSet } from './helpers.js';

async function owned() {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const responder = await MdnsResponder.start({ reporter: new MemoryReporter(), clock, network, random: half });
  publish(responder, [
    recordSet('shop.local', ['10.0.0.7'], ['fd00::7']),
    recordSet('v4only.local', ['10.0.0.8'], [], { services: [{ instance: 'v4only', type: '_http._tcp', port: 80, txt: ['path=/'] }] }),
  ]);
  clock.advance(3000); // probed and announced (twice)
  clock.advance(2000); // the §6 one-second rate limit is past
  network.clear();
  return { clock, network, responder };
}

function q(name: string, type: number, unicastResponse = false): MdnsQuestion {
  return { name, typeCode: type, qclass: CLASS_IN, unicastResponse };
}

test('QM for a unique record: multicast at once, AA, ID 0, no question, cache-flush', async () => {
  const { network } = await owned();
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)] });
  assert.equal(network.sent.length, 1, 'answered at once, on the arrival link and family only');
  const s = network.sent[0]!;
  assert.deepEqual(s.dest, { kind: 'multicast', link: 'eth0', family: 4 });
  assert.equal(s.msg.authoritative, true);
  assert.equal(s.msg.id, 0);
  assert.equal(s.msg.questions.length, 0);
  assert.deepEqual(
    s.msg.answers.map((r) => (r.type === 'A' ? r.data : '?')),
    ['10.0.0.7'],
  );
  assert.ok(s.msg.answers[0]!.flush);
  // §6.2: the other family in Additional
  assert.deepEqual(
    s.msg.additionals.map((r) => r.type),
    ['AAAA'],
  );
});

test('names are matched case-insensitively; unknown and unowned names get nothing', async () => {
  const { network } = await owned();
  network.deliver({ response: false }, { questions: [q('SHOP.Local', RR.A)] });
  assert.equal(network.sent.length, 1);
  network.deliver({ response: false }, { questions: [q('nobody.local', RR.A), q('nobody.local', RR.AAAA)] }, { address: '192.168.7.98' });
  assert.equal(network.sent.length, 1);
});

test('§6.1: NSEC for a missing address family, with the A record in Additional', async () => {
  const { network } = await owned();
  network.deliver({ response: false }, { questions: [q('v4only.local', RR.AAAA)] });
  const m = network.sent[0]!.msg;
  assert.equal(m.answers.length, 1);
  const nsec = m.answers[0]!;
  assert.ok(nsec.type === 'NSEC');
  assert.equal(nsec.data.nextDomain, 'v4only.local');
  assert.deepEqual(nsec.data.types, [RR.A]);
  assert.ok(nsec.flush);
  assert.deepEqual(
    m.additionals.map((r) => r.type),
    ['A'],
  );
  // and an A answer carries the NSEC in Additional (§6.2)
  network.clear();
  network.deliver({ response: false }, { questions: [q('v4only.local', RR.A)] });
  assert.deepEqual(
    network.sent[0]!.msg.additionals.map((r) => r.type),
    ['NSEC'],
  );
});

test('§6: a record is multicast at most once per second per link', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)] });
  clock.advance(500);
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)] });
  assert.equal(network.sent.length, 1, 'second query within 1 s not answered');
  // another link has its own budget
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)] }, { family: 6, address: 'fe80::99%eth0' });
  assert.equal(network.sent.length, 2);
  clock.advance(500);
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)] });
  assert.equal(network.sent.length, 3, 'answered again after 1 s');
});

test('§6: probe defence is exempt from the 1 s limit but not from 250 ms', async () => {
  const { clock, network } = await owned();
  const probe = () =>
    network.deliver(
      { response: false },
      { questions: [q('shop.local', RR.ANY)], authorities: [{ name: 'shop.local', type: 'A', data: '192.168.7.99', rclass: CLASS_IN, flush: true, ttl: 120 }] },
    );
  network.deliver({ response: false }, { questions: [q('shop.local', RR.ANY)] });
  clock.advance(100);
  probe();
  assert.equal(network.sent.length, 1, 'within 250 ms: not repeated');
  clock.advance(200);
  probe();
  assert.equal(network.sent.length, 2, 'after 250 ms the probe is answered despite the 1 s rule');
  assert.equal(network.sent[1]!.dest.kind, 'multicast');
  assert.ok(network.sent[1]!.msg.answers.some((r) => r.type === 'A' && r.data === '10.0.0.7'));
});

test('§5.4: QU is answered by unicast if multicast within TTL/4, else by multicast', async () => {
  const { clock, network } = await owned();
  // last multicast was the second announcement, 4 s ago: well within 30 s (TTL 120 / 4)
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A, true)] }, { address: '192.168.7.42' });
  assert.equal(network.sent.length, 1);
  assert.deepEqual(network.sent[0]!.dest, { kind: 'unicast', address: '192.168.7.42', port: 5353, family: 4 });
  clock.advance(31_000);
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A, true)] }, { address: '192.168.7.42' });
  assert.equal(network.sent[1]!.dest.kind, 'multicast');
});

test('§6.7 legacy unicast: echo ID and question, TTL ≤ 10, no cache-flush, unicast to the source port', async () => {
  const { network } = await owned();
  network.deliver({ response: false, id: 0xbeef }, { questions: [q('shop.local', RR.A)] }, { address: '192.168.7.42', port: 40000 });
  assert.equal(network.sent.length, 1);
  const s = network.sent[0]!;
  assert.deepEqual(s.dest, { kind: 'unicast', address: '192.168.7.42', port: 40000, family: 4 });
  assert.equal(s.msg.id, 0xbeef);
  assert.equal(s.msg.authoritative, true);
  assert.deepEqual(
    s.msg.questions.map((x) => `${x.name} ${x.typeCode}`),
    ['shop.local 1'],
  );
  for (const r of [...s.msg.answers, ...s.msg.additionals]) {
    assert.ok(r.ttl <= 10, `ttl ${r.ttl}`);
    assert.equal(r.flush, false);
  }
  // legacy queries are not rate limited (they are unicast)
  network.deliver({ response: false, id: 7 }, { questions: [q('shop.local', RR.A)] }, { address: '192.168.7.42', port: 40001 });
  assert.equal(network.sent.length, 2);
});

test('§7.1 known-answer suppression: listed with ≥ half the TTL suppresses, less does not', async () => {
  const { clock, network } = await owned();
  const known = (ttl: number): MdnsRecord => ({ name: 'shop.local', type: 'A', data: '10.0.0.7', rclass: CLASS_IN, flush: false, ttl });
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)], answers: [known(60)] });
  assert.equal(network.sent.length, 0);
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)], answers: [known(59)] });
  assert.equal(network.sent.length, 1);
  clock.advance(1000);
  // a different rdata is not a known answer for ours
  network.deliver(
    { response: false },
    { questions: [q('shop.local', RR.A)], answers: [{ name: 'shop.local', type: 'A', data: '10.0.0.1', rclass: CLASS_IN, flush: false, ttl: 120 }] },
  );
  assert.equal(network.sent.length, 2);
});

test('§7.2: a truncated query waits for the rest of its known answers', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false, truncated: true }, { questions: [q('shop.local', RR.A)] }, { address: '192.168.7.42' });
  assert.equal(network.sent.length, 0);
  network.deliver(
    { response: false },
    { answers: [{ name: 'shop.local', type: 'A', data: '10.0.0.7', rclass: CLASS_IN, flush: false, ttl: 120 }] },
    { address: '192.168.7.42' },
  );
  clock.advance(600);
  assert.equal(network.sent.length, 0, 'the follow-up known answer suppressed it');
  network.deliver({ response: false, truncated: true }, { questions: [q('shop.local', RR.AAAA)] }, { address: '192.168.7.43' });
  clock.advance(399);
  assert.equal(network.sent.length, 0);
  clock.advance(200);
  assert.equal(network.sent.length, 1);
});

test('shared records (DNS-SD PTR) wait 20–120 ms; answers carry SRV, TXT and addresses', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false }, { questions: [q('_http._tcp.local', RR.PTR)] });
  assert.equal(network.sent.length, 0);
  clock.advance(120);
  assert.equal(network.sent.length, 1);
  const m = network.sent[0]!.msg;
  assert.ok(m.answers.some((r) => r.type === 'PTR' && r.data === 'v4only._http._tcp.local' && !r.flush));
  assert.deepEqual(m.additionals.map((r) => r.type).sort(), ['A', 'NSEC', 'SRV', 'TXT']);
  network.clear();
  clock.advance(2000);
  network.deliver({ response: false }, { questions: [q('_services._dns-sd._udp.local', RR.PTR)] });
  clock.advance(120);
  assert.ok(network.sent[0]!.msg.answers.some((r) => r.type === 'PTR' && r.data === '_http._tcp.local'));
});

test('names still being probed are not answered; non-zero opcode and rcode are ignored', async () => {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const responder = await MdnsResponder.start({ reporter: new MemoryReporter(), clock, network, random: half });
  publish(responder, [recordSet('new.local', ['10.0.0.1'])]);
  clock.advance(300);
  network.clear();
  network.deliver({ response: false }, { questions: [q('new.local', RR.A)] });
  assert.equal(network.sent.filter((s) => s.msg.response).length, 0);
  clock.advance(3000);
  clock.advance(2000);
  network.clear();
  const pkt = encodeMessage({ response: false }, { questions: [q('new.local', RR.A)] });
  pkt.writeUInt16BE(2 << 11, 2); // opcode 2 (STATUS)
  network.deliverRaw(pkt);
  const pkt2 = Buffer.from(pkt);
  pkt2.writeUInt16BE(3, 2); // rcode 3
  network.deliverRaw(pkt2);
  assert.equal(network.sent.length, 0);
  network.deliver({ response: false }, { questions: [q('new.local', RR.A)] });
  assert.equal(network.sent.length, 1);
});

test('malformed packets are dropped without effect', async () => {
  const { network, responder } = await owned();
  const junk = [
    Buffer.alloc(0),
    Buffer.from([1, 2, 3]),
    Buffer.alloc(12, 0xff),
    Buffer.concat([Buffer.alloc(4), Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 12, 0, 1, 0, 1])]),
  ];
  for (const j of junk) network.deliverRaw(j);
  assert.equal(network.sent.length, 0);
  assert.equal(responder.dropped, junk.length);
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A)] });
  assert.equal(network.sent.length, 1);
});

test('responses from a port other than 5353 are ignored (§11)', async () => {
  const { network, responder } = await owned();
  network.deliver(
    { response: true },
    { answers: [{ name: 'shop.local', type: 'A', data: '10.9.9.9', rclass: CLASS_IN, flush: true, ttl: 120 }] },
    { port: 4000 },
  );
  assert.equal(responder.conflicts().length, 0);
  assert.equal(network.sent.length, 0);
});

test('legacy replies echo odd question names byte for byte, also after a TC wait', async () => {
  const { clock, network } = await owned();
  // question 1: a label holding a dot and a non-UTF-8 byte; question 2: shop.local A
  const odd = Buffer.from([5, 0x73, 0xff, 0x2e, 0x2e, 0x6f, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0, 0, 1, 0, 1]);
  const shop = Buffer.from([4, 0x73, 0x68, 0x6f, 0x70, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0, 0, 1, 0, 1]);
  const head = Buffer.from([0x12, 0x34, 0x02, 0x00, 0, 2, 0, 0, 0, 0, 0, 0]); // TC set
  network.deliverRaw(Buffer.concat([head, odd, shop]), { port: 40000 });
  clock.advance(600);
  assert.equal(network.sent.length, 1);
  const reply = network.sent[0]!.packet;
  assert.equal(reply.readUInt16BE(0), 0x1234);
  assert.deepEqual(reply.subarray(12, 12 + odd.length + shop.length), Buffer.concat([odd, shop]));
});

test('§7.4 duplicate answer suppression: another responder gives our delayed answer first, with a TTL not less than ours', async () => {
  const { clock, network } = await owned();
  const ptr = (ttl: number, data = 'v4only._http._tcp.local'): MdnsRecord => ({
    name: '_http._tcp.local',
    type: 'PTR',
    data,
    rclass: CLASS_IN,
    flush: false,
    ttl,
  });
  // a replica of ours answers the shared PTR during our 20–120 ms wait: ours is not sent
  network.deliver({ response: false }, { questions: [q('_http._tcp.local', RR.PTR)] });
  clock.advance(10);
  network.deliver({ response: true, authoritative: true }, { answers: [ptr(4500)] }, { address: '192.168.7.50' });
  clock.advance(200);
  assert.equal(network.sent.length, 0, 'suppressed');
  // ... and it counts as sent: within the second, the same query is not answered either
  network.deliver({ response: false }, { questions: [q('_http._tcp.local', RR.PTR)] });
  clock.advance(200);
  assert.equal(network.sent.length, 0);
  // a lower TTL than ours does not suppress (caches would hold it for less)
  clock.advance(2000);
  network.deliver({ response: false }, { questions: [q('_http._tcp.local', RR.PTR)] });
  clock.advance(10);
  network.deliver({ response: true, authoritative: true }, { answers: [ptr(2250)] }, { address: '192.168.7.50' });
  clock.advance(200);
  assert.equal(network.sent.length, 1);
  // neither does another record, or the same one on another link/family
  clock.advance(2000);
  network.clear();
  network.deliver({ response: false }, { questions: [q('_http._tcp.local', RR.PTR)] });
  clock.advance(10);
  network.deliver({ response: true }, { answers: [ptr(4500, 'other._http._tcp.local')] }, { address: '192.168.7.50' });
  network.deliver({ response: true }, { answers: [ptr(4500)] }, { address: 'fe80::50%eth0', family: 6 });
  clock.advance(200);
  assert.equal(network.sent.length, 1);
  assert.ok(network.sent[0]!.msg.answers.some((r) => r.type === 'PTR' && r.data === 'v4only._http._tcp.local'));
});

test('§7.4: only the duplicated answers of a multi-answer response are dropped', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false }, { questions: [q('_http._tcp.local', RR.PTR), q('_services._dns-sd._udp.local', RR.PTR)] });
  clock.advance(10);
  network.deliver(
    { response: true },
    { answers: [{ name: '_services._dns-sd._udp.local', type: 'PTR', data: '_http._tcp.local', rclass: CLASS_IN, flush: false, ttl: 4500 }] },
    { address: '192.168.7.50' },
  );
  clock.advance(200);
  assert.equal(network.sent.length, 1);
  assert.deepEqual(
    network.sent[0]!.msg.answers.map((r) => `${r.name} ${r.type === 'PTR' ? r.data : ''}`),
    ['_http._tcp.local v4only._http._tcp.local'],
  );
});

test('§6/§7.2: after the 400–500 ms TC wait, shared answers go out without another 20–120 ms', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false, truncated: true }, { questions: [q('_http._tcp.local', RR.PTR)] }, { address: '192.168.7.42' });
  clock.advance(450); // random 0.5: 400 + 50
  assert.equal(network.sent.length, 1);
});
