// RFC 6763 §12.1: a PTR answer carries the instance's SRV, TXT and address records in the
// Additional section; when a packet is full, the PTR moves to the next packet with them
// (RFC 6762 §17 keeps each packet within the MTU) instead of going out without them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MdnsResponder } from '../../../src/mdns/responder.js';
import { CLASS_IN, RR } from '../../../src/mdns/packet.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { FakeClock, FakeNetwork, half, publish, recordSet } from './helpers.js';

test('RFC 6763 §12.1: every PTR answer travels with its SRV, TXT and addresses, across packets', async () => {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const responder = await MdnsResponder.start({ reporter: new MemoryReporter(), clock, network, random: half });
  const sets = [];
  for (let i = 0; i < 40; i++) {
    const host = `service-number-${i}-with-a-longish-name.local`;
    sets.push(
      recordSet(host, [`10.0.${i}.7`], [`fd00::${i}:7`], { services: [{ instance: host.split('.')[0]!, type: '_http._tcp', port: 80, txt: ['path=/'] }] }),
    );
  }
  publish(responder, sets);
  clock.advance(5000);
  network.clear();
  network.deliver({ response: false }, { questions: [{ name: '_http._tcp.local', typeCode: RR.PTR, qclass: CLASS_IN, unicastResponse: false }] });
  clock.advance(200);
  const packets = network.v4multicast();
  assert.ok(packets.length > 1, `the answers need several packets (got ${packets.length})`);
  const instances = new Set<string>();
  for (const { msg, packet } of packets) {
    assert.ok(packet.length <= 1460, `packet of ${packet.length} bytes`);
    for (const ptr of msg.answers) {
      assert.ok(ptr.type === 'PTR');
      instances.add(ptr.data);
      const host = ptr.data.split('.')[0]! + '.local';
      const extra = msg.additionals
        .filter((r) => r.name === ptr.data || r.name === host)
        .map((r) => `${r.name} ${r.type}`)
        .sort();
      assert.deepEqual(extra, [`${host} A`, `${host} AAAA`, `${ptr.data} SRV`, `${ptr.data} TXT`].sort(), `additionals of ${ptr.data}`);
    }
  }
  assert.equal(instances.size, 40, 'every instance answered');
});
