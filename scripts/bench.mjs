#!/usr/bin/env node
// All benchmarks, one after the other: numbers and ratios, never pass/fail on time.
//   npm run bench            bindings + start-up (+ mDNS at scale when root: it needs netns)
import { spawnSync } from 'node:child_process';
const dir = new URL('.', import.meta.url).pathname;
const benches = ['bench-bindings.mjs', 'bench-startup.mjs'];
if (process.getuid?.() === 0) benches.push('bench-mdns.mjs');
else console.log('(bench-mdns.mjs skipped: it creates network namespaces and needs root)');
let failed = 0;
for (const b of benches) {
  console.log(`\n== ${b}`);
  const r = spawnSync(process.execPath, [dir + b], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
