// Both install paths, end to end, through the real kubectl, in temporary prefixes that cannot
// reach the repository's node_modules:
// - krew-style: scripts/package.mjs builds the release archive; it is unpacked into
//   store/mdns/v<version>/ applying the manifest's `files`, and `bin` is symlinked into a PATH
//   folder, as krew does (krew itself cannot be downloaded here);
// - npm: `npm pack`, then `npm install -g --prefix` of the tarball.
// Then `kubectl plugin list`, `kubectl mdns version [-o json]`, `kubectl mdns list -f …`,
// `--help`, and kubectl's own completion of the plugin (`kubectl __complete mdns …`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../support/repo.js';

const root = repoRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const archiveName = `kubectl-mdns_v${pkg.version}.tar.gz`;

function which(cmd: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return undefined;
}
const kubectl = which('kubectl');
const npm = which('npm');
const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
const gitHead = head.status === 0 ? head.stdout.trim() : undefined;

const work = mkdtempSync(join(tmpdir(), 'kubectl-mdns-install-'));
const home = join(work, 'home');
mkdirSync(home);
// Only the plugin's folder, Node and kubectl: no node_modules/.bin, no NODE_PATH.
const systemPath = [...new Set([kubectl && dirname(kubectl), dirname(process.execPath), '/usr/bin', '/bin'].filter((d): d is string => Boolean(d)))].join(
  delimiter,
);

function run(cmd: string, args: string[], binDir: string, extraEnv: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: `${binDir}${delimiter}${systemPath}`, HOME: home, LANG: 'C.UTF-8', ...extraEnv },
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}${r.error ? `\nerror: ${r.error.message}` : ''}`);
  return r.stdout;
}

// A Gateway with an address and a route on it: one Ready .local name.
const fixtures = join(work, 'manifests');
mkdirSync(fixtures);
writeFileSync(
  join(fixtures, 'shop.yaml'),
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec:
  gatewayClassName: test
  listeners:
  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
status:
  addresses: [{type: IPAddress, value: 172.18.0.10}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs: [{name: edge, namespace: infra}]
  hostnames: [shop.local]
`,
);
const examples = join(root, 'examples');
const haveExamples = existsSync(examples) && readdirSync(examples).some((f) => /\.(ya?ml|json)$/.test(f));

/**
 * The checks every install path must pass; binDir is the folder put on PATH, hookDir the one
 * for kubectl's completion (krew links only `bin`: the caveats tell users to link the hook).
 */
