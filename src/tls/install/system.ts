// The Linux system store: Debian/Ubuntu (update-ca-certificates, ca-certificates package) and
// Fedora/RHEL (update-ca-trust, p11-kit). Root is needed to write there; without it the
// result is "skipped" with the exact commands to run with sudo. `root` ("/" normally) lets
// tests and chroots use a scratch tree: update-ca-certificates takes its folders as flags.
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCA } from '../ca.js';
import { firstLine } from './nss.js';
import { type Runner, shellArg, shellLine } from './runner.js';
import { caFileStem, type StoreResult, type TrustStore } from './types.js';

export interface SystemStoreOptions {
  root: string;
  runner: Runner;
  /** process.getuid?.() === 0 */
  isRoot: boolean;
}

interface Flavor {
  name: string;
  tool: string;
  anchorDir: string;
  ext: string;
  bundle: string;
  refreshArgs: string[];
}

function flavors(root: string): Flavor[] {
  const r = (p: string) => join(root, p);
  const scratch = root !== '/';
  return [
    {
      name: 'system (Debian: update-ca-certificates)',
      tool: 'update-ca-certificates',
      anchorDir: r('usr/local/share/ca-certificates'),
      ext: '.crt', // update-ca-certificates only picks up *.crt
      bundle: r('etc/ssl/certs/ca-certificates.crt'),
      refreshArgs: scratch
        ? [
            '--certsconf',
            r('etc/ca-certificates.conf'),
            '--certsdir',
            r('usr/share/ca-certificates'),
            '--localcertsdir',
            r('usr/local/share/ca-certificates'),
            '--etccertsdir',
            r('etc/ssl/certs'),
            '--hooksdir',
            r('etc/ca-certificates/update.d'),
          ]
        : [],
    },
    {
      name: 'system (Fedora: update-ca-trust)',
      tool: 'update-ca-trust',
      anchorDir: r('etc/pki/ca-trust/source/anchors'),
      ext: '.pem',
      bundle: r('etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem'),
      refreshArgs: ['extract'],
    },
  ];
}

export class SystemStore implements TrustStore {
  constructor(private readonly opts: SystemStoreOptions) {}

  private flavor(): { flavor: Flavor; tool: string | undefined } | undefined {
    for (const f of flavors(this.opts.root)) {
      if (existsSync(f.anchorDir)) return { flavor: f, tool: this.opts.runner.which(f.tool) };
    }
    return undefined;
  }

  async install(ca: LocalCA): Promise<StoreResult[]> {
    const found = this.flavor();
    if (!found) {
      return [
        {
          store: 'system',
          status: 'skipped',
          detail: "no update-ca-certificates or update-ca-trust anchor folder here; add rootCA.pem to your distribution's trust store by hand",
          command: `trust anchor ${shellArg(ca.certFile)}`,
        },
      ];
    }
    const { flavor } = found;
    const dest = join(flavor.anchorDir, caFileStem(ca) + flavor.ext);
    const copy = shellLine('install', ['-m', '644', ca.certFile, dest]);
    const refresh = shellLine(flavor.tool, flavor.refreshArgs);
    if (existsSync(dest) && readFileSync(dest, 'utf8') === ca.certPem && bundleHas(flavor.bundle, ca)) {
      return [{ store: flavor.name, status: 'already', detail: `already trusted (${dest})` }];
    }
    if (!this.opts.isRoot) return [{ store: flavor.name, status: 'skipped', detail: 'needs root', command: `sudo ${copy} && sudo ${refresh}` }];
    if (!found.tool)
      return [
        { store: flavor.name, status: 'skipped', detail: `${flavor.tool} not found (install the ca-certificates package)`, command: `${copy} && ${refresh}` },
      ];
    try {
      copyFileSync(ca.certFile, dest);
    } catch (err) {
      return [
        {
          store: flavor.name,
          status: 'failed',
          detail: `cannot write ${dest}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
          command: `sudo ${copy} && sudo ${refresh}`,
        },
      ];
    }
    const r = await this.opts.runner.run(found.tool, flavor.refreshArgs);
    if (r.code !== 0) return [{ store: flavor.name, status: 'failed', detail: `${flavor.tool}: ${firstLine(r.stderr || r.stdout)}`, command: refresh }];
    return [{ store: flavor.name, status: 'done', detail: `added ${dest}` }];
  }

  async uninstall(ca: LocalCA): Promise<StoreResult[]> {
    const found = this.flavor();
    if (!found) return [];
    const { flavor } = found;
    const dest = join(flavor.anchorDir, caFileStem(ca) + flavor.ext);
    const refresh = shellLine(flavor.tool, [...(flavor.tool === 'update-ca-certificates' ? ['--fresh'] : []), ...flavor.refreshArgs]);
    if (!existsSync(dest)) return [{ store: flavor.name, status: 'already', detail: 'not there' }];
    if (!this.opts.isRoot) return [{ store: flavor.name, status: 'skipped', detail: 'needs root', command: `sudo rm ${shellArg(dest)} && sudo ${refresh}` }];
    if (!found.tool) return [{ store: flavor.name, status: 'skipped', detail: `${flavor.tool} not found`, command: `rm ${dest} && ${refresh}` }];
    rmSync(dest, { force: true });
    const args = flavor.tool === 'update-ca-certificates' ? ['--fresh', ...flavor.refreshArgs] : flavor.refreshArgs;
    const r = await this.opts.runner.run(found.tool, args);
    if (r.code !== 0) return [{ store: flavor.name, status: 'failed', detail: `${flavor.tool}: ${firstLine(r.stderr || r.stdout)}`, command: refresh }];
    return [{ store: flavor.name, status: 'done', detail: `removed ${dest}` }];
  }
}

function bundleHas(bundle: string, ca: LocalCA): boolean {
  try {
    const body = ca.certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    return readFileSync(bundle, 'utf8').replace(/\s+/g, '').includes(body);
  } catch {
    return false;
  }
}
