// Two network namespaces joined by a veth pair created inside them, so nothing a test does
// (multicast included) can reach the host's interfaces (docs/testing.md#network-namespaces).
// IPv4 /24 on both ends, fixed IPv6 link-local addresses with nodad (usable at once), a
// 224.0.0.0/4 route on each veth, `lo` up. Torn down by destroy(), which the tests call in
// `finally`. Names are unique per test file and process.

import { type ChildProcess, execFile, spawn, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NetnsPair {
  a: string;
  b: string;
  ifA: string;
  ifB: string;
  ipA: string;
  ipB: string;
  ll6A: string;
  ll6B: string;
  /** Runs a command in a namespace; resolves with stdout, rejects on non-zero exit. */
  exec(ns: string, cmd: string, args: string[], opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<string>;
  /** Starts a long-running process in a namespace. */
  spawn(ns: string, cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  destroy(): Promise<void>;
}

export async function sh(cmd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await run(cmd, args, { timeout: opts.timeoutMs ?? 20_000, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  return r.stdout;
}

async function quiet(cmd: string, args: string[]): Promise<void> {
  try {
    await sh(cmd, args);
  } catch {
    // best effort
  }
}

/**
 * Waits until `ifc` in `ns` has its carrier (operstate UP): the responder leaves a link alone
 * until then, and the kernel sets it a little after `ip link set up` on both veth ends.
 */
export async function waitCarrier(ns: string, ifc: string, ms = 5000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const out = await sh('ip', ['-n', ns, '-o', 'link', 'show', 'dev', ifc]);
    if (/\bstate UP\b/.test(out)) return;
    if (Date.now() - t0 > ms) throw new Error(`${ifc} in ${ns} has no carrier after ${ms} ms: ${out.trim()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Processes still running inside a namespace (PIDs), for "no leftover process" checks. */
export async function namespacePids(ns: string): Promise<number[]> {
  return (await sh('ip', ['netns', 'pids', ns])).split(/\s+/).filter(Boolean).map(Number);
}

/** Kills every process left in `ns` by its own PID, then deletes the namespace. */
export async function removeNamespace(ns: string): Promise<void> {
  try {
    for (const pid of await namespacePids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  } catch {
    // namespace already gone
  }
  await quiet('ip', ['netns', 'del', ns]);
}

export function hasNetns(): boolean {
  return process.getuid?.() === 0 && process.platform === 'linux';
}

/**
 * `tag` (≤ 6 characters) names the pair: namespaces `mdns-<tag>-<pid>-a/b`, interfaces
 * `<tag>a`/`<tag>b` (inside the namespaces, so they cannot clash with the host's).
 * `subnet` is the third octet of 10.213.<subnet>.0/24.
 */
export async function createPair(tag: string, subnet: number): Promise<NetnsPair> {
  const base = `mdns-${tag}-${process.pid}`;
  const a = `${base}-a`;
  const b = `${base}-b`;
  const ifA = `${tag}a`.slice(0, 15);
  const ifB = `${tag}b`.slice(0, 15);
  const ipA = `10.213.${subnet}.1`;
  const ipB = `10.213.${subnet}.2`;
  const ll6A = `fe80::${subnet.toString(16)}:a`;
  const ll6B = `fe80::${subnet.toString(16)}:b`;
  await quiet('ip', ['netns', 'del', a]);
  await quiet('ip', ['netns', 'del', b]);
  const children: ChildProcess[] = [];
  const pair: NetnsPair = {
    a,
    b,
    ifA,
    ifB,
    ipA,
    ipB,
    ll6A,
    ll6B,
    exec: (ns, cmd, args, opts) => sh('ip', ['netns', 'exec', ns, cmd, ...args], opts),
    spawn(ns, cmd, args, opts = {}) {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
      children.push(child);
      return child;
    },
    async destroy() {
      for (const c of children) {
        if (c.exitCode === null && c.signalCode === null) {
          try {
            c.kill('SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
      // Killing every process left in the namespaces, by their own PIDs, then deleting them.
      for (const ns of [a, b]) await removeNamespace(ns);
    },
  };
  try {
    await sh('ip', ['netns', 'add', a]);
    await sh('ip', ['netns', 'add', b]);
    await sh('ip', ['link', 'add', ifA, 'netns', a, 'type', 'veth', 'peer', 'name', ifB, 'netns', b]);
    for (const [ns, ifc, ip, ll] of [
      [a, ifA, ipA, ll6A],
      [b, ifB, ipB, ll6B],
    ] as const) {
      await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await quiet('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${ifc}.addr_gen_mode=1`]);
      await sh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', ifc]);
      await sh('ip', ['-n', ns, 'addr', 'add', `${ll}/64`, 'dev', ifc, 'nodad']);
      await sh('ip', ['-n', ns, 'link', 'set', ifc, 'up']);
      await sh('ip', ['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', ifc]);
    }
    await waitCarrier(a, ifA);
    await waitCarrier(b, ifB);
  } catch (err) {
    await pair.destroy();
    throw err;
  }
  return pair;
}

/** A third namespace joined to namespace A of a pair by its own veth (addPeer). */
export interface NetnsPeer {
  /** The new namespace. */
  ns: string;
  /** The veth end in namespace A, and the one in `ns`. */
  ifA: string;
  ifPeer: string;
  ipA: string;
  ipPeer: string;
  ll6A: string;
  ll6Peer: string;
  /** Brings the end in namespace A up (with its 224.0.0.0/4 route) or down. */
  setA(state: 'up' | 'down'): Promise<void>;
  /** Deletes the veth (both ends), as if the link were unplugged for good. */
  removeLink(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Adds namespace `mdns-<tag>-<pid>-c` with a veth to namespace A of `pair`: `<tag>a` in A,
 * `<tag>c` in the new one, 10.213.<subnet>.1/.2, fixed link-local IPv6 addresses, a
 * 224.0.0.0/4 route on both. The end in A is left down unless `upA` is set, so a test can get
 * ready (a capture, say) before a program in A sees the link appear. `tag` must differ from the
 * pair's. Processes started with pair.spawn(peer.ns, …) are killed by pair.destroy();
 * peer.destroy() deletes the namespace (and the veth with it).
 */
export async function addPeer(pair: NetnsPair, tag: string, subnet: number, opts: { upA?: boolean } = {}): Promise<NetnsPeer> {
  const ns = `mdns-${tag}-${process.pid}-c`;
  const ifA = `${tag}a`.slice(0, 15);
  const ifPeer = `${tag}c`.slice(0, 15);
  const ipA = `10.213.${subnet}.1`;
  const ipPeer = `10.213.${subnet}.2`;
  const ll6A = `fe80::${subnet.toString(16)}:a`;
  const ll6Peer = `fe80::${subnet.toString(16)}:c`;
  const peer: NetnsPeer = {
    ns,
    ifA,
    ifPeer,
    ipA,
    ipPeer,
    ll6A,
    ll6Peer,
    async setA(state) {
      await sh('ip', ['-n', pair.a, 'link', 'set', ifA, state]);
      if (state === 'up') await sh('ip', ['-n', pair.a, 'route', 'replace', '224.0.0.0/4', 'dev', ifA]);
    },
    async removeLink() {
      await sh('ip', ['-n', pair.a, 'link', 'del', ifA]);
    },
    async destroy() {
      await removeNamespace(ns);
    },
  };
  await quiet('ip', ['netns', 'del', ns]);
  try {
    await sh('ip', ['netns', 'add', ns]);
    await sh('ip', ['-n', pair.a, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifPeer, 'netns', ns]);
    await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    for (const [n, ifc, ip, ll, up] of [
      [pair.a, ifA, ipA, ll6A, opts.upA === true],
      [ns, ifPeer, ipPeer, ll6Peer, true],
    ] as const) {
      await quiet('ip', ['netns', 'exec', n, 'sysctl', '-qw', `net.ipv6.conf.${ifc}.addr_gen_mode=1`]);
      await sh('ip', ['-n', n, 'addr', 'add', `${ip}/24`, 'dev', ifc]);
      await sh('ip', ['-n', n, 'addr', 'add', `${ll}/64`, 'dev', ifc, 'nodad']);
      if (up) {
        await sh('ip', ['-n', n, 'link', 'set', ifc, 'up']);
        await sh('ip', ['-n', n, 'route', 'add', '224.0.0.0/4', 'dev', ifc]);
      }
    }
  } catch (err) {
    await peer.destroy();
    throw err;
  }
  return peer;
}
