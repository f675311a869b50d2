// ≥100,000 random and hostile packets at the responder in namespace A (from namespace B):
// it must not crash, its memory must stay bounded, and it must still answer correctly.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RecordSet } from '../../../src/records/types.js';
import { MdnsChild } from '../../support/mdns-child.js';
import { createPair, hasNetns } from '../../support/netns.js';

const FUZZ = fileURLToPath(new URL('../../support/mdns-fuzz.js', import.meta.url));
const set = (name: string, a: string[], aaaa: string[]): RecordSet => ({
  name,
  target: 'mdns',
  a,
  aaaa,
  services: [{ instance: name.split('.')[0]!, type: '_http._tcp', port: 80, txt: ['path=/'] }],
  owners: [],
});

test('fuzz: 100,000 hostile packets, no crash, bounded memory, still correct', {
  skip: !hasNetns() && 'needs root and Linux network namespaces',
  timeout: 120_000,
}, async () => {
  const pair = await createPair('mf', 13);
  let child: MdnsChild | undefined;
  try {
    child = MdnsChild.start(pair, pair.a, pair.ifA, [set('shop.local', ['10.1.2.3'], ['fd00::3']), set('cart.local', ['10.1.2.4'], [])]);
    await child.settled();
    const before = await child.stats();
    const out = await pair.exec(
      pair.b,
      process.execPath,
      [FUZZ, pair.ipA, pair.ipB, '100000', process.env['MDNS_FUZZ_SEED'] ?? '4242', 'shop.local', 'cart.local', '_http._tcp.local'],
      { timeoutMs: 90_000 },
    );
    assert.ok((JSON.parse(out) as { sent: number }).sent >= 100_000);
    await new Promise((r) => setTimeout(r, 700)); // let TC waits (400–500 ms) run out
    const after = await child.stats();
    assert.equal(child.child.exitCode, null, `responder died: ${child.stderr}`);
    assert.ok((after['dropped'] as number) > 10_000, `dropped ${String(after['dropped'])}`);
    const growth = (after['rss'] as number) - (before['rss'] as number);
    assert.ok(growth < 96 * 1024 * 1024, `rss grew by ${growth} bytes`);
    assert.deepEqual(after['conflicts'], []);
    assert.equal(after['current'], 2);
    const dig = await pair.exec(pair.b, 'dig', ['+time=2', '+tries=2', '+short', '-p', '5353', `@${pair.ipA}`, 'shop.local', 'A']);
    assert.equal(dig.trim(), '10.1.2.3');
    const dig6 = await pair.exec(pair.b, 'dig', ['+time=2', '+tries=2', '+short', '-p', '5353', `@${pair.ipA}`, 'cart.local', 'A']);
    assert.equal(dig6.trim(), '10.1.2.4');
    const r = await child.terminate();
    assert.equal(r.code, 0, child.stderr);
  } finally {
    if (child) {
      try {
        await child.terminate();
      } catch {
        /* gone */
      }
    }
    await pair.destroy();
  }
});
