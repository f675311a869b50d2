import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import {
  CLASS_IN,
  type MdnsRecord,
  PacketError,
  RR,
  decodeMessage,
  decodeReceived,
  encodeMessage,
  encodeRecord,
  packMessages,
  recordKey,
} from '../../../src/mdns/packet.js';
import { nsecRecord } from '../../../src/mdns/host-records.js';
import { ZEROCONF_CLAIM } from '../../support/zeroconf-packets.js';

function rec(name: string, ip: string, flush = true): MdnsRecord {
  return { name, type: 'A', data: ip, rclass: CLASS_IN, flush, ttl: 120 };
}

test('QU bit is read from the raw class (dns-packet loses it)', () => {
  const buf = encodeMessage({ response: false }, { questions: [{ name: 'shop.local', typeCode: RR.A, qclass: CLASS_IN, unicastResponse: true }] });
  // the raw class field is 0x8001
  assert.equal(buf.readUInt16BE(buf.length - 2), 0x8001);
  const q = decodeMessage(buf).questions[0]!;
  assert.equal(q.unicastResponse, true);
  assert.equal(q.qclass, CLASS_IN);
  // the library's own decoder cannot tell QU from QM: the reason for our decoder
  const lib = dnsPacket.decode(buf).questions![0] as unknown as { class: string };
  assert.notEqual(lib.class, 'IN');
  const qm = decodeMessage(
    encodeMessage({ response: false }, { questions: [{ name: 'shop.local', typeCode: RR.A, qclass: CLASS_IN, unicastResponse: false }] }),
  );
  assert.equal(qm.questions[0]!.unicastResponse, false);
});

test('cache-flush bit round-trips separately from the class', () => {
  const m = decodeMessage(
    encodeMessage({ response: true, authoritative: true }, { answers: [rec('a.local', '10.0.0.1', true), rec('b.local', '10.0.0.2', false)] }),
  );
  assert.equal(m.answers[0]!.flush, true);
  assert.equal(m.answers[0]!.rclass, CLASS_IN);
  assert.equal(m.answers[1]!.flush, false);
  assert.equal(m.authoritative, true);
  assert.equal(m.response, true);
  assert.equal(m.id, 0);
});

test('labels over 63 bytes and names over 255 bytes are refused when encoding', () => {
  assert.throws(() => encodeRecord(rec(`${'x'.repeat(64)}.local`, '10.0.0.1')), PacketError);
  assert.doesNotThrow(() => encodeRecord(rec(`${'x'.repeat(63)}.local`, '10.0.0.1')));
  const long = Array.from({ length: 5 }, () => 'y'.repeat(60)).join('.') + '.local';
  assert.throws(() => encodeRecord(rec(long, '10.0.0.1')), PacketError);
  assert.throws(() => encodeRecord(rec('a..local', '10.0.0.1')), PacketError);
});

test('NSEC: next domain is the owner, bitmap holds only our types (window 0)', () => {
  const nsec = nsecRecord('shop.local', [RR.A], 120);
  const bytes = encodeRecord(nsec);
  // name(12) + type/class/ttl/len(10) + next name(12) + window 0, length 1, A bit (0x40)
  assert.deepEqual([...bytes.subarray(bytes.length - 3)], [0, 1, 0x40]);
  const m = decodeMessage(encodeMessage({ response: true }, { answers: [nsecRecord('shop.local', [RR.A, RR.AAAA], 120)] }));
  const r = m.answers[0]!;
  assert.equal(r.type, 'NSEC');
  if (r.type !== 'NSEC') return;
  assert.equal(r.data.nextDomain, 'shop.local');
  assert.deepEqual(r.data.types, [RR.A, RR.AAAA]);
  assert.equal(r.flush, true);
  // dns-packet reads our NSEC the same way
  const lib = dnsPacket.decode(encodeMessage({ response: true }, { answers: [nsecRecord('shop.local', [RR.AAAA], 120)] }));
  assert.deepEqual((lib.answers![0] as { data: { rrtypes: string[] } }).data.rrtypes, ['AAAA']);
});

