// RFC 2136 UPDATE encoding: header, the four sections, and the class/TTL/rdata rules of
// §2.4 (prerequisites) and §2.5 (updates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { encodeUpdate, prerequisite, update } from '../../../src/unicast/update-message.js';
import { CLASS, TYPE, decodeTxt, parseMessage, rdataA, rdataAAAA, rdataTxt, encodeName } from '../../../src/unicast/wire.js';

const sample = () =>
  encodeUpdate({
    id: 0x1234,
    zone: 'dev.k8s',
    prerequisites: [
      prerequisite.nameNotInUse('new.dev.k8s'),
      ...prerequisite.rrsetEquals('old.dev.k8s', 'TXT', [rdataTxt(['heritage=kubectl-mdns,owner=me'])]),
    ],
    updates: [
      update.add('new.dev.k8s', 'A', 300, rdataA('10.0.0.1')),
      update.add('new.dev.k8s', 'AAAA', 300, rdataAAAA('fd00::1')),
      update.deleteRRset('old.dev.k8s', 'A'),
      update.deleteRR('old.dev.k8s', 'TXT', rdataTxt(['heritage=kubectl-mdns,owner=me'])),
    ],
  });

test('header: opcode 5, ZOCOUNT 1, PRCOUNT, UPCOUNT, ADCOUNT 0 (RFC 2136 §2.2)', () => {
  const buf = sample();
  assert.equal(buf.readUInt16BE(0), 0x1234);
  assert.equal((buf.readUInt16BE(2) >> 11) & 0xf, 5);
  assert.equal(buf.readUInt16BE(2) & 0x8000, 0, 'QR clear: a request');
  assert.deepEqual([buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)], [1, 2, 4, 0]);
});

test('zone section is (zone, SOA, IN) (RFC 2136 §2.3)', () => {
  const m = parseMessage(sample());
  assert.deepEqual(m.questions, [{ name: 'dev.k8s', type: TYPE.SOA, class: CLASS.IN }]);
});

test('prerequisites: NONE ANY for "not in use"; IN, TTL 0, rdata for "RRset equals" (§2.4.5, §2.4.2)', () => {
  const m = parseMessage(sample());
  const [notInUse, txt] = m.answers;
  assert.deepEqual(
    { n: notInUse!.name, t: notInUse!.type, c: notInUse!.class, ttl: notInUse!.ttl, len: notInUse!.rdata.length },
    { n: 'new.dev.k8s', t: TYPE.ANY, c: CLASS.NONE, ttl: 0, len: 0 },
  );
  assert.deepEqual({ t: txt!.type, c: txt!.class, ttl: txt!.ttl }, { t: TYPE.TXT, c: CLASS.IN, ttl: 0 });
  assert.deepEqual(decodeTxt(txt!.rdata), ['heritage=kubectl-mdns,owner=me']);
});

test('updates: add IN with TTL; delete RRset ANY without rdata; delete one RR NONE with rdata (§2.5)', () => {
  const m = parseMessage(sample());
  const rows = m.authorities.map((r) => [r.name, r.type, r.class, r.ttl, r.rdata.toString('hex')]);
  assert.deepEqual(rows, [
    ['new.dev.k8s', TYPE.A, CLASS.IN, 300, '0a000001'],
    ['new.dev.k8s', TYPE.AAAA, CLASS.IN, 300, 'fd000000000000000000000000000001'],
    ['old.dev.k8s', TYPE.A, CLASS.ANY, 0, ''],
    ['old.dev.k8s', TYPE.TXT, CLASS.NONE, 0, rdataTxt(['heritage=kubectl-mdns,owner=me']).toString('hex')],
  ]);
});

test('every prerequisite and update form of the RFC 2136 table', () => {
  const forms = [
    [prerequisite.rrsetExists('a.z', 'A'), CLASS.ANY, TYPE.A, false],
    [prerequisite.rrsetAbsent('a.z', 'AAAA'), CLASS.NONE, TYPE.AAAA, false],
    [prerequisite.nameInUse('a.z'), CLASS.ANY, TYPE.ANY, false],
    [prerequisite.nameNotInUse('a.z'), CLASS.NONE, TYPE.ANY, false],
    [update.deleteName('a.z'), CLASS.ANY, TYPE.ANY, false],
    [update.deleteRRset('a.z', 'TXT'), CLASS.ANY, TYPE.TXT, false],
  ] as const;
  for (const [rr, klass, type] of forms) {
    const m = parseMessage(encodeUpdate({ id: 1, zone: 'z', prerequisites: [rr], updates: [] }));
    assert.deepEqual([m.answers[0]!.class, m.answers[0]!.type, m.answers[0]!.ttl, m.answers[0]!.rdata.length], [klass, type, 0, 0]);
  }
});

test('deterministic and uncompressed: names are written in full every time', () => {
  assert.deepEqual(sample(), sample());
  const buf = sample();
  const owner = encodeName('old.dev.k8s');
  let count = 0;
  for (let i = buf.indexOf(owner); i !== -1; i = buf.indexOf(owner, i + 1)) count++;
  assert.equal(count, 3, 'old.dev.k8s appears in full in each of its three records');
  // The length is exactly that of the uncompressed form: no pointer anywhere.
  const m = parseMessage(buf);
  const records = [...m.answers, ...m.authorities];
  const expected = 12 + encodeName('dev.k8s').length + 4 + records.reduce((n, r) => n + encodeName(r.name).length + 10 + r.rdata.length, 0);
  assert.equal(buf.length, expected);
});

test('dns-packet decodes our UPDATE the same way (an independent parser)', () => {
  const d = dnsPacket.decode(sample()) as ReturnType<typeof dnsPacket.decode> & { opcode: string };
  assert.equal(d.opcode, 'UPDATE');
  assert.equal(d.questions?.[0]?.name, 'dev.k8s');
  assert.equal(d.answers?.length, 2);
  assert.equal(d.authorities?.length, 4);
  assert.deepEqual(
    d.authorities?.slice(0, 2).map((a) => ('data' in a ? a.data : undefined)),
    ['10.0.0.1', 'fd00::1'],
  );
});

test('wildcard owner names are encoded literally (RFC 4592 §2.1.1)', () => {
  const m = parseMessage(encodeUpdate({ id: 1, zone: 'dev.k8s', prerequisites: [], updates: [update.add('*.apps.dev.k8s', 'A', 60, rdataA('10.1.1.1'))] }));
  assert.equal(m.authorities[0]!.name, '*.apps.dev.k8s');
});

test('labels over 63 bytes and names over 255 bytes are refused', () => {
  assert.throws(() => encodeName('a'.repeat(64) + '.dev.k8s'), /labels must be 1-63 bytes/);
  assert.throws(() => encodeName(Array.from({ length: 9 }, () => 'a'.repeat(30)).join('.')), /longer than 255 bytes/);
  assert.throws(() => encodeName('a..b'), /labels must be 1-63 bytes/);
});
