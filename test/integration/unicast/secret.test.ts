// The TSIG secret against a real BIND and real sockets: a working sink, client and config
// print none of it, and neither does any failure — the server's BADSIG and BADKEY, a REFUSED
// update, a reply whose signature does not verify, a server that is not there, one that never
// answers — in the error's message, stack, util.inspect (with its causes) or JSON, nor in the
// sink's events and debug lines (what `-v` prints).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { inspect } from 'node:util';
import { UserError } from '../../../src/util/errors.js';
import { readUnicastState } from '../../../src/unicast/read-current.js';
import { DnsClient } from '../../../src/unicast/client.js';
import { TsigKey } from '../../../src/unicast/tsig-key.js';
import type { SinkDriver } from '../../../src/reconcile/driver.js';
import type { UnicastConfig } from '../../../src/unicast/config.js';
import { freePort } from '../../support/named.js';
import { assertNoSecretIn } from '../../support/secret.js';
import { configFor, rs, transcript, waitFor, withNamed } from './helpers.js';

const deep = { showHidden: true, depth: Infinity } as const;

/** Everything a failure can print. */
function failureTexts(err: unknown): Record<string, string> {
  return {
    message: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? String(err.stack) : '',
    inspect: inspect(err, deep),
    JSON: String(JSON.stringify(err)),
    String: String(err),
  };
}

function assertQuiet(secret: Buffer, what: string, err: unknown, config: UnicastConfig & { reporter: { events: unknown[] } }, sink?: SinkDriver): void {
  assert.ok(err instanceof UserError, `${what}: a UserError, got ${inspect(err)}`);
  for (const [how, text] of Object.entries(failureTexts(err))) assertNoSecretIn(text, secret, `${what}: the error's ${how}`);
  assertNoSecretIn(transcript(config.reporter as never), secret, `${what}: events and debug lines`);
  assertNoSecretIn(inspect(config, deep), secret, `${what}: the config`);
  if (sink) assertNoSecretIn(inspect(sink, deep), secret, `${what}: the sink`);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected a failure');
}

/** A DNS server on 127.0.0.1 for TCP and UDP whose replies `reply` makes (undefined: never answers). */
async function fakeServer(reply: (request: Buffer) => Buffer | undefined): Promise<{ port: number; close(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const tcp: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const out = reply(Buffer.from(msg));
        if (out) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length, 0);
          sock.write(Buffer.concat([len, out]));
        }
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', resolve));
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, from) => {
    const out = reply(Buffer.from(msg));
    if (out) udp.send(out, from.port, from.address);
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}

/** The request sent back as its own reply: it carries our TSIG record, whose MAC cannot verify as a reply's. */
function echo(request: Buffer): Buffer {
  const out = Buffer.from(request);
  out.writeUInt16BE(out.readUInt16BE(2) | 0x8000, 2);
  return out;
}

test('a working sink, its client and config print no secret, before and after real updates', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    sink.sync([rs('a.dev.k8s', ['10.0.0.1'], ['fd00::1']), rs('b.dev.k8s', ['10.0.0.2'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('a.dev.k8s', 'A'), ['10.0.0.1'], 'the signed updates were accepted');
    const client = new DnsClient(named.server, config.tsig, 2000);
    await client.query('a.dev.k8s', 1);
    for (const [what, value] of Object.entries({ sink, config, client, key: config.tsig })) {
      assertNoSecretIn(inspect(value, deep), named.secretBuffer, `inspect of the ${what}`);
      assertNoSecretIn(inspect(value, { ...deep, customInspect: false, getters: true }), named.secretBuffer, `raw inspect of the ${what}`);
      assertNoSecretIn(String(JSON.stringify(value)), named.secretBuffer, `JSON of the ${what}`);
      assertNoSecretIn(String(value), named.secretBuffer, `String() of the ${what}`);
    }
    assertNoSecretIn(transcript(config.reporter), named.secretBuffer, 'events and debug lines');
    assert.ok(
      config.reporter.debugLines.some((l) => l.includes('UPDATE')),
      'the debug lines are there to search',
    );
  }));

test('server-side failures: BADSIG, BADKEY, REFUSED (update), and readUnicastState for diff', () =>
  withNamed({}, async (named, sinkFor) => {
    const wrong = Buffer.alloc(32, 0x5a);
    const badsig = configFor(named, { tsig: new TsigKey(named.key.name, named.key.algorithm, wrong) });
    const s1 = sinkFor(badsig);
    s1.sync([rs('a.dev.k8s', ['10.0.0.1'])]);
    const e1 = await rejection(s1.start());
    assert.match(String((e1 as Error).message), /BADSIG/);
    assertQuiet(wrong, 'BADSIG', e1, badsig, s1);

    const badkey = configFor(named, { tsig: new TsigKey('nobody', 'hmac-sha256', named.secretBuffer) });
    const s2 = sinkFor(badkey);
    const e2 = await rejection(s2.start());
    assert.match(String((e2 as Error).message), /BADKEY/);
    assertQuiet(named.secretBuffer, 'BADKEY', e2, badkey, s2);

    for (const [what, config] of [
      ['BADSIG (diff)', badsig],
      ['BADKEY (diff)', badkey],
    ] as const) {
      const e = await rejection(readUnicastState(config, ['a.dev.k8s']));
      assertQuiet(what === 'BADSIG (diff)' ? wrong : named.secretBuffer, what, e, config);
    }
  }));

test('a REFUSED update: the error and the sink print no secret', () =>
  withNamed({ allowUpdate: 'none' }, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    sink.sync([rs('a.dev.k8s', ['10.0.0.1'])]);
    const e = await rejection(sink.whenIdle());
    assert.match(String((e as Error).message), /REFUSED/);
    assertQuiet(named.secretBuffer, 'REFUSED', e, config, sink);
  }));

