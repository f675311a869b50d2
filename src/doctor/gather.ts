// Fact gathering: every read and question doctor asks, and nothing else (it never changes the
// machine). Files under /etc and /proc, read-only commands (`nft -j list ruleset`,
// `iptables-save`, `resolvectl status`, `scutil --dns`, `dns-sd -G`), avahi's socket,
// getaddrinfo, a connected UDP socket for the route, a TCP connect, a TLS handshake and an
// HTTP HEAD. The judging is elsewhere (pure): see README.md.
import { execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import type { ResolverFacts } from './answers.js';
import { AVAHI_SOCKET, type AvahiFacts, type PortHolder, type ResolvedFacts, parseAvahiReply, parseProcNetUdp } from './daemons.js';
import type { CommandOutput, HostFacts } from './diagnose.js';
import type { FirewallFacts } from './firewall.js';
import type { FileRead } from './host-config.js';
import type { HttpFact, RouteFact, TcpFact } from './reach.js';
import type { LocalCa, TlsFacts } from './tls.js';
import { CA_CERT_FILE, mkcertDefaultDir, ownDefaultDir } from '../tls/ca-dir.js';
import { SYSTEM_BUNDLES } from '../tls/trust.js';

export type Runner = (cmd: string, args: string[], timeoutMs: number) => Promise<CommandOutput>;

const code = (err: unknown) => (err as { code?: string }).code ?? (err as Error).message;

/** Runs a command to completion: its stdout, or ENOENT / its first stderr line / the error. */
export const realRunner: Runner = (cmd, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (!err) return resolve({ output: stdout });
      const c = (err as { code?: unknown }).code;
      resolve({ error: c === 'ENOENT' ? 'ENOENT' : String(stderr).trim().split('\n')[0] || String(err.message) });
    });
  });

/** Runs a command that never ends by itself (dns-sd) for `ms`, then stops it: its stdout so far. */
export function runFor(cmd: string, args: string[], ms: number): Promise<CommandOutput> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', (err) => resolve({ error: code(err) }));
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    child.once('close', () => {
      clearTimeout(timer);
      resolve({ output: out });
    });
  });
}

export function readText(path: string): FileRead {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (err) {
    return { error: code(err) };
  }
}

// ---------------------------------------------------------------- the host

const LIB_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/usr/local/lib'];

export function nssMdnsLibraries(): string[] {
  const dirs = new Set(LIB_DIRS);
  for (const base of ['/lib', '/usr/lib']) {
    try {
      for (const d of readdirSync(base)) if (/-linux-gnu|-linux-musl/.test(d)) dirs.add(join(base, d));
    } catch {
      // no such folder
    }
  }
  const found = new Set<string>();
  for (const d of dirs) {
    try {
      for (const f of readdirSync(d)) if (/^libnss_mdns.*\.so\.2$/.test(f)) found.add(f);
    } catch {
      // no such folder
    }
  }
  return [...found].sort();
}

/** Who holds UDP 5353: /proc/net/udp{,6} inodes, matched with /proc/PID/fd links. */
export function port5353Holders(proc = '/proc'): PortHolder[] | { error: string } {
  const sockets: Omit<PortHolder, 'processes'>[] = [];
  for (const proto of ['udp', 'udp6'] as const) {
    const t = readText(`${proc}/net/${proto}`);
    if ('error' in t) {
      if (proto === 'udp') return { error: t.error };
      continue;
    }
    sockets.push(...parseProcNetUdp(t.text, proto));
  }
  if (sockets.length === 0) return [];
  const byInode = new Map<number, { pid: number; command: string }[]>(sockets.map((s) => [s.inode, []]));
  let pids: string[] = [];
  try {
    pids = readdirSync(proc).filter((p) => /^\d+$/.test(p));
  } catch {
    // no /proc listing
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      const list = m ? byInode.get(Number(m[1])) : undefined;
      if (!list || list.some((p) => p.pid === Number(pid))) continue;
      const comm = readText(`${proc}/${pid}/comm`);
      list.push({ pid: Number(pid), command: 'text' in comm ? comm.text.trim() : '?' });
    }
  }
  return sockets.map((s) => ({ ...s, processes: byInode.get(s.inode) ?? [] }));
}

async function resolvedFacts(run: Runner): Promise<ResolvedFacts> {
  const r = await run('resolvectl', ['status', '--no-pager'], 3000);
  if ('output' in r) return { state: 'running', status: r.output };
  return { state: r.error === 'ENOENT' ? 'absent' : 'stopped' };
}

async function firewallFacts(run: Runner): Promise<FirewallFacts> {
  const [nft, iptables, ip6tables, fwState] = await Promise.all([
    run('nft', ['-j', 'list', 'ruleset'], 5000),
    run('iptables-save', [], 5000),
    run('ip6tables-save', [], 5000),
    run('firewall-cmd', ['--state'], 3000),
  ]);
  const facts: FirewallFacts = { nft, iptables, ip6tables };
  const ufw = readText('/etc/ufw/ufw.conf');
  if ('text' in ufw) facts.ufwConf = ufw.text;
  if ('output' in fwState) {
    const services = await run('firewall-cmd', ['--list-services'], 3000);
    facts.firewalld = { state: fwState.output, services: 'output' in services ? services.output : '' };
  } else if (fwState.error !== 'ENOENT') facts.firewalld = { state: fwState.error, services: '' };
  return facts;
}

