// `kubectl mdns diff` against the link, end to end, for what the DNS-SD browse (src/mdns/query.ts)
// and the lenient reading of replies make visible:
// - a name our running `serve` still answers but whose route is gone: found by browsing the
//   services serve advertises (RFC 6763: PTR -> SRV -> hostname), then `- name A/AAAA`;
// - python3-zeroconf answering one of our names with another address: a `!` conflict, although
//   every one of its replies carries a malformed NSEC (which made the whole reply unreadable).
// The real CLI (plugin/kubectl-mdns) runs inside network namespace A, from manifest files (-f):
// serve from a directory, diff from the same directory or from a copy with one route deleted.
// zeroconf runs in namespace B, across the veth. Nothing runs in the host's namespace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { startCapture } from '../support/capture.js';
import { stopProcess } from '../support/process.js';
import { type CliResult, type ServeProcess, eventually, gateway, httpRoute, runCli, startServe, tempDir, writeManifest } from '../support/e2e.js';

const skip = hasNetns() ? false : 'needs root and Linux network namespaces';

const GW = gateway('infra', 'gw', { addresses: ['10.0.0.10', 'fd00::10'], listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }] });
const GW2 = gateway('infra', 'gw2', { addresses: ['10.0.0.20'] });
const SHOP = httpRoute('shop', 'shop', ['shop.local']);
const BLOG = httpRoute('blog', 'blog', ['blog.local'], { namespace: 'infra', name: 'gw2' });
const OLD = httpRoute('old', 'old', ['old.local']);

