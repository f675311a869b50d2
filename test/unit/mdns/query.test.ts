// diff's view of the link (src/mdns/query.ts): the reply filter — RFC 6762 §6 (source port 5353),
// §11 (on-link sources only), §6.7 (the reply echoes our query's ID); the lenient reading of
// replies that hold a malformed record (python3-zeroconf 0.47's NSEC, captured on a veth);
// and the DNS-SD browse (RFC 6763): PTR -> SRV -> A/AAAA, asking only for what a reply lacks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLASS_IN, type MdnsRecord, PacketError, RR, decodeMessage, encodeMessage, packMessages } from '../../../src/mdns/packet.js';
import { nsecRecord } from '../../../src/mdns/host-records.js';
import { LinkObserver, MAX_FOLLOW_UPS, acceptsReply, decodeTolerant, readReply } from '../../../src/mdns/query.js';
import { ETH0 } from './helpers.js';

const reply = (id: number, response = true) =>
  decodeMessage(
    encodeMessage(
      { response, authoritative: true, id },
      { answers: [{ name: 'shop.local', type: 'A', data: '10.0.0.7', rclass: CLASS_IN, flush: false, ttl: 10 }] },
    ),
  );

test('queryLink believes replies from port 5353, on one of its links, echoing one of its IDs', () => {
  const ids = new Set([4242]);
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 5353 }, reply(4242)), true);
  assert.equal(acceptsReply([ETH0], ids, { address: 'fe80::99%eth0', port: 5353 }, reply(4242)), true);
  assert.equal(acceptsReply([ETH0], ids, { address: '203.0.113.9', port: 5353 }, reply(4242)), false, 'off-link source (§11)');
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 40000 }, reply(4242)), false, 'not from port 5353 (§6)');
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 5353 }, reply(7)), false, 'an ID we never sent (§6.7)');
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 5353 }, reply(4242, false)), false, 'a query, not a reply');
});

// ---------------------------------------------------------------- lenient reading

// python3-zeroconf 0.47.3 (Debian 12) registering ServiceInfo('_http._tcp.local.',
// 'shop._http._tcp.local.', server='shop.local.', addresses=[10.0.0.7], port 80), answering
// `dig -p 5353 @224.0.0.251` from another namespace; UDP payloads as tshark shows them.
// Its NSEC writes the bitmap's window and length as 16-bit fields (window 0, length 0, then
// 00 04 ...): RFC 4034 §4.1.2 has one octet each, and a length of 0 is invalid.
// Legacy reply to `shop.local A` (ID 0x1986): answer A 10.0.0.7, additional NSEC.
const ZEROCONF_A = Buffer.from(
  '1986840000010001000000010473686f70056c6f63616c0000010001c00c000100010000007800040a000007c00c002f000100001194000ac00c0000000400000008',
  'hex',
);
// Legacy reply to `_http._tcp.local PTR` (ID 0x425d): answer PTR, additionals TXT, NSEC
// (malformed, *before* the A and SRV), A, SRV.
const ZEROCONF_PTR = Buffer.from(
  '425d84000001000100000004055f68747470045f746370056c6f63616c00000c0001c00c000c00010000119400070473686f70c00cc02e0010000100001194000706706174683d2f0473686f70c017002f000100001194000ac0480000000400000008c048000100010000007800040a000007c02e00210001000000780008000000000050c048',
  'hex',
);

const brief = (rs: readonly MdnsRecord[]) =>
  rs.map((r) => `${r.name} ${r.type} ${typeof r.data === 'string' ? r.data : r.type === 'SRV' ? `${r.data.port} ${r.data.target}` : '…'}`);

test("zeroconf's replies: the strict decoder refuses them whole (its NSEC bitmap is malformed)", () => {
  assert.throws(
    () => decodeMessage(ZEROCONF_A),
    (err: unknown) => err instanceof PacketError && /NSEC/.test(err.message),
  );
  assert.throws(() => decodeMessage(ZEROCONF_PTR), PacketError);
});

test('readReply keeps the well-formed answer before a malformed record (zeroconf, A)', () => {
  const m = readReply(ZEROCONF_A);
  assert.equal(m.id, 0x1986);
  assert.equal(m.response, true);
  assert.deepEqual(
    m.questions.map((q) => `${q.name} ${q.typeCode}`),
    ['shop.local 1'],
    'the echoed question',
  );
  assert.deepEqual(brief(m.answers), ['shop.local A 10.0.0.7']);
  assert.equal(m.answers[0]!.ttl, 120);
  assert.deepEqual(m.additionals, [], 'the NSEC is stepped over, not guessed at');
});

