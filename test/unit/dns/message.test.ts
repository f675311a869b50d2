// The message coder (src/dns/message.ts): header, strict and tolerant reading, byte offsets.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CLASS,
  PacketError,
  TYPE,
  decodeHeader,
  decodeMessage,
  encodeHeader,
  encodeMessage,
  encodeQuestion,
  encodeRdata,
  encodeRecord,
  readFrames,
} from '../../../src/dns/index.js';
import { ZEROCONF_CLAIM, ZEROCONF_CLAIM_LAYOUT } from '../../support/zeroconf-packets.js';

const FLUSH_IN = 0x8000 | CLASS.IN;
const aRecord = (name: string, ip: string, klass = FLUSH_IN) =>
  encodeRecord({ name, type: TYPE.A, class: klass, ttl: 120 }, encodeRdata({ type: 'A', data: ip }));

function header(qd: number, an = 0, ns = 0, ar = 0, flags = 0): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(flags, 2);
  b.writeUInt16BE(qd, 4);
  b.writeUInt16BE(an, 6);
  b.writeUInt16BE(ns, 8);
  b.writeUInt16BE(ar, 10);
  return b;
}

test('header: every field round-trips (RFC 1035 §4.1.1)', () => {
  const h = { id: 0xbeef, qr: true, opcode: 5, aa: true, tc: false, rd: true, ra: false, rcode: 9 };
  const buf = encodeHeader(h, [1, 2, 3, 4]);
  assert.equal(buf.toString('hex'), 'beef' + 'ad09' + '0001000200030004');
  assert.deepEqual(decodeHeader(buf), { ...h, counts: [1, 2, 3, 4] });
  assert.throws(() => decodeHeader(Buffer.alloc(11)), PacketError);
});

test('malformed packets throw PacketError only', () => {
  const good = encodeMessage({ qr: true }, [[], [aRecord('shop.local', '10.0.0.1')], [], []]);
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['short header', Buffer.alloc(5)],
    ['huge counts', header(65535, 65535, 65535, 65535)],
    ['truncated', good.subarray(0, good.length - 3)],
    ['self pointer', Buffer.concat([header(1), Buffer.from([0xc0, 12, 0, 1, 0, 1])])],
    ['pointer loop', Buffer.concat([header(1), Buffer.from([1, 0x61, 0xc0, 12, 0, 1, 0, 1])])],
    ['forward pointer', Buffer.concat([header(1), Buffer.from([0xc0, 40, 0, 1, 0, 1]), Buffer.alloc(40)])],
    ['bad label type', Buffer.concat([header(1), Buffer.from([0x41, 0x61, 0, 0, 1, 0, 1])])],
    ['label past end', Buffer.concat([header(1), Buffer.from([63, 0x61, 0, 1, 0, 1])])],
    ['A with 3 bytes', Buffer.concat([header(0, 1), Buffer.from([1, 0x61, 0, 0, 1, 0, 1, 0, 0, 0, 120, 0, 3, 1, 2, 3])])],
    ['rdlength past end', Buffer.concat([header(0, 1), Buffer.from([1, 0x61, 0, 0, 1, 0, 1, 0, 0, 0, 120, 0, 200, 1, 2, 3, 4])])],
  ];
  const longName = Buffer.concat([
    ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 0x61)])),
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
  cases.push(['name over 255', Buffer.concat([header(1), longName])]);
  for (const [label, buf] of cases) {
    assert.throws(() => decodeMessage(buf), PacketError, label);
  }
});

test('a label containing a dot cannot pose as our name', () => {
  const buf = Buffer.concat([header(1), Buffer.from([10]), Buffer.from('shop.local'), Buffer.from([0, 0, 1, 0, 1])]);
  const q = decodeMessage(buf).questions[0]!;
  assert.notEqual(q.name.toLowerCase(), 'shop.local');
  assert.equal(q.name, 'shop\\.local');
});

/** The packet the fuzz tests mutate: a QU ANY question, an A record and an NSEC. */
function fuzzBase(): Buffer {
  return encodeMessage({ qr: true }, [
    [encodeQuestion({ name: 'shop.local', type: TYPE.ANY, class: 0x8001 })],
    [
      aRecord('shop.local', '10.0.0.1'),
      encodeRecord(
        { name: 'shop.local', type: TYPE.NSEC, class: FLUSH_IN, ttl: 120 },
        encodeRdata({ type: 'NSEC', data: { nextDomain: 'shop.local', types: [TYPE.A] } }),
      ),
    ],
    [],
    [],
  ]);
}

function* fuzzCases(seed: number, count: number): Generator<Buffer> {
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const base = fuzzBase();
  for (let i = 0; i < count; i++) {
    let buf: Buffer;
    if (i % 2 === 0) {
      buf = Buffer.from(base);
      const flips = 1 + Math.floor(rnd() * 6);
      for (let f = 0; f < flips; f++) buf[Math.floor(rnd() * buf.length)] = Math.floor(rnd() * 256);
      if (rnd() < 0.3) buf = buf.subarray(0, Math.floor(rnd() * buf.length));
    } else {
      buf = Buffer.from(Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256)));
    }
    yield buf;
  }
}

test('fuzz: random and mutated buffers never throw anything but PacketError', () => {
  for (const buf of fuzzCases(12345, 20000)) {
    try {
      decodeMessage(buf);
    } catch (err) {
      assert.ok(err instanceof PacketError, `non-PacketError for ${buf.toString('hex')}: ${String(err)}`);
    }
  }
});

