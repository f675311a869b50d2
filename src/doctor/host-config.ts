// The resolver's configuration on Linux, judged from file contents (pure): `/etc/hosts`,
// the `hosts:` line of `/etc/nsswitch.conf`, `/etc/mdns.allow`, and which nss-mdns libraries
// are installed. What nss-mdns accepts is its README's (0.15): the `_minimal` modules resolve
// only names ending in `.local` with two labels and never read `/etc/mdns.allow`; the full
// modules (`mdns`, `mdns4`, `mdns6`) accept more labels only when `/etc/mdns.allow` lists the
// domain. glibc without `/etc/nsswitch.conf` uses `hosts: dns files` (nsswitch.conf(5)).
import { type Check, type CheckId, fail, pass, skip, warn } from './types.js';

export interface HostsLine {
  /** 1-based line number. */
  line: number;
  address: string;
  text: string;
}

const canon = (n: string) => n.toLowerCase().replace(/\.$/, '');

/** The lines of a hosts file that name `name` (comments and blank lines ignored). */
export function hostsLinesFor(text: string, name: string): HostsLine[] {
  const want = canon(name);
  const out: HostsLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length < 2) return;
    if (fields.slice(1).some((f) => canon(f) === want)) out.push({ line: i + 1, address: fields[0]!, text: raw.trim() });
  });
  return out;
}

/** A file read: its text, or why it could not be read ('ENOENT' for a missing file). */
export type FileRead = { text: string } | { error: string };

export function judgeHostsFile(name: string, hosts: FileRead, expected: readonly string[], path = '/etc/hosts'): Check {
  const id: CheckId = 'hosts-file';
  if ('error' in hosts) return hosts.error === 'ENOENT' ? pass(id, `no ${path}`) : skip(id, `because ${path} cannot be read (${hosts.error})`);
  const lines = hostsLinesFor(hosts.text, name);
  if (lines.length === 0) return pass(id, `no line for ${name} in ${path}`);
  const where = lines.map((l) => `line ${l.line} (${l.text})`).join(', ');
  const del = `sudo sed -i '${lines.map((l) => `${l.line}d`).join(';')}' ${path}`;
  const stale = lines.filter((l) => !expected.includes(l.address));
  if (stale.length === 0) {
    return warn(
      id,
      `${path} pins ${name} to ${lines.map((l) => l.address).join(', ')} at ${where}: right today, stale when the gateway address changes`,
      `delete it and let mDNS answer: ${del}`,
    );
  }
  return fail(
    id,
    `${path} maps ${name} to ${lines.map((l) => l.address).join(', ')} at ${where}${expected.length ? `, not ${expected.join(', ')}` : ''}; "files" is asked before mdns`,
    `delete the line: ${del}`,
  );
}

// ---------------------------------------------------------------- nsswitch

export interface NssSource {
  module: string;
  /** `[NOTFOUND=return]` → { notfound: 'return' } (status names lower-cased, `!` kept). */
  actions: Record<string, string>;
}

