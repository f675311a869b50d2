// Issue 12 "Done when", end to end: `kubectl mdns tls ca --install && kubectl mdns tls &&
// kubectl mdns serve` against the API server double, and headless Chromium opens
// https://shop.local/ with no warning. Namespace A plays the cluster: the API double, the
// gateway (a real TLS server on the gateway address, serving the certificate and key taken
// from the Secret `tls` wrote) and `serve`. Namespace B plays the laptop next to it: avahi +
// nss-mdns, Chromium with its NSS database under a scratch HOME, openssl s_client. The same
// load without the CA installed must fail with ERR_CERT_AUTHORITY_INVALID (-202), so the test
// can fail. Nothing touches this machine's real trust stores: HOME, CAROOT and the system
// store root (KUBECTL_MDNS_SYSTEM_ROOT) are scratch folders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { startAvahi, type Avahi } from '../support/avahi.js';
import { chromiumLoad, hasChromium, useNssMdns } from '../support/chromium.js';
import { cliEnv, gateway, httpRoute, runIn, runKubectl, startApiDouble, startServe, tempDir, type ApiDouble, type ServeProcess } from '../support/e2e.js';
import { stopProcess } from '../support/process.js';

const skip = !hasNetns() ? 'needs root and Linux network namespaces' : !hasChromium() ? 'needs /usr/bin/chromium' : false;

const MARKER = 'tls-e2e-page-served-by-the-gateway';

function objects(ip: string): unknown[] {
  const gw = gateway('infra', 'gw', {
    addresses: [ip],
    listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'shop-cert' }] } } as never],
  });
  return [gw, httpRoute('shop', 'shop', ['shop.local'])];
}

