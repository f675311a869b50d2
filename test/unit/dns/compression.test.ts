// Name compression when writing (src/dns/compression.ts): pointers to earlier endings, size
// estimates that never fall short of the bytes written.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CLASS,
  NameWriter,
  SuffixRanks,
  TYPE,
  decodeMessage,
  encodeHeader,
  placeSize,
  prepareQuestion,
  prepareRecord,
  writePrepared,
} from '../../../src/dns/index.js';

test('a repeated name and a shared ending become pointers; the estimate covers what is written; the reader agrees', () => {
  const items = [
    prepareQuestion({ name: 'shop.local', type: TYPE.A, class: CLASS.IN }),
    prepareRecord({ name: 'shop.local', type: TYPE.A, class: CLASS.IN, ttl: 120 }, { type: 'A', data: '10.0.0.7' }),
    prepareRecord({ name: '_http._tcp.local', type: TYPE.PTR, class: CLASS.IN, ttl: 4500 }, { type: 'PTR', data: 'shop._http._tcp.local' }),
    prepareRecord(
      { name: 'cart.local', type: TYPE.SRV, class: CLASS.IN, ttl: 120 },
      { type: 'SRV', data: { priority: 0, weight: 0, port: 80, target: 'shop.local' } },
    ),
  ];
  const sections = [0, 1, 1, 1];
  const ranks = new SuffixRanks();
  const estimate = items.reduce((s, p, i) => s + placeSize(p, ranks, sections[i]!), 12);
  const names = new NameWriter();
  const parts = [encodeHeader({ qr: true }, [1, 3, 0, 0])];
  let offset = 12;
  for (const p of items) {
    const b = writePrepared(p, names, offset);
    parts.push(b);
    offset += b.length;
  }
  const buf = Buffer.concat(parts);
  assert.ok(buf.length <= estimate, `${buf.length} bytes written, ${estimate} estimated`);
  // the A record's owner is a pointer to the question's name
  assert.deepEqual([...buf.subarray(28, 30)], [0xc0, 12]);
  const m = decodeMessage(buf);
  assert.deepEqual(
    m.answers.map((r) => r.name),
    ['shop.local', '_http._tcp.local', 'cart.local'],
  );
  assert.deepEqual(
    m.answers.map((r) => r.rdata),
    [
      { type: 'A', data: '10.0.0.7' },
      { type: 'PTR', data: 'shop._http._tcp.local' },
      { type: 'SRV', data: { priority: 0, weight: 0, port: 80, target: 'shop.local' } },
    ],
  );
  // the SRV target is written in full (RFC 2782 decoders refuse it compressed)
  assert.ok(buf.includes(Buffer.from('0000000000500473686f70056c6f63616c00', 'hex')));
});