export async function gatherHost(run: Runner = realRunner, platform: NodeJS.Platform = process.platform): Promise<HostFacts> {
  const base = { platform, hosts: readText('/etc/hosts'), nsswitch: readText('/etc/nsswitch.conf'), mdnsAllow: readText('/etc/mdns.allow') };
  const none: CommandOutput = { error: 'ENOENT' };
  if (platform === 'darwin') {
    const [scutil, socketfilterfw] = await Promise.all([
      run('scutil', ['--dns'], 5000),
      run('/usr/libexec/ApplicationFirewall/socketfilterfw', ['--getglobalstate'], 3000),
    ]);
    let resolverFiles: { file: string; text: string }[] = [];
    try {
      resolverFiles = readdirSync('/etc/resolver').flatMap((file) => {
        const t = readText(join('/etc/resolver', file));
        return 'text' in t ? [{ file, text: t.text }] : [];
      });
    } catch {
      // no /etc/resolver: nothing overrides mDNSResponder
    }
    return {
      ...base,
      nssLibraries: [],
      resolved: { state: 'absent' },
      port5353: [],
      firewall: { nft: none, iptables: none, ip6tables: none },
      mac: { resolverFiles, scutil, socketfilterfw },
    };
  }
  const [resolved, firewall] = await Promise.all([resolvedFacts(run), firewallFacts(run)]);
  return { ...base, nssLibraries: nssMdnsLibraries(), resolved, port5353: port5353Holders(), firewall };
}

// ---------------------------------------------------------------- per name

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(onTimeout()), ms);
    void p.then((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

/** getaddrinfo as a browser calls it: AF_UNSPEC (both families), every address. */
export async function resolveName(name: string, timeoutMs = 6000): Promise<ResolverFacts> {
  const t0 = performance.now();
  const asked = dns.promises.lookup(name, { all: true, family: 0 }).then(
    (r) => ({ addresses: [...new Set(r.map((a) => a.address))], ms: Math.round(performance.now() - t0) }),
    (err: unknown) => ({ addresses: [] as string[], error: code(err), ms: Math.round(performance.now() - t0) }),
  );
  return withTimeout(asked, timeoutMs, () => ({ addresses: [], error: `no answer within ${timeoutMs / 1000} s`, ms: timeoutMs }));
}

/** avahi's socket, as nss-mdns uses it: connect, and with `name` a RESOLVE-HOSTNAME. */
export function askAvahi(name: string | undefined, socket = AVAHI_SOCKET, timeoutMs = 6000): Promise<AvahiFacts> {
  return new Promise((resolve) => {
    let out = '';
    let connected = false;
    const s = net.connect(socket);
    const done = (f: AvahiFacts) => {
      clearTimeout(timer);
      s.destroy();
      resolve(f);
    };
    const timer = setTimeout(
      () => done(connected ? { socket, connect: 'ok', resolve: { error: `no reply within ${timeoutMs / 1000} s` } } : { socket, connect: 'ETIMEDOUT' }),
      timeoutMs,
    );
    s.once('error', (err) => done({ socket, connect: connected ? 'ok' : code(err), ...(connected ? { resolve: { error: code(err) } } : {}) }));
    s.once('connect', () => {
      connected = true;
      if (name === undefined) return done({ socket, connect: 'ok' });
      s.write(`RESOLVE-HOSTNAME ${name}\n`);
    });
    s.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done({ socket, connect: 'ok', resolve: parseAvahiReply(out) });
    });
  });
}

/** `ip -j route get ADDRESS` (Linux): the interface and source address the kernel would use. */
export function parseIpRouteGet(address: string, out: CommandOutput): RouteFact {
  if ('error' in out) return { address, error: out.error.replace(/^RTNETLINK answers:\s*/, '') };
  try {
    const r = (JSON.parse(out.output) as { dev?: string; prefsrc?: string; type?: string }[])[0];
    if (!r) return { address, error: 'no route' };
    if (r.type && r.type !== 'unicast' && r.type !== 'local') return { address, error: `${r.type} route` };
    return { address, ...(r.prefsrc ? { source: r.prefsrc } : {}), ...(r.dev ? { interface: r.dev } : {}) };
  } catch {
    return { address, error: `cannot read ip route get: ${out.output.slice(0, 80)}` };
  }
}

/**
 * The kernel's route to `address`: `ip route get` on Linux, elsewhere the source address of a
 * connected UDP socket (no packet is sent either way).
 */
