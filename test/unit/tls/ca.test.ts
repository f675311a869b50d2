// The local CA (issue 12): folder lookup order (mkcert's rules), creation (ECDSA P-256, 10
// years, critical name constraints, key 0600), reuse without rewriting, and keys that never
// reach util.inspect, JSON.stringify, template strings or error messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { resolveCaDir } from '../../../src/tls/ca-dir.js';
import { ensureCA, loadCA } from '../../../src/tls/ca.js';
import { issueLeaf } from '../../../src/tls/x509.js';
import { tempDir } from '../../support/e2e.js';

test("CA folder: --ca-dir, then $CAROOT, then mkcert's folder only when it holds a CA, then ours", () => {
  const home = '/home/u';
  const none = () => false;
  const both = (p: string) => p.startsWith('/home/u/.local/share/mkcert/');
  const certOnly = (p: string) => p === '/home/u/.local/share/mkcert/rootCA.pem';
  const linux = { platform: 'linux' as const, home };
  assert.deepEqual(resolveCaDir({ ...linux, flag: '/x', env: { CAROOT: '/c' }, exists: both }), { dir: '/x', source: 'flag' });
  assert.deepEqual(resolveCaDir({ ...linux, env: { CAROOT: '/c' }, exists: both }), { dir: '/c', source: 'CAROOT' });
  assert.deepEqual(resolveCaDir({ ...linux, env: {}, exists: both }), { dir: '/home/u/.local/share/mkcert', source: 'mkcert' });
  assert.deepEqual(resolveCaDir({ ...linux, env: {}, exists: certOnly }), { dir: '/home/u/.local/share/kubectl-mdns/ca', source: 'default' });
  assert.deepEqual(resolveCaDir({ ...linux, env: { XDG_DATA_HOME: '/data' }, exists: none }), { dir: '/data/kubectl-mdns/ca', source: 'default' });
  assert.deepEqual(resolveCaDir({ ...linux, env: { XDG_DATA_HOME: '/data' }, exists: (p) => p.startsWith('/data/mkcert/') }), {
    dir: '/data/mkcert',
    source: 'mkcert',
  });
  assert.deepEqual(resolveCaDir({ platform: 'darwin', home, env: {}, exists: (p) => p.startsWith('/home/u/Library/Application Support/mkcert/') }), {
    dir: '/home/u/Library/Application Support/mkcert',
    source: 'mkcert',
  });
});

test('a new CA: ECDSA P-256, 10 years, CA:TRUE pathlen 0, critical name constraints; key 0600; reused byte for byte', async () => {
  const tmp = tempDir('tls-ca');
  try {
    const dir = join(tmp.dir, 'deep', 'ca');
    const first = await ensureCA(dir, { who: 'me@host' });
    assert.equal(first.created, true);
    assert.equal(statSync(join(dir, 'rootCA-key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const cert = new X509Certificate(readFileSync(join(dir, 'rootCA.pem')));
    assert.equal(cert.ca, true);
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365 * 86_400_000);
    assert.ok(years > 9.99 && years < 10.01, String(years));
    const text = execFileSync('openssl', ['x509', '-in', join(dir, 'rootCA.pem'), '-noout', '-text'], { encoding: 'utf8' });
    assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(text, /Name Constraints: critical\s+Permitted:\s+DNS:local\s+DNS:home\.arpa\s+DNS:internal/);
    const bytes = [readFileSync(join(dir, 'rootCA.pem')), readFileSync(join(dir, 'rootCA-key.pem'))];
    const second = await ensureCA(dir);
    assert.equal(second.created, false);
    assert.equal(second.ca.fingerprintSHA256, first.ca.fingerprintSHA256);
    assert.ok(readFileSync(join(dir, 'rootCA.pem')).equals(bytes[0]!) && readFileSync(join(dir, 'rootCA-key.pem')).equals(bytes[1]!));
  } finally {
    tmp.remove();
  }
});

test('leaves: openssl verifies a .local leaf; the name constraints refuse a public name', async () => {
  const tmp = tempDir('tls-leaf');
  try {
    const { ca } = await ensureCA(tmp.dir, { who: 'me@host' });
    const verify = async (names: string[]) => {
      const leaf = await issueLeaf({ caCertPem: ca.certPem, caKey: ca.key(), hostnames: names, days: 90, who: 'me@host' });
      const f = join(tmp.dir, `${names[0]}.pem`);
      writeFileSync(f, leaf.certPem);
      return spawnSync('openssl', ['verify', '-CAfile', ca.certFile, '-purpose', 'sslserver', f], { encoding: 'utf8' });
    };
    const ok = await verify(['shop.local', '*.apps.local', 'nas.home.arpa']);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const bad = await verify(['www.example.com']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /permitted subtree violation/);
  } finally {
    tmp.remove();
  }
});

test('keys never show: util.inspect, JSON.stringify, String(), and read errors', async () => {
  const tmp = tempDir('tls-redact');
  try {
    const { ca } = await ensureCA(tmp.dir);
    const keyText = readFileSync(join(tmp.dir, 'rootCA-key.pem'), 'utf8');
    const body = keyText.split('\n')[1]!;
    for (const shown of [
      inspect(ca, { depth: 10, showHidden: true }),
      JSON.stringify(ca),
      String(ca.key()),
      `${ca.key()}`,
      inspect(ca.key()),
      JSON.stringify({ k: ca.key() }),
    ]) {
      assert.ok(!shown.includes(body), shown.slice(0, 200));
      assert.doesNotMatch(shown, /BEGIN (EC )?PRIVATE KEY/);
    }
    assert.equal(ca.key().pem(), keyText);
    // A CA folder whose key is unreadable: the error names the file, never its content.
    const dir2 = join(tmp.dir, 'broken');
    mkdirSync(dir2);
    writeFileSync(join(dir2, 'rootCA.pem'), 'not a certificate');
    writeFileSync(join(dir2, 'rootCA-key.pem'), keyText);
    assert.throws(
      () => loadCA(dir2),
      (err: Error) => /rootCA\.pem is not a PEM certificate/.test(err.message) && !err.message.includes(body),
    );
  } finally {
    tmp.remove();
  }
});