test('readReply steps over a malformed record by its RDLENGTH and keeps the records after it (zeroconf, PTR)', () => {
  const m = readReply(ZEROCONF_PTR);
  assert.deepEqual(brief(m.answers), ['_http._tcp.local PTR shop._http._tcp.local']);
  assert.deepEqual(brief(m.additionals), ['shop.local A 10.0.0.7', 'shop._http._tcp.local SRV 80 shop.local']);
});

test('readReply reads a well-formed reply exactly as the strict decoder does', () => {
  const buf = packMessages({ response: true, authoritative: true, id: 77 }, [
    {
      answers: [{ name: '_http._tcp.local', type: 'PTR', data: 'shop._http._tcp.local', rclass: CLASS_IN, flush: false, ttl: 10 }],
      additionals: [
        { name: 'shop._http._tcp.local', type: 'TXT', data: [Buffer.from('path=/')], rclass: CLASS_IN, flush: false, ttl: 10 },
        nsecRecord('shop.local', [RR.A], 10),
        { name: 'shop.local', type: 'A', data: '10.0.0.1', rclass: CLASS_IN, flush: false, ttl: 10 },
      ],
    },
  ])[0]!;
  assert.deepEqual(readReply(buf), decodeMessage(buf));
});

/** A reply with answers a.local A 10.0.0.1, b.local A 10.0.0.2, c.local A 10.0.0.3 (uncompressed). */
function threeAnswers(): { buf: Buffer; offsets: number[] } {
  const rec = (name: string, ip: string): MdnsRecord => ({ name, type: 'A', data: ip, rclass: CLASS_IN, flush: false, ttl: 10 });
  const buf = encodeMessage({ response: true, id: 5 }, { answers: [rec('a.local', '10.0.0.1'), rec('b.local', '10.0.0.2'), rec('c.local', '10.0.0.3')] });
  // each record: name (9 bytes) + 10 + 4 = 23 bytes, after the 12-byte header
  return { buf, offsets: [12, 35, 58] };
}

test('tolerant walk: a record that cannot be framed ends the walk; the records before it are kept', () => {
  // The last record declares 10 bytes of rdata and the packet holds 8 (runs past the end).
  const nsec = encodeMessage(
    { response: true, id: 9 },
    {
      answers: [
        { name: 'shop.local', type: 'A', data: '10.0.0.7', rclass: CLASS_IN, flush: false, ttl: 10 },
        {
          name: 'shop.local',
          type: 'OTHER',
          typeCode: RR.NSEC,
          data: Buffer.from('c00c00000004000000', 'hex').subarray(0, 8),
          rclass: CLASS_IN,
          flush: false,
          ttl: 10,
        },
      ],
    },
  );
  const cut = Buffer.from(nsec);
  cut.writeUInt16BE(10, cut.length - 10); // RDLENGTH 10, 8 bytes follow
  assert.throws(() => decodeMessage(cut), PacketError);
  assert.deepEqual(brief(readReply(cut).answers), ['shop.local A 10.0.0.7']);

  // A compression pointer that points forwards in the second record: only the first is kept.
  const { buf, offsets } = threeAnswers();
  const fwd = Buffer.from(buf);
  fwd[offsets[1]!] = 0xc0;
  fwd[offsets[1]! + 1] = offsets[2]!;
  assert.throws(() => decodeMessage(fwd), PacketError);
  assert.deepEqual(brief(readReply(fwd).answers), ['a.local A 10.0.0.1']);

  // Counts larger than what the packet holds: the records that are there.
  const more = Buffer.from(buf);
  more.writeUInt16BE(9, 6);
  assert.throws(() => decodeMessage(more), PacketError);
  assert.deepEqual(brief(readReply(more).answers), ['a.local A 10.0.0.1', 'b.local A 10.0.0.2', 'c.local A 10.0.0.3']);
});

