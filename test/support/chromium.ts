// Headless Chromium (Debian `chromium`) inside a network namespace, resolving through glibc
// and nss-mdns against a private avahi (docs/testing.md): the user's real path. Its
// certificate store is the NSS database under $HOME/.pki/nssdb. With a certificate error it
// prints an empty DOM and still exits 0, so the net log is read for the error code
// (-202 = ERR_CERT_AUTHORITY_INVALID).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export interface PageLoad {
  dom: string;
  /** Every net_error code in the net log (negative numbers). */
  netErrors: number[];
}

/** Gives namespace `ns` its own nsswitch.conf with nss-mdns (ip netns exec bind-mounts /etc/netns/NS/*). */
export function useNssMdns(ns: string): () => void {
  const dir = `/etc/netns/${ns}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files mdns4_minimal [NOTFOUND=return] dns\n');
  return () => rmSync(dir, { recursive: true, force: true });
}

/** Loads `url` once with `home` as HOME (its .pki/nssdb is the trust store); avahiRun is bind-mounted on /run/avahi-daemon. */
export async function chromiumLoad(ns: string, url: string, opts: { home: string; avahiRun: string; timeoutMs?: number }): Promise<PageLoad> {
  const profile = join(opts.home, 'chromium-profile');
  const netlog = join(opts.home, `netlog-${Date.now()}.json`);
  mkdirSync(profile, { recursive: true });
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-proxy-server', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-features=DnsOverHttps',
    `--user-data-dir=${profile}`, `--log-net-log=${netlog}`, '--dump-dom', url,
  ];
  const env = { ...process.env, HOME: opts.home, XDG_CONFIG_HOME: join(opts.home, '.config'), XDG_CACHE_HOME: join(opts.home, '.cache') };
  const child = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', 'mount --bind "$0" /run/avahi-daemon && exec "$@"', opts.avahiRun, CHROMIUM, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: Chromium's helpers are killed with it
  });
  let dom = '';
  child.stdout.on('data', (d: Buffer) => (dom += d.toString()));
  child.stderr.on('data', () => {});
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, opts.timeoutMs ?? 60_000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    process.kill(-child.pid!, 'SIGKILL'); // leftovers of this group only
  } catch {
    // none left
  }
  const log = existsSync(netlog) ? readFileSync(netlog, 'utf8') : '';
  const netErrors = [...log.matchAll(/"net_error":\s*(-\d+)/g)].map((m) => Number(m[1]));
  return { dom, netErrors };
}
