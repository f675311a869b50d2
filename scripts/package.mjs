#!/usr/bin/env node
// Builds the release archive krew installs, and points krew-manifest.yaml at it.
//
//   npm run package                 build (tsc), bundle, archive, rewrite the manifest
//   node scripts/package.mjs        the same without the tsc step (dist/ must be built)
//   node scripts/package.mjs --stamp      only write dist/src/build-info.json (npm prepack)
//   node scripts/package.mjs --no-manifest   leave krew-manifest.yaml alone
//   node scripts/package.mjs --out-dir DIR --manifest FILE
//                                  archive into DIR (default release/), and write the updated
//                                  manifest to FILE instead of krew-manifest.yaml (tests)
//   node scripts/package.mjs --single-file   one bundle file, no lib/ (to compare start-up)
//   node scripts/package.mjs --allow-missing  development only: a relative import that does
//                                  not resolve becomes a module that throws when loaded
//
// Layout of release/kubectl-mdns_v<version>.tar.gz (no node_modules; Node.js >= 20.19 runs it):
//   kubectl-mdns             the entry (krew's `bin`), a small ESM file with `#!/usr/bin/env node`
//   kubectl_complete-mdns    kubectl's completion hook for plugins (kubectl >= 1.26)
//   lib/*.mjs                code loaded on demand (esbuild code splitting): `version` reads
//                            only the entry; list/diff/serve load the Kubernetes client,
//                            dns-packet and listr2 from their own chunks
//   LICENSE, README.md, THIRD_PARTY_NOTICES.md (licenses of the bundled npm packages)
// Why not literally one file: V8 compiles a module file as a whole, and the 1.5 MB bundle took
// ~50 ms to compile before `version` could print (docs/releasing.md has the numbers).
//
// The archive is reproducible: entries sorted, owner 0:0, mtime = the commit's time (or
// SOURCE_DATE_EPOCH), so rebuilding a tag gives the same sha256.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    stamp: { type: 'boolean' },
    'no-manifest': { type: 'boolean' },
    'single-file': { type: 'boolean' },
    'allow-missing': { type: 'boolean' },
    'out-dir': { type: 'string' },
    manifest: { type: 'string' },
  },
});
const args = new Set(
  Object.entries(opts)
    .filter(([, v]) => v === true)
    .map(([k]) => `--${k}`),
);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = pkg.version;
if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) fail(`package.json version "${version}" is not semver`);

const gitCommit = commitId();
const buildInfo = { version, gitCommit };

if (args.has('--stamp')) {
  const file = join(root, 'dist', 'src', 'build-info.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(buildInfo, null, 2) + '\n');
  console.error(`wrote ${relative(root, file)} (${version}, ${gitCommit})`);
  process.exit(0);
}

for (const f of ['dist/src/cli/main.js', 'dist/src/cli/version.js', 'dist/src/cli/completion.js']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing: run \`npm run build\` first (npm run package does)`);
}
for (const f of ['LICENSE', 'README.md']) {
  if (!existsSync(join(root, f))) fail(`${f} is missing: the archive must ship it (krew requires a LICENSE)`);
}

const releaseDir = opts['out-dir'] ? resolve(opts['out-dir']) : join(root, 'release');
const stage = join(releaseDir, `kubectl-mdns_v${version}`);
const archiveName = `kubectl-mdns_v${version}.tar.gz`;
const archivePath = join(releaseDir, archiveName);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// --- bundle -------------------------------------------------------------------------------
const esbuild = await import('esbuild');
const entriesDir = join(releaseDir, '.entries');
rmSync(entriesDir, { recursive: true, force: true });
mkdirSync(entriesDir, { recursive: true });
const distCli = join(root, 'dist', 'src', 'cli');
const spec = (file) => JSON.stringify(join(distCli, file).split(sep).join('/'));
const single = args.has('--single-file');

