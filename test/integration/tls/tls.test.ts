// `kubectl mdns tls` and `serve --tls` against the API server double over real HTTPS (issue 12):
// Secrets created, left alone when in step, re-issued when a hostname is added, foreign Secrets
// untouched byte for byte, --dry-run writing nothing, a 403 as one line and exit 2, the CA
// created once and then reused unchanged, an mkcert-layout CA folder reused, --ca-dir over
// $CAROOT. The CLI runs as a child process, as a user runs it. No network namespace is needed:
// nothing here sends mDNS (serve runs with --no-mdns).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiServerDouble } from '../../support/apiserver.js';
import { cliEnv, gateway, httpRoute, PLUGIN, tempDir } from '../../support/e2e.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLUGIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function httpsGateway(name: string, listeners: { name: string; certificateRefs?: { name: string; namespace?: string }[] }[]): Record<string, unknown> {
  return gateway('infra', name, {
    addresses: ['10.0.0.10'],
    listeners: listeners.map(
      (l) =>
        ({
          name: l.name,
          port: 443,
          protocol: 'HTTPS',
          ...(l.certificateRefs ? { tls: { mode: 'Terminate', certificateRefs: l.certificateRefs } } : {}),
        }) as never,
    ),
  });
}

function sans(secret: unknown): string[] {
  const data = (secret as { data?: Record<string, string> } | undefined)?.data;
  const pem = Buffer.from(data?.['tls.crt'] ?? '', 'base64').toString('utf8');
  const leaf = new X509Certificate(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25));
  return (leaf.subjectAltName ?? '')
    .split(', ')
    .map((s) => s.replace(/^DNS:/, ''))
    .sort();
}

