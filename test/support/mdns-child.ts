// Drives mdns-fixture.js inside a namespace from a test: start, wait for events, send
// commands on stdin, SIGTERM and collect the exit status.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RecordSet } from '../../src/records/types.js';
import type { NetnsPair } from './netns.js';

const FIXTURE = fileURLToPath(new URL('./mdns-fixture.js', import.meta.url));

export interface FixtureEvent {
  event: string;
  kind?: string;
  message?: string;
  fields?: Record<string, unknown>;
  [k: string]: unknown;
}

export class MdnsChild {
  readonly events: FixtureEvent[] = [];
  stderr = '';
  private waiters: { pred: (e: FixtureEvent) => boolean; resolve: (e: FixtureEvent) => void }[] = [];
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let e: FixtureEvent;
        try {
          e = JSON.parse(line) as FixtureEvent;
        } catch {
          continue;
        }
        this.events.push(e);
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(e)) return true;
          w.resolve(e);
          return false;
        });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * `iface` '' runs on every interface (the default of `serve`). `extra` goes on the command
   * line (`--rescan-ms N`, `--ttl N`, more `--interface`); `opts.env` replaces the environment
   * (MDNS_FIXTURE_DEBUG=1 prints debug events).
   */
  static start(pair: NetnsPair, ns: string, iface: string, sets: RecordSet[], extra: string[] = [], opts: { env?: NodeJS.ProcessEnv } = {}): MdnsChild {
    const dir = mkdtempSync('/tmp/mdns-fix-');
    writeFileSync(`${dir}/records.json`, JSON.stringify(sets));
    const args = [FIXTURE, ...(iface ? ['--interface', iface] : []), ...extra, `${dir}/records.json`];
    const child = new MdnsChild(pair.spawn(ns, process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env ? { env: opts.env } : {}) }));
    void child.exited.then(() => rmSync(dir, { recursive: true, force: true }));
    return child;
  }

  waitFor(pred: (e: FixtureEvent) => boolean, ms = 10_000, what = 'event'): Promise<FixtureEvent> {
    const found = this.events.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr}; events: ${JSON.stringify(this.events).slice(-2000)}`)),
        ms,
      );
      this.waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** Waits for the n-th "settled" event (1-based). */
  settled(n = 1, ms = 15_000): Promise<FixtureEvent> {
    let seen = 0;
    return this.waitFor((e) => e.event === 'settled' && ++seen === n, ms, `settled #${n}`);
  }

  send(cmd: unknown): void {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  async stats(): Promise<FixtureEvent> {
    const n = this.events.filter((e) => e.event === 'stats').length;
    const p = this.waitFor((e) => e.event === 'stats' && this.events.filter((x) => x.event === 'stats').indexOf(e) === n, 10_000, 'stats');
    this.send({ stats: true });
    return p;
  }

  async terminate(ms = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }> {
    const t0 = performance.now();
    this.child.kill('SIGTERM');
    const r = await Promise.race([
      this.exited,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('fixture did not exit after SIGTERM')), ms).unref()),
    ]);
    return { ...r, elapsedMs: performance.now() - t0 };
  }

  exitStatus() {
    return this.exited;
  }
}
