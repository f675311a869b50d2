#!/usr/bin/env node
// Benchmark: `kubectl mdns serve -f` next to avahi-daemon, both publishing the same N names
// (default 10,000), one after the other in one run, each pinned to one core (`taskset`) in
// network namespace A; the load comes from namespace B over a veth (docs/testing.md):
//   answers/s      dnsperf, legacy-unicast A queries (RFC 6762 §6.7) to port 5353, 100 in flight
//   p50/p99        dnsperf -Q 2000 -v (its per-query lines are the only source of latencies)
//   p99 announcing the same fixed load started as soon as every name answers, while their
//                  announcements (RFC 6762 §8.3) are going out
//   all answering  from spawn until a sweep of legacy queries has an answer for every name
//   exit           SIGTERM to exit, and to the last goodbye (TTL 0, §10.1) a listener saw
//   peak RSS       VmHWM of the responder process
// Usage: node scripts/bench-mdns.mjs [--names N] [--json FILE] [--only ours|avahi]
//        [--seconds S] [--cpu-prof DIR] [--trace-gc FILE]   (root: it creates namespaces; npm run build first)
// Numbers only, never pass/fail on time: the machine is shared and noisy.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPair, sh } from '../dist/test/support/netns.js';

const { values: opt } = parseArgs({
  options: {
    names: { type: 'string', default: '10000' },
    json: { type: 'string' },
    only: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    'cpu-prof': { type: 'string' },
    'trace-gc': { type: 'string' },
  },
});
const N = Number(opt.names);
const SECONDS = Number(opt.seconds);
const PEERS = fileURLToPath(new URL('./bench-mdns-peers.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../plugin/kubectl-mdns', import.meta.url));
const RESPONDER_CPU = '1';
const LOAD_CPU = '0';

if (process.getuid?.() !== 0) {
  console.error('bench-mdns needs root (it creates network namespaces)');
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync('/tmp/mdnsperf-bench-');
const names = Array.from({ length: N }, (_, i) => `host-${i}.local`);
writeFileSync(`${dir}/queries.txt`, names.map((n) => `${n} A\n`).join(''));

// One address per name: avahi publishes a reverse PTR per address, so names sharing one collide.
const address = (i) => `10.100.${i >> 8}.${i & 255}`;
// Ingresses with a load-balancer address each (a source serve reads like routes on a gateway).
function manifests() {
  const docs = [];
  for (let i = 0; i < N; i++) {
    docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: r${i}, namespace: bench}
spec:
  rules: [{host: ${names[i]}, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: svc, port: {number: 80}}}}]}}]
status:
  loadBalancer: {ingress: [{ip: ${address(i)}}]}
