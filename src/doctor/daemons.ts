// The daemons between nss-mdns and the link, judged from what was read (pure):
// - avahi: judged by its socket answering (/run/avahi-daemon/socket, the one nss-mdns uses),
//   never by a process name; when doctor's own query got an answer, avahi is asked the same
//   name through that socket (its "simple protocol": RESOLVE-HOSTNAME).
// - systemd-resolved: whether it runs, and its MulticastDNS setting globally and per link
//   from `resolvectl status` (both the `MulticastDNS setting:` lines of systemd ≤ 246 and the
//   `Protocols: +mDNS` lines of later versions).
// - port-5353: who holds UDP 5353, from /proc/net/udp{,6} (the socket inodes) and
//   /proc/PID/fd (which process holds each inode).
// And their macOS counterparts: mDNSResponder asked with `dns-sd -G v4v6`, `scutil --dns`.
import { type Check, type CheckId, fail, pass, skip, warn } from './types.js';
import type { NssSource } from './host-config.js';
import { isMdnsModule } from './host-config.js';

// ---------------------------------------------------------------- avahi

export const AVAHI_SOCKET = '/run/avahi-daemon/socket';
export const AVAHI_START = 'sudo systemctl enable --now avahi-daemon (without systemd: sudo service avahi-daemon start)';

export interface AvahiFacts {
  socket: string;
  /** 'ok', or the connect error code (ENOENT, ECONNREFUSED, EACCES…). */
  connect: string;
  /** avahi's answer to RESOLVE-HOSTNAME NAME, when asked. */
  resolve?: { addresses: string[] } | { error: string };
}

/** Parses avahi's simple-protocol reply lines: `+ IF PROTO NAME ADDRESS` or `-15 Timeout reached`. */
export function parseAvahiReply(text: string): { addresses: string[] } | { error: string } {
  const addresses: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('+')) {
      const f = t.split(/\s+/);
      if (f[4]) addresses.push(f[4]);
    } else if (t.startsWith('-')) return { error: t.replace(/^-\d+\s*/, '') || t };
  }
  return addresses.length ? { addresses } : { error: text.trim() || 'no reply' };
}

export function judgeAvahi(name: string, facts: AvahiFacts, answeredOverMdns: boolean): Check {
  const id: CheckId = 'avahi';
  if (facts.connect !== 'ok') {
    return fail(id, `avahi-daemon does not answer on ${facts.socket} (${facts.connect}); nss-mdns asks it for every .local name`, `start it: ${AVAHI_START}`);
  }
  if (!facts.resolve) return pass(id, `avahi-daemon answers on ${facts.socket}`);
  if ('addresses' in facts.resolve) return pass(id, `avahi-daemon answers on ${facts.socket} and resolves ${name} to ${facts.resolve.addresses.join(', ')}`);
  if (answeredOverMdns) {
    return warn(
      id,
      `avahi-daemon answers on ${facts.socket} but finds no address for ${name} (${facts.resolve.error}), though a responder answers doctor's query: avahi's queries or the replies to its port 5353 are lost`,
      'see the firewall and port-5353 checks; then restart avahi-daemon (sudo systemctl restart avahi-daemon)',
    );
  }
  return pass(id, `avahi-daemon answers on ${facts.socket} (no address for ${name}: ${facts.resolve.error})`);
}

// ---------------------------------------------------------------- systemd-resolved

export interface ResolvedFacts {
  /** 'absent': no resolvectl; 'stopped': resolvectl cannot reach it; 'running'. */
  state: 'absent' | 'stopped' | 'running';
  /** `resolvectl status` output when running. */
  status?: string;
}

export interface ResolvedView {
  /** Global MulticastDNS: yes | no | resolve. */
  global: string | undefined;
  /** Links whose current scopes include mDNS. */
  mdnsLinks: string[];
}

/** Reads `resolvectl status` (systemd 245…256 formats). */
export function parseResolvectl(text: string): ResolvedView {
  let section = '';
  let global: string | undefined;
  const mdnsLinks = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^Global$/.test(line)) section = 'global';
    const link = /^Link \d+ \(([^)]+)\)$/.exec(line);
    if (link) section = link[1]!;
    const setting = /^MulticastDNS setting:\s*(\S+)/.exec(line);
    const proto = /^Protocols:.*?([+-])mDNS\b/.exec(line);
    const value = setting ? setting[1]! : proto ? (proto[1] === '+' ? 'yes' : 'no') : undefined;
    if (value !== undefined && section === 'global') global = value;
    if (section !== 'global' && section !== '' && /^Current Scopes:.*\bmDNS\//.test(line)) mdnsLinks.add(section);
  }
  return { global, mdnsLinks: [...mdnsLinks] };
}

