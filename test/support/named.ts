// A real BIND 9 for the unicast tests: generated TSIG key, named.conf and zone files in a
// temp folder, `named -g -4` on 127.0.0.1 and a free port (UDP and TCP). Never listens on
// anything but loopback, so no test traffic leaves the machine.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NamedOptions {
  /** Zones served (primary), lower-case, no trailing dot. Default ['dev.k8s']. */
  zones?: string[];
  /** TSIG algorithm of the generated key. Default hmac-sha256. */
  algorithm?: string;
  keyName?: string;
  /** `key`: signed AXFR allowed; `none`: transfers refused to that key (the harness's inspector key may still). Default key. */
  allowTransfer?: 'key' | 'none';
  /** `key`: updates signed with the key allowed; `none`: every update refused. Default key. */
  allowUpdate?: 'key' | 'none';
  /** Extra zone-file lines per zone, e.g. {'dev.k8s': ['shop A 10.9.9.9']}. */
  records?: Record<string, string[]>;
  /** BIND's transfer-message-size: small values force multi-message AXFR. */
  transferMessageSize?: number;
}

export interface NamedKey {
  name: string;
  algorithm: string;
  /** base64, as in the key clause. */
  secret: string;
  /** The key clause exactly as `tsig-keygen` printed it (a BIND key file). */
  clause?: string;
}

