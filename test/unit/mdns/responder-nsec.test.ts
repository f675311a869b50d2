// RFC 6762 §6.1 on the responder's input: an NSEC we cannot parse is ignored, not the message
// around it, so a python-zeroconf host claiming one of our names is still seen (§8.1, §9). The
// packet is python3-zeroconf's own (test/fixtures/zeroconf/capture.sh): its multicast answer to
// a query for shop.local A, which every responder on the link hears. (zeroconf 0.47 does not
// answer an ANY question for a host name, so not our probes: its answers to other queriers
// are how its claim reaches us.) The responder runs on the fake clock and network of helpers.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MdnsResponder } from '../../../src/mdns/responder.js';
import { CLASS_IN, RR, encodeMessage } from '../../../src/mdns/packet.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { ZEROCONF_CLAIM } from '../../support/zeroconf-packets.js';
import { FakeClock, FakeNetwork, half, publish, recordSet } from './helpers.js';

async function setup() {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const reporter = new MemoryReporter();
  const responder = await MdnsResponder.start({ reporter, clock, network, random: half });
  return { clock, network, reporter, responder };
}

const ZEROCONF_HOST = { address: '192.168.7.99' };

test("§6.1/§8.1: python-zeroconf's answer claiming a name we probe (its A record and its NSEC) is a conflict", async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7']), recordSet('cart.local', ['10.0.0.8'])]);
  clock.advance(130); // first probe out
  network.deliverRaw(ZEROCONF_CLAIM, ZEROCONF_HOST);
  clock.advance(3000);
  const announced = network
    .v4multicast()
    .filter((s) => s.msg.response)
    .flatMap((s) => s.msg.answers.map((r) => r.name));
  assert.ok(!announced.includes('shop.local'), 'the claimed name is not announced');
  assert.ok(announced.includes('cart.local'), 'other names unaffected');
  assert.deepEqual(
    responder.conflicts().map((c) => c.name),
    ['shop.local'],
  );
  const conflict = reporter.events.find((e) => e.kind === 'conflict');
  assert.match(conflict?.message ?? '', /192\.168\.7\.99/);
});

test('§6.1/§9: the same answer for a name we own sends it back to probing', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'])]);
  clock.advance(3000);
  network.clear();
  network.deliverRaw(ZEROCONF_CLAIM, ZEROCONF_HOST);
  clock.advance(400);
  assert.ok(
    network.v4multicast().some((s) => !s.msg.response && s.msg.questions[0]?.name === 'shop.local'),
    're-probing',
  );
  network.deliverRaw(ZEROCONF_CLAIM, ZEROCONF_HOST);
  clock.advance(3000);
  assert.deepEqual(
    responder.conflicts().map((c) => c.name),
    ['shop.local'],
  );
});

test('only an NSEC is let off: a claim with another malformed record is still dropped whole', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'])]);
  clock.advance(130);
  // A well-formed A record claiming the name, then an AAAA of 3 bytes (framed, but malformed)
  network.deliver(
    { response: true, authoritative: true },
    {
      answers: [
        { name: 'shop.local', type: 'A', data: '192.168.7.99', rclass: CLASS_IN, flush: true, ttl: 120 },
        { name: 'shop.local', type: 'OTHER', typeCode: RR.AAAA, data: Buffer.from([0xfd, 0, 0]), rclass: CLASS_IN, flush: true, ttl: 120 },
      ],
    },
    ZEROCONF_HOST,
  );
  clock.advance(3000);
  assert.deepEqual(responder.conflicts(), []);
  assert.ok(
    network.v4multicast().some((s) => s.msg.response && s.msg.answers.some((r) => r.name === 'shop.local')),
    'announced',
  );
  // control: the A record alone is a conflict
  publish(responder, [recordSet('cart.local', ['10.0.0.8'])]);
  clock.advance(130);
  network.deliverRaw(
    encodeMessage({ response: true }, { answers: [{ name: 'cart.local', type: 'A', data: '192.168.7.99', rclass: CLASS_IN, flush: true, ttl: 120 }] }),
    ZEROCONF_HOST,
  );
  clock.advance(3000);
  assert.deepEqual(
    responder.conflicts().map((c) => c.name),
    ['cart.local'],
  );
});
