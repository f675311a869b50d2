import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Announcer } from '../../../src/mdns/announcer.js';
import { CLASS_IN } from '../../../src/mdns/packet.js';
import { Prober } from '../../../src/mdns/prober.js';
import type { Unit } from '../../../src/mdns/registry.js';
import { FakeClock } from './helpers.js';

function unit(name: string, ip: string): Unit {
  return {
    key: name,
    name,
    kind: 'host',
    host: name,
    unique: [{ name, type: 'A', data: ip, rclass: CLASS_IN, flush: true, ttl: 120 }],
    shared: [],
    state: 'probing',
  };
}

test('prober: random initial wait in 0–250 ms, three rounds 250 ms apart, done 250 ms later', () => {
  for (const r of [0, 0.999]) {
    const clock = new FakeClock();
    const rounds: number[] = [];
    let done: number | undefined;
    const p = new Prober({ clock, random: () => r, sendProbes: () => rounds.push(clock.now()), onProbed: () => (done = clock.now()) });
    const t0 = clock.now();
    p.start([unit('a.local', '10.0.0.1'), unit('b.local', '10.0.0.2')]);
    clock.advance(5000);
    const first = rounds[0]! - t0;
    assert.ok(first >= 0 && first <= 250, `initial wait ${first}`);
    assert.deepEqual(
      rounds.map((t) => t - rounds[0]!),
      [0, 250, 500],
    );
    assert.equal(done! - rounds[2]!, 250);
  }
});

test('prober: a cancelled name leaves the batch; the others finish', () => {
  const clock = new FakeClock();
  const sent: string[][] = [];
  const finished: string[] = [];
  const p = new Prober({ clock, random: () => 0, sendProbes: (u) => sent.push(u.map((x) => x.name)), onProbed: (u) => finished.push(...u.map((x) => x.name)) });
  p.start([unit('a.local', '10.0.0.1'), unit('b.local', '10.0.0.2')]);
  clock.advance(10);
  p.cancel('a.local');
  clock.advance(1000);
  assert.deepEqual(sent, [['a.local', 'b.local'], ['b.local'], ['b.local']]);
  assert.deepEqual(finished, ['b.local']);
  assert.equal(p.count, 0);
});

test('announcer: two announcements one second apart; re-announcing restarts the series', () => {
  const clock = new FakeClock();
  const times: number[] = [];
  const a = new Announcer({ clock, sendAnnouncement: () => times.push(clock.now()) });
  const u = unit('a.local', '10.0.0.1');
  a.announce([u]);
  clock.advance(500);
  a.announce([u]);
  clock.advance(5000);
  const t0 = times[0]!;
  assert.deepEqual(
    times.map((t) => t - t0),
    [0, 500, 1500],
  );
});

test('prober: restartStarted sends the three probes again; a batch waiting out a lost tie-break keeps its wait', () => {
  const clock = new FakeClock();
  const sent: string[] = [];
  const p = new Prober({
    clock,
    random: () => 0,
    sendProbes: (u) => sent.push(`${clock.now() - 1_000_000} ${u.map((x) => x.name).join(',')}`),
    onProbed: () => {},
  });
  p.start([unit('a.local', '10.0.0.1')], 0);
  p.start([unit('b.local', '10.0.0.2')], 1000); // as after a lost tie-break
  clock.advance(300); // a.local: probes at 0 and 250
  assert.equal(p.restartStarted(50), 1);
  clock.advance(2000);
  assert.deepEqual(sent, ['0 a.local', '250 a.local', '350 a.local', '600 a.local', '850 a.local', '1000 b.local', '1250 b.local', '1500 b.local']);
});