/** The `hosts:` line's sources, or undefined when the file has none. */
export function parseHostsLine(text: string): { line: string; sources: NssSource[] } | undefined {
  for (const raw of text.split('\n')) {
    const m = /^\s*hosts\s*:(.*)$/.exec(raw.replace(/#.*/, ''));
    if (!m) continue;
    const sources: NssSource[] = [];
    const tokens = m[1]!.match(/\[[^\]]*\]|[^\s[]+/g) ?? [];
    for (const t of tokens) {
      if (t.startsWith('[')) {
        const last = sources[sources.length - 1];
        if (!last) continue;
        for (const pair of t.slice(1, -1).trim().split(/\s+/).filter(Boolean)) {
          const [k, v] = pair.split('=');
          if (k && v) last.actions[k.toLowerCase()] = v.toLowerCase();
        }
      } else sources.push({ module: t, actions: {} });
    }
    return { line: `hosts: ${m[1]!.trim().replace(/\s+/g, ' ')}`, sources };
  }
  return undefined;
}

export const isMdnsModule = (m: string) => /^mdns[46]?(_minimal)?$/.test(m);
const isMinimal = (m: string) => /^mdns[46]?_minimal$/.test(m);
const render = (sources: readonly NssSource[]) =>
  `hosts: ${sources
    .map((s) =>
      [
        s.module,
        ...(Object.keys(s.actions).length
          ? [
              `[${Object.entries(s.actions)
                .map(([k, v]) => `${k.toUpperCase()}=${v}`)
                .join(' ')}]`,
            ]
          : []),
      ].join(' '),
    )
    .join(' ')}`;

/** `sources` with `mdns4_minimal [NOTFOUND=return]` put before the first of dns/resolve (or at the end). */
function withMdnsFirst(sources: readonly NssSource[], module = 'mdns4_minimal'): NssSource[] {
  const rest = sources.filter((s) => !isMdnsModule(s.module));
  const at = rest.findIndex((s) => s.module === 'dns' || s.module === 'resolve');
  const entry: NssSource = { module, actions: { notfound: 'return' } };
  return at < 0 ? [...rest, entry] : [...rest.slice(0, at), entry, ...rest.slice(at)];
}

/** Whether /etc/mdns.allow (nss-mdns README) lets the full modules resolve `name`. */
export function mdnsAllowPermits(allow: string, name: string): boolean {
  const n = canon(name);
  return allow
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().toLowerCase())
    .filter(Boolean)
    .some((d) => d === '*' || n.endsWith(canon(d.startsWith('.') ? d : `.${d}`)));
}

export interface NsswitchFacts {
  nsswitch: FileRead;
  mdnsAllow: FileRead;
}

export function judgeNsswitch(name: string, facts: NsswitchFacts, addresses: readonly string[]): Check {
  const id: CheckId = 'nsswitch';
  const path = '/etc/nsswitch.conf';
  if ('error' in facts.nsswitch && facts.nsswitch.error !== 'ENOENT') return skip(id, `because ${path} cannot be read (${facts.nsswitch.error})`);
  const parsed = 'text' in facts.nsswitch ? parseHostsLine(facts.nsswitch.text) : undefined;
  const sources = parsed?.sources ?? [
    { module: 'dns', actions: {} },
    { module: 'files', actions: {} },
  ];
  const shown = parsed?.line ?? `no hosts: line (glibc's default: hosts: dns files)`;
  const mdnsAt = sources.findIndex((s) => isMdnsModule(s.module));
  const dnsAt = sources.findIndex((s) => s.module === 'dns');
  if (mdnsAt < 0) return fail(id, `${shown}: no mdns module, so .local names are never asked over mDNS`, `in ${path}: ${render(withMdnsFirst(sources))}`);
  if (dnsAt >= 0 && dnsAt < mdnsAt) {
    return fail(
      id,
      `${shown}: dns comes before ${sources[mdnsAt]!.module}, so .local names go to unicast DNS first`,
      `in ${path}: ${render(withMdnsFirst(sources, sources[mdnsAt]!.module))}`,
    );
  }
  const mdns = sources.filter((s) => isMdnsModule(s.module));
  const v6only = addresses.length > 0 && addresses.every((a) => a.includes(':'));
  if (v6only && mdns.every((s) => s.module.startsWith('mdns4'))) {
    return fail(
      id,
      `${shown}: ${mdns.map((s) => s.module).join(', ')} resolve IPv4 only, and ${name} has only IPv6 addresses`,
      `in ${path}: ${render(withMdnsFirst(sources, 'mdns_minimal'))}`,
    );
  }
  const labels = canon(name).split('.').length;
  if (labels > 2) {
    const full = mdns.filter((s) => !isMinimal(s.module));
    const allowText = 'text' in facts.mdnsAllow ? facts.mdnsAllow.text : undefined;
    if (full.length === 0 || allowText === undefined || !mdnsAllowPermits(allowText, name)) {
      const module = mdns[0]!.module;
      const fullModule = module.replace('_minimal', '');
      const why =
        full.length === 0
          ? `${module} refuses ${name}: it has ${labels} labels and nss-mdns's minimal modules resolve only two (name.local)`
          : `${full[0]!.module} refuses ${name}: it has ${labels} labels and /etc/mdns.allow ${allowText === undefined ? 'does not exist' : 'does not list .local'}`;
      const addFull = full.length === 0 ? `${render([...sources, { module: fullModule, actions: {} }])} in ${path}, and ` : '';
      return fail(
        id,
        `${shown}: ${why}`,
        `use a two-label name (e.g. ${canon(name).split('.').slice(-2).join('.')}), or ${addFull}the lines ".local." and ".local" in /etc/mdns.allow`,
      );
    }
  }
  const first = sources[mdnsAt]!;
  if (isMinimal(first.module) && first.actions.notfound !== 'return' && sources.slice(mdnsAt + 1).some((s) => s.module === 'dns' || s.module === 'resolve')) {
    const fixed = sources.map((s, i) => (i === mdnsAt ? { ...s, actions: { ...s.actions, notfound: 'return' } } : s));
    return warn(
      id,
      `${shown}: no [NOTFOUND=return] after ${first.module}, so a name nobody answers goes on to unicast DNS (slow lookups)`,
      `in ${path}: ${render(fixed)}`,
    );
  }
  return pass(id, shown);
}

// ---------------------------------------------------------------- nss-mdns

export const NSS_MDNS_INSTALL = 'sudo apt install libnss-mdns (Debian, Ubuntu), sudo dnf install nss-mdns (Fedora), sudo pacman -S nss-mdns (Arch)';

/** `libraries`: file names of libnss_mdns*.so.2 found in the library folders. */
export function judgeNssMdns(nsswitch: FileRead, libraries: readonly string[]): Check {
  const id: CheckId = 'nss-mdns';
  const named = ('text' in nsswitch ? (parseHostsLine(nsswitch.text)?.sources ?? []) : []).filter((s) => isMdnsModule(s.module)).map((s) => s.module);
  const missing = named.filter((m) => !libraries.includes(`libnss_${m}.so.2`));
  if (missing.length > 0)
    return fail(id, `nsswitch names ${missing.join(', ')} but ${missing.map((m) => `libnss_${m}.so.2`).join(', ')} is not installed`, NSS_MDNS_INSTALL);
  if (libraries.length === 0) return fail(id, 'nss-mdns is not installed (no libnss_mdns*.so.2)', NSS_MDNS_INSTALL);
  return pass(id, `installed: ${[...libraries].sort().join(', ')}`);
}
