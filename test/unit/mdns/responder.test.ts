// MdnsResponder on a fake clock and a fake network: probing (§8.1), tie-break (§8.2),
// announcing (§8.3/§8.4), goodbyes (§10.1), conflicts (§9), DNS-SD (RFC 6763).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MdnsResponder } from '../../../src/mdns/responder.js';
import { CLASS_IN, RR, type MdnsRecord } from '../../../src/mdns/packet.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { FakeClock, FakeNetwork, half, publish, recordSet } from './helpers.js';

async function setup(opts: { ttl?: number } = {}) {
  const clock = new FakeClock();
  const network = new FakeNetwork(clock);
  const reporter = new MemoryReporter();
  const responder = await MdnsResponder.start({ reporter, clock, network, random: half, ...opts });
  return { clock, network, reporter, responder };
}

function a(name: string, ip: string, ttl = 120): MdnsRecord {
  return { name, type: 'A', data: ip, rclass: CLASS_IN, flush: true, ttl };
}

test('probing: 3 QU ANY probes 250 ms apart after a 0–250 ms wait, then 2 announcements 1 s apart', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'], ['fd00::7'])]);
  assert.equal(network.sent.length, 0, 'nothing before the random delay');
  let settled = false;
  void responder.whenSettled().then(() => (settled = true));
  clock.advance(2000);
  const v4 = network.v4multicast();
  const probes = v4.filter((s) => !s.msg.response);
  const announcements = v4.filter((s) => s.msg.response);
  assert.equal(probes.length, 3);
  assert.equal(probes[0]!.at - 1_000_000, 125, 'random delay (random=0.5 → 125 ms)');
  assert.deepEqual(
    probes.map((p) => p.at - probes[0]!.at),
    [0, 250, 500],
  );
  for (const p of probes) {
    assert.equal(p.msg.questions.length, 1);
    const q = p.msg.questions[0]!;
    assert.equal(q.name, 'shop.local');
    assert.equal(q.typeCode, RR.ANY);
    assert.equal(q.unicastResponse, true, 'probes ask for unicast replies (QU)');
    assert.deepEqual(p.msg.authorities.map((r) => r.type).sort(), ['A', 'AAAA']);
    assert.ok(
      p.msg.authorities.every((r) => !r.flush),
      'no cache-flush bit in a query',
    );
  }
  assert.equal(announcements.length, 2);
  assert.equal(announcements[0]!.at - probes[2]!.at, 250, 'first announcement 250 ms after the third probe');
  assert.equal(announcements[1]!.at - announcements[0]!.at, 1000);
  for (const m of announcements.map((x) => x.msg)) {
    assert.equal(m.authoritative, true);
    assert.equal(m.id, 0);
    assert.equal(m.questions.length, 0);
    assert.ok(m.answers.every((r) => r.flush && r.ttl === 120));
  }
  // both families carry the same traffic
  assert.equal(network.sent.filter((s) => s.dest.kind === 'multicast' && s.dest.family === 6).length, 5);
  await Promise.resolve();
  assert.equal(settled, true);
  assert.deepEqual(
    reporter.events.map((e) => e.kind),
    ['added'],
  );
  assert.deepEqual(reporter.events[0]!.fields?.['addresses'], ['10.0.0.7', 'fd00::7']);
  clock.advance(60_000);
  assert.equal(network.v4multicast().length, 5, 'never announced periodically');
});

test('many names share probe and announcement packets', async () => {
  const { clock, network, responder } = await setup();
  publish(
    responder,
    Array.from({ length: 1000 }, (_, i) => recordSet(`n${i}.local`, [`10.1.${i >> 8}.${i & 255}`])),
  );
  clock.advance(3000);
  const v4 = network.v4multicast();
  const probeRounds = v4.filter((s) => !s.msg.response);
  const questions = probeRounds.reduce((n, s) => n + s.msg.questions.length, 0);
  assert.equal(questions, 3000);
  assert.ok(probeRounds.length <= 3 * 60, `probe packets: ${probeRounds.length}`);
  assert.equal(
    v4.filter((s) => s.msg.response).reduce((n, s) => n + s.msg.answers.length, 0),
    2000,
  );
  for (const s of v4) assert.ok(s.packet.length <= 1452);
});