export async function routeTo(address: string, port: number, run: Runner = realRunner, platform: NodeJS.Platform = process.platform): Promise<RouteFact> {
  if (platform === 'linux') {
    const out = await run('ip', ['-j', 'route', 'get', address], 3000);
    if (!('error' in out && out.error === 'ENOENT')) return parseIpRouteGet(address, out);
  }
  return new Promise((resolve) => {
    const s = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    const finish = (f: RouteFact) => {
      try {
        s.close();
      } catch {
        /* closed */
      }
      resolve(f);
    };
    s.once('error', (err) => finish({ address, error: code(err) }));
    s.connect(port, address, () => {
      const source = s.address().address;
      if (source === '0.0.0.0' || source === '::') return finish({ address, error: 'no route' });
      const ifc = Object.entries(os.networkInterfaces()).find(([, infos]) => infos?.some((i) => i.address === source))?.[0];
      finish({ address, source, ...(ifc ? { interface: ifc } : {}) });
    });
  });
}

export function connectTcp(address: string, port: number, timeoutMs = 2500): Promise<TcpFact> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect({ host: address, port });
    const finish = (error?: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ address, port, ms: Math.round(performance.now() - t0), ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish('ETIMEDOUT'), timeoutMs);
    s.once('connect', () => finish());
    s.once('error', (err) => finish(code(err)));
  });
}

// ---------------------------------------------------------------- trust

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The roots "trusted" means here (as in src/tls/trust.ts): Node's store, the system store, NODE_EXTRA_CA_CERTS. */
export function trustedRoots(env: NodeJS.ProcessEnv = process.env): { ca: string[]; sources: string[] } {
  const ca = [...tls.rootCertificates];
  const sources = ["Node's store"];
  const system = [env.SSL_CERT_FILE, ...SYSTEM_BUNDLES].find((p): p is string => Boolean(p) && existsSync(p!));
  if (system) {
    const t = readText(system);
    if ('text' in t) {
      ca.push(...splitPem(t.text));
      sources.push(system);
    }
  }
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    const t = readText(extra);
    if ('text' in t) {
      ca.push(...splitPem(t.text));
      sources.push(`NODE_EXTRA_CA_CERTS=${extra}`);
    }
  }
  return { ca, sources };
}

/**
 * rootCA.pem of the local CA folders that exist: $CAROOT, mkcert's folder and kubectl mdns's
 * own (the folder rules of `kubectl mdns tls`, src/tls/ca-dir.ts). Read only.
 */
export function localCaFiles(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): LocalCa[] {
  const input = { env, platform, home: env.HOME ?? os.homedir() };
  const dirs = [...(env.CAROOT ? [env.CAROOT] : []), mkcertDefaultDir(input), ownDefaultDir(input)];
  const out: LocalCa[] = [];
  for (const d of [...new Set(dirs)]) {
    const path = join(d, CA_CERT_FILE);
    const t = readText(path);
    if ('text' in t) out.push({ path, pem: t.text });
  }
  return out;
}

export function handshake(
  address: string,
  port: number,
  name: string,
  trust: { ca: string[]; sources: string[] },
  localCas: LocalCa[],
  timeoutMs = 2500,
): Promise<TlsFacts> {
  return new Promise((resolve) => {
    const base = { address, trustSources: trust.sources, localCas };
    const s = tls.connect({ host: address, port, servername: name, ca: trust.ca, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    const finish = (f: TlsFacts) => {
      clearTimeout(timer);
      s.destroy();
      resolve(f);
    };
    const timer = setTimeout(() => finish({ ...base, chain: [], error: `no handshake within ${timeoutMs / 1000} s` }), timeoutMs);
    s.once('error', (err) => finish({ ...base, chain: [], error: code(err) }));
    s.once('secureConnect', () => {
      const chain: string[] = [];
      let cert = s.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
      const seen = new Set<string>();
      while (cert?.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        chain.push(`-----BEGIN CERTIFICATE-----\n${cert.raw.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`);
        cert = cert.issuerCertificate;
      }
      const err = s.authorizationError as unknown;
      finish({
        ...base,
        chain,
        ...(s.authorized ? {} : { authorizationError: err instanceof Error ? String((err as { code?: string }).code ?? err.message) : String(err) }),
      });
    });
  });
}

/** HEAD / with Host: NAME (and SNI NAME over TLS), to the address itself. */
export function headRequest(address: string, port: number, name: string, secure: boolean, timeoutMs = 2500): Promise<HttpFact> {
  return new Promise((resolve) => {
    const mod = secure ? https : http;
    const defaultPort = secure ? 443 : 80;
    const req = mod.request({
      host: address,
      port,
      method: 'HEAD',
      path: '/',
      headers: { Host: port === defaultPort ? name : `${name}:${port}`, 'User-Agent': 'kubectl-mdns-doctor' },
      ...(secure ? { servername: name, rejectUnauthorized: false } : {}),
      agent: false,
      timeout: timeoutMs,
    });
    req.once('response', (res) => {
      res.resume();
      resolve({ address, status: res.statusCode ?? 0, statusLine: `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`.trim() });
      req.destroy();
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.once('error', (err) => resolve({ address, error: code(err) }));
    req.end();
  });
}
