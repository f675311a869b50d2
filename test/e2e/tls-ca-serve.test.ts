// `kubectl mdns tls ca --serve` (issue 12, phones): in namespace A it serves rootCA.pem over
// HTTP and publishes <hostname>-ca.local over mDNS; from namespace B python3-zeroconf resolves
// the name to A's address, and curl through nss-mdns + a private avahi (the path a laptop
// takes) downloads exactly rootCA.pem. The terminal shows the URL and a QR code of it; the key
// is never served.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { startAvahi, type Avahi } from '../support/avahi.js';
import { useNssMdns } from '../support/chromium.js';
import { zeroconfLookup } from '../support/zeroconf.js';
import { cliEnv, eventually, PLUGIN, runIn, tempDir } from '../support/e2e.js';
import { caHostname } from '../../src/tls/ca-server.js';

const skip = hasNetns() ? false : 'needs root and Linux network namespaces';

describe('tls ca --serve: rootCA.pem for phones at <hostname>-ca.local', { skip, timeout: 120_000 }, () => {
  let pair: NetnsPair;
  let avahi: Avahi;
  let undoNss: () => void = () => {};
  const tmp = tempDir('tls-ca-serve');
  const caDir = join(tmp.dir, 'ca');
  const name = caHostname(hostname());

  before(async () => {
    pair = await createPair('tlsca', 212);
    undoNss = useNssMdns(pair.b);
    avahi = await startAvahi(pair, pair.b, pair.ifB);
  });
  after(async () => {
    await avahi?.stop();
    undoNss();
    await pair?.destroy();
    tmp.remove();
  });

  test('URL and QR code printed; the name resolves over mDNS; the URL serves rootCA.pem and nothing else', async () => {
    const env = cliEnv({ CAROOT: caDir });
    const child = pair.spawn(pair.a, process.execPath, [PLUGIN, 'tls', 'ca', '--serve', '--port', '8099', '--interface', pair.ifA], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await eventually(
        'the URL line',
        async () => stderr,
        (s) => /Serving rootCA\.pem at/.test(s) && /Android/.test(s),
        20_000,
      );
      assert.match(stderr, new RegExp(`Serving rootCA\\.pem at http://${name.replace(/\./g, '\\.')}:8099/`));
      assert.match(stderr, /[▀▄█]{5,}/, 'a QR code in half blocks');
      assert.match(stdout, /CA folder:\s+\S+ \(created\)/);
      const found = await eventually(
        'zeroconf sees the name',
        () => zeroconfLookup(pair, pair.b, [name]),
        (r) => (r[name]?.A ?? []).includes(pair.ipA),
        20_000,
      );
      assert.deepEqual(found[name]!.A, [pair.ipA]);
      const curl = (url: string) =>
        runIn(
          pair,
          pair.b,
          'sh',
          ['-c', 'mount --bind "$0" /run/avahi-daemon && exec "$@"', avahi.runDir, 'curl', '-sS', '-o', '-', '-w', '\\n%{http_code} %{content_type}', url],
          { timeoutMs: 30_000 },
        );
      const got = await curl(`http://${name}:8099/rootCA.pem`);
      assert.equal(got.code, 0, got.stderr);
      const pem = readFileSync(join(caDir, 'rootCA.pem'), 'utf8');
      assert.equal(got.stdout, `${pem}\n200 application/x-x509-ca-cert`);
      const key = await curl(`http://${name}:8099/rootCA-key.pem`);
      assert.match(key.stdout, /404 text\/plain$/);
      assert.doesNotMatch(stdout + stderr + key.stdout, /PRIVATE KEY/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