describe('tls end to end: Chromium trusts https://shop.local/', { skip, timeout: 300_000 }, () => {
  let pair: NetnsPair;
  let avahi: Avahi;
  let api: ApiDouble;
  let serve: ServeProcess | undefined;
  let gatewayServer: import('node:child_process').ChildProcess | undefined;
  let undoNss: () => void = () => {};
  const tmp = tempDir('tls-e2e');
  const home = join(tmp.dir, 'home');
  const bareHome = join(tmp.dir, 'home-without-ca');
  const caDir = join(tmp.dir, 'caroot');
  const sysroot = join(tmp.dir, 'sysroot');
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;

  before(async () => {
    for (const d of [home, bareHome, sysroot]) mkdirSync(d, { recursive: true });
    pair = await createPair('tls', 211);
    undoNss = useNssMdns(pair.b);
    avahi = await startAvahi(pair, pair.b, pair.ifB);
    api = await startApiDouble(pair, pair.a, objects(pair.ipA), join(tmp.dir, 'api'));
    kubeconfig = api.kubeconfig;
    env = cliEnv({ CAROOT: caDir, KUBECTL_MDNS_SYSTEM_ROOT: sysroot }, home);
  });

  after(async () => {
    await serve?.stop('SIGTERM');
    if (gatewayServer) await stopProcess(gatewayServer);
    await api?.stop();
    await avahi?.stop();
    undoNss();
    await pair?.destroy();
    tmp.remove();
  });

  test('tls ca --install && tls && serve; Chromium and openssl agree', async () => {
    // 1. kubectl mdns tls ca --install (through the real kubectl): creates the CA, creates ~/.pki/nssdb.
    const install = await runKubectl(pair, pair.a, ['mdns', 'tls', 'ca', '--install', '-o', 'json'], { env });
    assert.equal(install.code, 0, install.stderr);
    const ca = JSON.parse(install.stdout) as { dir: string; created: boolean; stores: { store: string; status: string; detail: string; command?: string }[] };
    assert.equal(ca.dir, caDir);
    assert.equal(ca.created, true);
    assert.equal(statSync(join(caDir, 'rootCA-key.pem')).mode & 0o777, 0o600);
    const nss = ca.stores.find((s) => s.store.includes('.pki/nssdb'));
    assert.equal(nss?.status, 'done', JSON.stringify(ca.stores));
    assert.ok(existsSync(join(home, '.pki', 'nssdb', 'cert9.db')), 'the NSS database was created');
    const system = ca.stores.find((s) => s.store.startsWith('system'));
    assert.equal(system?.status, 'skipped', 'an empty scratch root has no anchor folder');
    assert.doesNotMatch(install.stdout + install.stderr, /PRIVATE KEY/);

    // 2. kubectl mdns tls: the listener's Secret gets a certificate for shop.local.
    const tls = await runKubectl(pair, pair.a, ['mdns', 'tls', '--kubeconfig', kubeconfig, '-o', 'json'], { env });
    assert.equal(tls.code, 0, tls.stderr + tls.stdout);
    const report = JSON.parse(tls.stdout) as { kind: string; items: { action: string; secret: { namespace: string; name: string }; hostnames: string[] }[] };
    assert.equal(report.kind, 'TLSReport');
    assert.deepEqual(
      report.items.map((i) => [i.action, `${i.secret.namespace}/${i.secret.name}`, i.hostnames.join(',')]),
      [['created', 'infra/shop-cert', 'shop.local']],
    );
    assert.doesNotMatch(tls.stdout + tls.stderr, /PRIVATE KEY/);

    // 3. The gateway: a TLS server on the gateway address with the Secret's certificate and key.
    const objs = (await api.admin('objects')) as {
      items: { kind: string; metadata: { namespace: string; name: string }; type?: string; data?: Record<string, string> }[];
    };
    const secret = objs.items.find((o) => o.kind === 'Secret' && o.metadata.name === 'shop-cert');
    assert.equal(secret?.type, 'kubernetes.io/tls');
    const crt = join(tmp.dir, 'gw.crt');
    const key = join(tmp.dir, 'gw.key');
    writeFileSync(crt, Buffer.from(secret!.data!['tls.crt']!, 'base64'));
    writeFileSync(key, Buffer.from(secret!.data!['tls.key']!, 'base64'), { mode: 0o600 });
    const script = `
      const https = require('node:https'); const fs = require('node:fs');
      const [ip, crt, key, marker] = process.argv.slice(1);
      https.createServer({ cert: fs.readFileSync(crt), key: fs.readFileSync(key) }, (req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<!doctype html><title>shop</title><h1>' + marker + '</h1>');
      }).listen(443, ip, () => console.log('listening'));`;
    gatewayServer = pair.spawn(pair.a, process.execPath, ['-e', script, pair.ipA, crt, key, MARKER], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: gatewayServer!.stdout! }).once('line', () => resolve());
      gatewayServer!.once('exit', (code) => reject(new Error(`gateway TLS server exited ${code}`)));
    });

    // 4. kubectl mdns serve publishes shop.local on the link.
    serve = startServe(pair, pair.a, ['--kubeconfig', kubeconfig, '--interface', pair.ifA], env);
    await serve.waitForLine(/serving 1 name/, 30_000);

    // 5. Chromium in B, with the CA in its NSS database: the page, no certificate error.
    const ok = await chromiumLoad(pair.b, 'https://shop.local/', { home, avahiRun: avahi.runDir });
    assert.ok(ok.dom.includes(MARKER), `page shown with the CA installed; net errors ${ok.netErrors.join(',')}; dom: ${ok.dom.slice(0, 300)}`);
    assert.ok(!ok.netErrors.includes(-202), 'no ERR_CERT_AUTHORITY_INVALID');

    // 6. The same load from a HOME whose NSS database never saw the CA: a certificate error.
    const bad = await chromiumLoad(pair.b, 'https://shop.local/', { home: bareHome, avahiRun: avahi.runDir });
    assert.ok(!bad.dom.includes(MARKER), 'no page without the CA');
    assert.ok(bad.netErrors.includes(-202), `ERR_CERT_AUTHORITY_INVALID expected, got ${bad.netErrors.join(',')}`);

    // 7. openssl agrees: verified with the CA, refused without it.
    const sclient = (caArgs: string[]) =>
      runIn(
        pair,
        pair.b,
        'sh',
        [
          '-c',
          'mount --bind "$0" /run/avahi-daemon && exec "$@"',
          avahi.runDir,
          'openssl',
          's_client',
          '-connect',
          'shop.local:443',
          '-servername',
          'shop.local',
          '-verify_return_error',
          '-verify_hostname',
          'shop.local',
          ...caArgs,
        ],
        { timeoutMs: 30_000 },
      );
    const good = await sclient(['-CAfile', join(caDir, 'rootCA.pem'), '-no-CApath', '-no-CAstore']);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /Verify return code: 0 \(ok\)/);
    const refused = await sclient(['-no-CAfile', '-no-CApath', '-no-CAstore']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stdout + refused.stderr, /unable to get local issuer certificate|verify error/);
  });
});