export function judgeResolved(facts: ResolvedFacts, hostsSources: readonly NssSource[] | undefined, holders5353: readonly PortHolder[]): Check {
  const id: CheckId = 'systemd-resolved';
  if (facts.state === 'absent') return pass(id, 'not installed (no resolvectl)');
  if (facts.state === 'stopped') return pass(id, 'not running');
  const view = parseResolvectl(facts.status ?? '');
  const resolvedHolds = holders5353.some((h) => h.processes.some((p) => p.command === 'systemd-resolve' || p.command === 'systemd-resolved'));
  const summary = `running; MulticastDNS ${view.global ?? 'unknown'} globally; mDNS on ${view.mdnsLinks.length ? view.mdnsLinks.join(', ') : 'no link'}; ${resolvedHolds ? 'holds' : 'does not hold'} UDP 5353`;
  const sources = hostsSources ?? [];
  const resolveAt = sources.findIndex((s) => s.module === 'resolve');
  const mdnsAt = sources.findIndex((s) => isMdnsModule(s.module));
  if (resolveAt >= 0 && (mdnsAt < 0 || resolveAt < mdnsAt) && view.mdnsLinks.length === 0) {
    return fail(
      id,
      `${summary}: nsswitch asks resolve before any mdns module, and systemd-resolved resolves no .local name without mDNS`,
      'put mdns4_minimal [NOTFOUND=return] before resolve on the hosts: line of /etc/nsswitch.conf, or set MulticastDNS=resolve in /etc/systemd/resolved.conf and run sudo resolvectl mdns IFACE resolve',
    );
  }
  const avahi = holders5353.some((h) => h.processes.some((p) => p.command === 'avahi-daemon'));
  if (view.mdnsLinks.length > 0 && avahi && resolvedHolds) {
    return warn(
      id,
      `${summary}, and avahi-daemon runs too: two mDNS stacks on one host (unicast replies to port 5353 reach only one of them)`,
      'let avahi do mDNS: MulticastDNS=no in /etc/systemd/resolved.conf, then sudo systemctl restart systemd-resolved',
    );
  }
  return pass(id, summary);
}

// ---------------------------------------------------------------- port 5353

export interface PortHolder {
  /** 'udp' or 'udp6' (the /proc/net file). */
  proto: string;
  local: string;
  inode: number;
  processes: { pid: number; command: string }[];
}

function hexToV4(hex: string): string {
  // /proc/net/udp prints the address as a host-order (little-endian here) 32-bit word.
  const b = Buffer.from(hex, 'hex');
  return [b[3], b[2], b[1], b[0]].join('.');
}

function hexToV6(hex: string): string {
  const b = Buffer.from(hex, 'hex');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 4) {
    const w = Buffer.from([b[i + 3]!, b[i + 2]!, b[i + 1]!, b[i]!]);
    words.push(w.readUInt16BE(0).toString(16), w.readUInt16BE(2).toString(16));
  }
  if (words.every((w) => w === '0')) return '::';
  return words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Sockets bound to `port` in a /proc/net/udp or udp6 table: local address and inode. */
export function parseProcNetUdp(text: string, proto: 'udp' | 'udp6', port = 5353): Omit<PortHolder, 'processes'>[] {
  const out: Omit<PortHolder, 'processes'>[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addr, portHex] = (f[1] ?? '').split(':');
    if (!addr || !portHex || Number.parseInt(portHex, 16) !== port) continue;
    const local = proto === 'udp' ? hexToV4(addr) : hexToV6(addr);
    out.push({ proto, local, inode: Number(f[9]) });
  }
  return out;
}

const describe = (h: PortHolder) =>
  `${h.processes.length ? h.processes.map((p) => `${p.command} (pid ${p.pid})`).join(', ') : 'an unknown process'} on ${h.proto === 'udp6' ? `[${h.local}]` : h.local}`;

export function judgePort5353(holders: PortHolder[] | { error: string }, avahiRuns: boolean): Check {
  const id: CheckId = 'port-5353';
  if ('error' in holders) return skip(id, `because /proc/net/udp cannot be read (${holders.error})`);
  if (holders.length === 0) {
    if (!avahiRuns) return skip(id, 'because avahi-daemon is not running (nothing holds UDP 5353)');
    return warn(
      id,
      'nothing holds UDP 5353 in this network namespace, though avahi answers on its socket',
      'run avahi-daemon in the same network namespace as the programs that resolve names',
    );
  }
  const commands = new Set(holders.flatMap((h) => h.processes.map((p) => p.command)));
  const detail = [...new Map(holders.map((h) => [describe(h), h])).keys()].join('; ');
  if (commands.has('avahi-daemon') && (commands.has('systemd-resolve') || commands.has('systemd-resolved'))) {
    return warn(
      id,
      `${detail}: two mDNS stacks share the port`,
      'let avahi do mDNS: MulticastDNS=no in /etc/systemd/resolved.conf, then sudo systemctl restart systemd-resolved',
    );
  }
  return pass(id, detail);
}

// ---------------------------------------------------------------- macOS