test('a name whose probe is answered by another host is not announced and is reported', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7']), recordSet('cart.local', ['10.0.0.8'])]);
  clock.advance(130); // first probe out
  network.deliver({ response: true, authoritative: true }, { answers: [a('shop.local', '192.168.7.99')] }, { address: '192.168.7.99' });
  clock.advance(3000);
  const announced = network
    .v4multicast()
    .filter((s) => s.msg.response)
    .flatMap((s) => s.msg.answers.map((r) => r.name));
  assert.ok(!announced.includes('shop.local'), 'conflicted name not announced');
  assert.ok(announced.includes('cart.local'), 'other names unaffected');
  const conflict = reporter.events.find((e) => e.kind === 'conflict');
  assert.ok(conflict, 'conflict reported');
  assert.equal(conflict.fields?.['hostname'], 'shop.local');
  assert.match(conflict.message, /192\.168\.7\.99/);
  assert.deepEqual(
    responder.conflicts().map((c) => c.name),
    ['shop.local'],
  );
  assert.equal(responder.current().find((s) => s.name === 'shop.local')?.foreign !== undefined, true);
  // and it does not answer for it
  const before = network.sent.length;
  network.deliver({ response: false }, { questions: [{ name: 'shop.local', typeCode: RR.A, qclass: CLASS_IN, unicastResponse: false }] });
  assert.equal(network.sent.length, before);
});

test('after the other claimant says goodbye, the name is probed again and announced', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'])]);
  clock.advance(130);
  network.deliver({ response: true }, { answers: [a('shop.local', '192.168.7.99')] });
  clock.advance(500);
  assert.equal(responder.conflicts().length, 1);
  network.deliver({ response: true }, { answers: [a('shop.local', '192.168.7.99', 0)] });
  clock.advance(3000);
  assert.equal(responder.conflicts().length, 0);
  assert.ok(reporter.events.some((e) => e.kind === 'added' && e.fields?.['hostname'] === 'shop.local'));
});

test('identical records from another responder are not a conflict', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'])]);
  clock.advance(130);
  network.deliver({ response: true }, { answers: [a('shop.local', '10.0.0.7')] });
  clock.advance(3000);
  assert.equal(responder.conflicts().length, 0);
  assert.equal(network.v4multicast().filter((s) => s.msg.response).length, 2);
});

test('§9: a conflicting answer for an owned name sends it back to probing', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'])]);
  clock.advance(3000);
  network.clear();
  network.deliver({ response: true }, { answers: [a('shop.local', '10.9.9.9')] });
  clock.advance(400);
  assert.ok(
    network.v4multicast().some((s) => !s.msg.response && s.msg.questions[0]?.name === 'shop.local'),
    're-probing',
  );
  network.deliver({ response: true }, { answers: [a('shop.local', '10.9.9.9')] });
  clock.advance(3000);
  assert.equal(responder.conflicts().length, 1);
  assert.ok(reporter.events.some((e) => e.kind === 'conflict'));
});

