// Trust stores for `tls ca --install/--uninstall` (issue 12). Never this machine's real stores:
// NSS with the real certutil on a scratch HOME (the database is created when missing, as
// headless Chromium does not), the Debian system store with the real update-ca-certificates
// in a scratch root (it takes its folders as flags), the skip-with-the-exact-command path
// when not root, and macOS through canned `security` outputs (no Mac here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCA } from '../../../src/tls/ca.js';
import { installCA, uninstallCA } from '../../../src/tls/install/index.js';
import { MacKeychainStore } from '../../../src/tls/install/macos.js';
import { execRunner, type Runner, type RunResult } from '../../../src/tls/install/runner.js';
import { SystemStore } from '../../../src/tls/install/system.js';
import { caNickname } from '../../../src/tls/install/types.js';
import { tempDir } from '../../support/e2e.js';

const hasCertutil = Boolean(execRunner.which('certutil'));
const hasUpdateCa = Boolean(execRunner.which('update-ca-certificates'));

test('NSS: creates ~/.pki/nssdb, adds the CA (C,,), finds it again, removes it; Firefox profiles too', {
  skip: !hasCertutil && 'needs certutil (libnss3-tools)',
}, async () => {
  const tmp = tempDir('tls-nss');
  try {
    const home = join(tmp.dir, 'home');
    const ff = join(home, '.mozilla', 'firefox', 'abc.default-release');
    mkdirSync(ff, { recursive: true });
    execFileSync('certutil', ['-N', '-d', `sql:${ff}`, '--empty-password']);
    const { ca } = await ensureCA(join(tmp.dir, 'ca'));
    const env = { home, platform: 'linux' as const, isRoot: false, systemRoot: join(tmp.dir, 'no-root') };
    const first = await installCA(ca, env);
    const nss = first.filter((r) => !r.store.startsWith('system'));
    assert.deepEqual(
      nss.map((r) => [r.store, r.status]),
      [
        ['NSS ~/.pki/nssdb (Chromium, Chrome)', 'done'],
        ['Firefox profile abc.default-release', 'done'],
      ],
    );
    assert.ok(existsSync(join(home, '.pki', 'nssdb', 'cert9.db')));
    const listed = execFileSync('certutil', ['-L', '-d', `sql:${join(home, '.pki', 'nssdb')}`], { encoding: 'utf8' });
    assert.match(listed, new RegExp(`${caNickname(ca)}\\s+C,,`));
    const again = await installCA(ca, env);
    assert.deepEqual(
      again.filter((r) => !r.store.startsWith('system')).map((r) => r.status),
      ['already', 'already'],
    );
    const removed = await uninstallCA(ca, env);
    assert.deepEqual(
      removed.filter((r) => !r.store.startsWith('system')).map((r) => r.status),
      ['done', 'done'],
    );
    assert.doesNotMatch(execFileSync('certutil', ['-L', '-d', `sql:${ff}`], { encoding: 'utf8' }), /kubectl-mdns/);
  } finally {
    tmp.remove();
  }
});

test('NSS without certutil: skipped, with the package and the exact commands', async () => {
  const tmp = tempDir('tls-nss-none');
  try {
    const { ca } = await ensureCA(join(tmp.dir, 'ca'));
    const runner: Runner = { run: async () => ({ code: 127, stdout: '', stderr: '' }), which: () => undefined };
    const out = await installCA(ca, { home: join(tmp.dir, 'h'), platform: 'linux', isRoot: false, systemRoot: join(tmp.dir, 'r'), runner });
    const nss = out.find((r) => r.store.includes('nssdb'))!;
    assert.equal(nss.status, 'skipped');
    assert.match(nss.detail, /certutil not found: apt-get install libnss3-tools/);
    assert.match(nss.command!, /certutil -N -d sql:.*--empty-password && certutil -A -d sql:\S+ -t C,, -n 'kubectl-mdns CA [0-9a-f]{16}' -i \S+rootCA\.pem$/);
  } finally {
    tmp.remove();
  }
});

/** A Debian trust layout with one ordinary root in it (with none, update-ca-certificates keeps the old bundle: Debian #996005). */
function scratchDebianRoot(root: string): void {
  for (const d of ['usr/local/share/ca-certificates', 'etc/ssl/certs', 'usr/share/ca-certificates/test', 'etc/ca-certificates/update.d'])
    mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'usr/share/ca-certificates/test/other.crt'), OTHER_ROOT);
  writeFileSync(join(root, 'etc/ca-certificates.conf'), 'test/other.crt\n');
}

