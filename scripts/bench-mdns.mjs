#!/usr/bin/env node
// Benchmark: publish N names (default 10,000) with the mDNS responder inside a throw-away
// network namespace pair, and report the time until every name is probed and announced and
// the time to say goodbye to all of them on SIGTERM, next to avahi's figures (48 s to publish
// 10,000 names, 9 s to withdraw them; docs/decisions.md, Numbers). Needs root (ip netns) and a build
// (`npm run build`). Usage: node scripts/bench-mdns.mjs [N]
// A listener in the querier namespace (default 212 KB socket buffer, like avahi's) counts the
// names that arrived in announcements and in goodbyes; dig samples check the answers.

import { createPair, sh } from '../dist/test/support/netns.js';
import { MdnsChild } from '../dist/test/support/mdns-child.js';

const N = Number(process.argv[2] ?? 10_000);
const AVAHI_PUBLISH_S = 48;
const AVAHI_GOODBYE_S = 9;

if (process.getuid?.() !== 0) {
  console.error('bench-mdns needs root (it creates network namespaces)');
  process.exit(2);
}

const sets = Array.from({ length: N }, (_, i) => ({
  name: `host-${i}.local`, target: 'mdns', a: [`10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`], aaaa: [], services: [], owners: [],
}));

const COUNTER = `
import dgram from 'node:dgram';
import { decodeMessage } from ${JSON.stringify(new URL('../dist/src/mdns/packet.js', import.meta.url).href)};
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const announced = new Set(); const goodbye = new Set(); let packets = 0; let probes = 0;
s.on('message', (b, r) => {
  if (r.port !== 5353) return;
  packets++;
  try {
    const m = decodeMessage(b);
    if (!m.response) { probes++; return; }
    for (const a of m.answers) if (a.type === 'A') (a.ttl ? announced : goodbye).add(a.name);
  } catch {}
});
s.bind(5353, () => s.addMembership('224.0.0.251', process.argv[1]));
process.on('SIGTERM', () => { console.log(JSON.stringify({ packets, probes, announced: announced.size, goodbye: goodbye.size })); process.exit(0); });
`;

const pair = await createPair('bm', 14);
let child;
try {
  const counter = pair.spawn(pair.b, process.execPath, ['--input-type=module', '-e', COUNTER, pair.ipB], { stdio: ['ignore', 'pipe', 'inherit'] });
  let counted = '';
  counter.stdout.on('data', (d) => (counted += d));
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  child = MdnsChild.start(pair, pair.a, pair.ifA, sets);
  const settled = await child.settled(1, 120_000);
  const publishMs = performance.now() - t0;
  const conflicts = settled.conflicts.length;
  // the RFC's second announcement follows one second after the first
  await new Promise((r) => setTimeout(r, 1200));
  const samples = [0, Math.floor(N / 2), N - 1];
  const answers = [];
  for (const i of samples) answers.push((await sh('ip', ['netns', 'exec', pair.b, 'dig', '+short', '+time=2', '-p', '5353', `@${pair.ipA}`, `host-${i}.local`, 'A'])).trim());
  const stop = await child.terminate(10_000);
  await new Promise((r) => setTimeout(r, 500));
  const exited = new Promise((r) => counter.once('exit', r));
  counter.kill('SIGTERM');
  await exited;
  const { packets, probes, announced, goodbye } = JSON.parse(counted);
  const row = (what, ours, avahi) => `${what.padEnd(30)} ${(ours / 1000).toFixed(2).padStart(8)} s   avahi ${String(avahi).padStart(3)} s   ${(avahi / (ours / 1000)).toFixed(1)}× faster`;
  console.log(`mDNS responder, ${N} names (IPv4 + IPv6 on one veth)`);
  console.log(row('probed + first announcement', publishMs, AVAHI_PUBLISH_S));
  console.log(row('goodbye on SIGTERM (to exit)', stop.elapsedMs, AVAHI_GOODBYE_S));
  console.log(`received in namespace B over IPv4: ${packets} packets, ${probes} probe packets (3 rounds), ${announced} of ${N} names announced, ${goodbye} of ${N} names said goodbye; conflicts ${conflicts}; exit code ${stop.code}`);
  console.log(`dig samples: ${samples.map((i, k) => `host-${i}.local=${answers[k]}`).join(' ')}`);
  if (announced !== N || goodbye !== N || stop.code !== 0) process.exitCode = 1;
} finally {
  if (child) {
    try { await child.terminate(); } catch { /* gone */ }
  }
  await pair.destroy();
}
