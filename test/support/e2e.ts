// Shared by the end-to-end tests (test/e2e/{diff,serve,plugin}*.test.ts): the real CLI
// (plugin/kubectl-mdns, or `kubectl mdns` with plugin/ on PATH) run inside a test network
// namespace, against the API server double run as its own process in the same namespace
// (127.0.0.1 inside a namespace is that namespace's loopback), plus small helpers: Gateway API
// objects, a legacy-unicast `dig`, line waits with generous functional deadlines.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NetnsPair } from './netns.js';
import { repoRoot as findRoot } from './repo.js';
import { namedConfig, zoneFile, zoneLines } from './named.js';
import { stopProcess } from './process.js';
import type { ReadyLine } from './apiserver.js';

export const ROOT = findRoot();
export const PLUGIN = join(ROOT, 'plugin', 'kubectl-mdns');
export const PLUGIN_DIR = join(ROOT, 'plugin');
const DOUBLE = join(ROOT, 'dist', 'test', 'support', 'apiserver.js');

/** A temp folder removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `kubectl-mdns-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment the CLI runs with: no colors, no CI quirks, no inherited kubeconfig or TSIG secret. */
export function cliEnv(extra: Record<string, string> = {}, home?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'KUBECONFIG' || k === 'KUBECTL_MDNS_TSIG_SECRET' || k.startsWith('NODE_TEST') || k === 'FORCE_COLOR') continue;
    env[k] = v;
  }
  env['NO_COLOR'] = '1';
  if (home) env['HOME'] = home;
  return { ...env, ...extra };
}

// ---------------------------------------------------------------- Gateway API objects

export interface GatewaySpec {
  addresses?: string[];
  listeners?: { name: string; port: number; protocol: string; hostname?: string }[];
  annotations?: Record<string, string>;
}

export function gateway(ns: string, name: string, spec: GatewaySpec = {}): Record<string, unknown> {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace: ns, name, ...(spec.annotations ? { annotations: spec.annotations } : {}) },
    spec: {
      gatewayClassName: 'test',
      listeners: (spec.listeners ?? [{ name: 'http', port: 80, protocol: 'HTTP' }]).map((l) => ({ ...l, allowedRoutes: { namespaces: { from: 'All' } } })),
    },
    status: { addresses: (spec.addresses ?? []).map((value) => ({ type: 'IPAddress', value })) },
  };
}

export function httpRoute(
  ns: string,
  name: string,
  hostnames: string[],
  parent: { namespace: string; name: string } = { namespace: 'infra', name: 'gw' },
): Record<string, unknown> {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { namespace: ns, name },
    spec: { parentRefs: [{ name: parent.name, namespace: parent.namespace }], hostnames, rules: [{ backendRefs: [{ name, port: 8080 }] }] },
  };
}

/** Objects as a YAML-free manifest file (JSON documents are YAML too): for `-f`. */
export function writeManifest(path: string, objects: readonly unknown[]): string {
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 1));
  return path;
}

// ---------------------------------------------------------------- the API server double

