// Which network interfaces mDNS runs on, and which one a packet came in on.
// RFC 6762 §14/§15: a responder works per link. Default: every interface that is up and
// multicast-capable (IFF_UP and IFF_MULTICAST in /sys/class/net/IF/flags), connected
// (/sys/class/net/IF/operstate "up", or "unknown" for drivers without carrier) and has an
// address; `--interface NAME` narrows that. The operstate is the carrier: a cable pulled out
// (or a veth whose peer is down) takes the link away, and plugging it back in makes it a new
// link, probed before it is announced on (§8.1 "Link Change"). Loopback counts only if it has MULTICAST (a network
// namespace's `lo` does not). Node has no IP_PKTINFO, so the arrival interface of a packet is
// inferred from its source address: the interface whose subnet holds it (IPv4, global IPv6) or
// the `%scope` Node appends to link-local IPv6 sources. Sources on no link are off-link and
// RFC 6762 §11/§5.5 says to ignore them.

import { readFileSync } from 'node:fs';
import os from 'node:os';

export type Family = 4 | 6;

export interface LinkAddress {
  address: string;
  /** Prefix length. */
  prefix: number;
}

export interface Link {
  name: string;
  ipv4: LinkAddress[];
  /** All IPv6 addresses; link-local ones are what multicast uses. */
  ipv6: LinkAddress[];
  mtu: number;
}

const IFF_UP = 0x1;
const IFF_MULTICAST = 0x1000;

export interface SystemView {
  networkInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  /** Interface flags, or undefined where /sys is not there (then: non-internal means usable). */
  flags(name: string): number | undefined;
  mtu(name: string): number | undefined;
  /** RFC 2863 operational state ("up", "down", "unknown", "dormant" …), or undefined where unknown. */
  operstate?(name: string): string | undefined;
}

function readSys(name: string, file: string): string | undefined {
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export const realSystem: SystemView = {
  networkInterfaces: () => os.networkInterfaces(),
  flags(name) {
    const raw = readSys(name, 'flags');
    if (raw === undefined) return undefined;
    const n = Number.parseInt(raw, 16);
    return Number.isNaN(n) ? undefined : n;
  },
  operstate: (name) => readSys(name, 'operstate'),
  mtu(name) {
    const raw = readSys(name, 'mtu');
    const n = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
    return Number.isNaN(n) ? undefined : n;
  },
};

function prefixOf(info: os.NetworkInterfaceInfo): number {
  const cidr = info.cidr?.split('/')[1];
  if (cidr !== undefined) return Number.parseInt(cidr, 10);
  return info.family === 'IPv4' ? 32 : 128;
}

/**
 * The usable links, optionally limited to `wanted` names. Pure given a SystemView.
 */
export function scanLinks(wanted: readonly string[] | undefined, system: SystemView = realSystem): Link[] {
  const links: Link[] = [];
  const all = system.networkInterfaces();
  for (const [name, infos] of Object.entries(all)) {
    if (!infos || infos.length === 0) continue;
    if (wanted && wanted.length > 0 && !wanted.includes(name)) continue;
    const flags = system.flags(name);
    if (flags !== undefined) {
      if ((flags & IFF_UP) === 0 || (flags & IFF_MULTICAST) === 0) continue;
    } else if (infos.every((i) => i.internal)) {
      continue;
    }
    const oper = system.operstate?.(name);
    if (oper !== undefined && oper !== 'up' && oper !== 'unknown') continue; // no carrier
    const ipv4 = infos.filter((i) => i.family === 'IPv4').map((i) => ({ address: i.address, prefix: prefixOf(i) }));
    const ipv6 = infos.filter((i) => i.family === 'IPv6').map((i) => ({ address: i.address.split('%')[0]!, prefix: prefixOf(i) }));
    if (ipv4.length === 0 && ipv6.length === 0) continue;
    links.push({ name, ipv4, ipv6, mtu: system.mtu(name) ?? 1500 });
  }
  links.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return links;
}

export function hasFamily(link: Link, family: Family): boolean {
  return family === 4 ? link.ipv4.length > 0 : link.ipv6.some((a) => isLinkLocal6(a.address));
}

/** Largest mDNS payload for a link (§17): MTU less IPv6 (40) and UDP (8) headers, at most 1460. */
export function maxPayload(link: Link): number {
  return Math.max(512, Math.min(1460, link.mtu - 48));
}

// ---------------------------------------------------------------- address arithmetic

export function parseIPv4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** 16 bytes of an IPv6 address (scope suffix ignored), or undefined. */
export function parseIPv6(address: string): Uint8Array | undefined {
  let a = address.split('%')[0]!;
  if (a.startsWith('::ffff:') && a.includes('.')) {
    const v4 = parseIPv4(a.slice(7));
    if (v4 === undefined) return undefined;
    a = `::ffff:${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  return out;
}

export function isLinkLocal6(address: string): boolean {
  const b = parseIPv6(address);
  return b !== undefined && b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}

function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

function v4Bytes(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** The link a source address is on, or undefined for an off-link source. */
export function linkForSource(links: readonly Link[], address: string): Link | undefined {
  const scope = address.includes('%') ? address.slice(address.indexOf('%') + 1) : undefined;
  const v4 = parseIPv4(address.startsWith('::ffff:') ? address.slice(7) : address);
  if (v4 !== undefined) {
    const bytes = v4Bytes(v4);
    return links.find((l) =>
      l.ipv4.some((a) => {
        const own = parseIPv4(a.address);
        return own !== undefined && samePrefix(bytes, v4Bytes(own), a.prefix);
      }),
    );
  }
  const v6 = parseIPv6(address);
  if (!v6) return undefined;
  if (isLinkLocal6(address)) {
    if (scope !== undefined) return links.find((l) => l.name === scope || String(os.networkInterfaces()[l.name]?.[0]?.scopeid) === scope);
    const candidates = links.filter((l) => hasFamily(l, 6));
    return candidates.length === 1 ? candidates[0] : undefined;
  }
  return links.find((l) =>
    l.ipv6.some((a) => {
      const own = parseIPv6(a.address);
      return own !== undefined && samePrefix(v6, own, a.prefix);
    }),
  );
}

/** Whether an address is one of this host's own (on any interface, chosen or not). */
export function isOwnAddress(address: string, system: SystemView = realSystem): boolean {
  const bare = address.split('%')[0]!.replace(/^::ffff:(?=\d+\.)/, '');
  const v6 = parseIPv6(bare);
  for (const infos of Object.values(system.networkInterfaces())) {
    for (const i of infos ?? []) {
      const own = i.address.split('%')[0]!;
      if (own === bare) return true;
      if (v6 && i.family === 'IPv6') {
        const ob = parseIPv6(own);
        if (ob && samePrefix(v6, ob, 128)) return true;
      }
    }
  }
  return false;
}
