// Headless Chromium (Debian's) inside a test namespace, the way a user's browser opens a name
// (docs/testing.md#browser-and-name-service): it resolves through glibc, so through nss-mdns and
// the avahi whose socket the command sees; certificates are trusted from its NSS database
// under $HOME/.pki/nssdb. Its net log says which net error a load ended with (with a
// certificate error it still exits 0 with an empty DOM). Run in its own session; the whole
// group is killed after.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './netns.js';
import { withAvahiSocket } from './avahi.js';

export const CHROMIUM = '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
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

export interface ChromiumLoad {
  dom: string;
  /**
   * Net errors (names, or numbers for others) the requests for the URL itself ended with, in
   * order, without duplicates. Chromium's own background requests (and its IPv6 probe) are
   * left out: only URL_REQUEST sources whose URL is the one loaded count.
   */
  errors: string[];
}

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
  const start = types['URL_REQUEST_START_JOB'];
  const ids = new Set(events.filter((e) => e.type === start && e.params?.url === url).map((e) => e.source.id));
  const codes = events.filter((e) => ids.has(e.source.id) && typeof e.params?.net_error === 'number').map((e) => e.params!.net_error!);
  return [...new Set(codes.map((c) => NET_ERRORS[c] ?? String(c)))];
}

/** A profile folder whose NSS database trusts `caPem` (a file) for TLS servers. */
export async function chromiumProfile(dir: string, caPem?: string): Promise<string> {
  const home = join(dir, 'home');
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  await sh('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
  if (caPem) await sh('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'test-ca', '-i', caPem]);
  return home;
}

export async function loadPage(ns: string, url: string, opts: { home: string; avahiRunDir?: string; tag: string; timeoutMs?: number }): Promise<ChromiumLoad> {
  const netlog = join(opts.home, `netlog-${opts.tag}.json`);
  const data = join(opts.home, `data-${opts.tag}`);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--no-proxy-server',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    `--user-data-dir=${data}`,
    `--log-net-log=${netlog}`,
    '--dump-dom',
    url,
  ];
  const [cmd, wrapped] = withAvahiSocket(opts.avahiRunDir, CHROMIUM, args);
  const env = { ...process.env, HOME: opts.home, XDG_CONFIG_HOME: join(opts.home, '.config'), XDG_CACHE_HOME: join(opts.home, '.cache') };
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...wrapped], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let dom = '';
  child.stdout.on('data', (d: Buffer) => (dom += d.toString()));
  child.stderr.resume();
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  const timer = setTimeout(killGroup, opts.timeoutMs ?? 30_000);
  await new Promise((r) => child.once('close', r));
  clearTimeout(timer);
  killGroup();
  const log = existsSync(netlog) ? readFileSync(netlog, 'utf8') : '';
  return { dom, errors: urlErrors(log, url) };
}
