// kubectl mdns doctor, on the user's real path (docs/testing.md#browser-and-name-service): namespace B is "the other
// machine" — `kubectl mdns serve -f` publishing shop.local, www.shop.local and blog.local with
// B's address, and a real HTTP/HTTPS server there (node http/https, certificates made with
// openssl). Namespace A is "this machine" — avahi-daemon (its /run/avahi-daemon bind-mounted
// per command), nss-mdns with A's own /etc/netns files (nsswitch.conf, hosts, resolv.conf,
// mdns.allow), doctor and headless Chromium. Each cause is induced on purpose, doctor's JSON
// must name exactly the failing checks with a fix mentioning the cause, and where the cause is
// the resolver Chromium must fail with ERR_NAME_NOT_RESOLVED (doctor and the browser agree).
// A third namespace C on A's side plays another host claiming shop.local.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { addPeer, createPair, hasNetns, sh, type NetnsPair, type NetnsPeer } from '../support/netns.js';
import { type Avahi, startAvahi, withAvahiSocket } from '../support/avahi.js';
import { chromiumHome, chromiumLoad, hasChromium } from '../support/chromium.js';
import { PLUGIN, type ServeProcess, cliEnv, gateway, httpRoute, runIn, startServe, startStandIn, tempDir, writeManifest } from '../support/e2e.js';
import { stopProcess } from '../support/process.js';
import { CHECK_IDS, type DoctorItem, type DoctorReport } from '../../src/doctor/types.js';

const skip = !hasNetns() ? 'needs root and Linux network namespaces' : !hasChromium() ? 'needs /usr/bin/chromium' : false;

const NSSWITCH_OK = 'hosts: files mdns4_minimal [NOTFOUND=return] dns\n';

