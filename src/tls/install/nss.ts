// NSS databases: Chromium's (~/.pki/nssdb, shared per user on Linux) and every Firefox
// profile. certutil comes from libnss3-tools (Debian) / nss-tools (Fedora) / `brew install nss`.
// Chromium only reads ~/.pki/nssdb and does not create it when run headless, so install
// creates it (empty password) when it is missing (issue 12).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCA } from '../ca.js';
import { type Runner, shellArg, shellLine } from './runner.js';
import { caNickname, type StoreResult, type TrustStore } from './types.js';

export interface NssOptions {
  home: string;
  platform: NodeJS.Platform;
  runner: Runner;
}

interface NssDb {
  label: string;
  /** certutil's -d argument: sql:DIR (cert9.db) or dbm:DIR (old cert8.db). */
  db: string;
  dir: string;
  /** Chromium's: create when missing. */
  create: boolean;
}

/** Firefox profile folders on this platform (mkcert's truststore_nss.go list, plus snap/flatpak). */
export function firefoxProfileRoots(home: string, platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') return [join(home, 'Library', 'Application Support', 'Firefox', 'Profiles')];
  return [
    join(home, '.mozilla', 'firefox'),
    join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
  ];
}

export function nssDatabases(home: string, platform: NodeJS.Platform): NssDb[] {
  const out: NssDb[] = [];
  if (platform !== 'darwin') {
    const dir = join(home, '.pki', 'nssdb');
    out.push({ label: 'NSS ~/.pki/nssdb (Chromium, Chrome)', db: `sql:${dir}`, dir, create: true });
  }
  for (const root of firefoxProfileRoots(home, platform)) {
    let entries: string[] = [];
    try {
      entries = readdirSync(root).sort();
    } catch {
      continue;
    }
    for (const name of entries) {
      const dir = join(root, name);
      if (existsSync(join(dir, 'cert9.db'))) out.push({ label: `Firefox profile ${name}`, db: `sql:${dir}`, dir, create: false });
      else if (existsSync(join(dir, 'cert8.db'))) out.push({ label: `Firefox profile ${name}`, db: `dbm:${dir}`, dir, create: false });
    }
  }
  return out;
}

export class NssStore implements TrustStore {
  constructor(private readonly opts: NssOptions) {}

  async install(ca: LocalCA): Promise<StoreResult[]> {
    const certutil = this.opts.runner.which('certutil');
    const nick = caNickname(ca);
    const out: StoreResult[] = [];
    for (const db of nssDatabases(this.opts.home, this.opts.platform)) {
      const add = ['-A', '-d', db.db, '-t', 'C,,', '-n', nick, '-i', ca.certFile];
      if (!certutil) {
        const pkg = this.opts.platform === 'darwin' ? 'brew install nss' : 'apt-get install libnss3-tools (Fedora: dnf install nss-tools)';
        const prefix = db.create && !existsSync(db.dir) ? `mkdir -p ${shellArg(db.dir)} && certutil -N -d ${shellArg(db.db)} --empty-password && ` : '';
        out.push({ store: db.label, status: 'skipped', detail: `certutil not found: ${pkg}`, command: prefix + shellLine('certutil', add) });
        continue;
      }
      if (db.create && !existsSync(join(db.dir, 'cert9.db'))) {
        mkdirSync(db.dir, { recursive: true, mode: 0o700 });
        const made = await this.opts.runner.run(certutil, ['-N', '-d', db.db, '--empty-password']);
        if (made.code !== 0) {
          out.push({
            store: db.label,
            status: 'failed',
            detail: `certutil -N: ${firstLine(made.stderr || made.stdout)}`,
            command: shellLine('certutil', ['-N', '-d', db.db, '--empty-password']),
          });
          continue;
        }
      }
      if (await this.has(certutil, db, nick, ca)) {
        out.push({ store: db.label, status: 'already', detail: `already trusted (${nick})` });
        continue;
      }
      const r = await this.opts.runner.run(certutil, add);
      out.push(
        r.code === 0
          ? { store: db.label, status: 'done', detail: `added "${nick}" (trusted for TLS servers)` }
          : { store: db.label, status: 'failed', detail: `certutil: ${firstLine(r.stderr || r.stdout)}`, command: shellLine('certutil', add) },
      );
    }
    return out;
  }

  async uninstall(ca: LocalCA): Promise<StoreResult[]> {
    const certutil = this.opts.runner.which('certutil');
    const nick = caNickname(ca);
    const out: StoreResult[] = [];
    for (const db of nssDatabases(this.opts.home, this.opts.platform)) {
      const del = ['-D', '-d', db.db, '-n', nick];
      if (!existsSync(db.dir)) continue;
      if (!certutil) {
        out.push({ store: db.label, status: 'skipped', detail: 'certutil not found', command: shellLine('certutil', del) });
        continue;
      }
      if (!(await this.has(certutil, db, nick, ca))) {
        out.push({ store: db.label, status: 'already', detail: 'not there' });
        continue;
      }
      const r = await this.opts.runner.run(certutil, del);
      out.push(
        r.code === 0
          ? { store: db.label, status: 'done', detail: `removed "${nick}"` }
          : { store: db.label, status: 'failed', detail: `certutil: ${firstLine(r.stderr || r.stdout)}`, command: shellLine('certutil', del) },
      );
    }
    return out;
  }

  /** Is exactly this CA (same DER) there under our nickname, trusted for servers? */
  private async has(certutil: string, db: NssDb, nick: string, ca: LocalCA): Promise<boolean> {
    const r = await this.opts.runner.run(certutil, ['-L', '-d', db.db, '-n', nick, '-a']);
    if (r.code !== 0) return false;
    return normalizePem(r.stdout).includes(normalizePem(ca.certPem));
  }
}

function normalizePem(s: string): string {
  return s
    .replace(/\r/g, '')
    .replace(/-----[A-Z ]+-----/g, '')
    .replace(/\s+/g, '');
}

export function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  ).slice(0, 300);
}