describe('kubectl mdns tls against the API server double', { timeout: 120_000 }, () => {
  let api: ApiServerDouble;
  const tmp = tempDir('tls-int');
  const caDir = join(tmp.dir, 'ca');
  let kubeconfig: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    api = await ApiServerDouble.start();
    kubeconfig = api.writeKubeconfig();
    env = cliEnv({ CAROOT: caDir }, join(tmp.dir, 'home'));
    api.apply(httpsGateway('gw', [{ name: 'https', certificateRefs: [{ name: 'shop-cert' }] }]) as never);
    api.apply(httpRoute('shop', 'shop', ['shop.local']) as never);
  });
  after(async () => {
    await api.close();
    tmp.remove();
  });

  test('tls ca -o json: created only the first time; the CA is then byte-for-byte unchanged; key 0600', async () => {
    const first = await cli(['tls', 'ca', '-o', 'json'], env);
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).slice(0, 6), ['dir', 'certificate', 'subject', 'fingerprintSHA256', 'notAfter', 'created']);
    assert.equal(a.created, true);
    assert.equal(a.dir, caDir);
    assert.equal(statSync(join(caDir, 'rootCA-key.pem')).mode & 0o777, 0o600);
    const cert = readFileSync(join(caDir, 'rootCA.pem'));
    const key = readFileSync(join(caDir, 'rootCA-key.pem'));
    const second = await cli(['tls', 'ca', '-o', 'json'], env);
    const b = JSON.parse(second.stdout) as Record<string, unknown>;
    assert.equal(b.created, false);
    assert.equal(b.fingerprintSHA256, a.fingerprintSHA256);
    assert.ok(readFileSync(join(caDir, 'rootCA.pem')).equals(cert));
    assert.ok(readFileSync(join(caDir, 'rootCA-key.pem')).equals(key));
    assert.doesNotMatch(first.stdout + first.stderr + second.stdout, /PRIVATE KEY|BEGIN/);
  });

  test('creates the Secret, then leaves it alone (exit 0 both times)', async () => {
    const r = await cli(['tls', '--kubeconfig', kubeconfig], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^GATEWAY\s+LISTENER\s+SECRET\s+ACTION/m);
    assert.match(r.stdout, /infra\/gw\s+https\s+infra\/shop-cert\s+created\s+shop\.local/);
    const s = api.get('Secret', 'infra', 'shop-cert') as {
      type?: string;
      metadata: { labels: Record<string, string>; annotations: Record<string, string>; resourceVersion: string };
      data?: Record<string, string>;
    };
    assert.equal(s.type, 'kubernetes.io/tls');
    assert.equal(s.metadata.labels['app.kubernetes.io/managed-by'], 'kubectl-mdns');
    assert.equal(s.metadata.annotations['kubectl-mdns/ca-fingerprint-sha256'], new X509Certificate(readFileSync(join(caDir, 'rootCA.pem'))).fingerprint256);
    assert.deepEqual(sans(s), ['shop.local']);
    // tls.crt = leaf + CA: openssl verifies the leaf against rootCA.pem with the chain as given.
    const bundle = join(tmp.dir, 'bundle.pem');
    writeFileSync(bundle, Buffer.from(s.data!['tls.crt']!, 'base64'));
    const ver = execFileSync('openssl', ['verify', '-CAfile', join(caDir, 'rootCA.pem'), '-purpose', 'sslserver', bundle], { encoding: 'utf8' });
    assert.match(ver, /: OK/);
    const again = await cli(['tls', '--kubeconfig', kubeconfig], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /unchanged/);
    assert.equal((api.get('Secret', 'infra', 'shop-cert') as typeof s).metadata.resourceVersion, s.metadata.resourceVersion);
  });

  test('--dry-run writes nothing and exits 1 when there is work; a hostname added re-issues with both names', async () => {
    api.apply(httpRoute('shop', 'shop', ['shop.local', 'api.local']) as never);
    const before = JSON.stringify(api.get('Secret', 'infra', 'shop-cert'));
    const dry = await cli(['tls', '--kubeconfig', kubeconfig, '--dry-run', '-o', 'json'], env);
    assert.equal(dry.code, 1, dry.stderr);
    const item = (JSON.parse(dry.stdout) as { items: { action: string; reason: string }[] }).items[0]!;
    assert.equal(item.action, 'would-renew');
    assert.match(item.reason, /names changed: \+api\.local/);
    assert.equal(JSON.stringify(api.get('Secret', 'infra', 'shop-cert')), before, '--dry-run changed the Secret');
    const real = await cli(['tls', '--kubeconfig', kubeconfig], env);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /renewed/);
    assert.deepEqual(sans(api.get('Secret', 'infra', 'shop-cert')), ['api.local', 'shop.local']);
  });

  test('a Secret someone else made is left byte-for-byte unchanged (foreign, exit 1); --force replaces it', async () => {
    api.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'infra', name: 'theirs', labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'bm90IGEgY2VydA==', 'tls.key': 'bm90IGEga2V5' },
    });
    api.apply(httpsGateway('gw2', [{ name: 'https', certificateRefs: [{ name: 'theirs' }] }]) as never);
    api.apply(httpRoute('blog', 'blog', ['blog.local'], { namespace: 'infra', name: 'gw2' }) as never);
    const before = JSON.stringify(api.get('Secret', 'infra', 'theirs'));
    const r = await cli(['tls', '--kubeconfig', kubeconfig, '-o', 'json'], env);
    assert.equal(r.code, 1, r.stderr);
    const item = (JSON.parse(r.stdout) as { items: { action: string; reason: string; secret: { name: string } }[] }).items.find(
      (i) => i.secret.name === 'theirs',
    )!;
    assert.equal(item.action, 'foreign');
    assert.match(item.reason, /owned by Helm/);
    assert.equal(JSON.stringify(api.get('Secret', 'infra', 'theirs')), before);
    const forced = await cli(['tls', '--kubeconfig', kubeconfig, '--force'], env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(sans(api.get('Secret', 'infra', 'theirs')), ['blog.local']);
  });

  test('a listener without certificateRefs is reported with the fix (exit 1); a 403 is one line naming verb, resource and namespace (exit 2)', async () => {
    api.apply(httpsGateway('gw3', [{ name: 'bare' }]) as never);
    api.apply(httpRoute('docs', 'docs', ['docs.local'], { namespace: 'infra', name: 'gw3' }) as never);
    const r = await cli(['tls', '--kubeconfig', kubeconfig, '-o', 'json'], env);
    assert.equal(r.code, 1);
    const item = (JSON.parse(r.stdout) as { items: { action: string; reason: string; gateway: { name: string } }[] }).items.find(
      (i) => i.gateway.name === 'gw3',
    )!;
    assert.equal(item.action, 'skipped');
    assert.match(item.reason, /no tls\.certificateRefs; add to it: tls: \{mode: Terminate, certificateRefs: \[\{kind: Secret, name: gw3-bare-tls\}\]\}/);
    api.delete('Gateway', 'infra', 'gw3');
    api.forbidIn('Secret', 'infra');
    try {
      const f = await cli(['tls', '--kubeconfig', kubeconfig], env);
      assert.equal(f.code, 2);
      const errors = f.stderr.split('\n').filter((l) => l.startsWith('error:'));
      assert.equal(errors.length, 1, f.stderr);
      assert.match(errors[0]!, /^error: forbidden: cannot get secrets in namespace "infra" \(context "double"\)/);
    } finally {
      api.allowIn('Secret', 'infra');
    }
  });

  test('an mkcert-layout CA folder (RSA, PKCS#8 key) is reused, not replaced; --ca-dir wins over $CAROOT', async () => {
    const mk = join(tmp.dir, 'mkcert');
    mkdirSync(mk);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:3072',
        '-nodes',
        '-keyout',
        join(mk, 'rootCA-key.pem'),
        '-out',
        join(mk, 'rootCA.pem'),
        '-days',
        '3650',
        '-subj',
        '/O=mkcert development CA/OU=someone@host/CN=mkcert someone@host',
        '-addext',
        'basicConstraints=critical,CA:TRUE,pathlen:0',
        '-addext',
        'keyUsage=critical,keyCertSign',
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(mk, 'rootCA.pem'));
    const key = readFileSync(join(mk, 'rootCA-key.pem'));
    const r = await cli(['tls', 'ca', '--ca-dir', mk, '-o', 'json'], env); // env has CAROOT=caDir
    const info = JSON.parse(r.stdout) as { dir: string; created: boolean; subject: string };
    assert.equal(info.dir, mk);
    assert.equal(info.created, false);
    assert.match(info.subject, /mkcert development CA/);
    const t = await cli(['tls', '--kubeconfig', kubeconfig, '--ca-dir', mk, '-o', 'json'], env);
    assert.equal(t.code, 0, t.stderr + t.stdout);
    const items = (JSON.parse(t.stdout) as { items: { action: string; reason: string; secret: { name: string } }[] }).items;
    assert.equal(items.find((i) => i.secret.name === 'shop-cert')?.reason, 'issued by another CA');
    const s = api.get('Secret', 'infra', 'shop-cert') as { data: Record<string, string> };
    const bundle = join(tmp.dir, 'bundle-mk.pem');
    writeFileSync(bundle, Buffer.from(s.data['tls.crt']!, 'base64'));
    assert.match(execFileSync('openssl', ['verify', '-CAfile', join(mk, 'rootCA.pem'), '-purpose', 'sslserver', bundle], { encoding: 'utf8' }), /: OK/);
    assert.ok(readFileSync(join(mk, 'rootCA.pem')).equals(cert) && readFileSync(join(mk, 'rootCA-key.pem')).equals(key), 'the mkcert CA was replaced');
  });

  test('serve --tls keeps the Secret in step: a new hostname is re-issued and reported', async () => {
    const child = spawn(process.execPath, [PLUGIN, 'serve', '--tls', '--no-mdns', '--kubeconfig', kubeconfig], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const waitFor = (re: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line ${re}:\n${lines.join('\n')}`)), 20_000);
        const check = () => {
          const l = lines.find((x) => re.test(x));
          if (l) {
            clearTimeout(timer);
            resolve(l);
          }
        };
        rl.on('line', (l) => {
          lines.push(l);
          check();
        });
        check();
      });
    const rl = createInterface({ input: child.stderr });
    try {
      // The Secret now holds the mkcert CA's certificate (test above): serve's CA re-issues it.
      await waitFor(/^~ tls: infra\/shop-cert api\.local shop\.local \(re-issued by kubectl-mdns CA: issued by another CA\)$/);
      api.apply(httpRoute('shop', 'shop', ['shop.local', 'api.local', 'cart.local']) as never);
      await waitFor(/^~ tls: infra\/shop-cert api\.local cart\.local shop\.local \(re-issued by kubectl-mdns CA: names changed: \+cart\.local\)$/);
      assert.deepEqual(sans(api.get('Secret', 'infra', 'shop-cert')), ['api.local', 'cart.local', 'shop.local']);
      api.apply(httpsGateway('gw4', [{ name: 'https', certificateRefs: [{ name: 'new-cert' }] }]) as never);
      api.apply(httpRoute('shop', 'new', ['new.local'], { namespace: 'infra', name: 'gw4' }) as never);
      await waitFor(/^\+ tls: infra\/new-cert new\.local \(issued by kubectl-mdns CA\)$/);
      assert.doesNotMatch(lines.join('\n'), /PRIVATE KEY/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('-n picks listeners, not names: a shared listener keeps the names of routes in other namespaces; serve --tls -n is refused', async () => {
    api.apply(httpRoute('other', 'extra', ['extra.local']) as never);
    const r = await cli(['tls', '--kubeconfig', kubeconfig, '-n', 'shop', '-o', 'json'], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const items = (JSON.parse(r.stdout) as { items: { action: string; secret: { name: string }; hostnames: string[] }[] }).items;
    assert.deepEqual(
      items.map((i) => [i.secret.name, i.action, i.hostnames.join(',')]),
      [
        ['shop-cert', 'renewed', 'api.local,cart.local,extra.local,shop.local'],
        ['new-cert', 'unchanged', 'new.local'], // route shop/new; gw2's Secret (route blog/blog) is not looked at
      ],
    );
    assert.deepEqual(sans(api.get('Secret', 'infra', 'shop-cert')), ['api.local', 'cart.local', 'extra.local', 'shop.local']);
    const s = await cli(['serve', '--tls', '--no-mdns', '--kubeconfig', kubeconfig, '-n', 'shop'], env);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /^error: --tls with -n or -l would issue certificates for only part of a listener's names/m);
  });
});