/** Addresses in `dns-sd -G v4v6 NAME` output lines (`… Add … NAME. ADDRESS TTL`). */
export function parseDnsSdG(text: string, name: string): string[] {
  const want = name.toLowerCase().replace(/\.$/, '');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const at = f.findIndex((x) => x.toLowerCase().replace(/\.$/, '') === want);
    if (at < 0 || !f.includes('Add') || !f[at + 1]) continue;
    out.push(f[at + 1]!);
  }
  return [...new Set(out)];
}

export function judgeMDNSResponder(name: string, dnsSd: { output: string } | { error: string }): Check {
  const id: CheckId = 'avahi';
  if ('error' in dnsSd) return fail(id, `dns-sd cannot ask mDNSResponder (${dnsSd.error})`, 'restart it: sudo killall -HUP mDNSResponder');
  const addresses = parseDnsSdG(dnsSd.output, name);
  if (addresses.length === 0)
    return fail(
      id,
      `mDNSResponder found no address for ${name} (dns-sd -G v4v6 ${name})`,
      'restart it: sudo killall -HUP mDNSResponder; check that the Mac is on the same link as the responder',
    );
  return pass(id, `mDNSResponder (macOS's avahi) resolves ${name} to ${addresses.join(', ')}`);
}

export interface ScutilResolver {
  domain?: string;
  nameservers: string[];
  options: string[];
  order?: number;
}

/** The resolver blocks of `scutil --dns` (first section: "DNS configuration"). */
export function parseScutilDns(text: string): ScutilResolver[] {
  const out: ScutilResolver[] = [];
  const body = text.split(/\nDNS configuration \(for scoped queries\)/)[0] ?? text;
  let cur: ScutilResolver | undefined;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (/^resolver #\d+/.test(line)) {
      cur = { nameservers: [], options: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const m = /^([a-z_]+)(?:\[\d+\])?\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'domain') cur.domain = m[2]!.replace(/\.$/, '');
    else if (m[1] === 'nameserver') cur.nameservers.push(m[2]!);
    else if (m[1] === 'options') cur.options.push(...m[2]!.split(/\s+/));
    else if (m[1] === 'order') cur.order = Number(m[2]);
  }
  return out;
}

/** macOS: which resolver `scutil --dns` uses for NAME (the longest matching domain). */
export function judgeScutil(name: string, scutil: { output: string } | { error: string }): Check {
  const id: CheckId = 'systemd-resolved';
  if ('error' in scutil) return skip(id, `because scutil --dns failed (${scutil.error})`);
  const n = name.toLowerCase();
  const matching = parseScutilDns(scutil.output)
    .filter((r) => r.domain && (n === r.domain || n.endsWith(`.${r.domain}`)))
    .sort((a, b) => b.domain!.length - a.domain!.length || (a.order ?? 0) - (b.order ?? 0));
  const first = matching[0];
  if (!first)
    return fail(
      id,
      `scutil --dns has no resolver for .local (mDNSResponder's "domain : local / options : mdns" is missing)`,
      'restart mDNSResponder: sudo killall -HUP mDNSResponder',
    );
  if (first.options.includes('mdns')) return pass(id, `scutil --dns: ${first.domain} is resolved by mDNS (options : mdns)`);
  return fail(
    id,
    `scutil --dns: ${first.domain} goes to nameserver ${first.nameservers.join(', ') || '(none)'}, not mDNS (an /etc/resolver file, a VPN or a configuration profile)`,
    `remove /etc/resolver/${first.domain} (sudo rm /etc/resolver/${first.domain}), or the VPN's or profile's "${first.domain}" search domain`,
  );
}

/** macOS: `/etc/resolver/<domain>` files that take .local (or NAME's domain) away from mDNS. */
export function judgeResolverDir(name: string, files: readonly { file: string; text: string }[]): Check {
  const id: CheckId = 'nsswitch';
  const n = name.toLowerCase();
  const hits = files.filter((f) => n === f.file.toLowerCase() || n.endsWith(`.${f.file.toLowerCase()}`)).filter((f) => /^\s*nameserver\s/m.test(f.text));
  if (hits.length === 0) return pass(id, `no /etc/resolver file takes ${name} from mDNSResponder (macOS has no nsswitch)`);
  const f = hits[0]!;
  const ns = /^\s*nameserver\s+(\S+)/m.exec(f.text)?.[1] ?? '?';
  return fail(id, `/etc/resolver/${f.file} sends ${name} to nameserver ${ns} instead of mDNS`, `sudo rm /etc/resolver/${f.file}`);
}

export function macFirewallNote(socketfilterfw: { output: string } | { error: string }): Check {
  const id: CheckId = 'firewall';
  const state = 'output' in socketfilterfw ? socketfilterfw.output.trim().split('\n')[0] : `state unknown (${socketfilterfw.error})`;
  return pass(
    id,
    `${state}; the application firewall lets mDNSResponder (Bonjour) through. Note: a browser needs Local Network permission (System Settings › Privacy & Security › Local Network) to connect to addresses on the LAN`,
  );
}
