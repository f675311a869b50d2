#!/usr/bin/env node
// Start-up time of the installed plugin against kubectl's own: `kubectl mdns version` (the
// release archive installed the way krew does it, run through the real kubectl) next to
// `kubectl version --client`. Target (issue 7): at most 2×. Prints numbers, asserts nothing.
//
//   node scripts/bench-startup.mjs [--runs 20] [--archive release/kubectl-mdns_vX.tar.gz]
//                                  [--single-file] [--allow-missing]
//
// Without --archive it packages into a temporary folder first (needs `npm run build`);
// --single-file also measures the one-file bundle variant for comparison. Runs alternate
// between the commands so that drift of the machine hits both alike.
//
// NODE_EXTRA_CA_CERTS: Node 20 reads that bundle of certificates at process start, before
// any JavaScript runs (~35 ms for Debian's 140 certificates on the machine this was written
// on). When it is set, every row is measured twice: as the environment is, and without it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    archive: { type: 'string' },
    'single-file': { type: 'boolean' },
    'allow-missing': { type: 'boolean' },
  },
});
const runs = Number(opts.runs);
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const work = mkdtempSync(join(tmpdir(), 'kubectl-mdns-bench-'));

try {
  const variants = [['archive (launcher + lib/)', install(opts.archive ? resolve(opts.archive) : buildArchive(false), 'split')]];
  if (opts['single-file']) variants.push(['one-file bundle', install(buildArchive(true), 'single')]);

  const pathTail = [dirname(which('kubectl')), dirname(process.execPath), '/usr/bin', '/bin'].join(':');
  const baseEnv = { HOME: work, PATH: pathTail, LANG: process.env.LANG ?? 'C.UTF-8' };
  const envs = [['environment as is', { ...baseEnv, ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}) }]];
  if (process.env.NODE_EXTRA_CA_CERTS) envs.push(['without NODE_EXTRA_CA_CERTS', baseEnv]);

  console.log(`kubectl mdns v${version} start-up: median of ${runs} runs (after 3 warm-up runs), milliseconds`);
  console.log(`node ${process.version}, ${spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n')[0]}`);
  for (const [envName, env] of envs) {
    const commands = [
      ['kubectl version --client', 'kubectl', ['version', '--client'], {}],
      ['node -e 0 (Node alone)', process.execPath, ['-e', '0'], {}],
    ];
    for (const [name, bin] of variants) {
      commands.push([`kubectl mdns version — ${name}`, 'kubectl', ['mdns', 'version'], { PATH: `${bin}:${env.PATH}` }]);
      commands.push([`kubectl-mdns version — ${name}, direct`, join(bin, 'kubectl-mdns'), ['version'], {}]);
      commands.push([`kubectl mdns --help — ${name}`, 'kubectl', ['mdns', '--help'], { PATH: `${bin}:${env.PATH}` }]);
    }
    const checkout = join(root, 'plugin');
    if (existsSync(join(root, 'dist/src/cli/main.js'))) {
      commands.push(['kubectl mdns version — checkout / npm layout (plugin/, dist/)', 'kubectl', ['mdns', 'version'], { PATH: `${checkout}:${env.PATH}` }]);
    }
    const times = measure(commands, env);
    const base = times[0];
    console.log(`\n${envName}`);
    const w = Math.max(...commands.map((c) => c[0].length));
    console.log(`  ${'command'.padEnd(w)}  ${'median'.padStart(7)}  ${'p90'.padStart(7)}  ${'× kubectl'.padStart(9)}`);
    commands.forEach((c, i) => {
      const t = times[i];
      console.log(
        `  ${c[0].padEnd(w)}  ${t.median.toFixed(1).padStart(7)}  ${t.p90.toFixed(1).padStart(7)}  ${(t.median / base.median).toFixed(2).padStart(8)}×`,
      );
    });
    const ratio = times[2].median / base.median;
    console.log(`  → kubectl mdns version / kubectl version --client = ${ratio.toFixed(2)}× (target ≤ 2×: ${ratio <= 2 ? 'met' : 'NOT met'})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function buildArchive(single) {
  const out = join(work, single ? 'release-single' : 'release');
  const extra = [...(single ? ['--single-file'] : []), ...(opts['allow-missing'] ? ['--allow-missing'] : [])];
  const r = spawnSync(process.execPath, [join(root, 'scripts/package.mjs'), '--out-dir', out, '--no-manifest', ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/package.mjs failed:\n${r.stdout}${r.stderr}`);
  return join(out, `kubectl-mdns_v${version}.tar.gz`);
}

// As krew does: unpack into store/mdns/v<version>/, link bin/kubectl-mdns to the entry.
function install(archive, name) {
  const store = join(work, name, 'store', 'mdns', `v${version}`);
  const bin = join(work, name, 'bin');
  mkdirSync(store, { recursive: true });
  mkdirSync(bin, { recursive: true });
  const r = spawnSync('tar', ['-xzf', archive, '-C', store]);
  if (r.status !== 0) throw new Error(`tar -xzf ${archive} failed: ${r.stderr}`);
  symlinkSync(join(store, 'kubectl-mdns'), join(bin, 'kubectl-mdns'));
  return bin;
}

function measure(commands, env) {
  const samples = commands.map(() => []);
  for (let i = -3; i < runs; i++) {
    commands.forEach(([, cmd, args, extraEnv], j) => {
      const start = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { env: { ...env, ...extraEnv }, cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      if (i >= 0) samples[j].push(ms);
    });
  }
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return { median: quantile(s, 0.5), p90: quantile(s, 0.9) };
  });
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  throw new Error(`${cmd} is not on PATH`);
}
