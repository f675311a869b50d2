// Names on the wire (src/dns/names.ts): limits, the canonical form, the bounded reader.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import { PacketError, canonicalName, checkName, encodeName, readName, readNameWire } from '../../../src/dns/index.js';

test('encodeName writes labels as they are (case kept) and refuses what RFC 1035 §2.3.4 forbids', () => {
  assert.equal(encodeName('Shop.local').toString('hex'), '0453686f70056c6f63616c00');
  assert.deepEqual(encodeName('shop.local.'), encodeName('shop.local'));
  assert.deepEqual([...encodeName('.')], [0]);
  assert.deepEqual([...encodeName('')], [0]);
  // an independent encoder agrees
  assert.deepEqual(encodeName('a.b.example'), (dnsPacket as unknown as { name: { encode(n: string): Buffer } }).name.encode('a.b.example'));
  assert.doesNotThrow(() => encodeName(`${'x'.repeat(63)}.local`));
  assert.throws(
    () => encodeName(`${'x'.repeat(64)}.local`),
    (e: unknown) => e instanceof PacketError && /labels must be 1-63 bytes/.test(e.message),
  );
  assert.throws(
    () => encodeName('a..local'),
    (e: unknown) => e instanceof PacketError && /labels must be 1-63 bytes/.test(e.message),
  );
  assert.throws(
    () => encodeName(Array.from({ length: 5 }, () => 'y'.repeat(60)).join('.') + '.local'),
    (e: unknown) => e instanceof PacketError && /longer than 255 bytes/.test(e.message),
  );
});

test('checkName says what is wrong, for people', () => {
  assert.equal(checkName('shop.local'), null);
  assert.match(checkName('a..local')!, /empty label/);
  assert.match(checkName(`${'x'.repeat(64)}.local`)!, /label longer than 63 bytes/);
  assert.match(checkName(Array.from({ length: 5 }, () => 'y'.repeat(60)).join('.'))!, /name longer than 255 bytes/);
});

test('canonicalName: lower case, no trailing dot, the root stays "." (RFC 4034 §6.2)', () => {
  assert.deepEqual(['Shop.Dev.K8s.', 'a.b', '.', ''].map(canonicalName), ['shop.dev.k8s', 'a.b', '.', '']);
});

test('readName follows backward pointers, returns where the name ended, and escapes dots inside labels', () => {
  // 12 bytes of padding stand for a header; "shop.local" at 12, then "www" + pointer to 12
  const buf = Buffer.concat([
    Buffer.alloc(12),
    encodeName('shop.local'),
    Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 12]),
    Buffer.from([4, 0x61, 0x2e, 0x62, 0x5c, 0]),
  ]);
  assert.deepEqual(readName(buf, 12), { name: 'shop.local', next: 24 });
  assert.deepEqual(readName(buf, 24), { name: 'www.shop.local', next: 30 });
  assert.deepEqual(readName(buf, 30), { name: 'a\\.b\\\\', next: 36 });
  const w = readNameWire(buf, 24);
  assert.deepEqual(w.wire, Buffer.concat([Buffer.from([3, 0x77, 0x77, 0x77]), encodeName('shop.local')]));
  assert.deepEqual([w.name, w.next], ['www.shop.local', 30]);
  assert.deepEqual(readName(Buffer.from([0]), 0), { name: '.', next: 1 });
});

test('readName refuses loops, forward pointers and names running off the end', () => {
  assert.throws(() => readName(Buffer.from([0xc0, 0]), 0), /backwards/);
  assert.throws(() => readName(Buffer.concat([Buffer.from([1, 0x61, 0xc0, 2])]), 0), /backwards/);
  assert.throws(() => readName(Buffer.from([3, 0x61]), 0), /past the end/);
  assert.throws(() => readName(Buffer.from([1, 0x61]), 0), /past the end/);
  assert.throws(() => readName(Buffer.from([0x80, 0]), 0), /label type/);
});