test('SRV, TXT, PTR, AAAA round-trip', () => {
  const answers: MdnsRecord[] = [
    { name: 'shop._http._tcp.local', type: 'SRV', data: { priority: 0, weight: 0, port: 8443, target: 'shop.local' }, rclass: CLASS_IN, flush: true, ttl: 120 },
    { name: 'shop._http._tcp.local', type: 'TXT', data: [Buffer.from('path=/')], rclass: CLASS_IN, flush: true, ttl: 4500 },
    { name: '_http._tcp.local', type: 'PTR', data: 'shop._http._tcp.local', rclass: CLASS_IN, flush: false, ttl: 4500 },
    { name: 'shop.local', type: 'AAAA', data: 'fd00::1', rclass: CLASS_IN, flush: true, ttl: 120 },
  ];
  const m = decodeMessage(encodeMessage({ response: true }, { answers }));
  assert.deepEqual(
    m.answers.map((r) => r.type),
    ['SRV', 'TXT', 'PTR', 'AAAA'],
  );
  const [srv, txt, ptr, aaaa] = m.answers;
  assert.ok(srv?.type === 'SRV' && srv.data.port === 8443 && srv.data.target === 'shop.local');
  assert.ok(txt?.type === 'TXT' && txt.data[0]!.toString() === 'path=/');
  assert.ok(ptr?.type === 'PTR' && ptr.data === 'shop._http._tcp.local');
  assert.ok(aaaa?.type === 'AAAA' && aaaa.data === 'fd00::1');
});

test('packing: every packet within the limit, nothing lost, parts kept whole', () => {
  const parts = Array.from({ length: 500 }, (_, i) => ({
    questions: [{ name: `host-${i}.local`, typeCode: RR.ANY, qclass: CLASS_IN, unicastResponse: true }],
    authorities: [rec(`host-${i}.local`, `10.0.${i >> 8}.${i & 255}`), { ...rec(`host-${i}.local`, '10.9.9.9'), type: 'AAAA' as const, data: 'fd00::9' }],
  }));
  const packets = packMessages({ response: false }, parts, 1460);
  assert.ok(packets.length > 1 && packets.length < 50, `packets: ${packets.length}`);
  let questions = 0;
  for (const p of packets) {
    assert.ok(p.length <= 1460, `packet of ${p.length} bytes`);
    const m = decodeMessage(p);
    questions += m.questions.length;
    // each probed name's proposed records travel with its question
    for (const q of m.questions) assert.equal(m.authorities.filter((r) => r.name === q.name).length, 2);
  }
  assert.equal(questions, 500);
});

test('packing: additionals only where they fit, never duplicating an answer', () => {
  const a = rec('x.local', '10.0.0.1');
  const [one] = packMessages({ response: true }, [{ answers: [a], additionals: [a, rec('x.local', '10.0.0.2')] }], 1460);
  const m = decodeMessage(one!);
  assert.equal(m.answers.length, 1);
  assert.equal(m.additionals.length, 1);
  const tight = packMessages({ response: true }, [{ answers: [a], additionals: [rec('x.local', '10.0.0.2')] }], 12 + 26);
  assert.equal(tight.length, 1);
  assert.equal(decodeMessage(tight[0]!).additionals.length, 0);
});

test('packing: legacy echo questions go in every packet', () => {
  const q = { name: 'x.local', typeCode: RR.A, qclass: CLASS_IN, unicastResponse: false };
  const packets = packMessages(
    { response: true, id: 4242 },
    Array.from({ length: 100 }, (_, i) => ({ answers: [rec('x.local', `10.0.0.${i}`)] })),
    512,
    [q],
  );
  assert.ok(packets.length > 1);
  for (const p of packets) {
    const m = decodeMessage(p);
    assert.equal(m.id, 4242);
    assert.equal(m.questions.length, 1);
  }
});

function header(qd: number, an = 0, ns = 0, ar = 0, flags = 0): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(flags, 2);
  b.writeUInt16BE(qd, 4);
  b.writeUInt16BE(an, 6);
  b.writeUInt16BE(ns, 8);
  b.writeUInt16BE(ar, 10);
  return b;
}