// lib/start.mjs: everything but `version`. `__complete` goes straight to the completion
// module, the rest to the full CLI (argument parser, then the command's own chunks).
const startSource = `export async function start(argv) {
  if (argv[0] === '__complete' || argv[0] === '__completeNoDesc') {
    const { completeMain } = await import(${spec('completion.js')});
    process.exitCode = await completeMain(argv.slice(1), { noDescriptions: argv[0] === '__completeNoDesc' });
    return;
  }
  const { run } = await import(${spec('main.js')});
  await run(argv);
}
`;
writeFileSync(join(entriesDir, 'start.mjs'), startSource);
// The executables are small CommonJS launchers: Node's ES module loader alone costs ~8 ms
// before the first line runs, so `version` (compiled into the launcher) never starts it.
// Anything else loads lib/start.mjs.
const failure = `(err) => { process.stderr.write('error: kubectl-mdns: ' + (err && err.message || err) + '\\n'); process.exitCode = 2; }`;
writeFileSync(
  join(entriesDir, 'kubectl-mdns.js'),
  `import { versionFastPath } from ${spec('version.js')};
const argv = process.argv.slice(2);
const fast = versionFastPath(argv);
if (fast !== undefined) process.stdout.write(fast);
else import('./start.mjs').then((m) => m.start(argv)).catch(${failure});
`,
);
writeFileSync(
  join(entriesDir, 'kubectl_complete-mdns.js'),
  `// kubectl (>= 1.26) runs this to complete \`kubectl mdns …\`: the words after \`kubectl mdns\`.
import('./start.mjs').then((m) => m.start(['__complete', ...process.argv.slice(2)])).catch(() => process.stdout.write(':1\\n'));
`,
);
writeFileSync(
  join(entriesDir, 'single.mjs'),
  `import { versionFastPath } from ${spec('version.js')};
import { start } from './start.mjs';
const argv = process.argv.slice(2);
const fast = versionFastPath(argv);
if (fast !== undefined) process.stdout.write(fast);
else await start(argv);
`,
);

// CommonJS packages inside an ESM bundle call require() for Node built-ins, and a few read
// __dirname/__filename: give every ESM output file its own.
const esmBanner = [
  "import { createRequire as __kmCreateRequire } from 'node:module';",
  "import { fileURLToPath as __kmFileURLToPath } from 'node:url';",
  "import { dirname as __kmDirname } from 'node:path';",
  'const require = __kmCreateRequire(import.meta.url);',
  'const __filename = __kmFileURLToPath(import.meta.url);',
  'const __dirname = __kmDirname(__filename);',
].join('');
// Development only (other folders still being written): unresolved relative imports throw
// when loaded instead of failing the build. Never for a release.
const allowMissing = {
  name: 'allow-missing',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (a) => {
      if (a.namespace !== 'file' || a.pluginData === 'probe' || a.importer.includes('node_modules')) return undefined;
      const probe = await build.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer, pluginData: 'probe' });
      if (probe.errors.length === 0) return undefined;
      return { path: relative(root, join(a.resolveDir, a.path)), namespace: 'missing' };
    });
    build.onLoad({ filter: /.*/, namespace: 'missing' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} was not built into this package`)});`,
      loader: 'js',
    }));
  },
};
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'none', // THIRD_PARTY_NOTICES.md carries the licenses in full
  charset: 'utf8',
  define: {
    __KUBECTL_MDNS_VERSION__: JSON.stringify(version),
    __KUBECTL_MDNS_COMMIT__: JSON.stringify(gitCommit),
  },
  metafile: true,
  logLevel: 'silent',
  plugins: args.has('--allow-missing') ? [allowMissing] : [],
};
const built = single
  ? await bundle({
      ...common,
      entryPoints: [{ in: join(entriesDir, 'single.mjs'), out: 'kubectl-mdns' }],
      format: 'esm',
      outdir: join(entriesDir, 'out'),
      outExtension: { '.js': '.mjs' },
      banner: { js: esmBanner },
    })
  : await bundle({
      ...common,
      entryPoints: [{ in: join(entriesDir, 'start.mjs'), out: 'lib/start' }],
      format: 'esm',
      splitting: true,
      outdir: stage,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'lib/[name]-[hash]',
      banner: { js: esmBanner },
    });
const launchers = single
  ? undefined
  : await bundle({
      ...common,
      entryPoints: [
        { in: join(entriesDir, 'kubectl-mdns.js'), out: 'kubectl-mdns' },
        { in: join(entriesDir, 'kubectl_complete-mdns.js'), out: 'kubectl_complete-mdns' },
      ],
      format: 'cjs',
      outdir: join(entriesDir, 'out'),
      external: ['./start.mjs'],
      // version.ts only reads import.meta.url when the define above is missing.
      logOverride: { 'empty-import-meta': 'silent' },
    });

if (!single) {
  checkLazy(built.metafile.outputs, join(stage, 'lib', 'start.mjs'));
  for (const [out, meta] of Object.entries(launchers.metafile.outputs)) checkLight(out, meta);
}