function checksFor(label: string, binDir: () => string, hookDir: () => string = binDir): void {
  test(`${label}: kubectl plugin list lists kubectl-mdns`, () => {
    const out = ok(run('kubectl', ['plugin', 'list'], binDir()), 'kubectl plugin list');
    assert.ok(out.split('\n').includes(join(binDir(), 'kubectl-mdns')), out);
  });

  test(`${label}: kubectl mdns version`, () => {
    const out = ok(run('kubectl', ['mdns', 'version'], binDir()), 'kubectl mdns version');
    assert.match(
      out,
      new RegExp(
        `^kubectl-mdns v${pkg.version.replace(/\./g, '\\.')} \\(commit ([0-9a-f]{7}(-dirty)?|unknown), node ${process.version}, (linux|darwin)/\\w+\\)\\n$`,
      ),
    );
  });

  test(`${label}: kubectl mdns version -o json`, () => {
    const info = JSON.parse(ok(run('kubectl', ['mdns', 'version', '-o', 'json'], binDir()), 'version -o json')) as Record<string, string>;
    assert.equal(info['version'], pkg.version);
    assert.equal(info['nodeVersion'], process.version);
    if (gitHead) assert.match(info['gitCommit'] ?? '', new RegExp(`^${gitHead}(-dirty)?$`), 'the commit the package was built from');
    const yamlInfo = yaml.load(ok(run('kubectl', ['mdns', 'version', '-oyaml'], binDir()), 'version -oyaml'));
    assert.deepEqual(yamlInfo, info);
  });

  test(`${label}: kubectl mdns list -f prints the bindings table`, () => {
    const out = ok(run('kubectl', ['mdns', 'list', '-f', fixtures], binDir()), 'list -f');
    const [header, ...rows] = out.trimEnd().split('\n');
    assert.match(header ?? '', /\bHOSTNAME\b.*\bSTATUS\b/);
    assert.equal(rows.length, 1, out);
    assert.match(rows[0] ?? '', /shop\.local\s+172\.18\.0\.10\b.*\bReady\b/);
    const json = JSON.parse(ok(run('kubectl', ['mdns', 'list', '-f', fixtures, '-ojson'], binDir()), 'list -ojson')) as {
      kind: string;
      items: { hostname: string }[];
    };
    assert.equal(json.kind, 'BindingList');
    assert.deepEqual(
      json.items.map((i) => i.hostname),
      ['shop.local'],
    );
  });

  test(`${label}: kubectl mdns list -f examples/`, { skip: !haveExamples && 'examples/ has no manifests yet' }, () => {
    const out = ok(run('kubectl', ['mdns', 'list', '-f', examples], binDir()), 'list -f examples/');
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /\bHOSTNAME\b/);
    assert.ok(lines.length > 1, out);
  });

  test(`${label}: kubectl mdns tls ca creates a CA (the X.509 library loads from the install)`, () => {
    const caroot = join(work, `ca-${label.replace(/\W+/g, '-')}`);
    const info = JSON.parse(ok(run('kubectl', ['mdns', 'tls', 'ca', '-o', 'json'], binDir(), { CAROOT: caroot }), 'tls ca -o json')) as {
      dir: string;
      created: boolean;
      fingerprintSHA256: string;
    };
    assert.equal(info.dir, caroot);
    assert.equal(info.created, true);
    assert.match(info.fingerprintSHA256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test(`${label}: kubectl mdns --help and a bad command`, () => {
    const help = ok(run('kubectl', ['mdns', '--help'], binDir()), 'kubectl mdns --help');
    for (const cmd of ['list', 'diff', 'serve', 'version', 'completion']) assert.match(help, new RegExp(`\\b${cmd}\\b`));
    const bad = run('kubectl', ['mdns', 'frobnicate'], binDir());
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /frobnicate/);
  });

  test(`${label}: kubectl's own completion completes the plugin (kubectl_complete-mdns)`, () => {
    assert.ok(
      existsSync(join(hookDir(), 'kubectl_complete-mdns')),
      `no kubectl_complete-mdns in ${hookDir()} (npm: package.json "bin" must list "kubectl_complete-mdns": "plugin/kubectl_complete-mdns")`,
    );
    const top = ok(run('kubectl', ['__complete', 'mdns', ''], hookDir()), 'kubectl __complete mdns ""');
    const names = top.split('\n').map((l) => l.split('\t')[0]);
    for (const cmd of ['list', 'diff', 'serve', 'version']) assert.ok(names.includes(cmd), `${cmd} in\n${top}`);
    assert.ok(names.includes(':4'), top);
    const output = ok(run('kubectl', ['__complete', 'mdns', 'list', '-o', ''], hookDir()), 'kubectl __complete mdns list -o ""');
    assert.deepEqual(output.split('\n').slice(0, 5), ['table', 'wide', 'json', 'yaml', ':4']);
  });

  test(`${label}: kubectl mdns completion bash|zsh`, () => {
    assert.match(
      ok(run('kubectl', ['mdns', 'completion', 'bash'], binDir()), 'completion bash'),
      /complete -o default -F __kubectl_mdns_complete kubectl-mdns/,
    );
    assert.match(ok(run('kubectl', ['mdns', 'completion', 'zsh'], binDir()), 'completion zsh'), /^#compdef kubectl-mdns/);
  });
}

describe('install: krew-style, from the release archive', { skip: !kubectl && 'kubectl not on PATH' }, () => {
  const out = join(work, 'release');
  const manifestPath = join(work, 'krew-manifest.yaml');
  const bin = join(work, 'krew', 'bin');
  const store = join(work, 'krew', 'store', 'mdns', `v${pkg.version}`);
  const binWithHook = join(work, 'krew', 'bin-with-hook');

  before(() => {
    ok(
      spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--out-dir', out, '--manifest', manifestPath], { cwd: root, encoding: 'utf8' }),
      'scripts/package.mjs',
    );
    // krew: unpack into a scratch folder, move each `files` entry into the store, link `bin`.
    const manifest = yaml.load(readFileSync(manifestPath, 'utf8')) as {
      spec: { platforms: { selector: { matchLabels: Record<string, string> }; bin: string; files: { from: string; to: string }[] }[] };
    };
    const os = process.platform === 'darwin' ? 'darwin' : 'linux';
    const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const platform = manifest.spec.platforms.find((p) => p.selector.matchLabels['os'] === os && p.selector.matchLabels['arch'] === arch);
    assert.ok(platform, `a platform for ${os}/${arch}`);
    const scratch = join(work, 'krew', 'download');
    mkdirSync(scratch, { recursive: true });
    mkdirSync(store, { recursive: true });
    mkdirSync(bin, { recursive: true });
    ok(spawnSync('tar', ['-xzf', join(out, archiveName), '-C', scratch], { encoding: 'utf8' }), 'tar -xzf');
    for (const f of platform.files) {
      assert.ok(existsSync(join(scratch, f.from)), `files: ${f.from} is in the archive`);
      cpSync(join(scratch, f.from), join(store, f.to, basename(f.from)), { recursive: true, verbatimSymlinks: true });
    }
    symlinkSync(join(store, platform.bin), join(bin, 'kubectl-mdns'));
    // What the caveats ask users to do once: link the completion hook next to the plugin.
    mkdirSync(binWithHook, { recursive: true });
    symlinkSync(join(store, platform.bin), join(binWithHook, 'kubectl-mdns'));
    symlinkSync(join(store, 'kubectl_complete-mdns'), join(binWithHook, 'kubectl_complete-mdns'));
  });

  test('krew: the archive holds the executables, LICENSE and README.md, and no node_modules', () => {
    const entries = ok(spawnSync('tar', ['-tzvf', join(out, archiveName)], { encoding: 'utf8' }), 'tar -tzvf')
      .trim()
      .split('\n');
    const names = entries.map((l) => l.split(/\s+/).at(-1) ?? '');
    for (const f of [
      'kubectl-mdns',
      'kubectl_complete-mdns',
      'LICENSE',
      'README.md',
      'THIRD_PARTY_NOTICES.md',
      'package.json',
      'lib/start.mjs',
      'lib/kubectl-mdns.cjs',
      'lib/kubectl_complete-mdns.cjs',
    ])
      assert.ok(names.includes(f), `${f} in ${names.join(' ')}`);
    assert.ok(
      names.every((n) => !n.includes('node_modules')),
      'no node_modules',
    );
    for (const exe of ['kubectl-mdns', 'kubectl_complete-mdns']) {
      const line = entries.find((l) => l.endsWith(` ${exe}`)) ?? '';
      assert.match(line, /^-rwxr-xr-x /, `${exe} is executable`);
      // POSIX sh that execs Node on the launcher in lib/ (scripts/package.mjs, shellLauncher).
      assert.match(readFileSync(join(store, exe), 'utf8'), new RegExp(`^#!/bin/sh\\n[^]*exec node "\\$dir/lib/${exe}\\.cjs" "\\$@"\\n$`));
    }
    assert.equal(readFileSync(join(store, 'LICENSE'), 'utf8'), readFileSync(join(root, 'LICENSE'), 'utf8'));
  });

  test('krew: the manifest npm run package writes matches the archive and package.json', () => {
    const sha = createHash('sha256')
      .update(readFileSync(join(out, archiveName)))
      .digest('hex');
    const manifest = yaml.load(readFileSync(manifestPath, 'utf8')) as { spec: { version: string; platforms: { sha256: string; uri: string }[] } };
    assert.equal(manifest.spec.version, `v${pkg.version}`);
    assert.equal(manifest.spec.platforms.length, 4);
    for (const p of manifest.spec.platforms) {
      assert.equal(p.sha256, sha);
      assert.ok(p.uri.endsWith(`/v${pkg.version}/${archiveName}`), p.uri);
    }
    // Only sha256 (and the version) change: the rest is the checked-in manifest, comments included.
    const strip = (s: string): string => s.replace(/^(\s*sha256:).*$/gm, '$1');
    assert.equal(strip(readFileSync(manifestPath, 'utf8')), strip(readFileSync(join(root, 'krew-manifest.yaml'), 'utf8')));
  });

  test('krew: rebuilding gives the same archive, byte for byte', () => {
    const again = join(work, 'release-again');
    ok(
      spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--out-dir', again, '--no-manifest'], { cwd: root, encoding: 'utf8' }),
      'scripts/package.mjs again',
    );
    const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
    assert.equal(sha(join(again, archiveName)), sha(join(out, archiveName)));
  });

  checksFor(
    'krew',
    () => bin,
    () => binWithHook,
  );

  test('krew: version, --help and list -f never load the Kubernetes client chunk', () => {
    // A copy of the installed plugin without its largest chunk (the Kubernetes client, >1 MB):
    // what does not need it must still work.
    const lean = join(work, 'krew', 'lean');
    cpSync(store, lean, { recursive: true });
    const big = readdirSync(join(lean, 'lib')).filter((f) => statSync(join(lean, 'lib', f)).size > 1024 * 1024);
    assert.equal(big.length, 1, `one chunk over 1 MB: ${big.join(' ')}`);
    rmSync(join(lean, 'lib', big[0] as string));
    const leanBin = join(work, 'krew', 'lean-bin');
    mkdirSync(leanBin);
    symlinkSync(join(lean, 'kubectl-mdns'), join(leanBin, 'kubectl-mdns'));
    ok(run('kubectl', ['mdns', 'version', '-o', 'json'], leanBin), 'version without the client');
    ok(run('kubectl', ['mdns', '--help'], leanBin), '--help without the client');
    ok(run('kubectl', ['mdns', 'list', '--help'], leanBin), 'list --help without the client');
    assert.match(ok(run('kubectl', ['mdns', 'list', '-f', fixtures], leanBin), 'list -f without the client'), /shop\.local/);
    // The check can fail: a command that talks to a cluster does load that chunk.
    const kubeconfig = join(work, 'unreachable.kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\n',
    );
    const cluster = run('kubectl', ['mdns', 'list', '--kubeconfig', kubeconfig, '--request-timeout', '2s'], leanBin);
    assert.equal(cluster.status, 2);
    assert.ok(cluster.stderr.includes(big[0] as string), cluster.stderr);
  });

  test('krew: the completion hook answers from the store folder, through its symlink', () => {
    const out = ok(run('kubectl', ['__complete', 'mdns', 'serve', '--log-format', ''], binWithHook), 'kubectl __complete mdns serve --log-format ""');
    assert.deepEqual(out.split('\n').slice(0, 3), ['text', 'json', ':4']);
    const direct = ok(run(join(binWithHook, 'kubectl_complete-mdns'), ['version', '-o', ''], binWithHook), 'kubectl_complete-mdns');
    assert.deepEqual(direct.split('\n').slice(0, 4), ['text', 'json', 'yaml', ':4']);
  });
});

describe('install: npm pack, then npm install -g into a prefix', { skip: (!kubectl || !npm) && 'kubectl or npm not on PATH' }, () => {
  const prefix = join(work, 'npm-prefix');
  const bin = join(prefix, 'bin');

  before(() => {
    // What `prepack` does: record the commit, since an npm install has no .git to read.
    ok(spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--stamp'], { cwd: root, encoding: 'utf8' }), 'package.mjs --stamp');
    // --ignore-scripts: the suite already built dist/, and a tsc run here would rewrite files other tests are reading.
    const packed = ok(
      spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', timeout: 120_000 }),
      'npm pack',
    );
    const tarball = join(work, (JSON.parse(packed) as { filename: string }[])[0]?.filename ?? '');
    assert.ok(existsSync(tarball), tarball);
    ok(
      spawnSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
        cwd: work,
        encoding: 'utf8',
        timeout: 240_000,
        env: { ...process.env, PATH: systemPath, npm_config_update_notifier: 'false' },
      }),
      'npm install -g',
    );
  });

  test('npm: the package holds the built CLI, the plugin executables and LICENSE', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'kubectl-mdns');
    for (const f of ['plugin/kubectl-mdns', 'plugin/kubectl_complete-mdns', 'dist/src/cli/main.js', 'dist/src/build-info.json', 'LICENSE', 'README.md'])
      assert.ok(existsSync(join(installed, f)), f);
    assert.ok(!existsSync(join(installed, 'dist', 'test')), 'no compiled tests in the package');
  });

  checksFor('npm', () => bin);
});

after(() => rmSync(work, { recursive: true, force: true }));
