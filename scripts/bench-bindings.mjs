#!/usr/bin/env node
// Binding rules and the serve loop at scale: how long `list` spends computing bindings for N
// routes, and what one route or gateway event costs in `serve` (incremental) against a full
// recompute. Prints numbers and ratios; nothing here asserts on time.
//   node scripts/bench-bindings.mjs [routes=10000] [gateways=50]
import { computeBindings } from '../dist/src/bindings/compute.js';
import { desiredRecords } from '../dist/src/records/desired.js';
import { ServeLoop } from '../dist/src/cli/serve-loop.js';
import { silentReporter } from '../dist/src/util/reporter.js';

const ROUTES = Number(process.argv[2] ?? 10000);
const GATEWAYS = Number(process.argv[3] ?? 50);
const options = { zones: ['dev.k8s'], anyPort: false };

function gateway(i) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: `gw-${i}`, namespace: 'infra' },
    spec: {
      gatewayClassName: 'istio',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
        { name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
    status: {
      addresses: [
        { type: 'IPAddress', value: `172.18.${Math.floor(i / 250)}.${(i % 250) + 1}` },
        { type: 'IPAddress', value: `fd00::${i + 1}` },
      ],
    },
  };
}
function route(i) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `app-${i}`, namespace: `team-${i % 100}` },
    spec: { parentRefs: [{ name: `gw-${i % GATEWAYS}`, namespace: 'infra' }], hostnames: [`app-${i}.local`, `app-${i}.dev.k8s`] },
  };
}
const objects = {
  gateways: Array.from({ length: GATEWAYS }, (_, i) => gateway(i)),
  routes: Array.from({ length: ROUTES }, (_, i) => route(i)),
  listenerSets: [],
  ingresses: [],
  namespaces: Array.from({ length: 100 }, (_, i) => ({ kind: 'Namespace', metadata: { name: `team-${i}` } })),
};

function time(fn, runs = 5) {
  const samples = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    result = fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], result };
}

const full = time(() => desiredRecords(computeBindings(objects, options).bindings));
const bindings = computeBindings(objects, options).bindings.length;

const loop = new ServeLoop(options, silentReporter, 0);
loop.replaceAll(objects);
let n = 0;
const routeEvent = time(() => {
  const r = route(n++ % ROUTES);
  r.spec.hostnames = [`renamed-${n}.local`];
  loop.apply({ type: 'MODIFIED', kind: 'HTTPRoute', object: r });
  loop.flush();
}, 21);
const gwEvent = time(() => {
  const g = gateway(n++ % GATEWAYS);
  g.status.addresses = [{ type: 'IPAddress', value: `10.1.${n % 250}.1` }];
  loop.apply({ type: 'MODIFIED', kind: 'Gateway', object: g });
  loop.flush();
}, 21);

const mem = process.memoryUsage();
const row = (a, b) => `${a.padEnd(52)}${b}`;
console.log(`bindings: ${ROUTES} routes × 2 hostnames on ${GATEWAYS} gateways → ${bindings} bindings, ${full.result.length} record sets`);
console.log(row('full compute (list: bindings + records)', `${full.ms.toFixed(1)} ms`));
console.log(
  row('serve: one route event (incremental)', `${routeEvent.ms.toFixed(2)} ms   ${(full.ms / routeEvent.ms).toFixed(0)}× cheaper than a full recompute`),
);
console.log(
  row(
    `serve: one gateway event (~${Math.round(ROUTES / GATEWAYS)} routes rebound)`,
    `${gwEvent.ms.toFixed(2)} ms   ${(full.ms / gwEvent.ms).toFixed(1)}× cheaper than a full recompute`,
  ),
);
console.log(row('heap used after all of it', `${(mem.heapUsed / 1048576).toFixed(0)} MiB (rss ${(mem.rss / 1048576).toFixed(0)} MiB)`));