test('§8.2: losing a simultaneous-probe tie-break defers one second; winning ignores it', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('low.local', ['10.0.0.1']), recordSet('high.local', ['10.0.0.200'])]);
  clock.advance(130);
  // another host probes both names with 10.0.0.100: it beats 10.0.0.1, loses to 10.0.0.200
  network.deliver(
    { response: false },
    {
      questions: [
        { name: 'low.local', typeCode: RR.ANY, qclass: CLASS_IN, unicastResponse: true },
        { name: 'high.local', typeCode: RR.ANY, qclass: CLASS_IN, unicastResponse: true },
      ],
      authorities: [a('low.local', '10.0.0.100'), a('high.local', '10.0.0.100')],
    },
  );
  clock.advance(900);
  const firstAnnounce = network
    .v4multicast()
    .filter((s) => s.msg.response)
    .flatMap((s) => s.msg.answers.map((r) => r.name));
  assert.ok(firstAnnounce.includes('high.local'));
  assert.ok(!firstAnnounce.includes('low.local'));
  const lowProbes = network.v4multicast().filter((s) => !s.msg.response && s.msg.questions.some((q) => q.name === 'low.local'));
  assert.equal(lowProbes.length, 1);
  clock.advance(2000);
  const lowProbesLater = network.v4multicast().filter((s) => !s.msg.response && s.msg.questions.some((q) => q.name === 'low.local'));
  assert.equal(lowProbesLater.length, 4, 'probed again from the start after 1 s');
  assert.ok(lowProbesLater[1]!.at - 1_000_130 >= 1000);
});

test('goodbye (TTL 0) for removed names and for changed records, then re-announce', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7', '10.0.0.8']), recordSet('cart.local', ['10.0.0.9'])]);
  clock.advance(3000);
  network.clear();
  publish(responder, [recordSet('shop.local', ['10.0.0.7', '10.0.0.10'])]);
  const sent = network.v4multicast();
  const goodbyes = sent.flatMap((s) => s.msg.answers).filter((r) => r.ttl === 0);
  assert.deepEqual(goodbyes.map((r) => `${r.name} ${r.type === 'A' ? r.data : ''}`).sort(), ['cart.local 10.0.0.9', 'shop.local 10.0.0.8']);
  assert.ok(goodbyes.every((r) => !r.flush));
  const reannounce = sent.flatMap((s) => s.msg.answers).filter((r) => r.ttl > 0);
  assert.deepEqual(reannounce.map((r) => (r.type === 'A' ? r.data : '')).sort(), ['10.0.0.10', '10.0.0.7']);
  assert.ok(reannounce.every((r) => r.flush));
  clock.advance(1000);
  assert.equal(network.v4multicast().filter((s) => s.msg.answers.some((r) => r.ttl > 0)).length, 2, '§8.4: announced twice again');
  assert.deepEqual(reporter.events.map((e) => e.kind).sort(), ['added', 'added', 'changed', 'removed']);
});

test('stop(): goodbye for every record, sockets closed, nothing after', async () => {
  const { clock, network, responder } = await setup();
  const svc = { instance: 'shop', type: '_https._tcp' as const, port: 443, txt: ['path=/'] };
  publish(responder, [recordSet('shop.local', ['10.0.0.7'], ['fd00::7'], { services: [svc] }), recordSet('cart.local', ['10.0.0.8'])]);
  clock.advance(3000);
  network.clear();
  await responder.stop();
  const records = network.v4multicast().flatMap((s) => s.msg.answers);
  assert.ok(records.length >= 7);
  assert.ok(records.every((r) => r.ttl === 0));
  const kinds = new Set(records.map((r) => `${r.name} ${r.type}`));
  for (const k of [
    'shop.local A',
    'shop.local AAAA',
    'cart.local A',
    'shop._https._tcp.local SRV',
    'shop._https._tcp.local TXT',
    '_https._tcp.local PTR',
    '_services._dns-sd._udp.local PTR',
  ])
    assert.ok(kinds.has(k), k);
  assert.equal(network.closed, true);
  const count = network.sent.length;
  clock.advance(10_000);
  assert.equal(network.sent.length, count);
});

test('stop() while probing: no goodbye for names never announced', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'])]);
  clock.advance(300);
  network.clear();
  await responder.stop();
  assert.equal(network.sent.length, 0);
});