/** Change lines without the trailing `# route` column. */
function changeLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^[+\-~!] /.test(l))
    .map((l) => l.replace(/\s+# .*$/, ''));
}

const show = (r: CliResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** One manifest file per object in `dir`, as people keep them. */
function manifestDir(dir: string, files: Record<string, unknown[]>): string {
  mkdirSync(dir, { recursive: true });
  for (const [file, objects] of Object.entries(files)) writeManifest(join(dir, `${file}.json`), objects);
  return dir;
}

// ---------------------------------------------------------------- python3-zeroconf as a responder

interface ZeroconfResponder {
  stop(): Promise<void>;
}

/**
 * python3-zeroconf (Debian's /usr/bin/python3: a pyenv shim on PATH could lack the module)
 * registering one DNS-SD service whose SRV points at `server` with IPv4 `address`, bound to
 * `ownAddress` in `ns`. Resolves once registration (its probes and announcement) is done.
 */
async function startZeroconf(pair: NetnsPair, ns: string, ownAddress: string, server: string, address: string): Promise<ZeroconfResponder> {
  const script = `
import signal, socket, sys, time
from zeroconf import IPVersion, ServiceInfo, Zeroconf
own, server, address = sys.argv[1:4]
zc = Zeroconf(interfaces=[own], ip_version=IPVersion.V4Only)
info = ServiceInfo('_http._tcp.local.', server.split('.')[0] + '._http._tcp.local.', port=80, properties={'path': '/'}, server=server + '.', addresses=[socket.inet_aton(address)])
zc.register_service(info)
print('ready', flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
try:
    while True:
        time.sleep(1)
finally:
    zc.unregister_service(info)
    zc.close()
`;
  const child = pair.spawn(ns, '/usr/bin/python3', ['-c', script, ownAddress, server, address], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`zeroconf not ready within 15 s: ${err}`)), 15_000);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      if (l === 'ready') resolve();
      else reject(new Error(`zeroconf said ${l}: ${err}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`zeroconf exited (${code}): ${err}`));
    });
  });
  return {
    stop: () => stopProcess(child, 5000),
  };
}

describe('kubectl mdns diff: names serve still answers, and a third-party responder (e2e, network namespaces)', { skip, timeout: 180_000 }, () => {
  let pair: NetnsPair;
  let serve: ServeProcess | undefined;
  const tmp = tempDir('e2e-diff-remove');
  let full: string;
  let withoutOld: string;

  before(async () => {
    pair = await createPair('dfb', 204);
    full = manifestDir(join(tmp.dir, 'full'), { gateways: [GW, GW2], shop: [SHOP], blog: [BLOG], old: [OLD] });
    withoutOld = manifestDir(join(tmp.dir, 'without-old'), { gateways: [GW, GW2], shop: [SHOP], blog: [BLOG] });
  });

  after(async () => {
    await serve?.stop('SIGKILL');
    await pair?.destroy();
    tmp.remove();
  });

  test('python3-zeroconf answering shop.local with another address is a ! conflict (its replies carry a malformed NSEC)', async () => {
    const zc = await startZeroconf(pair, pair.b, pair.ipB, 'shop.local', '10.0.0.7');
    try {
      const r = await runCli(pair, pair.a, ['diff', '-f', full]);
      assert.equal(r.code, 1, show(r));
      assert.deepEqual(
        changeLines(r.stdout),
        [
          '+ blog.local A 10.0.0.20',
          '+ old.local A 10.0.0.10',
          '+ old.local AAAA fd00::10',
          `! shop.local A answered by ${pair.ipB} with 10.0.0.7 (wanted 10.0.0.10)`,
        ],
        show(r),
      );
      assert.match(r.stdout, /^Summary: 2 to add, 0 to remove, 0 to change, 1 in conflict, 0 unchanged\.$/m);
      const json = await runCli(pair, pair.a, ['diff', '-f', full, '-o', 'json']);
      assert.equal(json.code, 1, show(json));
      const changes = (JSON.parse(json.stdout) as { changes: Record<string, unknown>[] }).changes;
      assert.deepEqual(
        changes.filter((c) => c['action'] === 'conflict').map((c) => [c['name'], c['type'], c['before'], c['after'], c['detail']]),
        [['shop.local', 'A', ['10.0.0.7'], ['10.0.0.10'], `answered by ${pair.ipB} with 10.0.0.7`]],
      );
    } finally {
      await zc.stop();
    }
  });

  test('serve running from a directory: unchanged manifests → exit 0; one route deleted → exactly its records are -', async (t) => {
    serve = startServe(pair, pair.a, ['-f', full]);
    await serve.waitForLine(/serving 3 names\b/, 20_000);
    // Converged: diff from the same files finds nothing (retried only while the announcements settle).
    const same = await eventually(
      'diff against the running serve to show no differences',
      () => runCli(pair, pair.a, ['diff', '-f', full, '--timeout', '0.5']),
      (x) => x.code === 0,
      15_000,
      100,
    );
    assert.deepEqual(changeLines(same.stdout), [], show(same));
    assert.match(same.stdout, /^Summary: 0 to add, 0 to remove, 0 to change, 0 in conflict, 3 unchanged\.$/m);

    // The old route is deleted from the files; serve still answers old.local. Only the browse
    // (PTR _https._tcp.local -> old._https._tcp.local -> SRV old.local) can find it. --timeout 3:
    // the browse and its follow-ups share the one window with the A/AAAA queries.
    // serve's second announcement goes 1 s after the first (RFC 6762 §8.3): let it pass, so
    // the capture holds only what diff causes.
    await new Promise((res) => setTimeout(res, 2000));
    const capture = await startCapture(pair, pair.a, pair.ifA);
    const t0 = Date.now();
    const r = await runCli(pair, pair.a, ['diff', '-f', withoutOld, '--timeout', '3']);
    const elapsed = Date.now() - t0;
    await new Promise((res) => setTimeout(res, 300));
    const packets = await capture.stop();
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(changeLines(r.stdout), ['- old.local A 10.0.0.10', '- old.local AAAA fd00::10'], show(r));
    assert.match(r.stdout, /^Summary: 0 to add, 1 to remove, 0 to change, 0 in conflict, 2 unchanged\.$/m);
    t.diagnostic(`diff --timeout 3 took ${elapsed} ms`);
    assert.ok(elapsed < 6000, `one --timeout window, not one per step (${elapsed} ms for --timeout 3)`);
    // Read-only: only legacy queries (ephemeral source port) on the link, the browse among them;
    // serve's answers went straight back to diff's port on this host, never onto the link.
    assert.deepEqual(
      packets.filter((p) => p.response),
      [],
      'no response, announcement or goodbye on the link during diff',
    );
    assert.ok(
      packets.every((p) => p.srcPort !== 5353 && p.authorities.length === 0 && p.answers.length === 0),
      'only legacy-unicast queries',
    );
    const asked = new Set(packets.flatMap((p) => p.questions.map((q) => `${q.name} ${q.type}`)));
    for (const q of ['_http._tcp.local 12', '_https._tcp.local 12', 'shop.local 1', 'blog.local 28'])
      assert.ok(asked.has(q), `asked ${q}: ${[...asked].join(', ')}`);

    const json = await runCli(pair, pair.a, ['diff', '-f', withoutOld, '-o', 'json']);
    assert.equal(json.code, 1, show(json));
    const out = JSON.parse(json.stdout) as { changes: Record<string, unknown>[]; summary: unknown };
    assert.deepEqual(
      out.changes.map((c) => [c['target'], c['action'], c['name'], c['type'], c['before'], c['after']]),
      [
        ['mdns', 'remove', 'old.local', 'A', ['10.0.0.10'], []],
        ['mdns', 'remove', 'old.local', 'AAAA', ['fd00::10'], []],
      ],
    );
    assert.deepEqual(out.summary, { add: 0, remove: 1, change: 0, conflict: 0, unchanged: 2 });

    // And the unchanged files once more: still nothing.
    const again = await runCli(pair, pair.a, ['diff', '-f', full]);
    assert.equal(again.code, 0, show(again));

    const stopped = await serve.stop('SIGTERM');
    serve = undefined;
    assert.equal(stopped.code, 0);
  });
});