test('tolerant walk: an A record of the wrong size is dropped, the others kept', () => {
  const { buf, offsets } = threeAnswers();
  // b.local's A: RDLENGTH 3 with one byte fewer (the rest shifts up; the frame stays consistent).
  const rdlen = offsets[1]! + 9 + 8;
  const bad = Buffer.concat([buf.subarray(0, rdlen), Buffer.from([0, 3]), buf.subarray(rdlen + 2, rdlen + 2 + 3), buf.subarray(offsets[2]!)]);
  assert.throws(() => decodeMessage(bad), PacketError);
  assert.deepEqual(brief(decodeTolerant(bad).answers), ['a.local A 10.0.0.1', 'c.local A 10.0.0.3']);
  assert.throws(() => readReply(Buffer.alloc(11)), PacketError, 'shorter than a header: nothing to read');
});

// ---------------------------------------------------------------- the browse

const TYPES = ['_http._tcp.local', '_https._tcp.local'];
const FROM = { address: '192.168.7.99', port: 5353 };
const r = {
  ptr: (type: string, instance: string): MdnsRecord => ({ name: type, type: 'PTR', data: instance, rclass: CLASS_IN, flush: false, ttl: 10 }),
  srv: (instance: string, target: string, port = 443): MdnsRecord => ({
    name: instance,
    type: 'SRV',
    data: { priority: 0, weight: 0, port, target },
    rclass: CLASS_IN,
    flush: false,
    ttl: 10,
  }),
  a: (name: string, ip: string, ttl = 10): MdnsRecord => ({ name, type: 'A', data: ip, rclass: CLASS_IN, flush: false, ttl }),
  aaaa: (name: string, ip: string): MdnsRecord => ({ name, type: 'AAAA', data: ip, rclass: CLASS_IN, flush: false, ttl: 10 }),
};

function observer(names: string[] = [], own: string[] = [], resolve = true): LinkObserver {
  return new LinkObserver([ETH0], new Set(own), names, TYPES, resolve);
}

/** A legacy reply from `from` to a query the observer sent. */
function answer(o: LinkObserver, body: { answers?: MdnsRecord[]; additionals?: MdnsRecord[] }, from = FROM) {
  const id = o.newId();
  return o.onDatagram(encodeMessage({ response: true, authoritative: true, id }, body), from);
}

const questionsOf = (f: ReturnType<LinkObserver['onDatagram']>) => f?.messages.map((m) => m.map((q) => `${q.name} ${q.typeCode}`).join(' + '));

test('browse: the first queries are A+AAAA per name and PTR per service type, one message each', () => {
  const o = observer(['shop.local']);
  assert.deepEqual(
    o.initialQuestions().map((m) => m.map((q) => `${q.name} ${q.typeCode} ${q.unicastResponse}`)),
    [['shop.local 1 false', 'shop.local 28 false'], ['_http._tcp.local 12 false'], ['_https._tcp.local 12 false']],
  );
});

test('browse: SRV and addresses in the Additional section are used; nothing more is asked', () => {
  const o = observer(['x.local'], ['192.168.7.99']);
  const next = answer(o, {
    answers: [r.ptr('_https._tcp.local', 'old._https._tcp.local')],
    additionals: [r.srv('old._https._tcp.local', 'old.local'), r.a('old.local', '10.0.0.3'), r.aaaa('old.local', 'fd00::3')],
  });
  assert.equal(next, undefined);
  assert.deepEqual(o.browsed(), [{ hostname: 'old.local', responder: '192.168.7.99', local: true }]);
  assert.deepEqual(
    o.answers().map((x) => `${x.name} ${x.type} ${x.values.join(' ')} ${x.local}`),
    ['old.local A 10.0.0.3 true', 'old.local AAAA fd00::3 true'],
  );
});

