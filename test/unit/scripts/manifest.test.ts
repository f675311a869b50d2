// krew-manifest.yaml, which scripts/package.mjs rewrites for each release (docs/releasing.md): the fields
// krew requires, and the facts it states (version, Node.js requirement, platforms, license) kept true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../../support/repo.js';

const root = repoRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; license: string; engines: { node: string } };

interface Platform {
  selector?: { matchLabels?: Record<string, string> };
  uri?: string;
  sha256?: string;
  bin?: string;
  files?: { from?: string; to?: string }[];
}
interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    version?: string;
    homepage?: string;
    shortDescription?: string;
    description?: string;
    caveats?: string;
    platforms?: Platform[];
  };
}
const manifest = yaml.load(readFileSync(join(root, 'krew-manifest.yaml'), 'utf8')) as Manifest;
const spec = manifest.spec ?? {};
const platforms = spec.platforms ?? [];
const archiveName = `kubectl-mdns_v${pkg.version}.tar.gz`;

test('krew manifest: kind, name and the fields krew requires', () => {
  assert.equal(manifest.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
  assert.equal(manifest.kind, 'Plugin');
  assert.equal(manifest.metadata?.name, 'mdns');
  assert.match(spec.homepage ?? '', /^https:\/\/\S+$/);
  assert.ok((spec.shortDescription ?? '').trim().length > 0 && !(spec.shortDescription ?? '').includes('\n'), 'shortDescription: one line');
  assert.ok((spec.description ?? '').trim().length > (spec.shortDescription ?? '').length, 'description says more than shortDescription');
});

test('krew manifest: spec.version is v + the package.json version (semver)', () => {
  assert.match(pkg.version, /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/);
  assert.equal(spec.version, `v${pkg.version}`);
});

test('krew manifest: caveats name the Node.js version package.json requires, and mDNS port 5353', () => {
  const minimum = /(\d+\.\d+)/.exec(pkg.engines.node)?.[1];
  assert.ok(minimum, 'package.json engines.node has a version');
  assert.match(spec.caveats ?? '', new RegExp(`Node\\.js >= ${minimum.replace('.', '\\.')}\\b`));
  assert.match(spec.caveats ?? '', /\b5353\b/);
  assert.match(spec.caveats ?? '', /multicast/i);
  // The completion hint points into this version's store folder.
  assert.ok((spec.caveats ?? '').includes(`/store/mdns/${spec.version}/kubectl_complete-mdns`));
});

test('krew manifest: linux and darwin, amd64 and arm64, each complete', () => {
  const seen = platforms.map((p) => `${p.selector?.matchLabels?.['os']}/${p.selector?.matchLabels?.['arch']}`).sort();
  assert.deepEqual(seen, ['darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm64']);
  for (const p of platforms) {
    const where = `${p.selector?.matchLabels?.['os']}/${p.selector?.matchLabels?.['arch']}`;
    assert.equal(Object.keys(p.selector?.matchLabels ?? {}).length, 2, `${where}: selector is exactly os and arch`);
    assert.equal(p.uri, `https://github.com/kubectl-mdns/kubectl-mdns/releases/download/v${pkg.version}/${archiveName}`, where);
    assert.match(p.sha256 ?? '', /^[0-9a-f]{64}$/, `${where}: sha256`);
    assert.equal(p.bin, 'kubectl-mdns', where);
    const from = (p.files ?? []).map((f) => f.from);
    for (const needed of ['kubectl-mdns', 'kubectl_complete-mdns', 'lib', 'package.json', 'LICENSE', 'README.md', 'THIRD_PARTY_NOTICES.md']) {
      assert.ok(from.includes(needed), `${where}: files include ${needed}`);
    }
    assert.ok(
      (p.files ?? []).every((f) => f.to === '.'),
      `${where}: files go to the plugin's folder`,
    );
  }
  // One platform-independent archive.
  assert.equal(new Set(platforms.map((p) => p.sha256)).size, 1);
});

test('krew manifest: LICENSE is the Apache-2.0 text package.json names', () => {
  assert.equal(pkg.license, 'Apache-2.0');
  const text = readFileSync(join(root, 'LICENSE'), 'utf8');
  assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(text, /END OF TERMS AND CONDITIONS/);
});

// manifest ↔ archive ↔ package.json agreement is checked where an archive is built: test/e2e/install.test.ts
// builds one into a temporary folder and compares every platform's sha256 with it.
