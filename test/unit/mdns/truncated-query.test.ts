// RFC 6762 §7.2 multipacket known-answer suppression: the 400–500 ms wait after a TC query, and
// how further packets from the same querier change it. Fake clock and network.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MdnsResponder } from '../../../src/mdns/responder.js';
import { CLASS_IN, RR, type MdnsRecord } from '../../../src/mdns/packet.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { FakeClock, FakeNetwork, half, publish, recordSet } from './helpers.js';

async function owned() {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const responder = await MdnsResponder.start({ reporter: new MemoryReporter(), clock, network, random: half });
  publish(responder, [recordSet('shop.local', ['10.0.0.7'], ['fd00::7'])]);
  clock.advance(5000);
  network.clear();
  return { clock, network };
}

const QUERIER = { address: '192.168.7.42' };
const question = { name: 'shop.local', typeCode: RR.A, qclass: CLASS_IN, unicastResponse: false };
const unrelated = (i: number): MdnsRecord => ({ name: `other${i}.local`, type: 'A', data: `10.1.0.${i}`, rclass: CLASS_IN, flush: false, ttl: 120 });

test('§7.2: each further TC packet from the querier extends the wait to 400–500 ms after it', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false, truncated: true }, { questions: [question], answers: [unrelated(1)] }, QUERIER);
  clock.advance(300);
  network.deliver({ response: false, truncated: true }, { answers: [unrelated(2)] }, QUERIER);
  clock.advance(300); // 600 ms after the first packet, 300 ms after the second
  assert.equal(network.sent.length, 0, 'still waiting: the second packet said more known answers follow');
  network.deliver({ response: false, truncated: true }, { answers: [unrelated(3)] }, QUERIER);
  clock.advance(399);
  assert.equal(network.sent.length, 0, 'a pause of at least 400 ms after the last TC packet');
  clock.advance(101);
  assert.equal(network.sent.length, 1, 'answered within 500 ms of the last TC packet');
});

test('§7.2: a known answer in a late TC packet still suppresses the answer', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false, truncated: true }, { questions: [question] }, QUERIER);
  clock.advance(350);
  network.deliver({ response: false, truncated: true }, { answers: [unrelated(1)] }, QUERIER);
  clock.advance(350);
  network.deliver({ response: false }, { answers: [{ name: 'shop.local', type: 'A', data: '10.0.0.7', rclass: CLASS_IN, flush: false, ttl: 120 }] }, QUERIER);
  clock.advance(1000);
  assert.equal(network.sent.length, 0);
});

test('§7.2: the last packet (TC clear) does not extend the wait', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false, truncated: true }, { questions: [question] }, QUERIER);
  clock.advance(300);
  network.deliver({ response: false }, { answers: [unrelated(1)] }, QUERIER);
  clock.advance(150); // 450 ms after the first packet (random 0.5)
  assert.equal(network.sent.length, 1);
});

test('§7.2: an endless stream of TC packets cannot hold the answer back for ever', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false, truncated: true }, { questions: [question] }, QUERIER);
  for (let i = 0; i < 200 && network.sent.length === 0; i++) {
    clock.advance(300);
    network.deliver({ response: false, truncated: true }, { answers: [unrelated(i % 250)] }, QUERIER);
  }
  clock.advance(500);
  assert.equal(network.sent.length, 1, 'answered in the end');
});
