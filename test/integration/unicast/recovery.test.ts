// Restarts, outages and lost replies: the desired state is never lost, nothing is duplicated,
// and only our own records are ever removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect, type Server } from 'node:net';
import { freePort } from '../../support/named.js';
import { configFor, rs, txtFor, waitFor, withNamed } from './helpers.js';

test('restart reconcile: owned records no longer wanted are removed at the next start, the rest untouched', () =>
  withNamed({ records: { 'dev.k8s': ['foreign A 10.9.9.9'] } }, async (named, sinkFor) => {
    const first = sinkFor(configFor(named));
    await first.start();
    first.sync([rs('a.dev.k8s', ['10.0.0.1']), rs('b.dev.k8s', ['10.0.0.2']), rs('c.dev.k8s', ['10.0.0.3'])]);
    await first.whenIdle();
    // Abrupt end: no cleanup; the next instance starts with a smaller desired set.
    const serial = await named.soaSerial('dev.k8s');

    const config = configFor(named);
    const second = sinkFor(config);
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
    assert.deepEqual(
      updates.map((l) => /UPDATE dev\.k8s: ([^(]*) \(/.exec(l)![1]),
      ['delete c.dev.k8s'],
      'one message, the orphan only',
    );
    assert.equal(await named.soaSerial('dev.k8s'), serial + 1);
  }));

test('no deletes before the first sync: a start with nothing desired yet removes nothing', () =>
  withNamed({}, async (named, sinkFor) => {
    const first = sinkFor(configFor(named));
    await first.start();
    first.sync([rs('keep.dev.k8s', ['10.0.0.1'])]);
    await first.whenIdle();
    const config = configFor(named);
    const second = sinkFor(config);
    await second.start();
    await second.whenIdle();
    assert.deepEqual(await named.lookup('keep.dev.k8s', 'A'), ['10.0.0.1']);
    assert.equal(config.reporter.debugLines.filter((l) => l.includes(': UPDATE ')).length, 0);
  }));

test('named stopped mid-run: errors reported, retried; back up: converges, nothing lost, no duplicates', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    sink.sync([rs('a.dev.k8s', ['10.0.0.1']), rs('b.dev.k8s', ['10.0.0.2'])]);
    await sink.whenIdle();

    await named.stop();
    sink.sync([rs('a.dev.k8s', ['10.0.0.1', '10.0.0.11']), rs('c.dev.k8s', ['10.0.0.3'], ['fd00::3'])]);
    let idle = false;
    const done = sink.whenIdle().then(() => (idle = true));
    await waitFor(() => config.reporter.events.some((e) => e.kind === 'error'), 'an error report');
    const err = config.reporter.events.find((e) => e.kind === 'error')!;
    assert.match(err.message, new RegExp(`DNS server 127\\.0\\.0\\.1:${named.port} refused the (UDP|TCP) connection .*; retrying in \\d+ ms`));
    await waitFor(() => config.reporter.debugLines.some((l) => /retrying in/.test(l)), 'a second attempt');
    assert.equal(idle, false, 'not idle while the desired state is not applied');
    assert.equal(config.reporter.events.filter((e) => e.kind === 'error').length, 1, 'the same failure is reported once');

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
  }));

/** Forwards UDP and TCP to named; can swallow UDP replies (the update lands, we never hear). */
class LossyProxy {
  dropReplies = 0;
  dropped = 0;
  port = 0;
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  constructor(private readonly upstream: number) {}
  async start(): Promise<void> {
    this.port = await freePort();
    const udp = createSocket('udp4');
    this.udp = udp;
    udp.on('message', (msg, client) => {
      const up = createSocket('udp4');
      up.on('message', (reply) => {
        up.close();
        if (this.dropReplies > 0) {
          this.dropReplies--;
          this.dropped++;
          return;
        }
        udp.send(reply, client.port, client.address);
      });
      up.send(msg, this.upstream, '127.0.0.1');
    });
    await new Promise<void>((r) => udp.bind(this.port, '127.0.0.1', () => r()));
    this.tcp = createServer((down) => {
      const up = connect(this.upstream, '127.0.0.1');
      down.pipe(up).pipe(down);
      down.on('error', () => up.destroy());
      up.on('error', () => down.destroy());
    });
    await new Promise<void>((r) => this.tcp!.listen(this.port, '127.0.0.1', () => r()));
  }
  close(): void {
    this.udp?.close();
    this.tcp?.close();
  }
}

test('a lost reply: the retry finds our own TXT (YXDOMAIN, then "our TXT exists") and writes nothing twice', () =>
  withNamed({}, async (named, sinkFor) => {
    const proxy = new LossyProxy(named.port);
    await proxy.start();
    try {
      const config = configFor(named, { server: { host: '127.0.0.1', port: proxy.port }, timeoutMs: 300 });
      const sink = sinkFor(config);
      await sink.start();
      proxy.dropReplies = 1;
      sink.sync([rs('lost.dev.k8s', ['10.0.5.1', '10.0.5.2'])]);
      await sink.whenIdle();
      assert.equal(proxy.dropped, 1);
      assert.ok(config.reporter.events.some((e) => e.kind === 'error' && /did not answer within 0\.3s/.test(e.message)));
      assert.ok(!config.reporter.events.some((e) => e.kind === 'conflict'), 'our own earlier write is not a conflict');
      assert.deepEqual(await named.zoneRecords('dev.k8s'), [
        'lost.dev.k8s A 10.0.5.1',
        'lost.dev.k8s A 10.0.5.2',
        `lost.dev.k8s TXT ${txtFor('lost')}`,
        'ns.dev.k8s A 127.0.0.1',
      ]);
      assert.deepEqual(
        sink
          .current()
          .filter((s) => s.name === 'lost.dev.k8s')
          .map((s) => s.foreign),
        [undefined],
      );

      // A lost reply to an update: the retry is guarded by the TXT and ends with the wanted RRset.
      proxy.dropReplies = 1;
      sink.sync([rs('lost.dev.k8s', ['10.0.5.3'])]);
      await sink.whenIdle();
      assert.equal(proxy.dropped, 2);
      assert.deepEqual(await named.lookup('lost.dev.k8s', 'A'), ['10.0.5.3']);
      assert.deepEqual(await named.lookup('lost.dev.k8s', 'TXT'), [txtFor('lost')]);
    } finally {
      proxy.close();
    }
  }));

test('--cleanup-on-exit removes only our records', () =>
  withNamed({ records: { 'dev.k8s': ['shop A 10.9.9.9', 'spf TXT "v=spf1 -all"'] } }, async (named, sinkFor) => {
    await named.nsupdate('dev.k8s', [
      'update add other.dev.k8s 300 A 10.6.6.6',
      'update add other.dev.k8s 300 TXT "heritage=kubectl-mdns,owner=other-cluster,resource=HTTPRoute/x/y"',
    ]);
    const config = configFor(named);
    const sink = sinkFor(config);
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
  }));

test('stop without cleanup leaves every record in place', () =>
  withNamed({}, async (named, sinkFor) => {
    const sink = sinkFor(configFor(named));
    await sink.start();
    sink.sync([rs('stays.dev.k8s', ['10.0.7.1'])]);
    await sink.whenIdle();
    await sink.stop({ cleanup: false });
    assert.deepEqual(await named.lookup('stays.dev.k8s', 'A'), ['10.0.7.1']);
  }));
