// Packet captures inside a test namespace: tcpdump writes a pcap, tshark decodes it (an
// independent dissector, not our own decoder). veth checksum offload makes every checksum look
// wrong, so checksum validation is off (docs/testing.md#captures). --immediate-mode: without it
// libpcap's ring buffer holds packets up to a second, and those still held at SIGINT are lost.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { NetnsPair } from './netns.js';
import { sh } from './netns.js';

export interface CapturedRecord {
  name: string;
  type: string;
  ttl: number;
  cacheFlush: boolean;
  data: string;
}

export interface CapturedPacket {
  /** Seconds since the epoch (frame.time_epoch), comparable with Date.now() / 1000. */
  time: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ipTtl: number;
  id: number;
  response: boolean;
  authoritative: boolean;
  questions: { name: string; type: number; qu: boolean }[];
  answers: CapturedRecord[];
  authorities: CapturedRecord[];
  additionals: CapturedRecord[];
}

export interface Capture {
  stop(): Promise<CapturedPacket[]>;
}

type Layer = Record<string, unknown>;

function records(section: unknown): CapturedRecord[] {
  if (!section || typeof section !== 'object') return [];
  return Object.entries(section as Record<string, Layer>).map(([desc, f]) => {
    const m = /^(.*?): type (\S+?),/.exec(desc);
    const data = (f['dns.a'] ?? f['dns.aaaa'] ?? f['dns.ptr.domain_name'] ?? f['dns.nsec.next_domain_name'] ?? f['dns.srv.target'] ?? '') as string;
    return {
      name: m?.[1] ?? String(f['dns.resp.name'] ?? ''),
      type: m?.[2] ?? '?',
      ttl: Number(f['dns.resp.ttl']),
      cacheFlush: f['dns.resp.cache_flush'] === '1' || f['dns.resp.cache_flush'] === 'True',
      data,
    };
  });
}

export function parseTshark(json: string): CapturedPacket[] {
  const frames = JSON.parse(json) as { _source: { layers: Layer } }[];
  const out: CapturedPacket[] = [];
  for (const fr of frames) {
    const l = fr._source.layers;
    const dns = (l['mdns'] ?? l['dns']) as Layer | undefined;
    if (!dns) continue;
    const ip = (l['ip'] ?? l['ipv6']) as Layer;
    const udp = l['udp'] as Layer;
    const frame = l['frame'] as Layer;
    const flags = dns['dns.flags_tree'] as Layer;
    const q = (dns['Queries'] ?? {}) as Record<string, Layer>;
    out.push({
      time: Number(frame['frame.time_epoch']),
      src: String(ip['ip.src'] ?? ip['ipv6.src']),
      dst: String(ip['ip.dst'] ?? ip['ipv6.dst']),
      srcPort: Number(udp['udp.srcport']),
      dstPort: Number(udp['udp.dstport']),
      ipTtl: Number(ip['ip.ttl'] ?? ip['ipv6.hlim']),
      id: Number.parseInt(String(dns['dns.id']), 16),
      response: flags['dns.flags.response'] === '1',
      authoritative: flags['dns.flags.authoritative'] === '1',
      questions: Object.values(q).map((x) => ({ name: String(x['dns.qry.name']), type: Number(x['dns.qry.type']), qu: x['dns.qry.qu'] === '1' })),
      answers: records(dns['Answers']),
      authorities: records(dns['Authoritative nameservers']),
      additionals: records(dns['Additional records']),
    });
  }
  return out;
}

export async function startCapture(pair: NetnsPair, ns: string, iface: string): Promise<Capture> {
  const dir = mkdtempSync('/tmp/mdns-cap-');
  const file = `${dir}/cap.pcap`;
  const child: ChildProcess = pair.spawn(ns, 'tcpdump', ['-i', iface, '-nn', '-U', '--immediate-mode', '-Z', 'root', '-w', file, 'udp port 5353'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (/listening on/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
      try {
        const json = await sh('tshark', ['-r', file, '-o', 'udp.check_checksum:FALSE', '-o', 'ip.check_checksum:FALSE', '-T', 'json'], { timeoutMs: 60_000 });
        return parseTshark(json);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
