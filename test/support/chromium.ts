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
  /** Every net_error code in the net log (negative numbers), Chromium's own background requests included. */
  netErrors: number[];
  /**
   * The net errors (names, or numbers for others) the requests for the URL itself ended with,
   * in order, without duplicates: only URL_REQUEST sources whose URL is the one loaded.
   */
  urlErrors: string[];
}

/** Net error codes the tests name (net/base/net_error_list.h). */
export const NET_ERRORS: Record<number, string> = {
  [-105]: 'ERR_NAME_NOT_RESOLVED',
  [-102]: 'ERR_CONNECTION_REFUSED',
  [-109]: 'ERR_ADDRESS_UNREACHABLE',
  [-118]: 'ERR_CONNECTION_TIMED_OUT',
  [-200]: 'ERR_CERT_COMMON_NAME_INVALID',
  [-202]: 'ERR_CERT_AUTHORITY_INVALID',
};

/**
 * The net log, one event per line after the constants (Chromium writes it that way; the file
 * may end unterminated when the browser is killed): the errors of the requests for `url`.
 */
export function urlErrors(log: string, url: string): string[] {
  const lines = log.split('\n');
  let types: Record<string, number>;
  try {
    types = (JSON.parse(lines[0]!.replace(/^\{"constants":/, '').replace(/,\s*$/, '')) as { logEventTypes: Record<string, number> }).logEventTypes;
  } catch {
    return [];
  }
  interface Event {
    type: number;
    source: { id: number };
    params?: { url?: string; net_error?: number };
  }
  const events: Event[] = [];
  for (const l of lines.slice(1)) {
    if (!l.startsWith('{"')) continue;
    try {
      events.push(JSON.parse(l.replace(/,\s*$/, '')) as Event);
    } catch {
      // a line cut short at the end
    }
  }
  const start = types.URL_REQUEST_START_JOB;
  const ids = new Set(events.filter((e) => e.type === start && e.params?.url === url).map((e) => e.source.id));
  const codes = events.filter((e) => ids.has(e.source.id) && typeof e.params?.net_error === 'number').map((e) => e.params!.net_error!);
  return [...new Set(codes.map((c) => NET_ERRORS[c] ?? String(c)))];
}

/** A HOME whose NSS database (.pki/nssdb) trusts `caPem` (a file) for TLS servers, if given. */
export async function chromiumHome(dir: string, caPem?: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  const home = join(dir, 'home');
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  execFileSync('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
  if (caPem) execFileSync('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'test-ca', '-i', caPem]);
  return home;
}

/** Gives namespace `ns` its own nsswitch.conf with nss-mdns (ip netns exec bind-mounts /etc/netns/NS/*). */
export function useNssMdns(ns: string): () => void {
  const dir = `/etc/netns/${ns}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files mdns4_minimal [NOTFOUND=return] dns\n');
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * Loads `url` once with `home` as HOME (its .pki/nssdb is the trust store); avahiRun is
 * bind-mounted on /run/avahi-daemon. `profile`: a user-data-dir of its own (no cache shared
 * with earlier loads).
 */
export async function chromiumLoad(ns: string, url: string, opts: { home: string; avahiRun: string; timeoutMs?: number; profile?: string }): Promise<PageLoad> {
  const profile = opts.profile ?? join(opts.home, 'chromium-profile');
  const netlog = join(opts.home, `netlog-${Date.now()}.json`);
  mkdirSync(profile, { recursive: true });
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--no-proxy-server',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-features=DnsOverHttps',
    `--user-data-dir=${profile}`,
    `--log-net-log=${netlog}`,
    '--dump-dom',
    url,
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
  return { dom, netErrors, urlErrors: urlErrors(log, url) };
}
