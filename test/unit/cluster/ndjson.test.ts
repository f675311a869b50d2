import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonDecoder } from '../../../src/cluster/ndjson.js';

const events = [
  { type: 'ADDED', object: { metadata: { name: 'café-☕', resourceVersion: '1' } } },
  { type: 'MODIFIED', object: { metadata: { name: 'b', annotations: { note: 'ünïcödé 🚀' } } } },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } },
];
const bytes = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''));

test('events split at every possible byte boundary (inside objects and UTF-8 characters) decode intact', () => {
  for (let cut = 1; cut < bytes.length; cut++) {
    const d = new NdjsonDecoder();
    const out = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut)), ...d.end()];
    assert.deepEqual(out, events, `cut at ${cut}`);
  }
});

test('one byte at a time', () => {
  const d = new NdjsonDecoder();
  const out: unknown[] = [];
  for (let i = 0; i < bytes.length; i++) out.push(...d.push(bytes.subarray(i, i + 1)));
  out.push(...d.end());
  assert.deepEqual(out, events);
});

test('blank lines are skipped; a last value without newline counts; garbage throws', () => {
  const d = new NdjsonDecoder();
  assert.deepEqual(d.push('\n{"a":1}\n\n{"b":'), [{ a: 1 }]);
  assert.deepEqual(d.push('2}'), []);
  assert.deepEqual(d.end(), [{ b: 2 }]);
  assert.throws(() => new NdjsonDecoder().push('not json\n'), /not JSON/);
});

test('a 5 MB event fed in chunks of 1 byte to 64 KiB decodes intact, with the events around it', () => {
  // Multi-byte characters throughout, so chunk boundaries fall inside them too.
  const big = { type: 'MODIFIED', object: { metadata: { name: 'big' }, data: { blob: 'é☕🚀x'.repeat((5 * 1024 * 1024) / 10) } } };
  const stream = Buffer.from(`${JSON.stringify(events[0])}\n${JSON.stringify(big)}\n${JSON.stringify(events[1])}\n`);
  assert.ok(stream.length > 5 * 1024 * 1024, `${stream.length} bytes`);
  for (const size of [1, 7, 1000, 4096, 65536]) {
    const d = new NdjsonDecoder();
    const out: unknown[] = [];
    for (let i = 0; i < stream.length; i += size) out.push(...d.push(stream.subarray(i, i + size)));
    out.push(...d.end());
    assert.equal(out.length, 3, `chunks of ${size}`);
    assert.deepEqual(out[0], events[0]);
    assert.deepEqual(out[1], big, `chunks of ${size}`);
    assert.deepEqual(out[2], events[1]);
    assert.equal(d.pendingBytes, 0);
  }
});

test('bytes of an unfinished line are held until its newline, and only those', () => {
  const d = new NdjsonDecoder();
  assert.deepEqual(d.push('{"a":1}\n{"b"'), [{ a: 1 }]);
  assert.equal(d.pendingBytes, 4);
  assert.deepEqual(d.push(':2}\n'), [{ b: 2 }]);
  assert.equal(d.pendingBytes, 0);
});
