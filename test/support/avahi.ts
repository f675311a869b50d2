// A private avahi-daemon inside a test namespace, as a third-party querier
// (docs/testing.md#avahi): its own system-type dbus-daemon on a unix socket, avahi with
// --no-chroot --no-drop-root, publishing off, only the test interface, and its hard-coded
// /run/avahi-daemon bind-mounted from a private folder (`ip netns exec` gives a private mount
// namespace). Queried through D-Bus: RecordBrowser (all records, avahi_records.py) and
// avahi-browse.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NetnsPair } from './netns.js';
import { sh } from './netns.js';

const SCRIPT = fileURLToPath(new URL('../../../test/support/avahi_records.py', import.meta.url));

export interface AvahiWatch {
  events: { t: number; event: string; key: string; value: string }[];
  stop(): void;
}

export interface Avahi {
  busAddress: string;
  /** Its private /run/avahi-daemon (nss-mdns's socket): bind-mount it for getent, curl, Chromium. */
  runDir: string;
  /** All values avahi holds (cache + fresh queries) for each NAME:TYPE, after AllForNow. */
  records(specs: string[], seconds?: number): Promise<Record<string, string[]>>;
  watch(specs: string[]): Promise<AvahiWatch>;
  /** `avahi-browse -a -r -t -p -k` output (raw service types) lines. */
  browse(): Promise<string[]>;
  stop(): Promise<void>;
}

function waitFor(child: ChildProcess, pattern: RegExp, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms: ${buf}`)), ms);
    const on = (d: Buffer) => {
      buf += d.toString();
      if (pattern.test(buf)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${buf}`));
    });
  });
}

export async function startAvahi(pair: NetnsPair, ns: string, iface: string): Promise<Avahi> {
  const dir = mkdtempSync('/tmp/mdns-avahi-');
  mkdirSync(`${dir}/run`);
  const busPath = `${dir}/bus`;
  const busAddress = `unix:path=${busPath}`;
  writeFileSync(
    `${dir}/dbus.conf`,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>${busAddress}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`,
  );
  writeFileSync(
    `${dir}/avahi.conf`,
    `[server]
use-ipv4=yes
use-ipv6=yes
allow-interfaces=${iface}
enable-dbus=yes
ratelimit-interval-usec=0
ratelimit-burst=100000
[wide-area]
enable-wide-area=no
[publish]
disable-publishing=yes
disable-user-service-publishing=yes
[reflector]
enable-reflector=no
`,
  );
  if (!existsSync('/run/avahi-daemon')) mkdirSync('/run/avahi-daemon', { recursive: true });
  const dbus = spawn('dbus-daemon', ['--config-file', `${dir}/dbus.conf`, '--nofork', '--nopidfile', '--print-address'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: busAddress };
  let avahi: ChildProcess | undefined;
  const stop = async () => {
    for (const c of [avahi, dbus]) {
      if (c && c.exitCode === null && c.signalCode === null) {
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 2000).unref())]);
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(dbus, /unix:path=/, 5000, 'dbus-daemon');
    avahi = pair.spawn(
      ns,
      'sh',
      ['-c', `mount --bind ${dir}/run /run/avahi-daemon && exec avahi-daemon --no-chroot --no-drop-root --no-rlimits -f ${dir}/avahi.conf`],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitFor(avahi, /Server startup complete/, 10_000, 'avahi-daemon');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    busAddress,
    runDir: `${dir}/run`,
    async records(specs, seconds = 3) {
      const out = await sh('/usr/bin/python3', [SCRIPT, busAddress, 'get', String(seconds), ...specs], { timeoutMs: (seconds + 10) * 1000 });
      return JSON.parse(out) as Record<string, string[]>;
    },
    async watch(specs) {
      const child = spawn('/usr/bin/python3', [SCRIPT, busAddress, 'watch', ...specs], { stdio: ['ignore', 'pipe', 'pipe'] });
      const events: AvahiWatch['events'] = [];
      let buf = '';
      let ready: () => void = () => {};
      const isReady = new Promise<void>((r) => (ready = r));
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const e = JSON.parse(line) as AvahiWatch['events'][number];
          if (e.event === 'ready') ready();
          else events.push(e);
        }
      });
      await Promise.race([isReady, new Promise((r) => setTimeout(r, 5000).unref())]);
      return { events, stop: () => child.kill('SIGTERM') };
    },
    async browse() {
      const out = await sh('avahi-browse', ['-a', '-r', '-t', '-p', '-k'], { env, timeoutMs: 15_000 });
      return out.split('\n').filter(Boolean);
    },
    stop,
  };
}

/**
 * `cmd args` wrapped so that it sees `runDir` (an Avahi's) as /run/avahi-daemon, the way
 * nss-mdns in `getent`, `curl` or a browser reaches that avahi
 * (docs/testing.md#browser-and-name-service). Run it with `ip netns exec`, which gives it a mount namespace of its own.
 * Without `runDir` the command sees the host's (avahi-less) /run/avahi-daemon.
 */
export function withAvahiSocket(runDir: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return ['sh', ['-c', 'if [ -n "$0" ]; then mount --bind "$0" /run/avahi-daemon || exit 97; fi; exec "$@"', runDir ?? '', cmd, ...args]];
}