test('transport failures and forged replies: unreachable, no answer, a signature that does not verify', async () => {
  const secret = Buffer.alloc(64, 0x3c);
  const tsig = new TsigKey('update-key', 'hmac-sha512', secret);
  const base = (port: number) => ({
    server: { host: '127.0.0.1', port },
    zones: ['dev.k8s'],
    tsig,
    ttl: 300,
    ownerId: 'test-owner',
    batchSize: 50,
    policy: 'sync' as const,
    allowMassDelete: false,
    timeoutMs: 300,
    backoff: { initialMs: 50, maxMs: 100 },
  });
  const { MemoryReporter } = await import('../../../src/util/reporter.js');
  const { UnicastSink } = await import('../../../src/unicast/sink.js');
  const { SinkDriver } = await import('../../../src/reconcile/driver.js');
  const run = async (what: string, port: number, pattern: RegExp) => {
    const config = { ...base(port), reporter: new MemoryReporter() };
    // As serve drives it: the sink behind the reconcile stage's driver.
    const sink = new SinkDriver(new UnicastSink(config), { reporter: config.reporter, backoff: config.backoff });
    try {
      sink.sync([rs('a.dev.k8s', ['10.0.0.1'])]);
      const e = await rejection(sink.start());
      assert.match(String((e as Error).message), pattern, what);
      assertQuiet(secret, what, e, config, sink);
      const d = await rejection(readUnicastState(config, ['a.dev.k8s']));
      assert.match(String((d as Error).message), pattern, `${what} (diff)`);
      assertQuiet(secret, `${what} (diff)`, d, config);
    } finally {
      await sink.stop({ cleanup: false });
    }
  };

  await run('nothing listening', await freePort(), /refused the TCP connection/);
  const silent = await fakeServer(() => undefined);
  try {
    await run('no answer', silent.port, /did not answer within 0\.3s/);
  } finally {
    await silent.close();
  }
  const forger = await fakeServer(echo);
  try {
    await run('a reply that does not verify', forger.port, /failed TSIG verification/);
  } finally {
    await forger.close();
  }
});

test('updates retried while the server is away, then converging: events, debug lines and the sink show no secret', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named, { timeoutMs: 300 });
    const sink = sinkFor(config);
    await sink.start();
    await named.stop();
    sink.sync([rs('late.dev.k8s', ['10.0.0.7'])]);
    const retrying = () => config.reporter.events.some((e) => e.kind === 'error' && /retrying in/.test(e.message));
    await waitFor(retrying, 'a retry to be reported');
    assertNoSecretIn(transcript(config.reporter), named.secretBuffer, 'retry events and debug lines');
    assertNoSecretIn(inspect(sink, deep), named.secretBuffer, 'the sink while retrying');
    await named.restart();
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('late.dev.k8s', 'A'), ['10.0.0.7'], 'converged once the server was back');
    assertNoSecretIn(transcript(config.reporter), named.secretBuffer, 'events and debug lines after recovery');
  }));
