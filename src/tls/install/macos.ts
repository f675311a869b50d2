// The macOS keychain, with `security` (as mkcert does, truststore_darwin.go): as root the
// System keychain for every user, otherwise the login keychain (macOS then asks for the
// user's password in a dialog). Tested with recorded `security` outputs (test/unit/tls/).
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { LocalCA } from '../ca.js';
import { firstLine } from './nss.js';
import { type Runner, shellLine } from './runner.js';
import type { StoreResult, TrustStore } from './types.js';

export interface MacOptions {
  home: string;
  runner: Runner;
  isRoot: boolean;
}

const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

export class MacKeychainStore implements TrustStore {
  constructor(private readonly opts: MacOptions) {}

  private keychain(): { path: string; label: string; domainArgs: string[] } {
    return this.opts.isRoot
      ? { path: SYSTEM_KEYCHAIN, label: 'macOS System keychain', domainArgs: ['-d'] }
      : { path: join(this.opts.home, 'Library', 'Keychains', 'login.keychain-db'), label: 'macOS login keychain', domainArgs: [] };
  }

  async install(ca: LocalCA): Promise<StoreResult[]> {
    const kc = this.keychain();
    const add = ['add-trusted-cert', ...kc.domainArgs, '-r', 'trustRoot', '-p', 'ssl', '-k', kc.path, ca.certFile];
    // verify-cert succeeds only when the certificate chains to a trusted root: ours is one once trusted.
    const check = await this.opts.runner.run('security', ['verify-cert', '-c', ca.certFile, '-p', 'ssl']);
    if (check.code === 0) return [{ store: kc.label, status: 'already', detail: 'already trusted' }];
    const r = await this.opts.runner.run('security', add);
    if (r.code === 0) return [{ store: kc.label, status: 'done', detail: `added to ${kc.path} (trusted for SSL)` }];
    return [
      {
        store: kc.label,
        status: 'failed',
        detail: `security: ${firstLine(r.stderr || r.stdout)}`,
        command: `${this.opts.isRoot ? '' : 'sudo '}${shellLine('security', ['add-trusted-cert', '-d', '-r', 'trustRoot', '-k', SYSTEM_KEYCHAIN, ca.certFile])}`,
      },
    ];
  }

  async uninstall(ca: LocalCA): Promise<StoreResult[]> {
    const kc = this.keychain();
    const sha1 = createHash('sha1').update(ca.cert.raw).digest('hex').toUpperCase();
    const removeTrust = ['remove-trusted-cert', ...kc.domainArgs, ca.certFile];
    const del = ['delete-certificate', '-Z', sha1, kc.path];
    const found = await this.opts.runner.run('security', ['find-certificate', '-a', '-Z', kc.path]);
    if (found.code === 0 && !found.stdout.toUpperCase().includes(sha1)) return [{ store: kc.label, status: 'already', detail: 'not there' }];
    const t = await this.opts.runner.run('security', removeTrust);
    const d = await this.opts.runner.run('security', del);
    if (t.code === 0 && d.code === 0) return [{ store: kc.label, status: 'done', detail: `removed from ${kc.path}` }];
    const bad = t.code !== 0 ? t : d;
    return [
      {
        store: kc.label,
        status: 'failed',
        detail: `security: ${firstLine(bad.stderr || bad.stdout)}`,
        command: `${shellLine('security', removeTrust)} && ${shellLine('security', del)}`,
      },
    ];
  }
}