if (single) {
  writeFileSync(join(stage, 'kubectl-mdns'), '#!/usr/bin/env node\n' + readFileSync(join(entriesDir, 'out', 'kubectl-mdns.mjs'), 'utf8'));
  chmodSync(join(stage, 'kubectl-mdns'), 0o755);
} else {
  // The executables are POSIX sh: they find the unpacked archive through krew's symlink and
  // start Node on the CommonJS launcher in lib/. For `version` they clear
  // NODE_EXTRA_CA_CERTS: Node reads that file before any JavaScript runs (~35 ms for a
  // distribution's CA bundle), and `version` opens no TLS connection. Every other command
  // keeps the user's environment untouched.
  for (const name of ['kubectl-mdns', 'kubectl_complete-mdns']) {
    writeFileSync(join(stage, 'lib', `${name}.cjs`), readFileSync(join(entriesDir, 'out', `${name}.js`), 'utf8'));
    writeFileSync(join(stage, name), shellLauncher(`lib/${name}.cjs`, name === 'kubectl-mdns'));
    chmodSync(join(stage, name), 0o755);
  }
}
if (single) {
  // The completion hook calls the bundle: nothing else to ship.
  writeFileSync(
    join(stage, 'kubectl_complete-mdns'),
    '#!/bin/sh\n# kubectl (>= 1.26) runs this to complete `kubectl mdns …`.\nexec "$(dirname "$0")/kubectl-mdns" __complete "$@"\n',
  );
  chmodSync(join(stage, 'kubectl_complete-mdns'), 0o755);
}
// Node picks CommonJS or ESM for the extensionless executables from the nearest
// package.json; this one stops a stray package.json in a parent folder (the user's home,
// say) from deciding it.
writeFileSync(
  join(stage, 'package.json'),
  JSON.stringify({ name: 'kubectl-mdns-release', version, private: true, type: single ? 'module' : 'commonjs' }, null, 2) + '\n',
);

for (const f of ['LICENSE', 'README.md']) writeFileSync(join(stage, f), readFileSync(join(root, f)));
writeFileSync(join(stage, 'THIRD_PARTY_NOTICES.md'), thirdPartyNotices([built.metafile, launchers?.metafile]));

// --- archive ------------------------------------------------------------------------------
const mtime = Number(process.env.SOURCE_DATE_EPOCH ?? commitTime() ?? 0);
const tar = tarball(stage, mtime);
const gz = gzipSync(tar, { level: 9 });
writeFileSync(archivePath, gz);
const sha256 = createHash('sha256').update(gz).digest('hex');
writeFileSync(`${archivePath}.sha256`, `${sha256}  ${archiveName}\n`);

rmSync(entriesDir, { recursive: true, force: true });
const files = listFiles(stage);
console.log(`${relative(root, archivePath)}  ${(gz.length / 1024).toFixed(0)} KiB  sha256 ${sha256}`);
for (const f of files) console.log(`  ${f.path}  ${(f.size / 1024).toFixed(1)} KiB`);
console.log(`  version ${version}, commit ${gitCommit}`);

// --- manifest -----------------------------------------------------------------------------
if (!args.has('--no-manifest')) {
  const template = join(root, 'krew-manifest.yaml');
  const manifestPath = opts.manifest ? resolve(opts.manifest) : template;
  writeFileSync(manifestPath, rewriteManifest(readFileSync(template, 'utf8'), version, sha256));
  console.log(`${relative(root, manifestPath)}: version v${version}, sha256 ${sha256} (4 platforms)`);
}

// ------------------------------------------------------------------------------------------

