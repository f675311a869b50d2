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
