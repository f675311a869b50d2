// Sends COUNT hostile or random packets at an mDNS responder, from inside a namespace:
//   node dist/test/support/mdns-fuzz.js TARGET_IP IFACE_ADDRESS COUNT SEED NAME...
// Kinds: random bytes, mutated and truncated valid queries, compression loops, huge counts,
// bad label types, over-long names, oversized packets, truncated (TC) queries that promise
// more known answers. Packets that mention the responder's NAMEs go from an ephemeral port
// (legacy path) so a random bit flip cannot turn one into a genuine conflicting *response*
// from port 5353 (which RFC 6762 §9 says to honour); the rest alternate between port 5353
// (multicast and unicast) and the ephemeral port.

import dgram from 'node:dgram';
import { CLASS_IN, RR, encodeMessage } from '../../src/mdns/packet.js';

const [target, ifaceAddress, countArg, seedArg, ...names] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const count = Number(countArg);
let seed = Number(seedArg) >>> 0 || 1;
const rnd = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 0x100000000;
};
const int = (n: number) => Math.floor(rnd() * n);
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));

function header(qd: number, an: number, ns: number, ar: number, flags = 0): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(int(65536), 0);
  b.writeUInt16BE(flags, 2);
  b.writeUInt16BE(qd, 4);
  b.writeUInt16BE(an, 6);
  b.writeUInt16BE(ns, 8);
  b.writeUInt16BE(ar, 10);
  return b;
}

const ours = names.length ? names : ['x.local'];
const bases = [
  ...ours.map((n) =>
    encodeMessage(
      { response: false },
      {
        questions: [
          { name: n, typeCode: RR.A, qclass: CLASS_IN, unicastResponse: false },
          { name: n, typeCode: RR.AAAA, qclass: CLASS_IN, unicastResponse: true },
        ],
      },
    ),
  ),
  encodeMessage({ response: false }, { questions: [{ name: '_http._tcp.local', typeCode: RR.PTR, qclass: CLASS_IN, unicastResponse: false }] }),
];
const foreign = [
  encodeMessage(
    { response: true, authoritative: true },
    { answers: [{ name: 'fuzz-other.local', type: 'A', data: '10.66.0.1', rclass: CLASS_IN, flush: true, ttl: 120 }] },
  ),
  encodeMessage({ response: false }, { questions: [{ name: 'fuzz-other.local', typeCode: RR.ANY, qclass: CLASS_IN, unicastResponse: true }] }),
];

function packet(kind: number): { buf: Buffer; mentionsOurs: boolean } {
  switch (kind) {
    case 0:
      return { buf: bytes(int(600)), mentionsOurs: false };
    case 1: {
      // mutated query for our names
      const b = Buffer.from(bases[int(bases.length)]!);
      for (let i = 0, n = 1 + int(8); i < n; i++) b[int(b.length)] = int(256);
      return { buf: rnd() < 0.3 ? b.subarray(0, int(b.length)) : b, mentionsOurs: true };
    }
    case 2: // compression loop / self pointer
      return { buf: Buffer.concat([header(1 + int(3), int(3), 0, 0), Buffer.from([1, 0x61, 0xc0, 12 + int(3), 0, 1, 0, 1])]), mentionsOurs: false };
    case 3: // huge counts
      return { buf: Buffer.concat([header(65535, 65535, 65535, 65535, rnd() < 0.5 ? 0x8400 : 0), bytes(int(200))]), mentionsOurs: false };
    case 4: // bad label types and over-long names
      return {
        buf: Buffer.concat([header(1, 0, 0, 0), Buffer.from([0x40 | int(64), 0x61]), Buffer.alloc(300, 63), Buffer.from([0, 0, 1, 0, 1])]),
        mentionsOurs: false,
      };
    case 5: // oversized
      return { buf: Buffer.concat([bases[0]!, bytes(2000 + int(7000))]), mentionsOurs: true };
    case 6: {
      // TC queries promising more known answers that never come
      const b = Buffer.from(bases[int(bases.length)]!);
      b.writeUInt16BE(0x0200, 2);
      b.writeUInt16BE(int(65536), 0);
      return { buf: b, mentionsOurs: true };
    }
    default: {
      // mutated foreign traffic, any port
      const b = Buffer.from(foreign[int(foreign.length)]!);
      for (let i = 0, n = int(6); i < n; i++) b[int(b.length)] = int(256);
      return { buf: b, mentionsOurs: false };
    }
  }
}

const mdns = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const eph = dgram.createSocket({ type: 'udp4' });
await new Promise<void>((r) => mdns.bind(5353, () => r()));
await new Promise<void>((r) => eph.bind(0, () => r()));
mdns.setMulticastInterface(ifaceAddress);
eph.setMulticastInterface(ifaceAddress);
mdns.on('message', () => {});
eph.on('message', () => {});
let sent = 0;
const inflight: Promise<void>[] = [];
for (let i = 0; i < count; i++) {
  const { buf, mentionsOurs } = packet(int(8));
  const sock = mentionsOurs || rnd() < 0.5 ? eph : mdns;
  const dest = rnd() < 0.5 ? '224.0.0.251' : target;
  inflight.push(
    new Promise((r) =>
      sock.send(buf, 5353, dest, () => {
        sent++;
        r();
      }),
    ),
  );
  if (inflight.length >= 256) {
    await Promise.all(inflight.splice(0));
    // pace a little so the kernel queues are not simply overrun
    if (i % 4096 === 0) await new Promise((r) => setTimeout(r, 5));
  }
}
await Promise.all(inflight);
process.stdout.write(`${JSON.stringify({ sent })}\n`);
mdns.close();
eph.close();