export class Named {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log: string[] = [];

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly key: NamedKey,
    /** The harness's own key: may always transfer, so tests can see the zone whatever the policy. */
    readonly inspector: NamedKey,
    readonly zones: string[],
  ) {}

  static async start(opts: NamedOptions = {}): Promise<Named> {
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-named-'));
    const zones = opts.zones ?? ['dev.k8s'];
    const key = await generateKey(opts.keyName ?? 'kubectl-mdns-test', opts.algorithm ?? 'hmac-sha256');
    const inspector = await generateKey('test-inspector', 'hmac-sha256');
    const port = await freePort();
    writeConfig(dir, port, key, inspector, zones, opts);
    const named = new Named(dir, port, key, inspector, zones);
    await named.launch();
    return named;
  }

  get server(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** `-y` argument for dig and nsupdate. */
  get keyArg(): string {
    return `${this.key.algorithm}:${this.key.name}:${this.key.secret}`;
  }

  /**
   * The secret's bytes in memory of their own: Buffer.from would leave a copy in Node's shared
   * 8 KiB pool, where any other small Buffer a test prints with showHidden would show it — the
   * test's own copy, not a leak of the code under test.
   */
  get secretBuffer(): Buffer {
    const pooled = Buffer.from(this.key.secret, 'base64');
    const own = Buffer.alloc(pooled.length);
    pooled.copy(own);
    pooled.fill(0);
    return own;
  }

  /** The last lines named printed, for failure messages. */
  recentLog(): string {
    return this.log.slice(-30).join('\n');
  }

  private async launch(): Promise<void> {
    this.log = [];
    const child = spawn('named', ['-g', '-4', '-c', join(this.dir, 'named.conf'), '-p', String(this.port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.log.push(...chunk.split('\n').filter(Boolean));
      if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
    });
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    // Up in about 100 ms; poll with dig until the first zone answers its SOA.
    for (let i = 0; i < 200; i++) {
      if (exitedEarly) throw new Error(`named exited during start-up:\n${this.recentLog()}`);
      const serial = await this.soaSerial(this.zones[0] ?? 'dev.k8s').catch(() => undefined);
      if (serial !== undefined) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.stop();
    throw new Error(`named did not answer on ${this.host}:${this.port}:\n${this.recentLog()}`);
  }

  /** Kill the real named PID and wait until it has exited (it uses SO_REUSEPORT). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Same port, config and zone files (with the journal of applied updates). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stop and remove the temp folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Run nsupdate with our key; `lines` are nsupdate commands without server/zone/send. */
  async nsupdate(zone: string, lines: string[]): Promise<void> {
    const script = [`server ${this.host} ${this.port}`, `zone ${zone}`, ...lines, 'send', ''].join('\n');
    await new Promise<void>((resolve, reject) => {
      const child = spawn('nsupdate', ['-y', this.keyArg], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (out += String(d)));
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nsupdate failed (${code}): ${out}`))));
      child.stdin.end(script);
    });
  }

  /** dig against this server (unsigned unless `signed`), returning stdout. */
  async dig(args: string[], signed = false): Promise<string> {
    const base = ['@' + this.host, '-p', String(this.port), '+time=2', '+tries=1'];
    const { stdout } = await run('dig', [...base, ...(signed ? ['-y', this.keyArg] : []), ...args]);
    return stdout;
  }

  /** Sorted record data (`dig +short`) for one name and type. */
  async lookup(name: string, type: string): Promise<string[]> {
    const out = await this.dig(['+short', '+norecurse', name, type]);
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
  }

  /** TTLs of the answer records for one name and type. */
  async ttls(name: string, type: string): Promise<number[]> {
    const out = await this.dig(['+noall', '+answer', '+norecurse', name, type]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => Number(l.split(/\s+/)[1]));
  }

  async soaSerial(zone: string): Promise<number> {
    const out = await this.dig(['+short', '+norecurse', zone, 'SOA']);
    const serial = out.trim().split(/\s+/)[2];
    if (serial === undefined || !/^\d+$/.test(serial)) throw new Error(`no SOA for ${zone}: ${out}`);
    return Number(serial);
  }

  /** Every record of a zone (AXFR via dig with the inspector key), as `name type data` lines; SOA/NS left out. */
  async zoneRecords(zone: string): Promise<string[]> {
    const i = this.inspector;
    const out = await this.dig(['-y', `${i.algorithm}:${i.name}:${i.secret}`, '+noall', '+answer', '+onesoa', zone, 'AXFR']);
    return zoneLines(zone, out);
  }
}

/** dig's AXFR output as sorted `name type data` lines, SOA, NS and TSIG left out. */
export function zoneLines(zone: string, digOutput: string): string[] {
  if (/Transfer failed/.test(digOutput)) throw new Error(`AXFR of ${zone} refused: ${digOutput}`);
  return digOutput
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(/\s+/))
    .filter((f) => f[3] !== 'SOA' && f[3] !== 'NS' && f[3] !== 'TSIG')
    .map((f) => `${(f[0] ?? '').replace(/\.$/, '')} ${f[3]} ${f.slice(4).join(' ')}`)
    .sort();
}

async function generateKey(name: string, algorithm: string): Promise<NamedKey> {
  const { stdout } = await run('tsig-keygen', ['-a', algorithm, name]);
  const secret = /secret "([^"]+)"/.exec(stdout)?.[1];
  if (!secret) throw new Error(`tsig-keygen printed no secret: ${stdout}`);
  return { name, algorithm, secret, clause: stdout };
}

function writeConfig(dir: string, port: number, key: NamedKey, inspector: NamedKey, zones: string[], opts: NamedOptions): void {
  const acl = (policy: 'key' | 'none' | undefined) => (policy === 'none' ? 'none;' : `key "${key.name}";`);
  const transferAcl = `${opts.allowTransfer === 'none' ? '' : `key "${key.name}"; `}key "${inspector.name}";`;
  const extraOptions = opts.transferMessageSize ? [`transfer-message-size ${opts.transferMessageSize};`] : [];
  writeFileSync(
    join(dir, 'named.conf'),
    namedConfig({
      dir,
      port,
      keys: [key, inspector],
      zones: zones.map((name) => ({ name, update: acl(opts.allowUpdate), transfer: transferAcl })),
      extraOptions,
    }),
  );
  for (const z of zones) writeFileSync(join(dir, z + '.db'), zoneFile(z, opts.records?.[z] ?? [], { ttl: 3600, serial: 1 }));
}

/**
 * A named.conf for tests: an authoritative-only server on 127.0.0.1:`port` (no recursion, no
 * notify, no control channel), the keys, and primary zones with the given ACL bodies
 * (`key "k";`, `none;`) for update and transfer. Zone files are `<dir>/<zone>.db`.
 */
export function namedConfig(o: {
  dir: string;
  port: number;
  keys: readonly NamedKey[];
  zones: readonly { name: string; update: string; transfer: string }[];
  extraOptions?: readonly string[];
}): string {
  return [
    'options {',
    `  directory "${o.dir}";`,
    `  pid-file "${join(o.dir, 'named.pid')}";`,
    `  session-keyfile "${join(o.dir, 'session.key')}";`,
    `  managed-keys-directory "${o.dir}";`,
    `  listen-on port ${o.port} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    '  recursion no;',
    '  notify no;',
    '  dnssec-validation no;',
    '  allow-query { any; };',
    ...(o.extraOptions ?? []).map((l) => `  ${l}`),
    '};',
    'controls { };',
    ...o.keys.map((k) => `key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };`),
    ...o.zones.map(
      (z) => `zone "${z.name}" { type primary; file "${join(o.dir, z.name + '.db')}"; allow-update { ${z.update} }; allow-transfer { ${z.transfer} }; };`,
    ),
    '',
  ].join('\n');
}

/** A zone file: SOA, NS, the name server's A record, then `records` (zone-file lines). */
export function zoneFile(zone: string, records: readonly string[], o: { ttl: number; serial: number }): string {
  return [
    `$TTL ${o.ttl}`,
    `@ IN SOA ns.${zone}. hostmaster.${zone}. ( ${o.serial} 3600 600 86400 60 )`,
    `@ IN NS ns.${zone}.`,
    'ns IN A 127.0.0.1',
    ...records,
    '',
  ].join('\n');
}

/** A port free on 127.0.0.1 for both TCP and UDP (named needs both). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (port && udpFree) return port;
  }
  throw new Error('no free port for named');
}