describe('kubectl mdns doctor: each cause named, and the browser agrees (e2e, network namespaces)', { skip, timeout: 300_000 }, () => {
  let pair: NetnsPair;
  let rival: NetnsPeer;
  let avahi: Avahi | undefined;
  let serve: ServeProcess | undefined;
  let web: ChildProcess | undefined;
  let home: string;
  const tmp = tempDir('e2e-doctor');
  const manifests = join(tmp.dir, 'manifests');
  const certs = join(tmp.dir, 'certs');
  const caroot = join(tmp.dir, 'caroot');
  const ca = join(caroot, 'rootCA.pem');
  /** An empty folder seen as /run/avahi-daemon when avahi is not running (whatever the host runs). */
  const noAvahiRun = join(tmp.dir, 'no-avahi-run');
  let etc = '';

  const writeGateway = (address: string) =>
    writeManifest(join(manifests, 'gateway.json'), [
      gateway('infra', 'gw', {
        addresses: [address],
        listeners: [
          { name: 'https', port: 443, protocol: 'HTTPS' },
          { name: 'http', port: 80, protocol: 'HTTP' },
        ],
      }),
    ]);
  const etcFile = (file: string, text: string) => writeFileSync(join(etc, file), text);

  async function openssl(args: string[]) {
    await sh('openssl', args);
  }

  /** A certificate for `names`, signed by the test CA, or self-signed. Written as the server's current one. */
  async function serveCertificate(kind: 'ca' | 'self-signed', names: string[]) {
    const san = names.map((n) => `DNS:${n}`).join(',');
    const key = join(certs, 'server.key');
    const crt = join(certs, 'server.crt');
    if (kind === 'self-signed') {
      await openssl([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        crt,
        '-days',
        '2',
        '-subj',
        `/CN=${names[0]}`,
        '-addext',
        `subjectAltName=${san}`,
      ]);
      return;
    }
    const csr = join(certs, 'server.csr');
    const ext = join(certs, 'ext.cnf');
    writeFileSync(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
    await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${names[0]}`]);
    await openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca,
      '-CAkey',
      join(certs, 'rootCA-key.pem'),
      '-CAcreateserial',
      '-out',
      crt,
      '-days',
      '2',
      '-extfile',
      ext,
    ]);
  }

  /** HTTP on B:80 and HTTPS on B:443; the certificate files are read at every handshake. */
  async function startWeb(): Promise<ChildProcess> {
    const script = `
      const http = require('node:http'), https = require('node:https'), tls = require('node:tls'), fs = require('node:fs');
      const [addr, dir] = process.argv.slice(1);
      const page = (req, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end(req.method === 'HEAD' ? undefined : '<html><body><h1 id="page">doctor page for ' + req.headers.host + '</h1></body></html>'); };
      const ctx = () => tls.createSecureContext({ key: fs.readFileSync(dir + '/server.key'), cert: fs.readFileSync(dir + '/server.crt') });
      let up = 0; const ready = () => { if (++up === 2) process.stdout.write('ready\\n'); };
      http.createServer(page).listen(80, addr, ready);
      https.createServer({ SNICallback: (_n, cb) => cb(null, ctx()) }, page).listen(443, addr, ready);`;
    const child = pair.spawn(pair.b, process.execPath, ['-e', script, pair.ipB, certs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`web server not ready: ${err}`)), 10_000);
      createInterface({ input: child.stdout! }).once('line', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`web server exited (${code}): ${err}`));
      });
    });
    return child;
  }

  async function restartAvahi() {
    await avahi?.stop();
    avahi = await startAvahi(pair, pair.a, pair.ifA);
  }

  interface Run {
    code: number | null;
    report: DoctorReport;
    stdout: string;
  }

  /** doctor in A, against the same manifests serve reads, with avahi's socket (unless `noAvahi`). */
  async function doctor(names: string[], opts: { env?: Record<string, string>; noAvahi?: boolean; timeoutMs?: number } = {}): Promise<Run> {
    const [cmd, args] = withAvahiSocket(opts.noAvahi ? noAvahiRun : avahi?.runDir, process.execPath, [
      PLUGIN,
      'doctor',
      ...names,
      '-f',
      manifests,
      '-o',
      'json',
    ]);
    const env = cliEnv({ HOME: home, XDG_DATA_HOME: join(home, '.local', 'share'), NODE_EXTRA_CA_CERTS: ca, ...opts.env });
    for (const [k, v] of Object.entries(opts.env ?? {})) if (v === '') delete env[k];
    const r = await runIn(pair, pair.a, cmd, args, { env, timeoutMs: opts.timeoutMs ?? 20_000 });
    let report: DoctorReport;
    try {
      report = JSON.parse(r.stdout) as DoctorReport;
    } catch {
      throw new Error(`doctor printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    for (const item of report.items) {
      assert.deepEqual(
        item.checks.map((c) => c.id),
        [...CHECK_IDS],
        'all fourteen ids, once each, in order',
      );
      assert.equal(item.ok, !item.checks.some((c) => c.status === 'fail'));
    }
    return { code: r.code, report, stdout: r.stdout };
  }

  const failing = (item: DoctorItem) => item.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  const check = (item: DoctorItem, id: string) => item.checks.find((c) => c.id === id)!;

  /** doctor names exactly `ids` as failing, and `id`'s fix matches `fix`. */
  function assertCause(run: Run, ids: string[], id: string, fix: RegExp) {
    const item = run.report.items[0]!;
    const shown = JSON.stringify(item.checks, null, 1);
    assert.deepEqual(failing(item).sort(), [...ids].sort(), shown);
    assert.match(check(item, id).fix, fix, shown);
    assert.equal(run.code, 1);
  }

  async function browser(url: string, tag: string, noAvahi = false) {
    const page = await chromiumLoad(pair.a, url, {
      home,
      avahiRun: noAvahi ? noAvahiRun : avahi!.runDir,
      profile: join(home, `profile-${tag}`),
      timeoutMs: 30_000,
    });
    return { dom: page.dom, errors: page.urlErrors };
  }

  before(async () => {
    mkdirSync(manifests, { recursive: true });
    mkdirSync(certs, { recursive: true });
    mkdirSync(caroot, { recursive: true });
    mkdirSync(noAvahiRun, { recursive: true });
    pair = await createPair('doc', 221);
    rival = await addPeer(pair, 'docr', 222);
    etc = `/etc/netns/${pair.a}`;
    mkdirSync(etc, { recursive: true });
    etcFile('nsswitch.conf', NSSWITCH_OK);
    etcFile('hosts', '127.0.0.1 localhost\n');
    // Unicast DNS to A's own loopback, where nothing listens: never off this machine.
    etcFile('resolv.conf', 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    await openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(certs, 'rootCA-key.pem'),
      '-out',
      ca,
      '-days',
      '3',
      '-subj',
      '/CN=doctor test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await serveCertificate('ca', ['shop.local', 'www.shop.local', 'blog.local']);
    writeGateway(pair.ipB);
    const blog = httpRoute('blog', 'blog', ['blog.local']) as { spec: { parentRefs: Record<string, unknown>[] } };
    blog.spec.parentRefs[0]!.sectionName = 'http';
    writeManifest(join(manifests, 'routes.json'), [httpRoute('shop', 'shop', ['shop.local']), httpRoute('shop', 'www', ['www.shop.local']), blog]);
    home = await chromiumHome(tmp.dir, ca);
    web = await startWeb();
    avahi = await startAvahi(pair, pair.a, pair.ifA);
    serve = startServe(pair, pair.b, ['-f', manifests, '--interface', pair.ifB]);
    await serve.waitForLine(/serving 3 names/, 20_000);
  });

  after(async () => {
    await serve?.stop('SIGKILL');
    await avahi?.stop();
    if (web) await stopProcess(web);
    await rival?.destroy();
    await pair?.destroy();
    if (etc) rmSync(etc, { recursive: true, force: true });
    tmp.remove();
  });

  /** What doctor could change in A: firewall rules, routes, addresses, the /etc files. */
  const machine = async () =>
    [
      await pair.exec(pair.a, 'nft', ['list', 'ruleset']),
      await pair.exec(pair.a, 'ip', ['route', 'show', 'table', 'all']),
      await pair.exec(pair.a, 'ip', ['addr']),
      ...['nsswitch.conf', 'hosts', 'resolv.conf'].map((f) => readFileSync(join(etc, f), 'utf8')),
    ].join('\n');

  test('all good: doctor passes end to end (and changes nothing), and Chromium loads the page', async () => {
    const before = await machine();
    const run = await doctor(['shop.local']);
    assert.equal(await machine(), before, 'doctor only reads and asks');
    const item = run.report.items[0]!;
    assert.equal(run.code, 0, JSON.stringify(item.checks, null, 1));
    assert.deepEqual(failing(item), []);
    for (const id of ['binding', 'mdns-answer', 'resolver', 'nsswitch', 'nss-mdns', 'avahi', 'firewall', 'route', 'tcp', 'tls', 'http']) {
      assert.notEqual(check(item, id).status, 'skip', `${id} was checked: ${check(item, id).detail}`);
    }
    assert.match(check(item, 'resolver').detail, new RegExp(pair.ipB.replaceAll('.', '\\.')));
    assert.match(check(item, 'port-5353').detail, /avahi-daemon/);
    assert.match(check(item, 'http').detail, /200/);
    const page = await browser('https://shop.local/', 'good');
    assert.match(page.dom, /doctor page for shop\.local/, `errors: ${page.errors.join(', ')}`);
    assert.deepEqual(page.errors, []);
  });

  test('mdns4_minimal with a three-label name: nsswitch, and Chromium cannot resolve the name', async () => {
    const run = await doctor(['www.shop.local']);
    assertCause(run, ['resolver', 'nsswitch'], 'nsswitch', /two-label name \(e\.g\. shop\.local\)|mdns\.allow/);
    assert.match(check(run.report.items[0]!, 'nsswitch').detail, /mdns4_minimal refuses www\.shop\.local: it has 3 labels/);
    assert.equal(check(run.report.items[0]!, 'mdns-answer').status, 'pass', 'serve answers it: only this machine refuses it');
    const page = await browser('https://www.shop.local/', 'three-labels');
    assert.deepEqual(page.errors, ['ERR_NAME_NOT_RESOLVED']);
  });

  test('no NAME: every published name, with a summary', async () => {
    const run = await doctor([]);
    assert.deepEqual(
      run.report.items.map((i) => i.name),
      ['blog.local', 'shop.local', 'www.shop.local'],
    );
    assert.deepEqual(run.report.summary, { names: 3, ok: 2, failing: 1 });
    assert.equal(check(run.report.items[0]!, 'tls').status, 'skip', 'blog.local is plain HTTP');
    assert.equal(check(run.report.items[0]!, 'http').status, 'pass');
    assert.deepEqual(
      run.report.items.map((i) => i.ok),
      [true, true, false],
    );
    assert.deepEqual(failing(run.report.items[2]!).sort(), ['nsswitch', 'resolver']);
    assert.equal(run.code, 1);
  });

  test("a certificate from kubectl mdns's local CA that this machine does not trust: tls, fix tls ca --install", async () => {
    const run = await doctor(['shop.local'], { env: { NODE_EXTRA_CA_CERTS: '', CAROOT: caroot } });
    assertCause(run, ['tls'], 'tls', /^kubectl mdns tls ca --install$/);
    assert.match(check(run.report.items[0]!, 'tls').detail, /local CA/);
    assert.equal(check(run.report.items[0]!, 'http').status, 'skip');
  });

  test('a self-signed certificate: tls', async () => {
    await serveCertificate('self-signed', ['shop.local']);
    try {
      const run = await doctor(['shop.local']);
      assertCause(run, ['tls'], 'tls', /CA this machine trusts/);
      assert.match(check(run.report.items[0]!, 'tls').detail, /self-signed/);
    } finally {
      await serveCertificate('ca', ['shop.local', 'www.shop.local', 'blog.local']);
    }
  });

  test('a certificate for another name: tls', async () => {
    await serveCertificate('ca', ['other.local']);
    try {
      const run = await doctor(['shop.local']);
      assertCause(run, ['tls'], 'tls', /subjectAltName has DNS:shop\.local/);
      assert.match(check(run.report.items[0]!, 'tls').detail, /does not cover shop\.local/);
    } finally {
      await serveCertificate('ca', ['shop.local', 'www.shop.local', 'blog.local']);
    }
  });

  test('the port closed: tcp', async () => {
    await stopProcess(web!);
    try {
      const run = await doctor(['shop.local']);
      assertCause(run, ['tcp'], 'tcp', /nothing listens on port 443/);
      assert.match(check(run.report.items[0]!, 'tcp').detail, /refused/);
    } finally {
      web = await startWeb();
    }
  });

  test('/etc/hosts overrides the name: hosts-file (and the resolver)', async () => {
    etcFile('hosts', '127.0.0.1 localhost\n10.213.221.77 shop.local\n');
    try {
      const run = await doctor(['shop.local']);
      assertCause(run, ['resolver', 'hosts-file'], 'hosts-file', /sed -i '2d' \/etc\/hosts/);
      assert.match(check(run.report.items[0]!, 'resolver').detail, /10\.213\.221\.77/);
    } finally {
      etcFile('hosts', '127.0.0.1 localhost\n');
    }
  });

  test('nsswitch without mdns: nsswitch, and Chromium cannot resolve the name', async () => {
    etcFile('nsswitch.conf', 'hosts: files dns\n');
    try {
      const run = await doctor(['shop.local']);
      assertCause(run, ['resolver', 'nsswitch'], 'nsswitch', /hosts: files mdns4_minimal \[NOTFOUND=return\] dns/);
      const page = await browser('https://shop.local/', 'nsswitch');
      assert.deepEqual(page.errors, ['ERR_NAME_NOT_RESOLVED']);
    } finally {
      etcFile('nsswitch.conf', NSSWITCH_OK);
    }
  });

  test('an nftables rule dropping UDP 5353: firewall, while doctor itself still gets the answer', async () => {
    await restartAvahi(); // nothing cached: avahi must ask the link again
    await pair.exec(pair.a, 'sh', [
      '-c',
      'nft add table inet docfw && nft add chain inet docfw input "{ type filter hook input priority 0; policy accept; }" && nft add rule inet docfw input udp dport 5353 drop',
    ]);
    try {
      // Both wait for avahi's 5 s timeout; neither changes what the other sees.
      const [run, page] = await Promise.all([doctor(['shop.local']), browser('https://shop.local/', 'firewall')]);
      assertCause(run, ['resolver', 'firewall'], 'firewall', /nft delete rule inet docfw input handle \d+/);
      assert.equal(check(run.report.items[0]!, 'mdns-answer').status, 'pass', 'legacy unicast from an ephemeral port passes the rule');
      assert.deepEqual(page.errors, ['ERR_NAME_NOT_RESOLVED']);
    } finally {
      await pair.exec(pair.a, 'nft', ['delete', 'table', 'inet', 'docfw']);
    }
  });

  test('avahi-daemon not running: avahi, and Chromium cannot resolve the name', async () => {
    await avahi!.stop();
    avahi = undefined;
    try {
      const run = await doctor(['shop.local'], { noAvahi: true });
      assertCause(run, ['resolver', 'avahi'], 'avahi', /avahi-daemon/);
      assert.equal(check(run.report.items[0]!, 'port-5353').status, 'skip');
      const page = await browser('https://shop.local/', 'avahi', true);
      assert.deepEqual(page.errors, ['ERR_NAME_NOT_RESOLVED']);
    } finally {
      avahi = await startAvahi(pair, pair.a, pair.ifA);
    }
  });

  test('the gateway address not routable from here: route', async () => {
    let from = serve!.lines.length;
    writeGateway('10.99.0.5');
    try {
      await serve!.waitForLine(/^~ serve: shop\.local 10\.99\.0\.5/, 10_000, from);
      const run = await doctor(['shop.local']);
      assertCause(run, ['route'], 'route', /10\.99\.0\.5/);
      for (const id of ['tcp', 'tls', 'http']) assert.match(check(run.report.items[0]!, id).detail, /^because .*see route/);
    } finally {
      from = serve!.lines.length;
      writeGateway(pair.ipB);
      await serve!.waitForLine(new RegExp(`^~ serve: shop\\.local ${pair.ipB.replaceAll('.', '\\.')}`), 10_000, from);
    }
  });

  test('another host claims the name with other data: mdns-answer (a conflict)', async () => {
    await rival.setA('up');
    const standIn = await startStandIn(pair, rival.ns, rival.ipPeer, 'shop.local', ['10.9.9.9']);
    try {
      const run = await doctor(['shop.local']);
      assertCause(run, ['mdns-answer'], 'mdns-answer', new RegExp(`device at ${rival.ipPeer.replaceAll('.', '\\.')}`));
      assert.match(check(run.report.items[0]!, 'mdns-answer').detail, /conflict: .*10\.9\.9\.9/);
      assert.ok(standIn.answered() > 0);
    } finally {
      await standIn.stop();
      await rival.setA('down');
    }
  });

  test('nothing answers (serve stopped): mdns-answer within 8 s, and Chromium cannot resolve the name', async () => {
    await serve!.stop('SIGTERM');
    serve = undefined;
    await restartAvahi();
    // The bound for a name nobody answers is the deadline of the run itself.
    const run = await doctor(['shop.local'], { timeoutMs: 8_000 });
    assertCause(run, ['mdns-answer'], 'mdns-answer', /kubectl mdns serve/);
    assert.match(check(run.report.items[0]!, 'resolver').detail, /^because nobody answers/);
    assert.equal(check(run.report.items[0]!, 'tcp').status, 'pass', 'the gateway itself is fine: not blamed');
    const page = await browser('https://shop.local/', 'nothing');
    assert.deepEqual(page.errors, ['ERR_NAME_NOT_RESOLVED']);
  });

  test('text output: one block per name, the fix under the failure, no colors off a terminal', async () => {
    const [cmd, args] = withAvahiSocket(avahi?.runDir, process.execPath, [PLUGIN, 'doctor', 'shop.local', '-f', manifests]);
    const r = await runIn(pair, pair.a, cmd, args, { env: cliEnv({ HOME: home, NODE_EXTRA_CA_CERTS: ca }), timeoutMs: 20_000 });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^shop\.local: fails\n/);
    assert.match(r.stdout, /\n {2}✘ mdns-answer +nobody answered shop\.local\b.*\n {6}fix: start the responder/);
    assert.match(r.stdout, /\n {2}✔ tcp /);
    assert.doesNotMatch(r.stdout, /\u001b\[/);
  });
});
