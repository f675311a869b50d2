// RFC 6762 §6 / §6.3: when a multicast answer may leave at once, and when it waits 20–120 ms.
// Through the responder, on a fake clock and network.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MdnsResponder } from '../../../src/mdns/responder.js';
import { CLASS_IN, RR, type MdnsQuestion } from '../../../src/mdns/packet.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { FakeClock, FakeNetwork, half, publish, recordSet } from './helpers.js';

async function owned() {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const responder = await MdnsResponder.start({ reporter: new MemoryReporter(), clock, network, random: half });
  publish(responder, [recordSet('shop.local', ['10.0.0.7'], ['fd00::7']), recordSet('blog.local', ['10.0.0.8'])]);
  clock.advance(3000); // probed and announced (twice)
  clock.advance(2000); // the §6 one-second rate limit is past
  network.clear();
  return { clock, network };
}

function q(name: string, type: number): MdnsQuestion {
  return { name, typeCode: type, qclass: CLASS_IN, unicastResponse: false };
}

test('§6: every question answered with unique records: multicast at once', async () => {
  const { network } = await owned();
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A), q('blog.local', RR.A), q('blog.local', RR.AAAA)] });
  assert.equal(network.sent.length, 1, 'no delay: we are the only responder for every question');
  assert.deepEqual(network.sent[0]!.msg.answers.map((r) => `${r.name} ${r.type}`).sort(), ['blog.local A', 'blog.local NSEC', 'shop.local A']);
});

test('§6/§6.3: a question we cannot answer means others may answer too: wait 20–120 ms', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A), q('printer.local', RR.A)] });
  assert.equal(network.sent.length, 0, 'not at once: another responder may answer printer.local in the same packet');
  clock.advance(19);
  assert.equal(network.sent.length, 0, 'not before 20 ms');
  clock.advance(101); // 120 ms
  assert.equal(network.sent.length, 1, 'within 120 ms');
  assert.deepEqual(
    network.sent[0]!.msg.answers.map((r) => `${r.name} ${r.type}`),
    ['shop.local A'],
  );
});

test('§6: a question of another class or an unowned type owner is unanswered too', async () => {
  const { clock, network } = await owned();
  network.deliver({ response: false }, { questions: [q('shop.local', RR.A), { name: 'shop.local', typeCode: RR.A, qclass: 3, unicastResponse: false }] });
  assert.equal(network.sent.length, 0);
  clock.advance(120);
  assert.equal(network.sent.length, 1);
});

test('§6: a single question for a name we own is still answered at once', async () => {
  const { network } = await owned();
  network.deliver({ response: false }, { questions: [q('shop.local', RR.AAAA)] });
  assert.equal(network.sent.length, 1);
});