async function bundle(options) {
  let result;
  try {
    result = await esbuild.build(options);
  } catch (err) {
    const errors = err.errors ?? [];
    for (const e of errors) console.error(`${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    fail(errors.length ? `esbuild failed with ${errors.length} error(s)` : String(err));
  }
  for (const w of result.warnings) console.error(`warning: ${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`);
  return result;
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function git(...gitArgs) {
  const r = spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function commitId() {
  if (process.env.KUBECTL_MDNS_COMMIT) return process.env.KUBECTL_MDNS_COMMIT;
  const sha = git('rev-parse', 'HEAD');
  if (!sha) return 'unknown';
  // Only what ships counts: other folders being edited do not make a release dirty.
  const dirty = git('status', '--porcelain', '--untracked-files=normal', '--', 'src', 'plugin', 'package.json', 'package-lock.json');
  return dirty ? `${sha}-dirty` : sha;
}

function commitTime() {
  const t = git('log', '-1', '--format=%ct');
  return t && /^\d+$/.test(t) ? t : undefined;
}

/**
 * Follows the static imports from lib/start.mjs: none may reach the Kubernetes client,
 * dns-packet, listr2, yargs or chalk (they load with the command that needs them).
 */
function checkLazy(outs, entryFile) {
  const key = relative(root, entryFile).split(sep).join('/');
  if (!outs[key]) fail(`esbuild did not write ${key}`);
  const seen = new Set();
  const queue = [key];
  while (queue.length) {
    const k = queue.shift();
    if (seen.has(k)) continue;
    seen.add(k);
    for (const imp of outs[k]?.imports ?? []) if (imp.kind === 'import-statement' && !imp.external) queue.push(imp.path);
  }
  for (const k of seen) checkLight(k, outs[k]);
}

function shellLauncher(target, versionFastPath) {
  return [
    '#!/bin/sh',
    '# kubectl-mdns: runs Node.js (>= 20.19) on ' + target + '. krew links this file into its',
    '# bin folder, so follow links to find the unpacked archive.',
    'self=$0',
    'while [ -h "$self" ]; do',
    '  link=$(readlink "$self")',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: POSIX sh parameter expansion, not a template literal
    '  case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac',
    'done',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: POSIX sh parameter expansion, not a template literal
    'case $self in */*) dir=${self%/*} ;; *) dir=. ;; esac',
    ...(versionFastPath
      ? [
          '# `version` opens no TLS connection: spare Node reading NODE_EXTRA_CA_CERTS at start-up.',
          'if [ "$1" = version ]; then NODE_EXTRA_CA_CERTS= exec node "$dir/' + target + '" "$@"; fi',
        ]
      : []),
    'exec node "$dir/' + target + '" "$@"',
    '',
  ].join('\n');
}

function checkLight(name, meta) {
  const heavy = /node_modules\/(?:@kubernetes\/client-node|dns-packet|listr2|yargs|chalk)\//;
  const bad = Object.keys(meta?.inputs ?? {}).filter((i) => heavy.test(i));
  if (bad.length) fail(`${name} loads ${bad[0]} at start-up: import it lazily`);
}

function thirdPartyNotices(metafiles) {
  const pkgs = new Map();
  const inputs = metafiles.filter(Boolean).flatMap((m) => Object.keys(m.inputs));
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m) continue;
    const dir = join(root, m[1]);
    if (pkgs.has(dir)) continue;
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    pkgs.set(dir, {
      name: meta.name,
      version: meta.version,
      license: typeof meta.license === 'string' ? meta.license : (meta.license?.type ?? 'see package'),
      text: licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : undefined,
    });
  }
  const list = [...pkgs.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  let out = `# Third-party notices\n\nThe files in lib/ and the kubectl-mdns executables bundle these npm packages (${list.length}):\n\n`;
  for (const p of list) out += `- ${p.name} ${p.version} (${p.license})\n`;
  for (const p of list) {
    out += `\n## ${p.name} ${p.version}\n\nLicense: ${p.license}\n\n`;
    out += p.text ? '```\n' + p.text.replace(/```/g, "'''") + '\n```\n' : `(no license file in the package; see https://www.npmjs.com/package/${p.name})\n`;
  }
  return out;
}

function listFiles(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    const rel = relative(base, p).split(sep).join('/');
    if (st.isDirectory()) out.push({ path: rel + '/', dir: true, size: 0, mode: 0o755 }, ...listFiles(p, base));
    else out.push({ path: rel, dir: false, size: st.size, mode: st.mode & 0o111 ? 0o755 : 0o644 });
  }
  return out;
}

// A POSIX ustar archive of the files under `dir` (names ≤ 100 bytes, which ours are).
function tarball(dir, mtimeSeconds) {
  const blocks = [];
  for (const f of listFiles(dir)) {
    if (Buffer.byteLength(f.path) > 100) fail(`archive path too long for ustar: ${f.path}`);
    const body = f.dir ? Buffer.alloc(0) : readFileSync(join(dir, f.path));
    const h = Buffer.alloc(512);
    h.write(f.path, 0, 100, 'utf8');
    h.write(octal(f.mode, 8), 100);
    h.write(octal(0, 8), 108); // uid
    h.write(octal(0, 8), 116); // gid
    h.write(octal(body.length, 12), 124);
    h.write(octal(mtimeSeconds, 12), 136);
    h.write('        ', 148); // checksum placeholder: 8 spaces
    h.write(f.dir ? '5' : '0', 156);
    h.write('ustar\u000000', 257, 'latin1');
    h.write('root', 265);
    h.write('root', 297);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function octal(n, width) {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** Points every platform at this version's archive; keeps comments and layout. */
function rewriteManifest(text, ver, sha) {
  const old = /^ {2}version: (v\S+)\s*$/m.exec(text)?.[1];
  if (!old) fail('krew-manifest.yaml has no spec.version line');
  let out = text.split(old).join(`v${ver}`); // spec.version, uris, caveats
  out = out.replace(/^(\s*sha256:\s*)\S+\s*$/gm, `$1${sha}`);
  out = out.replace(/(releases\/download\/v[^/\s]+\/)kubectl-mdns_v[^/\s]+\.tar\.gz/g, `$1kubectl-mdns_v${ver}.tar.gz`);
  const count = (out.match(/^\s*sha256:/gm) ?? []).length;
  if (count !== 4) fail(`krew-manifest.yaml: expected 4 sha256 lines, found ${count}`);
  return out;
}