test("browse: a PTR without its SRV asks for the SRV, an SRV without addresses asks for them, on the reply's link and family", () => {
  const o = observer();
  const first = answer(o, {
    answers: [r.ptr('_http._tcp.local', 'cam._http._tcp.local'), r.ptr('_http._tcp.local', 'nas._http._tcp.local')],
    additionals: [r.srv('nas._http._tcp.local', 'nas.local', 80)],
  });
  assert.equal(first?.link, 'eth0');
  assert.equal(first?.family, 4);
  assert.deepEqual(questionsOf(first), ['cam._http._tcp.local 33', 'nas.local 1 + nas.local 28']);
  const second = answer(o, { answers: [r.srv('cam._http._tcp.local', 'Cam.local', 80)] });
  assert.deepEqual(questionsOf(second), ['Cam.local 1 + Cam.local 28']);
  assert.equal(answer(o, { answers: [r.a('cam.local', '192.168.7.50')] }), undefined);
  assert.deepEqual(o.browsed(), [
    { hostname: 'Cam.local', responder: '192.168.7.99', local: false },
    { hostname: 'nas.local', responder: '192.168.7.99', local: false },
  ]);
  assert.deepEqual(
    o.answers().map((x) => `${x.name} ${x.type} ${x.values.join(' ')}`),
    ['Cam.local A 192.168.7.50'],
  );
  // The same PTR again (another packet, another responder's copy): not asked twice on a link.
  assert.equal(answer(o, { answers: [r.ptr('_http._tcp.local', 'cam._http._tcp.local')] }), undefined);
  // The same over IPv6 is asked there too.
  assert.deepEqual(questionsOf(answer(o, { answers: [r.ptr('_http._tcp.local', 'cam._http._tcp.local')] }, { address: 'fe80::99%eth0', port: 5353 })), [
    'cam._http._tcp.local 33',
  ]);
});

test('browse: without resolving, only hostnames; other service types, goodbyes and rejected replies are ignored', () => {
  const o = observer([], [], false);
  assert.deepEqual(questionsOf(answer(o, { answers: [r.srv('a._https._tcp.local', 'a.local')] })), undefined, 'no address query when not resolving');
  answer(o, { answers: [r.ptr('_ipp._tcp.local', 'p._ipp._tcp.local'), r.srv('p._ipp._tcp.local', 'printer.local')] });
  answer(o, { answers: [r.srv('gone._http._tcp.local', 'gone.local')].map((x) => ({ ...x, ttl: 0 })) });
  answer(o, { answers: [r.srv('far._http._tcp.local', 'far.local')] }, { address: '203.0.113.9', port: 5353 });
  answer(o, { answers: [r.srv('port._http._tcp.local', 'port.local')] }, { address: '192.168.7.99', port: 53 });
  assert.equal(o.onDatagram(encodeMessage({ response: true, id: 31337 }, { answers: [r.srv('id._http._tcp.local', 'id.local')] }), FROM), undefined);
  assert.deepEqual(
    o.browsed().map((b) => b.hostname),
    ['a.local'],
  );
});

test("browse: zeroconf's reply (malformed NSEC before the SRV) still names its host", () => {
  const o = observer(['shop.local']);
  o.ids.add(0x425d);
  assert.equal(o.onDatagram(ZEROCONF_PTR, FROM), undefined, 'SRV and A were in the reply');
  assert.deepEqual(o.browsed(), [{ hostname: 'shop.local', responder: '192.168.7.99', local: false }]);
  o.ids.add(0x1986);
  o.onDatagram(ZEROCONF_A, FROM);
  assert.deepEqual(
    o.answers().map((x) => `${x.name} ${x.type} ${x.values.join(' ')} ${x.responder}`),
    ['shop.local A 10.0.0.7 192.168.7.99'],
  );
});

test('browse: follow-up queries stop at MAX_FOLLOW_UPS (a responder naming endless instances)', () => {
  const o = observer();
  let asked = 0;
  for (let i = 0; i < MAX_FOLLOW_UPS + 50; i += 100) {
    const ptrs = Array.from({ length: 100 }, (_, j) => r.ptr('_http._tcp.local', `i${i + j}._http._tcp.local`));
    asked += answer(o, { answers: ptrs })?.messages.length ?? 0;
  }
  assert.equal(asked, MAX_FOLLOW_UPS);
});

test("addresses: every responder's answers per name and type, sorted, goodbyes (TTL 0) left out", () => {
  const o = observer(['Shop.local'], ['192.168.7.10']);
  answer(o, { answers: [r.a('shop.local', '10.0.0.9'), r.a('shop.local', '10.0.0.1'), r.a('other.local', '10.0.0.5'), r.a('shop.local', '10.0.0.4', 0)] });
  answer(o, { answers: [r.aaaa('SHOP.local', 'fd00::1')] }, { address: '192.168.7.10', port: 5353 });
  assert.deepEqual(o.answers(), [
    { name: 'Shop.local', type: 'A', values: ['10.0.0.1', '10.0.0.9'], responder: '192.168.7.99', local: false },
    { name: 'Shop.local', type: 'AAAA', values: ['fd00::1'], responder: '192.168.7.10', local: true },
  ]);
});