`);
  }
  return docs.join('---\n');
}
const hostsFile = () => names.map((n, i) => `${address(i)} ${n}\n`).join('');

/** Lines of a child's stdout as they come. */
function lines(child) {
  const seen = [];
  const waiters = [];
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      seen.push(line);
      for (const w of waiters.splice(0)) if (!w(line)) waiters.push(w);
    }
  });
  return {
    seen,
    next: (pred, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const hit = seen.find(pred);
        if (hit) return resolve(hit);
        const t = setTimeout(() => reject(new Error('timed out waiting for a line')), ms);
        waiters.push((l) => {
          if (!pred(l)) return false;
          clearTimeout(t);
          resolve(l);
          return true;
        });
      }),
  };
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function dnsperf(pair, args) {
  const out = await sh(
    'ip',
    ['netns', 'exec', pair.b, 'taskset', '-c', LOAD_CPU, 'dnsperf', '-s', pair.ipA, '-p', '5353', '-d', `${dir}/queries.txt`, ...args],
    { timeoutMs: (SECONDS + 30) * 1000 },
  );
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const completed = Number(/Queries completed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  // -v: "> NOERROR host-1.local A 0.000123" — the last field is the latency in seconds
  const lat = [];
  for (const m of out.matchAll(/^> \S+ .* ([\d.]+)$/gm)) lat.push(Number(m[1]) * 1000);
  lat.sort((a, b) => a - b);
  return { qps, lost, completed, p50: percentile(lat, 50), p99: percentile(lat, 99), answers: lat.length };
}

function rssNow(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

function peakRss(pid) {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * One responder through every measurement. `start` spawns it and returns the child process.
 */
async function measure(label, pair, { start }) {
  console.error(`[${label}] starting`);
  const listener = pair.spawn(pair.b, process.execPath, [PEERS, 'listen', pair.ipB, 'host-'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ll = lines(listener);
  await ll.next((l) => l === 'ready');
  const t0 = Date.now();
  const child = start();
  const sweeper = pair.spawn(pair.b, 'taskset', ['-c', LOAD_CPU, process.execPath, PEERS, 'sweep', pair.ipA, String(N), 'host-', String(t0)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sl = lines(sweeper);
  const swept = JSON.parse(await sl.next((l) => l.startsWith('{'), 320_000));
  if (swept.answered < N && child.log) console.error(`[${label}] its log ends: ${child.log().split('\n').slice(-8).join('\n')}`);
  const rssAnswering = rssNow(child.pid);
  console.error(`[${label}] every name answering after ${swept.ms} ms (${swept.answered}/${N}); RSS ${rssAnswering?.toFixed(1)} MB`);
  // Every name has just been probed and its announcements (§8.3: two, one second apart, for
  // ours; avahi's own schedule) are going out: the same fixed load as below, right now.
  const announcing = await dnsperf(pair, ['-l', '3', '-Q', '2000', '-q', '1000', '-t', '2', '-v']);
  console.error(`[${label}] while announcing: p50 ${announcing.p50?.toFixed(3)} ms p99 ${announcing.p99?.toFixed(3)} ms (${announcing.lost} lost)`);
  await sleep(1000);
  const throughput = await dnsperf(pair, ['-l', String(SECONDS), '-q', '100', '-t', '2']);
  console.error(`[${label}] ${throughput.qps} answers/s (${throughput.lost} lost)`);
  const fixed = await dnsperf(pair, ['-l', String(SECONDS), '-Q', '2000', '-q', '1000', '-t', '2', '-v']);
  console.error(`[${label}] at 2,000/s p50 ${fixed.p50?.toFixed(3)} ms p99 ${fixed.p99?.toFixed(3)} ms (${fixed.lost} lost)`);
  const rss = peakRss(child.pid);
  const rssEnd = rssNow(child.pid);
  listener.stdin.write('reset\n');
  await sleep(200);
  const tStop = Date.now();
  child.kill('SIGTERM');
  await exited(child);
  const exitMs = Date.now() - tStop;
  await sleep(1500);
  listener.kill('SIGTERM');
  const heard = JSON.parse(await ll.next((l) => l.startsWith('{')));
  const goodbyeMs = heard.goodbyes === N ? Math.max(exitMs, heard.last - tStop) : null;
  console.error(
    `[${label}] exit ${exitMs} ms, goodbyes seen ${heard.goodbyes}/${N} (${heard.packets} packets), last at ${heard.last ? heard.last - tStop : '-'} ms; peak RSS ${rss?.toFixed(1)} MB, RSS before SIGTERM ${rssEnd?.toFixed(1)} MB`,
  );
  return {
    answersPerSecond: throughput.qps,
    throughputLost: throughput.lost,
    p50Ms: fixed.p50,
    p99Ms: fixed.p99,
    fixedLost: fixed.lost,
    p99AnnouncingMs: announcing.p99,
    announcingLost: announcing.lost,
    allAnsweringMs: swept.ms,
    exitMs,
    exitWithGoodbyesMs: goodbyeMs,
    goodbyesSeen: heard.goodbyes,
    peakRssMB: rss,
    rssAllAnsweringMB: rssAnswering,
    rssBeforeStopMB: rssEnd,
  };
}

function startOurs(pair) {
  const file = `${dir}/routes.yaml`;
  writeFileSync(file, manifests());
  const node = [];
  if (opt['cpu-prof']) node.push('--cpu-prof', `--cpu-prof-dir=${opt['cpu-prof']}`);
  if (opt['trace-gc']) node.push('--trace-gc');
  let child;
  return {
    start() {
      child = pair.spawn(
        pair.a,
        'taskset',
        ['-c', RESPONDER_CPU, process.execPath, ...node, CLI, 'serve', '-f', file, '--interface', pair.ifA, '--log-format', 'json'],
        { stdio: ['ignore', opt['trace-gc'] ? 'pipe' : 'ignore', 'pipe'] },
      );
      if (opt['trace-gc']) {
        const chunks = [];
        child.stdout.on('data', (d) => chunks.push(d));
        child.once('exit', () => writeFileSync(opt['trace-gc'], Buffer.concat(chunks)));
      }
      let err = '';
      child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
      child.once('exit', (code) => code && console.error(`[ours] exited ${code}: ${err}`));
      return child;
    },
  };
}

function startAvahi(pair) {
  const d = `${dir}/avahi`;
  mkdirSync(`${d}/run`, { recursive: true });
  writeFileSync(`${d}/hosts`, hostsFile());
  writeFileSync(
    `${d}/avahi.conf`,
    `[server]