test('compressed names decode (backward pointers)', () => {
  // question shop.local, answer name = pointer to offset 12
  const q = Buffer.concat([Buffer.from([4]), Buffer.from('shop'), Buffer.from([5]), Buffer.from('local'), Buffer.from([0, 0, 1, 0, 1])]);
  const a = Buffer.from([0xc0, 12, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 10, 0, 0, 7]);
  const m = decodeMessage(Buffer.concat([header(1, 1, 0, 0, 0x8400), q, a]));
  assert.equal(m.answers[0]!.name, 'shop.local');
  assert.equal(m.answers[0]!.flush, true);
  assert.ok(m.answers[0]!.type === 'A' && m.answers[0]!.data === '10.0.0.7');
});

test('packing: a later answer replaces the same record placed earlier as an additional', () => {
  const aaaa: MdnsRecord = { name: 'x.local', type: 'AAAA', data: 'fd00::1', rclass: CLASS_IN, flush: true, ttl: 120 };
  const [p] = packMessages(
    { response: true },
    [
      { answers: [rec('x.local', '10.0.0.1')], additionals: [aaaa] },
      { answers: [aaaa], additionals: [rec('x.local', '10.0.0.1')] },
    ],
    1460,
  );
  const m = decodeMessage(p!);
  assert.deepEqual(
    m.answers.map((r) => r.type),
    ['A', 'AAAA'],
  );
  assert.equal(m.additionals.length, 0);
});

// ---------------------------------------------------------------- name compression (RFC 1035 §4.1.4)

/** Offsets of every compression pointer in a packet, with their targets (names walked by hand). */
function pointers(buf: Buffer): { at: number; to: number }[] {
  const out: { at: number; to: number }[] = [];
  const m = decodeMessage(buf);
  let pos = 12;
  const skipName = () => {
    for (;;) {
      const len = buf[pos]!;
      if (len === 0) {
        pos += 1;
        return;
      }
      if ((len & 0xc0) === 0xc0) {
        out.push({ at: pos, to: ((len & 0x3f) << 8) | buf[pos + 1]! });
        pos += 2;
        return;
      }
      pos += 1 + len;
    }
  };
  for (let i = 0; i < m.questions.length; i++) {
    skipName();
    pos += 4;
  }
  for (const r of [...m.answers, ...m.authorities, ...m.additionals]) {
    skipName();
    const rdlen = buf.readUInt16BE(pos + 8);
    pos += 10;
    const end = pos + rdlen;
    if (r.type === 'PTR') skipName();
    pos = end;
  }
  return out;
}

test('compression: a repeated owner name becomes a 2-byte pointer to the first', () => {
  const [p] = packMessages({ response: true }, [{ answers: [rec('shop.local', '10.0.0.1'), rec('shop.local', '10.0.0.2')] }]);
  // header 12 + (shop.local 12 + 10 + 4) + (pointer 2 + 10 + 4)
  assert.equal(p!.length, 12 + 26 + 16);
  assert.deepEqual([...p!.subarray(38, 40)], [0xc0, 12]);
  assert.deepEqual(
    decodeMessage(p!).answers.map((r) => `${r.name} ${r.type === 'A' ? r.data : ''}`),
    ['shop.local 10.0.0.1', 'shop.local 10.0.0.2'],
  );
  // a shared ending: "local" of cart.local points into shop.local
  const [q] = packMessages({ response: true }, [{ answers: [rec('shop.local', '10.0.0.1'), rec('cart.local', '10.0.0.2')] }]);
  assert.deepEqual(pointers(q!), [{ at: 38 + 5, to: 17 }]);
});

test('compression: 1000 probes take fewer packets than their uncompressed bytes would need', () => {
  const parts = Array.from({ length: 1000 }, (_, i) => ({
    questions: [{ name: `host-${i}.local`, typeCode: RR.ANY, qclass: CLASS_IN, unicastResponse: true }],
    authorities: [rec(`host-${i}.local`, `10.0.${i >> 8}.${i & 255}`)],
  }));
  const uncompressed = parts.reduce((s, p) => s + encodeMessage({ response: false }, p).length - 12, 0);
  const floor = Math.ceil(uncompressed / (1460 - 12));
  const packets = packMessages({ response: false }, parts, 1460);
  assert.ok(packets.length < floor * 0.75, `${packets.length} packets; uncompressed needs at least ${floor}`);
  let names = 0;
  for (const p of packets) {
    assert.ok(p.length <= 1460);
    const m = decodeMessage(p);
    names += m.questions.length;
    for (const q of m.questions) assert.equal(m.authorities.filter((r) => r.name === q.name).length, 1);
    for (const ptr of pointers(p)) assert.ok(ptr.to < ptr.at, 'pointers point backwards');
  }
  assert.equal(names, 1000);
});