export interface ApiDouble {
  url: string;
  kubeconfig: string;
  token: string;
  /** POST /_admin/OP with a JSON body (GET without one). */
  admin(op: string, body?: unknown): Promise<unknown>;
  apply(objects: unknown[]): Promise<void>;
  remove(kind: string, namespace: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/test/support/apiserver.js --tls --token …` inside `ns` (TLS + bearer token,
 * as kubectl sends tokens only over TLS). The admin calls are made from inside the namespace
 * too (a short node one-liner), since its 127.0.0.1 is not ours.
 */
export async function startApiDouble(pair: NetnsPair, ns: string, objects: unknown[], dir: string, extraArgs: string[] = []): Promise<ApiDouble> {
  mkdirSync(dir, { recursive: true });
  const state = join(dir, 'state.json');
  writeFileSync(state, JSON.stringify(objects));
  const token = `e2e-token-${process.pid}`;
  const child = pair.spawn(
    ns,
    process.execPath,
    [DOUBLE, '--tls', '--token', token, '--state', state, '--kubeconfig-out', join(dir, 'kubeconfig'), '--dir', join(dir, 'double'), ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API double not ready within 15 s: ${stderr}`)), 15_000);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API double exited (${code}): ${stderr}`));
    });
  });
  const ready = JSON.parse(line) as ReadyLine;
  const admin = async (op: string, body?: unknown): Promise<unknown> => {
    const script = `
      const https = require('node:https'); const fs = require('node:fs');
      const [url, ca, token, method, body] = process.argv.slice(1);
      const req = https.request(url, { method, ca: fs.readFileSync(ca), headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' } }, (res) => {
        let out = ''; res.on('data', (c) => (out += c)); res.on('end', () => { process.stdout.write(out); process.exit(res.statusCode === 200 ? 0 : 1); });
      });
      req.on('error', (e) => { console.error(e.message); process.exit(1); });
      req.end(body || undefined);`;
    const method =
      body === undefined && op !== 'compact' && op !== 'restart' && op !== 'drop-watches' && op !== 'end-watches' && op !== 'bookmark' ? 'GET' : 'POST';
    const out = await pair.exec(ns, process.execPath, [
      '-e',
      script,
      `${ready.url}/_admin/${op}`,
      ready.caFile ?? '',
      ready.token ?? '',
      method,
      body === undefined ? '' : JSON.stringify(body),
    ]);
    return out ? (JSON.parse(out) as unknown) : null;
  };
  return {
    url: ready.url,
    kubeconfig: ready.kubeconfig,
    token: ready.token ?? '',
    admin,
    apply: async (objs) => void (await admin('apply', objs)),
    remove: async (kind, namespace, name) => void (await admin('delete', { kind, namespace, name })),
    stop: () => stopProcess(child),
  };
}

// ---------------------------------------------------------------- running the CLI

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `plugin/kubectl-mdns ARGS` inside `ns` to completion. */
export function runCli(
  pair: NetnsPair,
  ns: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  return runIn(pair, ns, process.execPath, [PLUGIN, ...args], opts);
}

/** Runs the real `kubectl mdns ARGS` inside `ns`, with plugin/ first on PATH. */
export function runKubectl(pair: NetnsPair, ns: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const env = opts.env ?? cliEnv();
  return runIn(pair, ns, 'kubectl', args, { ...opts, env: { ...env, PATH: pluginPath(env['PATH']) } });
}

/** PATH with plugin/ and node's folder first (the plugin's shebang is `/usr/bin/env node`). */
export function pluginPath(path: string | undefined): string {
  return [PLUGIN_DIR, dirname(process.execPath), ...(path ?? '/usr/bin:/bin').split(delimiter)].join(delimiter);
}

export function runIn(
  pair: NetnsPair,
  ns: string,
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = pair.spawn(ns, cmd, args, { env: opts.env ?? cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin?.end(opts.input ?? '');
  });
}

/** A long-running `serve`: its stderr lines, waits on them, and a signal-driven stop. */
export interface ServeProcess {
  child: ChildProcess;
  /** Every stderr line so far. */
  lines: string[];
  stdout(): string;
  /** Resolves with the first line (at or after index `from`) matching; rejects after `ms`. */
  waitForLine(pattern: RegExp, ms?: number, from?: number): Promise<string>;
  /** Sends `signal`, resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `plugin/kubectl-mdns serve ARGS` inside `ns`. Node is exec'd by `ip netns exec`, so the
 * child's PID is the CLI's own PID and a signal sent to it reaches the CLI directly.
 */
export function startServe(pair: NetnsPair, ns: string, args: string[], env: NodeJS.ProcessEnv = cliEnv()): ServeProcess {
  const child = pair.spawn(ns, process.execPath, [PLUGIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let out = '';
  let partial = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    partial += d.toString();
    let i: number;
    while ((i = partial.indexOf('\n')) >= 0) {
      lines.push(partial.slice(0, i));
      partial = partial.slice(i + 1);
    }
    for (const w of waiters) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  void exited.then(() => {
    for (const w of waiters) w();
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    lines,
    stdout: () => out,
    exited,
    waitForLine(pattern, ms = 15_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let i = from; i < lines.length; i++) {
            if (pattern.test(lines[i]!)) {
              cleanup();
              resolve(lines[i]!);
              return;
            }
          }
          if (done) {
            cleanup();
            reject(new Error(`serve exited before printing ${pattern}:\n${lines.join('\n')}${partial}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`serve did not print ${pattern} within ${ms} ms:\n${lines.join('\n')}${partial}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', ms = 10_000) {
      if (done) return { ...(await exited), ms: 0 };
      const t0 = Date.now();
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const r = await exited;
      clearTimeout(timer);
      return { ...r, ms: Date.now() - t0 };
    },
  };
}

/** Waits until `cond()` holds, polling; fails after a generous deadline (not a timing assertion). */
export async function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}${lastErr ? ` (error: ${String(lastErr)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---------------------------------------------------------------- queriers

/**
 * `dig -p 5353 @ADDR NAME TYPE` from `ns`: an RFC 6762 §6.7 legacy-unicast query straight to
 * the responder's address. Returns the answer section's data, sorted.
 */
export async function digMdns(pair: NetnsPair, ns: string, responder: string, name: string, type: 'A' | 'AAAA'): Promise<string[]> {
  return (await digLines(pair, ns, responder, name, type))
    .filter((f) => f[3] === type)
    .map((f) => f[4]!)
    .sort();
}

/**
 * dig's answer lines (name ttl class type data), e.g. for TTL checks. A responder stays
 * silent about names it does not hold (RFC 6762 §6): dig's "no reply" (exit 9) is no answer.
 */
export async function digLines(pair: NetnsPair, ns: string, responder: string, name: string, type: string): Promise<string[][]> {
  let out: string;
  try {
    out = await pair.exec(ns, 'dig', ['-p', '5353', `@${responder}`, '+time=1', '+tries=1', '+noall', '+answer', name, type], { timeoutMs: 10_000 });
  } catch (err) {
    if ((err as { code?: unknown }).code === 9) return [];
    throw err;
  }
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5);
}

/** Processes still running inside a namespace (PIDs), for "no leftover process" checks. */
export { namespacePids as pidsIn } from './netns.js';

// ---------------------------------------------------------------- BIND 9 inside a namespace

export interface NamedInNs {
  host: string;
  port: number;
  key: { name: string; algorithm: string; secret: string };
  /** A file holding the base64 secret alone, for --tsig-secret-file. */
  secretFile: string;
  /** dig inside the namespace, signed with the key when `signed`. */
  dig(args: string[], signed?: boolean): Promise<string>;
  soaSerial(zone: string): Promise<number>;
  /** `name TYPE data` lines of a signed AXFR, SOA/NS left out, sorted. */
  zoneRecords(zone: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** The flags that point the CLI at a NamedInNs: zone, server, key name and secret file, owner `e2e`. */
export function unicastArgs(named: NamedInNs, zone = 'dev.k8s'): string[] {
  return ['--zone', zone, '--dns-server', '127.0.0.1:53', '--tsig-key-name', named.key.name, '--tsig-secret-file', named.secretFile, '--owner-id', 'e2e'];
}

/**
 * A real named inside `ns` on 127.0.0.1:53 (that namespace's loopback: nothing leaves the
 * machine), zones with allow-update and allow-transfer for one generated TSIG key.
 * docs/testing.md#bind-9: up in about 100 ms.
 */
export async function startNamedIn(
  pair: NetnsPair,
  ns: string,
  dir: string,
  opts: { zones: string[]; records?: Record<string, string[]>; keyName?: string },
): Promise<NamedInNs> {
  const { sh } = await import('./netns.js');
  mkdirSync(dir, { recursive: true });
  const keyName = opts.keyName ?? 'e2e-key';
  const keygen = await sh('tsig-keygen', ['-a', 'hmac-sha256', keyName]);
  const secret = /secret "([^"]+)"/.exec(keygen)?.[1];
  if (!secret) throw new Error(`tsig-keygen printed no secret: ${keygen}`);
  const key = { name: keyName, algorithm: 'hmac-sha256', secret };
  const secretFile = join(dir, 'tsig.b64');
  writeFileSync(secretFile, secret + '\n', { mode: 0o600 });
  const acl = `key "${keyName}";`;
  writeFileSync(join(dir, 'named.conf'), namedConfig({ dir, port: 53, keys: [key], zones: opts.zones.map((name) => ({ name, update: acl, transfer: acl })) }));
  for (const z of opts.zones) writeFileSync(join(dir, `${z}.db`), zoneFile(z, opts.records?.[z] ?? [], { ttl: 300, serial: 7 }));
  const child = pair.spawn(ns, 'named', ['-g', '-4', '-c', join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const dig = (args: string[], signed = false) =>
    pair.exec(ns, 'dig', ['@127.0.0.1', '-p', '53', '+time=2', '+tries=1', ...(signed ? ['-y', `hmac-sha256:${keyName}:${secret}`] : []), ...args]);
  const soaSerial = async (zone: string) => {
    const out = await dig(['+short', '+norecurse', zone, 'SOA']);
    const serial = out.trim().split(/\s+/)[2];
    if (serial === undefined || !/^\d+$/.test(serial)) throw new Error(`no SOA for ${zone}: ${out}`);
    return Number(serial);
  };
  const stop = () => stopProcess(child, 5000);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`named exited during start-up:\n${log}`);
    if ((await soaSerial(opts.zones[0]!).catch(() => undefined)) !== undefined) break;
    if (i > 200) {
      await stop();
      throw new Error(`named did not answer:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1',
    port: 53,
    key,
    secretFile,
    dig,
    soaSerial,
    async zoneRecords(zone) {
      return zoneLines(zone, await dig(['+noall', '+answer', '+onesoa', zone, 'AXFR'], true));
    },
    stop,
  };
}

// ---------------------------------------------------------------- a stand-in responder

export interface StandIn {
  /** Queries it answered. */
  answered(): number;
  stop(): Promise<void>;
}

/**
 * Another host's mDNS responder claiming `name` with `addresses` (IPv4): a few lines of
 * node:dgram + dns-packet run inside `ns`, bound to 5353 on the group. It answers legacy
 * queries (source port ≠ 5353) by unicast with ID and question echoed (RFC 6762 §6.7) and
 * multicast queries on the group, and never probes or defends: what a misconfigured or
 * foreign device holding the name looks like to `diff`.
 */
export async function startStandIn(pair: NetnsPair, ns: string, ownAddress: string, name: string, addresses: string[]): Promise<StandIn> {
  const script = `
    const dgram = require('node:dgram'); const packet = require('dns-packet');
    const [own, name, ...addresses] = process.argv.slice(1);
    let answered = 0;
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.on('message', (msg, rinfo) => {
      if (rinfo.address === own) return;
      let q; try { q = packet.decode(msg); } catch { return; }
      if (q.type !== 'query') return;
      const wanted = (q.questions || []).filter((x) => x.name.toLowerCase() === name && (x.type === 'A' || x.type === 'ANY'));
      if (!wanted.length) return;
      const legacy = rinfo.port !== 5353;
      const answers = addresses.map((data) => ({ name, type: 'A', class: 'IN', ttl: legacy ? 10 : 120, flush: !legacy, data }));
      const reply = packet.encode({ type: 'response', id: legacy ? q.id : 0, flags: packet.AUTHORITATIVE_ANSWER, questions: legacy ? q.questions : [], answers });
      answered++;
      if (legacy) s.send(reply, rinfo.port, rinfo.address); else s.send(reply, 5353, '224.0.0.251');
      process.stdout.write(JSON.stringify({ answered }) + '\\n');
    });
    s.bind(5353, () => { s.addMembership('224.0.0.251', own); s.setMulticastInterface(own); s.setMulticastTTL(255); process.stdout.write('ready\\n'); });
    process.on('SIGTERM', () => s.close(() => process.exit(0)));`;
  const child = pair.spawn(ns, process.execPath, ['-e', script, ownAddress, name.toLowerCase(), ...addresses], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let answered = 0;
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stand-in responder not ready: ${err}`)), 10_000);
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l === 'ready') {
        clearTimeout(timer);
        resolve();
      } else answered = (JSON.parse(l) as { answered: number }).answered;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stand-in responder exited (${code}): ${err}`));
    });
  });
  return {
    answered: () => answered,
    stop: () => stopProcess(child),
  };
}