// Any self-signed CA will do as the "distribution's" root; made once with openssl.
const OTHER_ROOT = execFileSync(
  'sh',
  ['-c', 'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj /CN=other-root -days 30 2>/dev/null'],
  { encoding: 'utf8' },
);

test('Debian system store in a scratch root: update-ca-certificates adds, finds, removes', {
  skip: (!hasUpdateCa && 'needs update-ca-certificates') || (process.getuid?.() !== 0 && 'needs root'),
}, async () => {
  const tmp = tempDir('tls-sys');
  try {
    const root = join(tmp.dir, 'root');
    scratchDebianRoot(root);
    const { ca } = await ensureCA(join(tmp.dir, 'ca'));
    const store = new SystemStore({ root, runner: execRunner, isRoot: true });
    const bundle = join(root, 'etc/ssl/certs/ca-certificates.crt');
    const [done] = await store.install(ca);
    assert.equal(done!.status, 'done', JSON.stringify(done));
    assert.ok(readFileSync(bundle, 'utf8').includes(ca.certPem.trim().split('\n')[1]!));
    assert.equal((await store.install(ca))[0]!.status, 'already');
    assert.equal((await store.uninstall(ca))[0]!.status, 'done');
    assert.ok(!readFileSync(bundle, 'utf8').includes(ca.certPem.trim().split('\n')[1]!));
  } finally {
    tmp.remove();
  }
});

test('system store without root: skipped, with the sudo commands; no anchor folder: skipped with the reason', async () => {
  const tmp = tempDir('tls-sys-user');
  try {
    const root = join(tmp.dir, 'root');
    scratchDebianRoot(root);
    const { ca } = await ensureCA(join(tmp.dir, 'ca'));
    const calls: string[] = [];
    const runner: Runner = {
      run: async (c, a) => {
        calls.push([c, ...a].join(' '));
        return { code: 0, stdout: '', stderr: '' };
      },
      which: (c) => `/usr/sbin/${c}`,
    };
    const [r] = await new SystemStore({ root, runner, isRoot: false }).install(ca);
    assert.equal(r!.status, 'skipped');
    assert.equal(r!.detail, 'needs root');
    assert.match(
      r!.command!,
      /^sudo install -m 644 \S+\/rootCA\.pem \S+\/usr\/local\/share\/ca-certificates\/kubectl-mdns_[0-9a-f]{16}\.crt && sudo update-ca-certificates --certsconf /,
    );
    assert.deepEqual(calls, [], 'nothing was run');
    const [none] = await new SystemStore({ root: join(tmp.dir, 'empty'), runner, isRoot: true }).install(ca);
    assert.equal(none!.status, 'skipped');
    assert.match(none!.detail, /no update-ca-certificates or update-ca-trust anchor folder/);
  } finally {
    tmp.remove();
  }
});

test('Fedora system store (scratch root, canned update-ca-trust): the anchor is copied as .pem, then `update-ca-trust extract`', async () => {
  const tmp = tempDir('tls-fedora');
  try {
    const root = join(tmp.dir, 'root');
    mkdirSync(join(root, 'etc/pki/ca-trust/source/anchors'), { recursive: true });
    const { ca } = await ensureCA(join(tmp.dir, 'ca'));
    const calls: string[] = [];
    const runner: Runner = {
      run: async (c, a) => {
        calls.push([c, ...a].join(' '));
        return { code: 0, stdout: '', stderr: '' };
      },
      which: (c) => (c === 'update-ca-trust' ? '/usr/bin/update-ca-trust' : undefined),
    };
    const [r] = await new SystemStore({ root, runner, isRoot: true }).install(ca);
    assert.equal(r!.status, 'done', JSON.stringify(r));
    assert.match(r!.store, /Fedora/);
    assert.deepEqual(calls, ['/usr/bin/update-ca-trust extract']);
    const anchor = join(root, 'etc/pki/ca-trust/source/anchors', `kubectl-mdns_${ca.fingerprintSHA256.replace(/:/g, '').slice(0, 16).toLowerCase()}.pem`);
    assert.equal(readFileSync(anchor, 'utf8'), ca.certPem);
    const [u] = await new SystemStore({ root, runner, isRoot: false }).uninstall(ca);
    assert.equal(u!.status, 'skipped');
    assert.equal(u!.command, `sudo rm ${anchor} && sudo update-ca-trust extract`);
  } finally {
    tmp.remove();
  }
});