test('fuzz: tolerant mode throws only for a packet shorter than a header, and reads a well-formed packet as strict mode does', () => {
  let wellFormed = 0;
  let partial = 0;
  for (const buf of fuzzCases(777, 20000)) {
    let tolerant;
    try {
      tolerant = decodeMessage(buf, 'tolerant');
    } catch (err) {
      assert.ok(err instanceof PacketError && buf.length < 12, `tolerant threw for ${buf.toString('hex')}: ${String(err)}`);
      continue;
    }
    let strict;
    try {
      strict = decodeMessage(buf, 'strict');
    } catch {
      partial++;
      assert.ok(tolerant.stopped !== undefined || tolerant.skipped.length > 0, `strict refused what tolerant read whole: ${buf.toString('hex')}`);
      continue;
    }
    wellFormed++;
    assert.deepEqual(tolerant, strict);
    assert.deepEqual([tolerant.skipped, tolerant.stopped], [[], undefined]);
  }
  assert.ok(wellFormed > 100 && partial > 100, `both kinds exercised: ${wellFormed} well-formed, ${partial} not`);
});

test("strict mode refuses the message whole for one record it cannot parse (python-zeroconf's NSEC)", () => {
  assert.throws(
    () => decodeMessage(ZEROCONF_CLAIM),
    (err: unknown) => err instanceof PacketError && /NSEC/.test(err.message),
  );
});

test('tolerant mode skips only the NSEC it cannot parse and keeps the A record beside it (python-zeroconf, RFC 6762 §6.1)', () => {
  const m = decodeMessage(ZEROCONF_CLAIM, 'tolerant');
  assert.equal(m.qr, true);
  assert.equal(m.aa, true);
  assert.deepEqual(
    m.answers.map((r) => [r.name, r.type, r.class, r.ttl, r.rdata, r.start]),
    [['shop.local', TYPE.A, FLUSH_IN, 120, { type: 'A', data: '192.168.7.99' }, ZEROCONF_CLAIM_LAYOUT.aRecord]],
  );
  assert.deepEqual(m.additionals, [], 'the NSEC is not guessed at');
  assert.equal(m.stopped, undefined, 'the walk went to the end');
  assert.equal(m.skipped.length, 1);
  const s = m.skipped[0]!;
  assert.deepEqual([s.section, s.name, s.type, s.class, s.ttl], ['additionals', 'shop.local', TYPE.NSEC, FLUSH_IN, 4500]);
  assert.deepEqual([s.start, s.rdataOffset, s.end], [ZEROCONF_CLAIM_LAYOUT.nsecRecord, ZEROCONF_CLAIM_LAYOUT.nsecRdata, ZEROCONF_CLAIM.length]);
  assert.match(s.reason, /NSEC/);
});

test('tolerant mode: a record that cannot be framed ends the walk; what came before is kept', () => {
  const two = encodeMessage({ qr: true }, [[], [aRecord('a.local', '10.0.0.1'), aRecord('b.local', '10.0.0.2')], [], []]);
  const cut = two.subarray(0, two.length - 2);
  assert.throws(() => decodeMessage(cut), PacketError);
  const m = decodeMessage(cut, 'tolerant');
  assert.deepEqual(
    m.answers.map((r) => r.name),
    ['a.local'],
  );
  assert.equal(m.stopped, 'rdata runs past the end');
  assert.deepEqual(m.skipped, []);
});

test('every record keeps its byte offsets: the bytes before the last record are what TSIG signs (RFC 8945 §4.3.2)', () => {
  const records = [aRecord('a.local', '10.0.0.1'), aRecord('b.local', '10.0.0.2', CLASS.IN), aRecord('c.local', '10.0.0.3')];
  const q = encodeQuestion({ name: 'a.local', type: TYPE.A, class: CLASS.IN });
  const buf = encodeMessage({ id: 7 }, [[q], [records[0]!], [records[1]!], [records[2]!]]);
  for (const frames of [readFrames(buf), decodeMessage(buf)]) {
    const all = [...frames.answers, ...frames.authorities, ...frames.additionals];
    let at = 12 + q.length;
    all.forEach((r, i) => {
      assert.deepEqual(buf.subarray(r.start, r.end), records[i], `record ${i} spans its own bytes`);
      assert.equal(r.start, at);
      assert.equal(r.rdataOffset, r.end - 4);
      at = r.end;
    });
    assert.equal(at, buf.length);
  }
  // frames only: the rdata of any type is left in place, unread
  const soa = encodeRecord({ name: 'dev.k8s', type: TYPE.SOA, class: CLASS.IN, ttl: 0 }, Buffer.from([0xff]));
  const f = readFrames(encodeMessage({}, [[], [soa], [], []]));
  assert.deepEqual([f.answers[0]!.type, f.answers[0]!.end - f.answers[0]!.rdataOffset], [TYPE.SOA, 1]);
});

test('questions keep their exact wire bytes, compressed or not', () => {
  const q = Buffer.concat([Buffer.from([4]), Buffer.from('Shop'), Buffer.from([5]), Buffer.from('local'), Buffer.from([0, 0, 1, 0x80, 1])]);
  const second = Buffer.from([0xc0, 12, 0, 28, 0, 1]);
  const m = decodeMessage(Buffer.concat([header(2), q, second]));
  assert.deepEqual(
    m.questions.map((x) => [x.name, x.type, x.class]),
    [
      ['Shop.local', TYPE.A, 0x8001],
      ['Shop.local', TYPE.AAAA, CLASS.IN],
    ],
  );
  assert.deepEqual(m.questions[1]!.nameWire, q.subarray(0, 12), 'the pointer is resolved into the bytes it points at');
});
