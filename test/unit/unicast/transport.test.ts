// Transport against small local stand-ins for a server (127.0.0.1 only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { exchange, exchangeUdp, streamTcp, DnsTransportError } from '../../../src/unicast/transport.js';
import { encodeQuery } from '../../../src/unicast/wire.js';

function reply(request: Buffer, flags: number, extra = 0): Buffer {
  const out = Buffer.concat([request, Buffer.alloc(extra)]);
  out.writeUInt16BE(0x8000 | flags, 2);
  return out;
}

async function udpServer(
  onMessage: (msg: Buffer, sock: Socket, port: number, address: string) => void,
): Promise<{ port: number; close: () => void; seen: Buffer[] }> {
  const sock = createSocket('udp4');
  const seen: Buffer[] = [];
  sock.on('message', (msg, r) => {
    seen.push(msg);
    onMessage(msg, sock, r.port, r.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return { port: sock.address().port, close: () => sock.close(), seen };
}

async function tcpServer(port: number, onMessage: (msg: Buffer) => Buffer[], endAfterReply = false): Promise<{ server: Server; seen: Buffer[] }> {
  const seen: Buffer[] = [];
  const server = createServer((conn) => {
    let buf = Buffer.alloc(0);
    conn.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        seen.push(msg);
        for (const r of onMessage(msg)) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(r.length, 0);
          conn.write(Buffer.concat([len, r]));
        }
        if (endAfterReply) conn.end();
      }
    });
    conn.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return { server, seen };
}

test('a server that never answers: a timeout naming the server and the wait', async () => {
  const silent = await udpServer(() => {});
  try {
    await assert.rejects(exchangeUdp({ host: '127.0.0.1', port: silent.port }, encodeQuery(7, 'a.dev.k8s', 1), 200), (e: unknown) => {
      assert.ok(e instanceof DnsTransportError && e.kind === 'timeout');
      assert.equal(e.message, `DNS server 127.0.0.1:${silent.port} did not answer within 0.2s`);
      return true;
    });
  } finally {
    silent.close();
  }
});

test('replies with another ID are ignored; the matching one is taken', async () => {
  const srv = await udpServer((msg, sock, port, address) => {
    const wrong = reply(msg, 0);
    wrong.writeUInt16BE(msg.readUInt16BE(0) ^ 1, 0);
    sock.send(wrong, port, address);
    sock.send(reply(msg, 0, 1), port, address);
  });
  try {
    const r = await exchangeUdp({ host: '127.0.0.1', port: srv.port }, encodeQuery(0x4242, 'a.dev.k8s', 1), 2000);
    assert.equal(r.readUInt16BE(0), 0x4242);
    assert.equal(r.length, encodeQuery(0x4242, 'a.dev.k8s', 1).length + 1);
  } finally {
    srv.close();
  }
});

test('nothing listening: a fast "refused" error, not a timeout', async () => {
  const gone = await udpServer(() => {});
  const port = gone.port;
  gone.close();
  await assert.rejects(exchangeUdp({ host: '127.0.0.1', port }, encodeQuery(1, 'a.dev.k8s', 1), 5000), (e: unknown) => {
    assert.ok(e instanceof DnsTransportError && e.kind === 'network');
    assert.match(e.message, new RegExp(`DNS server 127.0.0.1:${port} refused the UDP connection`));
    return true;
  });
});

test('a truncated UDP reply (TC) is asked again over TCP', async () => {
  const udp = await udpServer((msg, sock, port, address) => sock.send(reply(msg, 0x0200), port, address));
  const tcp = await tcpServer(udp.port, (msg) => [reply(msg, 0, 3)]);
  try {
    const q = encodeQuery(99, 'a.dev.k8s', 16);
    const r = await exchange({ host: '127.0.0.1', port: udp.port }, q, 2000);
    assert.equal(udp.seen.length, 1);
    assert.equal(tcp.seen.length, 1);
    assert.equal(r.length, q.length + 3, 'the TCP reply is returned');
    assert.equal(r.readUInt16BE(2) & 0x0200, 0);
  } finally {
    udp.close();
    tcp.server.close();
  }
});

test('a request over 512 bytes goes straight to TCP', async () => {
  const udp = await udpServer((msg, sock, port, address) => sock.send(reply(msg, 0), port, address));
  const tcp = await tcpServer(udp.port, (msg) => [reply(msg, 0)]);
  try {
    const big = Buffer.concat([encodeQuery(5, 'a.dev.k8s', 1), Buffer.alloc(600)]);
    await exchange({ host: '127.0.0.1', port: udp.port }, big, 2000);
    assert.equal(udp.seen.length, 0);
    assert.equal(tcp.seen.length, 1);
    assert.equal(tcp.seen[0]!.length, big.length, '2-byte length framing');
  } finally {
    udp.close();
    tcp.server.close();
  }
});

test('TCP streams: every framed message until the caller is done; a short close is an error', async () => {
  const probe = await udpServer(() => {});
  const port = probe.port;
  probe.close();
  const tcp = await tcpServer(port, (msg) => [reply(msg, 0, 1), reply(msg, 0, 2), reply(msg, 0, 3)], true);
  try {
    const got: number[] = [];
    const q = encodeQuery(11, 'dev.k8s', 252);
    await streamTcp({ host: '127.0.0.1', port }, q, 2000, (m) => {
      got.push(m.length - q.length);
      return got.length === 3;
    });
    assert.deepEqual(got, [1, 2, 3]);
    await assert.rejects(
      streamTcp({ host: '127.0.0.1', port }, q, 2000, () => false),
      new RegExp(`DNS server 127.0.0.1:${port} closed the TCP connection before the reply was complete`),
    );
  } finally {
    tcp.server.close();
  }
});
