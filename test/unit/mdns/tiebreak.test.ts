import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLASS_IN, type MdnsRecord } from '../../../src/mdns/packet.js';
import { tiebreak } from '../../../src/mdns/tiebreak.js';

const A = (ip: string, flush = true): MdnsRecord => ({ name: 'x.local', type: 'A', data: ip, rclass: CLASS_IN, flush, ttl: 120 });
const AAAA = (ip: string): MdnsRecord => ({ name: 'x.local', type: 'AAAA', data: ip, rclass: CLASS_IN, flush: true, ttl: 120 });

test('§8.2: raw rdata compared as unsigned bytes; later data wins', () => {
  assert.ok(tiebreak([A('169.254.200.50')], [A('169.254.99.200')]) > 0, 'RFC example: .200.50 beats .99.200');
  assert.ok(tiebreak([A('10.0.0.1')], [A('10.0.0.2')]) < 0);
  assert.equal(tiebreak([A('10.0.0.1')], [A('10.0.0.1', false)]), 0, 'cache-flush bit is not compared');
});

test('§8.2: type compares before rdata, records are sorted first, longer list wins a tie', () => {
  assert.ok(tiebreak([AAAA('::1')], [A('255.255.255.255')]) > 0, 'AAAA (28) > A (1)');
  assert.equal(tiebreak([A('10.0.0.2'), A('10.0.0.1')], [A('10.0.0.1'), A('10.0.0.2')]), 0);
  assert.ok(tiebreak([A('10.0.0.1'), A('10.0.0.2')], [A('10.0.0.1')]) > 0);
  assert.ok(tiebreak([A('10.0.0.1')], [A('10.0.0.1'), A('10.0.0.2')]) < 0);
});
