// Restarts, outages and lost replies: the desired state is never lost, nothing is duplicated,
// and only our own records are ever removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect, type Server } from 'node:net';
import { Named, freePort } from '../../support/named.js';
import { UnicastSink } from '../../../src/unicast/sink.js';
import { configFor, rs, txtFor, waitFor } from './helpers.js';

test('restart reconcile: owned records no longer wanted are removed at the next start, the rest untouched', async () => {
  const named = await Named.start({ records: { 'dev.k8s': ['foreign A 10.9.9.9'] } });
  try {
    const first = new UnicastSink(configFor(named));
    await first.start();
    first.sync([rs('a.dev.k8s', ['10.0.0.1']), rs('b.dev.k8s', ['10.0.0.2']), rs('c.dev.k8s', ['10.0.0.3'])]);
    await first.whenIdle();
    // Abrupt end: no cleanup, the object is just dropped.
    const serial = await named.soaSerial('dev.k8s');

    const config = configFor(named);
    const second = new UnicastSink(config);
    second.sync([rs('a.dev.k8s', ['10.0.0.1']), rs('b.dev.k8s', ['10.0.0.2'])]);
    await second.start();
    assert.deepEqual(await named.zoneRecords('dev.k8s'), [
      'a.dev.k8s A 10.0.0.1',
      `a.dev.k8s TXT ${txtFor('a')}`,
      'b.dev.k8s A 10.0.0.2',
      `b.dev.k8s TXT ${txtFor('b')}`,
      'foreign.dev.k8s A 10.9.9.9',
      'ns.dev.k8s A 127.0.0.1',
    ]);
    const updates = config.reporter.debugLines.filter((l) => l.includes(': UPDATE '));
    assert.deepEqual(updates.map((l) => /: (delete|create|update) [^(]*/.exec(l)![0].trim()), [': delete c.dev.k8s'], 'one message, the orphan only');
    assert.equal(await named.soaSerial('dev.k8s'), serial + 1);
    await second.stop({ cleanup: false });
  } finally {
    await named.dispose();
  }
});

test('named stopped mid-run: errors reported, retried; back up: converges, nothing lost, no duplicates', async () => {
  const named = await Named.start();
  try {
    const config = configFor(named);
    const sink = new UnicastSink(config);
    await sink.start();
    sink.sync([rs('a.dev.k8s', ['10.0.0.1']), rs('b.dev.k8s', ['10.0.0.2'])]);
    await sink.whenIdle();

    await named.stop();
    sink.sync([rs('a.dev.k8s', ['10.0.0.1', '10.0.0.11']), rs('c.dev.k8s', ['10.0.0.3'], ['fd00::3'])]);
    let idle = false;
    const done = sink.whenIdle().then(() => (idle = true));
    await waitFor(() => config.reporter.events.some((e) => e.kind === 'error'), 'an error report');
    const err = config.reporter.events.find((e) => e.kind === 'error')!;
    assert.match(err.message, new RegExp(`DNS server 127\\.0\\.0\\.1:${named.port} refused the UDP connection .*; retrying in \\d`));
    await waitFor(() => config.reporter.debugLines.some((l) => /retrying in/.test(l)), 'a second attempt');
    assert.equal(idle, false, 'not idle while the desired state is not applied');
    // Retries of the same failure are not repeated as errors.
    assert.equal(config.reporter.events.filter((e) => e.kind === 'error').length, 1);

    await named.restart();
    await done;
    assert.deepEqual(await named.zoneRecords('dev.k8s'), [
      'a.dev.k8s A 10.0.0.1',
      'a.dev.k8s A 10.0.0.11',
      `a.dev.k8s TXT ${txtFor('a')}`,
      'c.dev.k8s A 10.0.0.3',
      'c.dev.k8s AAAA fd00::3',
      `c.dev.k8s TXT ${txtFor('c')}`,
      'ns.dev.k8s A 127.0.0.1',
    ]);
    assert.ok(config.reporter.events.some((e) => e.kind === 'info' && /answers again/.test(e.message)));
    await sink.stop({ cleanup: false });
  } finally {
    await named.dispose();
  }
});

/** Forwards UDP and TCP to named; can swallow the next UDP reply (the update lands, we never hear). */
class LossyProxy {
  dropReplies = 0;
  dropped = 0;
  private udp!: Socket;
  private tcp!: Server;
  port = 0;
  constructor(private readonly upstream: number) {}
  async start(): Promise<void> {
    this.port = await freePort();
    this.udp = createSocket('udp4');
    this.udp.on('message', (msg, client) => {
      const up = createSocket('udp4');
      up.on('message', (reply) => {
        up.close();
        if (this.dropReplies > 0) {
          this.dropReplies--;
          this.dropped++;
          return;
        }
        this.udp.send(reply, client.port, client.address);
      });
      up.send(msg, this.upstream, '127.0.0.1');
    });
    await new Promise<void>((r) => this.udp.bind(this.port, '127.0.0.1', () => r()));
    this.tcp = createServer((down) => {
      const up = connect(this.upstream, '127.0.0.1');
      down.pipe(up).pipe(down);
      down.on('error', () => up.destroy());
      up.on('error', () => down.destroy());
    });
    await new Promise<void>((r) => this.tcp.listen(this.port, '127.0.0.1', () => r()));
  }
  close(): void {
    this.udp.close();
    this.tcp.close();
  }
}

test('a lost reply: the retry finds our own TXT (YXDOMAIN, then our TXT exists) and writes nothing twice', async () => {
  const named = await Named.start();
  const proxy = new LossyProxy(named.port);
  await proxy.start();
  try {
    const config = configFor(named, { server: { host: '127.0.0.1', port: proxy.port }, timeoutMs: 300 });
    const sink = new UnicastSink(config);
    await sink.start();
    proxy.dropReplies = 1;
    sink.sync([rs('lost.dev.k8s', ['10.0.5.1', '10.0.5.2'])]);
    await sink.whenIdle();
    assert.equal(proxy.dropped, 1);
    assert.ok(config.reporter.events.some((e) => e.kind === 'error' && /did not answer within 0\.3s/.test(e.message)));
    assert.ok(!config.reporter.events.some((e) => e.kind === 'conflict'), 'our own earlier write is not a conflict');
    assert.deepEqual(await named.zoneRecords('dev.k8s'), ['lost.dev.k8s A 10.0.5.1', 'lost.dev.k8s A 10.0.5.2', `lost.dev.k8s TXT ${txtFor('lost')}`, 'ns.dev.k8s A 127.0.0.1']);
    assert.deepEqual(sink.current().map((s) => [s.name, s.foreign]).filter(([n]) => n === 'lost.dev.k8s'), [['lost.dev.k8s', undefined]]);

    // A lost reply to an update: the retry's TXT guard still holds, the RRset ends as wanted.
    proxy.dropReplies = 1;
    sink.sync([rs('lost.dev.k8s', ['10.0.5.3'])]);
    await sink.whenIdle();
    assert.equal(proxy.dropped, 2);
    assert.deepEqual(await named.lookup('lost.dev.k8s', 'A'), ['10.0.5.3']);
    assert.deepEqual(await named.lookup('lost.dev.k8s', 'TXT'), [txtFor('lost')]);
    await sink.stop({ cleanup: false });
  } finally {
    proxy.close();
    await named.dispose();
  }
});

test('--cleanup-on-exit removes only our records', async () => {
  const named = await Named.start({ records: { 'dev.k8s': ['shop A 10.9.9.9', 'spf TXT "v=spf1 -all"'] } });
  try {
    await named.nsupdate('dev.k8s', ['update add other.dev.k8s 300 A 10.6.6.6', 'update add other.dev.k8s 300 TXT "heritage=kubectl-mdns,owner=other-cluster,resource=HTTPRoute/x/y"']);
    const config = configFor(named);
    const sink = new UnicastSink(config);
    await sink.start();
    sink.sync([rs('mine.dev.k8s', ['10.0.6.1'], ['fd00::6']), rs('shop.dev.k8s', ['10.0.6.2']), rs('other.dev.k8s', ['10.0.6.3'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('mine.dev.k8s', 'A'), ['10.0.6.1']);
    await sink.stop({ cleanup: true });
    assert.deepEqual(await named.zoneRecords('dev.k8s'), [
      'ns.dev.k8s A 127.0.0.1',
      'other.dev.k8s A 10.6.6.6',
      'other.dev.k8s TXT "heritage=kubectl-mdns,owner=other-cluster,resource=HTTPRoute/x/y"',
      'shop.dev.k8s A 10.9.9.9',
      'spf.dev.k8s TXT "v=spf1 -all"',
    ]);
    assert.ok(config.reporter.events.some((e) => e.kind === 'removed' && e.fields?.hostname === 'mine.dev.k8s'));
  } finally {
    await named.dispose();
  }
});

test('stop without cleanup leaves every record in place', async () => {
  const named = await Named.start();
  try {
    const sink = new UnicastSink(configFor(named));
    await sink.start();
    sink.sync([rs('stays.dev.k8s', ['10.0.7.1'])]);
    await sink.whenIdle();
    await sink.stop({ cleanup: false });
    assert.deepEqual(await named.lookup('stays.dev.k8s', 'A'), ['10.0.7.1']);
  } finally {
    await named.dispose();
  }
});