test('compression: dns-packet (an independent decoder) reads our packets as we meant them', () => {
  const answers: MdnsRecord[] = [
    { name: '_http._tcp.local', type: 'PTR', data: 'shop._http._tcp.local', rclass: CLASS_IN, flush: false, ttl: 4500 },
    { name: 'shop._http._tcp.local', type: 'SRV', data: { priority: 0, weight: 0, port: 80, target: 'shop.local' }, rclass: CLASS_IN, flush: true, ttl: 120 },
    { name: 'shop._http._tcp.local', type: 'TXT', data: [Buffer.from('path=/')], rclass: CLASS_IN, flush: true, ttl: 4500 },
    { name: '_services._dns-sd._udp.local', type: 'PTR', data: '_http._tcp.local', rclass: CLASS_IN, flush: false, ttl: 4500 },
    rec('shop.local', '10.0.0.7'),
    { name: 'shop.local', type: 'AAAA', data: 'fd00::7', rclass: CLASS_IN, flush: true, ttl: 120 },
  ];
  const odd = Buffer.from([5, 0x73, 0xff, 0x2e, 0x2e, 0x6f, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0]);
  const fixed = [{ name: 'ignored', typeCode: RR.A, qclass: CLASS_IN, unicastResponse: false, nameWire: odd }];
  const [p] = packMessages({ response: true, id: 7 }, [{ answers, additionals: [nsecRecord('shop.local', [RR.A, RR.AAAA], 120)] }], 1460, fixed);
  assert.ok(p!.length < encodeMessage({ response: true }, { answers, additionals: [nsecRecord('shop.local', [RR.A, RR.AAAA], 120)] }).length + odd.length + 4);
  assert.deepEqual(p!.subarray(12, 12 + odd.length), odd, 'the echoed question is written as it came');
  const lib = dnsPacket.decode(p!);
  const data = (r: dnsPacket.Answer) =>
    JSON.stringify((r as { data?: unknown }).data, (_k, v: unknown) =>
      v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString() : v,
    );
  assert.deepEqual(
    lib.answers!.map((r) => `${r.name} ${r.type} ${data(r)}`),
    [
      '_http._tcp.local PTR "shop._http._tcp.local"',
      'shop._http._tcp.local SRV {"priority":0,"weight":0,"port":80,"target":"shop.local"}',
      'shop._http._tcp.local TXT ["path=/"]',
      '_services._dns-sd._udp.local PTR "_http._tcp.local"',
      'shop.local A "10.0.0.7"',
      'shop.local AAAA "fd00::7"',
    ],
  );
  assert.equal(lib.additionals![0]!.name, 'shop.local');
  assert.deepEqual((lib.additionals![0] as { data: { nextDomain: string } }).data.nextDomain, 'shop.local');
  // SRV targets and NSEC next-domain names stay uncompressed (BIND refuses them compressed)
  const m = decodeMessage(p!);
  assert.ok(m.answers[1]!.type === 'SRV' && m.answers[1]!.data.target === 'shop.local');
  const target = Buffer.from([4, 0x73, 0x68, 0x6f, 0x70, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0]);
  const srvAt = p!.indexOf(Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 80]), target]));
  assert.ok(srvAt > 0, 'SRV target written in full');
  const nsecAt = p!.length - 6 - target.length; // bitmap: window 0, 4 bytes (A, AAAA)
  assert.deepEqual(p!.subarray(nsecAt, nsecAt + target.length), target, 'NSEC next domain written in full');
});