use-ipv4=yes
use-ipv6=yes
allow-interfaces=${pair.ifA}
enable-dbus=no
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
[reflector]
enable-reflector=no
`,
  );
  if (!existsSync('/run/avahi-daemon')) mkdirSync('/run/avahi-daemon', { recursive: true });
  if (!existsSync('/etc/avahi/hosts')) throw new Error('/etc/avahi/hosts is missing: apt-get install avahi-daemon');
  let child;
  return {
    start() {
      child = pair.spawn(
        pair.a,
        'sh',
        [
          '-c',
          `mount --bind ${d}/run /run/avahi-daemon && mount --bind ${d}/hosts /etc/avahi/hosts && exec taskset -c ${RESPONDER_CPU} avahi-daemon --no-chroot --no-drop-root --no-rlimits -f ${d}/avahi.conf`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
      child.once('exit', (code) => code && console.error(`[avahi] exited ${code}: ${err}`));
      child.log = () => err;
      return child;
    },
  };
}

const pair = await createPair('mperf', 177);
const rows = {};
try {
  if (opt.only !== 'avahi') rows.ours = await measure('kubectl mdns', pair, startOurs(pair));
  if (opt.only !== 'ours') rows.avahi = await measure('avahi', pair, startAvahi(pair));
} finally {
  await pair.destroy();
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (v, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const metrics = [
  ['answers/s (100 in flight)', 'answersPerSecond', 0, 'higher'],
  ['latency p50 at 2,000/s (ms)', 'p50Ms', 3, 'lower'],
  ['latency p99 at 2,000/s (ms)', 'p99Ms', 3, 'lower'],
  [`p99 while ${N} names announce (ms)`, 'p99AnnouncingMs', 3, 'lower'],
  ['every name answering (ms)', 'allAnsweringMs', 0, 'lower'],
  ['SIGTERM to exit (ms)', 'exitMs', 0, 'lower'],
  ['exit + every goodbye seen (ms)', 'exitWithGoodbyesMs', 0, 'lower'],
  ['peak RSS (MB)', 'peakRssMB', 1, 'lower'],
];
const ratio = (a, b, better) =>
  typeof a === 'number' && typeof b === 'number' && a > 0 && b > 0 ? `${(better === 'higher' ? a / b : b / a).toFixed(2)}x` : '-';
console.log(`mDNS responders, ${N} names, one core each, dnsperf legacy-unicast load from a second namespace`);
console.log(`${'METRIC'.padEnd(36)} ${'KUBECTL MDNS'.padStart(13)} ${'AVAHI'.padStart(13)} ${'OURS/AVAHI (BETTER=>1)'.padStart(24)}`);
for (const [title, key, digits, better] of metrics) {
  const a = rows.ours?.[key];
  const b = rows.avahi?.[key];
  console.log(`${title.padEnd(36)} ${fmt(a, digits).padStart(13)} ${fmt(b, digits).padStart(13)} ${ratio(a, b, better).padStart(24)}`);
}
const lossy = Object.entries(rows)
  .map(([k, r]) => `${k}: lost ${r.throughputLost}/${r.fixedLost}/${r.announcingLost}, goodbyes seen ${r.goodbyesSeen}/${N}`)
  .join('; ');
console.log(`(queries lost in the three dnsperf runs, and goodbyes heard — ${lossy})`);
if (opt.json) writeFileSync(opt.json, JSON.stringify({ names: N, seconds: SECONDS, date: new Date().toISOString(), rows }, null, 2) + '\n');
