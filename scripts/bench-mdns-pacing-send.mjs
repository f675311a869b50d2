// Run by bench-mdns-pacing.sh in the sender namespace: multicast the goodbye packets (TTL 0,
// RFC 6762 §10.1) for N names, paced with a token bucket (burst B, then R packets/ms).
// Usage: node bench-mdns-pacing-send.mjs IFADDR N B R
import dgram from 'node:dgram';
import { packMessages } from '../dist/src/mdns/packet.js';
const [ifaddr, N, B, R] = process.argv.slice(2).map((x, i) => (i ? Number(x) : x));
const recs = Array.from({ length: N }, (_, i) => ({
  name: `host-${i}.local`,
  type: 'A',
  data: `10.100.${i >> 8}.${i & 255}`,
  rclass: 1,
  flush: false,
  ttl: 0,
}));
const packets = packMessages({ response: true, authoritative: true }, [{ answers: recs }], 1460);
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
await new Promise((r) => s.bind(5353, r));
s.setMulticastInterface(ifaddr);
s.setMulticastTTL(255);
let tokens = B,
  at = Date.now(),
  i = 0;
const t0 = Date.now();
await new Promise((done) => {
  const pump = () => {
    const now = Date.now();
    tokens = Math.min(B, tokens + (now - at) * R);
    at = now;
    while (i < packets.length && tokens >= 1) {
      tokens--;
      s.send(packets[i++], 5353, '224.0.0.251');
    }
    if (i < packets.length) setTimeout(pump, 1);
    else setTimeout(done, 50);
  };
  pump();
});
console.log(JSON.stringify({ packets: packets.length, ms: Date.now() - t0 }));
s.close();