test('compression: random packing never exceeds the limit nor loses a required record', () => {
  let seed = 99;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const names = ['a.local', 'b.local', 'shop.local', 'x.y.local', '_http._tcp.local', 'shop._http._tcp.local', 'Shop.local'];
  const anyRecord = (): MdnsRecord => {
    const name = names[rnd(names.length)]!;
    switch (rnd(4)) {
      case 0:
        return rec(name, `10.0.${rnd(4)}.${rnd(256)}`);
      case 1:
        return { name, type: 'PTR', data: names[rnd(names.length)]!, rclass: CLASS_IN, flush: false, ttl: 4500 };
      case 2:
        return {
          name,
          type: 'SRV',
          data: { priority: 0, weight: 0, port: rnd(65535), target: names[rnd(names.length)]! },
          rclass: CLASS_IN,
          flush: true,
          ttl: 120,
        };
      default:
        return nsecRecord(name, [RR.A], 120);
    }
  };
  for (let round = 0; round < 200; round++) {
    const max = 100 + rnd(1400);
    const parts = Array.from({ length: 1 + rnd(40) }, () => ({
      ...(rnd(3) === 0 ? { questions: [{ name: names[rnd(names.length)]!, typeCode: RR.ANY, qclass: CLASS_IN, unicastResponse: true }] } : {}),
      answers: Array.from({ length: rnd(3) }, anyRecord),
      ...(rnd(2) ? { authorities: [anyRecord()] } : {}),
      additionals: Array.from({ length: rnd(4) }, anyRecord),
    }));
    const packets = packMessages({ response: true }, parts, max);
    const seen = new Set<string>();
    for (const p of packets) {
      const m = decodeMessage(p);
      const items = m.questions.length + m.answers.length + m.authorities.length + m.additionals.length;
      if (items > 1) assert.ok(p.length <= max, `round ${round}: ${p.length} > ${max}`);
      for (const ptr of pointers(p)) assert.ok(ptr.to < ptr.at);
      for (const r of m.answers) seen.add(`an ${recordKey(r)}`);
      for (const r of m.authorities) seen.add(`ns ${recordKey(r)}`);
      // our decoder and dns-packet agree on every owner name
      assert.deepEqual(
        dnsPacket.decode(p).answers!.map((r) => r.name.toLowerCase()),
        m.answers.map((r) => r.name.toLowerCase()),
      );
    }
    for (const part of parts) {
      for (const r of part.answers) assert.ok(seen.has(`an ${recordKey(r)}`), `round ${round}: answer lost`);
      for (const r of part.authorities ?? []) assert.ok(seen.has(`ns ${recordKey(r)}`), `round ${round}: authority lost`);
    }
  }
});

// ---------------------------------------------------------------- what the responder accepts

test('§6.1: an NSEC we cannot parse (python-zeroconf) is left out; the A record beside it is kept', () => {
  assert.throws(() => decodeMessage(ZEROCONF_CLAIM), PacketError, 'the strict decoder refuses it whole');
  const m = decodeReceived(ZEROCONF_CLAIM);
  assert.equal(m.response, true);
  assert.deepEqual(m.answers, [{ type: 'A', data: '192.168.7.99', name: 'shop.local', rclass: CLASS_IN, flush: true, ttl: 120 }]);
  assert.deepEqual(m.additionals, []);
});

test('decodeReceived lets off only an NSEC: another malformed record, or a message that does not frame, is refused whole', () => {
  const good = rec('shop.local', '192.168.7.99');
  const badAaaa: MdnsRecord = {
    name: 'shop.local',
    type: 'OTHER',
    typeCode: RR.AAAA,
    data: Buffer.from([0xfd, 0, 0]),
    rclass: CLASS_IN,
    flush: true,
    ttl: 120,
  };
  assert.throws(() => decodeReceived(encodeMessage({ response: true }, { answers: [good, badAaaa] })), PacketError);
  const cut = encodeMessage({ response: true }, { answers: [good, good] });
  assert.throws(() => decodeReceived(cut.subarray(0, cut.length - 1)), PacketError);
  // a well-formed message reads exactly as the strict decoder reads it
  const fine = encodeMessage({ response: true }, { answers: [good, nsecRecord('shop.local', [RR.A], 120)] });
  assert.deepEqual(decodeReceived(fine), decodeMessage(fine));
});