test('DNS-SD: instance, type and meta PTRs are announced with SRV and TXT', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.7'], [], { services: [{ instance: 'shop', type: '_http._tcp', port: 80, txt: ['path=/'] }] })]);
  clock.advance(3000);
  const answers = network
    .v4multicast()
    .filter((s) => s.msg.response)
    .flatMap((s) => s.msg.answers);
  const srv = answers.find((r) => r.type === 'SRV');
  assert.ok(srv?.type === 'SRV' && srv.name === 'shop._http._tcp.local' && srv.data.target === 'shop.local' && srv.data.port === 80 && srv.flush);
  const txt = answers.find((r) => r.type === 'TXT');
  assert.ok(txt?.type === 'TXT' && txt.data[0]!.toString() === 'path=/');
  const ptrs = answers.filter((r) => r.type === 'PTR').map((r) => `${r.name} ${r.type === 'PTR' ? r.data : ''} ${r.flush}`);
  assert.ok(ptrs.includes('_http._tcp.local shop._http._tcp.local false'));
  assert.ok(ptrs.includes('_services._dns-sd._udp.local _http._tcp.local false'));
});

test('invalid and non-.local names are skipped with one warning', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet(`${'x'.repeat(64)}.local`, ['10.0.0.1']), recordSet('shop.example.com', ['10.0.0.2'])]);
  publish(responder, [recordSet(`${'x'.repeat(64)}.local`, ['10.0.0.1']), recordSet('shop.example.com', ['10.0.0.2'])]);
  clock.advance(3000);
  assert.equal(network.sent.length, 0);
  assert.equal(reporter.events.filter((e) => e.kind === 'warning').length, 2);
  assert.deepEqual(responder.current(), []);
});

test('only target mdns is published', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [{ ...recordSet('shop.local', ['10.0.0.1']), target: 'unicast' }]);
  clock.advance(3000);
  assert.equal(network.sent.length, 0);
});

// ---------------------------------------------------------------- DNS-SD follows its hostname

const svc = (instance: string) => ({ instance, type: '_http._tcp' as const, port: 80, txt: ['path=/'] });
const ptrQuery = { name: '_http._tcp.local', typeCode: RR.PTR, qclass: CLASS_IN, unicastResponse: false };
const srvQuery = (instance: string) => ({ name: `${instance}._http._tcp.local`, typeCode: RR.SRV, qclass: CLASS_IN, unicastResponse: false });
const show = (r: MdnsRecord) => `${r.name} ${r.type} ${r.type === 'PTR' ? r.data : r.type === 'SRV' ? r.data.target : ''} ${r.ttl === 0 ? 'bye' : 'live'}`;

test('a hostname lost to a conflict takes its DNS-SD records with it (goodbye); they come back after it is probed again', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [
    recordSet('shop.local', ['10.0.0.7'], [], { services: [svc('shop')] }),
    recordSet('cart.local', ['10.0.0.8'], [], { services: [svc('cart')] }),
  ]);
  clock.advance(3000);
  network.clear();
  // §9: someone else answers for shop.local; we probe again and lose
  network.deliver({ response: true }, { answers: [a('shop.local', '10.9.9.9')] });
  clock.advance(400);
  network.deliver({ response: true }, { answers: [a('shop.local', '10.9.9.9')] });
  assert.deepEqual(
    responder.conflicts().map((c) => c.name),
    ['shop.local'],
  );
  const goodbyes = network
    .v4multicast()
    .flatMap((s) => s.msg.answers)
    .filter((r) => r.ttl === 0)
    .map(show)
    .sort();
  assert.deepEqual(
    goodbyes,
    ['_http._tcp.local PTR shop._http._tcp.local bye', 'shop._http._tcp.local SRV shop.local bye', 'shop._http._tcp.local TXT  bye'],
    'the instance is withdrawn; the _services PTR stays (cart still has _http._tcp)',
  );
  assert.match(reporter.events.find((e) => e.kind === 'conflict')!.message, /DNS-SD services \(shop\._http\._tcp\.local\)/);
  // not answered any more; cart's instance still is
  clock.advance(2000);
  network.clear();
  network.deliver({ response: false }, { questions: [ptrQuery, srvQuery('shop'), srvQuery('cart')] });
  clock.advance(200);
  const answers = network
    .v4multicast()
    .flatMap((s) => s.msg.answers)
    .map(show)
    .sort();
  assert.deepEqual(answers, ['_http._tcp.local PTR cart._http._tcp.local live', 'cart._http._tcp.local SRV cart.local live']);
  // the other claimant says goodbye: shop.local is probed and announced, then its instance
  network.clear();
  network.deliver({ response: true }, { answers: [a('shop.local', '10.9.9.9', 0)] });
  clock.advance(6000);
  assert.deepEqual(responder.conflicts(), []);
  const sent = network.v4multicast();
  const hostAnnounced = sent.findIndex((s) => s.msg.answers.some((r) => r.name === 'shop.local' && r.ttl > 0));
  const srvProbe = sent.findIndex((s) => !s.msg.response && s.msg.questions.some((q) => q.name === 'shop._http._tcp.local'));
  const srvAnnounced = sent.findIndex((s) => s.msg.answers.some((r) => r.name === 'shop._http._tcp.local' && r.type === 'SRV' && r.ttl > 0));
  assert.ok(
    hostAnnounced >= 0 && srvProbe > hostAnnounced && srvAnnounced > srvProbe,
    `host ${hostAnnounced}, SRV probe ${srvProbe}, SRV announced ${srvAnnounced}`,
  );
  network.clear();
  clock.advance(2000);
  network.deliver({ response: false }, { questions: [ptrQuery, srvQuery('shop')] });
  clock.advance(200);
  assert.deepEqual(
    network
      .v4multicast()
      .flatMap((s) => s.msg.answers)
      .map(show)
      .sort(),
    ['_http._tcp.local PTR cart._http._tcp.local live', '_http._tcp.local PTR shop._http._tcp.local live', 'shop._http._tcp.local SRV shop.local live'],
  );
});

