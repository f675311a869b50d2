// Getting DNS messages to the server and back: UDP for small exchanges, TCP with 2-byte
// length framing (RFC 1035 §4.2.2) for large ones, truncated replies (RFC 2136 §3.8 / RFC 1035
// §4.2.1) and zone transfers (RFC 5936 §4.1). Errors say which server and what went wrong.

import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { HEADER_BYTES, decodeHeader } from '../dns/index.js';

export interface DnsServer {
  host: string;
  port: number;
}

export const DEFAULT_TIMEOUT_MS = 3000;

/** `127.0.0.1:5300`, `[fd00::1]:53`: how a server is named in messages. */
export function serverLabel(server: DnsServer): string {
  return isIPv6(server.host) ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

/** The server could not be reached or did not answer: worth retrying later. */
export class DnsTransportError extends Error {
  constructor(
    /** `closed`: a TCP reply ended early (a zone transfer the server gave up on). */
    readonly kind: 'timeout' | 'network' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'DnsTransportError';
  }
}

function networkError(server: DnsServer, proto: 'UDP' | 'TCP', err: NodeJS.ErrnoException): DnsTransportError {
  const where = `DNS server ${serverLabel(server)}`;
  if (err.code === 'ECONNREFUSED') {
    return new DnsTransportError('network', `${where} refused the ${proto} connection (nothing listens there; is the server running?)`);
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new DnsTransportError('network', `${where}: the host name does not resolve (${err.code})`);
  }
  return new DnsTransportError('network', `${where} could not be reached over ${proto}: ${err.code ?? err.message}`);
}

/** RFC 1035 §4.2.1: UDP messages are limited to 512 bytes (we send no EDNS0). */
const UDP_LIMIT = 512;

/**
 * One request, one reply: UDP unless the request is over 512 bytes, then TCP; a reply with
 * TC set is asked again over TCP.
 */
export async function exchange(server: DnsServer, request: Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
  if (request.length > UDP_LIMIT) return exchangeTcp(server, request, timeoutMs);
  const reply = await exchangeUdp(server, request, timeoutMs);
  const truncated = reply.length >= HEADER_BYTES && decodeHeader(reply).tc;
  return truncated ? exchangeTcp(server, request, timeoutMs) : reply;
}

export function exchangeUdp(server: DnsServer, request: Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
  const id = decodeHeader(request).id;
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    let settled = false;
    const finish = (err: Error | undefined, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        sock.close();
      } catch {
        /* already closed */
      }
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(
      () => finish(new DnsTransportError('timeout', `DNS server ${serverLabel(server)} did not answer within ${seconds(timeoutMs)}`)),
      timeoutMs,
    );
    // A connected socket only accepts datagrams from the server, and gets ICMP port
    // unreachable as ECONNREFUSED, so a stopped server fails fast instead of timing out.
    sock.on('error', (err) => finish(networkError(server, 'UDP', err)));
    sock.on('message', (msg) => {
      // Replies with another ID are stray or forged: keep waiting (RFC 5452 §9.1).
      const h = msg.length >= HEADER_BYTES ? decodeHeader(msg) : undefined;
      if (h && h.id === id && h.qr) finish(undefined, msg);
    });
    sock.connect(server.port, server.host, () => {
      sock.send(request, (err) => {
        if (err) finish(networkError(server, 'UDP', err));
      });
    });
  });
}

export async function exchangeTcp(server: DnsServer, request: Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
  let reply: Buffer | undefined;
  await streamTcp(server, request, timeoutMs, (msg) => {
    reply = msg;
    return true;
  });
  return reply!;
}

/**
 * Sends one request over TCP and hands each framed reply message to `onMessage` until it
 * returns true (a zone transfer ends with its second SOA, RFC 5936 §2.2). The timeout
 * applies to each wait for data, so a long transfer that keeps flowing is not cut off.
 */
export function streamTcp(server: DnsServer, request: Buffer, timeoutMs: number, onMessage: (message: Buffer) => boolean): Promise<void> {
  const id = decodeHeader(request).id;
  return new Promise((resolve, reject) => {
    const sock = connect({ host: server.host, port: server.port });
    let buffered = Buffer.alloc(0);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => finish(new DnsTransportError('timeout', `DNS server ${serverLabel(server)} did not answer within ${seconds(timeoutMs)}`)),
        timeoutMs,
      );
    };
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    arm();
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(request.length, 0);
      sock.write(Buffer.concat([len, request]));
    });
    sock.on('data', (chunk) => {
      arm();
      buffered = Buffer.concat([buffered, chunk]);
      while (!settled && buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const size = buffered.readUInt16BE(0);
        const msg = buffered.subarray(2, 2 + size);
        buffered = buffered.subarray(2 + size);
        if (msg.length < HEADER_BYTES || decodeHeader(msg).id !== id) {
          finish(new DnsTransportError('network', `DNS server ${serverLabel(server)} sent a reply that does not match the request`));
          return;
        }
        try {
          if (onMessage(msg)) finish();
        } catch (err) {
          finish(err as Error);
        }
      }
    });
    sock.on('error', (err) => finish(networkError(server, 'TCP', err)));
    sock.on('close', () =>
      finish(new DnsTransportError('closed', `DNS server ${serverLabel(server)} closed the TCP connection before the reply was complete`)),
    );
  });
}
