// Record data (src/dns/rdata.ts): each type round-trips, malformed rdata is refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import { PacketError, type RecordData, TYPE, decodeRdata, encodeRdata, encodeName, soaSerial, typeCode } from '../../../src/dns/index.js';
import { ZEROCONF_CLAIM, ZEROCONF_CLAIM_LAYOUT } from '../../support/zeroconf-packets.js';

const decode = (type: number, rdata: Buffer) => decodeRdata(rdata, type, 0, rdata.length);

test('A, AAAA, PTR, SRV, TXT, NSEC and other types round-trip', () => {
  const values: RecordData[] = [
    { type: 'A', data: '10.0.0.7' },
    { type: 'AAAA', data: 'fd00::7' },
    { type: 'PTR', data: 'shop._http._tcp.local' },
    { type: 'SRV', data: { priority: 1, weight: 2, port: 8443, target: 'shop.local' } },
    { type: 'TXT', data: [Buffer.from('path=/'), Buffer.alloc(0)] },
    { type: 'NSEC', data: { nextDomain: 'shop.local', types: [TYPE.A, TYPE.AAAA] } },
    { type: 'OTHER', typeCode: TYPE.CNAME, data: encodeName('other.local') },
  ];
  for (const v of values) assert.deepEqual(decode(typeCode(v), encodeRdata(v)), v, v.type);
});

test('encodings match an independent encoder (dns-packet) where it has one', () => {
  assert.deepEqual(
    encodeRdata({ type: 'SRV', data: { priority: 1, weight: 2, port: 80, target: 'shop.local' } }),
    (dnsPacket as unknown as { srv: { encode(d: unknown): Buffer } }).srv.encode({ priority: 1, weight: 2, port: 80, target: 'shop.local' }).subarray(2),
  );
  assert.deepEqual(encodeRdata({ type: 'TXT', data: [Buffer.from('a'), Buffer.from('bc')] }), Buffer.from([1, 0x61, 2, 0x62, 0x63]));
  // RFC 6763 §6.1: no strings still means one empty string
  assert.deepEqual(encodeRdata({ type: 'TXT', data: [] }), Buffer.from([0]));
  // RFC 6762 §6.1 restricted NSEC: window 0, the bitmap as long as the highest type needs
  assert.deepEqual(encodeRdata({ type: 'NSEC', data: { nextDomain: 'shop.local', types: [TYPE.A] } }).subarray(-3), Buffer.from([0, 1, 0x40]));
});

test('malformed rdata is refused with PacketError', () => {
  assert.throws(() => decode(TYPE.A, Buffer.from([1, 2, 3])), PacketError);
  assert.throws(() => decode(TYPE.AAAA, Buffer.alloc(4)), PacketError);
  assert.throws(() => decode(TYPE.SRV, Buffer.alloc(6)), PacketError);
  assert.throws(() => decode(TYPE.TXT, Buffer.from([5, 0x61])), PacketError);
  assert.throws(() => decode(TYPE.PTR, Buffer.from([4, 0x61])), PacketError);
  assert.throws(() => encodeRdata({ type: 'TXT', data: [Buffer.alloc(256)] }), PacketError);
});

test('NSEC: a bitmap with 16-bit window and length fields (python-zeroconf) is refused, not misread', () => {
  const { nsecRdata } = ZEROCONF_CLAIM_LAYOUT;
  assert.throws(() => decodeRdata(ZEROCONF_CLAIM, TYPE.NSEC, nsecRdata, ZEROCONF_CLAIM.length - nsecRdata), /bad NSEC bitmap/);
  // the same NSEC written as RFC 4034 §4.1.2 says (one octet each) reads as AAAA
  const right = Buffer.concat([encodeName('shop.local'), Buffer.from([0, 4, 0, 0, 0, 8])]);
  assert.deepEqual(decode(TYPE.NSEC, right), { type: 'NSEC', data: { nextDomain: 'shop.local', types: [TYPE.AAAA] } });
  // other windows are read too (RFC 4034 §4.1.2): CAA (257) is window 1, bit 1
  const caa = Buffer.concat([encodeName('x.local'), Buffer.from([1, 1, 0x40])]);
  assert.deepEqual(decode(TYPE.NSEC, caa), { type: 'NSEC', data: { nextDomain: 'x.local', types: [TYPE.CAA] } });
});

test('soaSerial reads past two possibly compressed names (RFC 1035 §3.3.13)', () => {
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32BE(2024120601, 0);
  const rdata = Buffer.concat([encodeName('ns.dev.k8s'), encodeName('admin.dev.k8s'), fixed]);
  assert.equal(soaSerial(rdata, 0, rdata.length), 2024120601);
  assert.throws(() => soaSerial(rdata, 0, rdata.length - 1), PacketError);
});