test('a hostname lost during its first probes: its DNS-SD instance is never announced', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [
    recordSet('shop.local', ['10.0.0.7'], [], { services: [svc('shop')] }),
    recordSet('cart.local', ['10.0.0.8'], [], { services: [svc('cart')] }),
  ]);
  clock.advance(130);
  network.deliver({ response: true }, { answers: [a('shop.local', '10.9.9.9')] });
  clock.advance(3000);
  const said = network
    .v4multicast()
    .filter((s) => s.msg.response)
    .flatMap((s) => s.msg.answers)
    .map(show);
  assert.ok(!said.some((x) => x.includes('shop._http._tcp.local')), said.join('\n'));
  assert.ok(said.includes('cart._http._tcp.local SRV cart.local live'));
  await responder.stop();
  const bye = network
    .v4multicast()
    .flatMap((s) => s.msg.answers)
    .filter((r) => r.ttl === 0)
    .map(show);
  assert.ok(!bye.some((x) => x.includes('shop')), 'nothing to say goodbye to for shop');
});

// ---------------------------------------------------------------- links that come and go (§8.1)

const ETH1 = { name: 'eth1', ipv4: [{ address: '10.50.0.1', prefix: 24 }], ipv6: [], mtu: 1500 };
const query = (name: string) => ({ questions: [{ name, typeCode: RR.A, qclass: CLASS_IN, unicastResponse: false }] });
const onEth1 = { address: '10.50.0.9', link: 'eth1' };