/** Canned `security` answers keyed by the command line, and the calls made. */
function cannedSecurity(answers: Record<string, RunResult>): Runner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    which: (c) => (c === 'security' ? '/usr/bin/security' : undefined),
    async run(cmd, args) {
      const line = [cmd, ...args].join(' ');
      calls.push(line);
      const key = Object.keys(answers).find((k) => line.startsWith(k));
      return key ? answers[key]! : { code: 1, stdout: '', stderr: `unexpected: ${line}` };
    },
  };
}

test('macOS keychain: login keychain for a user, System keychain as root; already trusted; uninstall by SHA-1', async () => {
  const tmp = tempDir('tls-mac');
  try {
    const { ca } = await ensureCA(join(tmp.dir, 'ca'));
    const untrusted = cannedSecurity({
      'security verify-cert': { code: 1, stdout: '', stderr: `${ca.certFile}: CSSMERR_TP_NOT_TRUSTED\nCert Verify Result: CSSMERR_TP_NOT_TRUSTED\n` },
      'security add-trusted-cert': { code: 0, stdout: '', stderr: '' },
    });
    const [user] = await new MacKeychainStore({ home: '/Users/me', runner: untrusted, isRoot: false }).install(ca);
    assert.equal(user!.status, 'done');
    assert.equal(untrusted.calls[1], `security add-trusted-cert -r trustRoot -p ssl -k /Users/me/Library/Keychains/login.keychain-db ${ca.certFile}`);
    const asRoot = cannedSecurity({
      'security verify-cert': { code: 1, stdout: '', stderr: 'CSSMERR_TP_NOT_TRUSTED' },
      'security add-trusted-cert': { code: 0, stdout: '', stderr: '' },
    });
    await new MacKeychainStore({ home: '/var/root', runner: asRoot, isRoot: true }).install(ca);
    assert.equal(asRoot.calls[1], `security add-trusted-cert -d -r trustRoot -p ssl -k /Library/Keychains/System.keychain ${ca.certFile}`);
    const trusted = cannedSecurity({ 'security verify-cert': { code: 0, stdout: '...certificate verification successful.\n', stderr: '' } });
    const [already] = await new MacKeychainStore({ home: '/Users/me', runner: trusted, isRoot: false }).install(ca);
    assert.equal(already!.status, 'already');
    assert.equal(trusted.calls.length, 1);
    const denied = cannedSecurity({
      'security verify-cert': { code: 1, stdout: '', stderr: 'CSSMERR_TP_NOT_TRUSTED' },
      'security add-trusted-cert': {
        code: 1,
        stdout: '',
        stderr: 'SecTrustSettingsSetTrustSettings: The authorization was denied since no user interaction was possible.\n',
      },
    });
    const [failed] = await new MacKeychainStore({ home: '/Users/me', runner: denied, isRoot: false }).install(ca);
    assert.equal(failed!.status, 'failed');
    assert.match(failed!.detail, /authorization was denied/);
    assert.equal(failed!.command, `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${ca.certFile}`);
    const sha1 = (await import('node:crypto')).createHash('sha1').update(ca.cert.raw).digest('hex').toUpperCase();
    const present = cannedSecurity({
      'security find-certificate': {
        code: 0,
        stdout: `SHA-256 hash: 00\nSHA-1 hash: ${sha1}\nkeychain: "/Users/me/Library/Keychains/login.keychain-db"\n`,
        stderr: '',
      },
      'security remove-trusted-cert': { code: 0, stdout: '', stderr: '' },
      'security delete-certificate': { code: 0, stdout: '', stderr: '' },
    });
    const [gone] = await new MacKeychainStore({ home: '/Users/me', runner: present, isRoot: false }).uninstall(ca);
    assert.equal(gone!.status, 'done');
    assert.equal(present.calls[2], `security delete-certificate -Z ${sha1} /Users/me/Library/Keychains/login.keychain-db`);
  } finally {
    tmp.remove();
  }
});
