// A second, minimal mDNS responder for the conflict and queryLink tests, on raw node:dgram
// (not our responder): it claims NAME with ADDRESS, answers every query that mentions NAME
// (probes included) by multicast, legacy queries by unicast, and on a "goodbye" stdin line
// sends TTL 0 and falls silent. Usage (inside a namespace):
//   node dist/test/support/mdns-rival.js IFACE_ADDRESS NAME ADDRESS

import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { CLASS_IN, type MdnsRecord, decodeMessage, encodeMessage } from '../../src/mdns/packet.js';

const [ifaceAddress, name, address] = process.argv.slice(2) as [string, string, string];
const record = (ttl: number): MdnsRecord => ({ name, type: 'A', data: address, rclass: CLASS_IN, flush: ttl > 0, ttl });
let silent = false;

const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
s.on('message', (buf, rinfo) => {
  if (silent) return;
  try {
    const m = decodeMessage(buf);
    if (m.response || !m.questions.some((q) => q.name.toLowerCase() === name)) return;
    if (rinfo.port !== 5353) {
      s.send(
        encodeMessage({ response: true, authoritative: true, id: m.id }, { questions: m.questions, answers: [{ ...record(10), flush: false }] }),
        rinfo.port,
        rinfo.address,
      );
    } else {
      s.send(encodeMessage({ response: true, authoritative: true }, { answers: [record(120)] }), 5353, '224.0.0.251');
    }
  } catch {
    // not for us
  }
});
s.bind(5353, () => {
  s.addMembership('224.0.0.251', ifaceAddress);
  s.setMulticastInterface(ifaceAddress);
  s.setMulticastTTL(255);
  s.send(encodeMessage({ response: true, authoritative: true }, { answers: [record(120)] }), 5353, '224.0.0.251', () => {
    process.stdout.write('{"event":"ready"}\n');
  });
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'goodbye') return;
  silent = true;
  s.send(encodeMessage({ response: true, authoritative: true }, { answers: [record(0)] }), 5353, '224.0.0.251', () => {
    process.stdout.write('{"event":"goodbye"}\n');
  });
});
process.on('SIGTERM', () => s.close(() => process.exit(0)));