test('a new link: our names are probed there first, then announced there only; not answered there meanwhile', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.1'])]);
  clock.advance(3000);
  network.clear();
  network.linkList = [...network.linkList, ETH1];
  network.changeLinks([ETH1], []);
  assert.equal(network.sent.length, 0, 'nothing before the 0–250 ms wait');
  // the old link answers throughout; the new one not while probing
  network.deliver({ response: false }, query('shop.local'), onEth1);
  network.deliver({ response: false }, query('shop.local'));
  assert.deepEqual(
    network.sent.map((s) => s.dest.kind === 'multicast' && s.dest.link),
    ['eth0'],
  );
  network.clear();
  clock.advance(2000);
  const eth1 = network.sent.filter((s) => s.dest.kind === 'multicast' && s.dest.link === 'eth1');
  assert.equal(network.sent.length, eth1.length, 'nothing on eth0');
  const probes = eth1.filter((s) => !s.msg.response);
  const announcements = eth1.filter((s) => s.msg.response);
  assert.equal(probes.length, 3);
  assert.deepEqual(
    probes.map((p) => p.at - probes[0]!.at),
    [0, 250, 500],
  );
  assert.ok(probes.every((p) => p.msg.questions[0]?.name === 'shop.local' && p.msg.questions[0].unicastResponse));
  assert.equal(announcements.length, 2);
  assert.ok(announcements[0]!.at > probes[2]!.at, 'announced after the probes');
  assert.equal(announcements[1]!.at - announcements[0]!.at, 1000);
  network.clear();
  network.deliver({ response: false }, query('shop.local'), { address: '10.50.0.8', link: 'eth1' });
  assert.equal(network.sent.length, 0, 'rate limit: announced on eth1 within the last second');
  clock.advance(1000);
  network.deliver({ response: false }, query('shop.local'), onEth1);
  assert.equal(network.sent.length, 1);
  assert.deepEqual(network.sent[0]!.dest, { kind: 'multicast', link: 'eth1', family: 4 });
});

test('a new link where another host holds one of our names: a conflict, the name stops answering', async () => {
  const { clock, network, responder, reporter } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.1']), recordSet('cart.local', ['10.0.0.2'])]);
  clock.advance(3000);
  network.linkList = [...network.linkList, ETH1];
  network.changeLinks([ETH1], []);
  clock.advance(130);
  network.deliver({ response: true }, { answers: [a('shop.local', '10.50.0.77')] }, onEth1);
  assert.deepEqual(
    responder.conflicts().map((c) => c.name),
    ['shop.local'],
  );
  assert.match(reporter.events.find((e) => e.kind === 'conflict')!.message, /10\.50\.0\.9/);
  clock.advance(2000);
  network.clear();
  network.deliver({ response: false }, query('shop.local'));
  network.deliver({ response: false }, query('cart.local'));
  assert.deepEqual(
    network.sent.flatMap((s) => s.msg.answers.map((r) => r.name)),
    ['cart.local'],
  );
});

test('a link that vanishes mid-probe: nothing more is sent there, the other link keeps answering', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.1'])]);
  clock.advance(3000);
  network.linkList = [...network.linkList, ETH1];
  network.changeLinks([ETH1], []);
  clock.advance(130);
  assert.equal(network.sent.filter((s) => s.dest.kind === 'multicast' && s.dest.link === 'eth1').length, 1);
  network.clear();
  network.linkList = network.linkList.filter((l) => l.name !== 'eth1');
  network.changeLinks([], [ETH1]);
  clock.advance(5000);
  assert.equal(network.sent.length, 0);
  network.deliver({ response: false }, query('shop.local'));
  assert.equal(network.sent.length, 1);
  // and it can come back: probed again from the start
  network.clear();
  network.linkList = [...network.linkList, ETH1];
  network.changeLinks([ETH1], []);
  clock.advance(2000);
  assert.equal(network.sent.filter((s) => s.dest.kind === 'multicast' && s.dest.link === 'eth1' && !s.msg.response).length, 3);
});

test('a name still being probed everywhere when a link appears starts its three probes again', async () => {
  const { clock, network, responder } = await setup();
  publish(responder, [recordSet('shop.local', ['10.0.0.1'])]);
  clock.advance(400); // two probes out on eth0
  network.linkList = [...network.linkList, ETH1];
  network.changeLinks([ETH1], []);
  clock.advance(3000);
  const probesOn = (link: string) =>
    network.sent.filter((s) => s.dest.kind === 'multicast' && s.dest.link === link && s.dest.family === 4 && !s.msg.response).length;
  assert.equal(probesOn('eth1'), 3);
  assert.equal(probesOn('eth0'), 5);
  const firstAnnouncement = network.sent.find((s) => s.msg.response)!;
  const lastProbe = network.sent.filter((s) => !s.msg.response).at(-1)!;
  assert.ok(firstAnnouncement.at > lastProbe.at);
});
