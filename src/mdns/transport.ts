// The socket edge: node:dgram, one UDP socket per address family bound to port 5353.
// Why not mdns-server or multicast-dns: docs/decisions.md (mDNS).
// - RFC 6762 §11: IP TTL 255 on everything sent, multicast and unicast.
// - §6/§11: replies leave from port 5353 (the socket is bound to it), unicast replies go to the
//   querier's address and port (QU §5.4, legacy §6.7).
// - Multicast goes out on each chosen link in turn (setMulticastInterface). The option applies
//   when the kernel takes the datagram, so the queue waits for in-flight sends to complete
//   before switching links: a burst of 10,000 names cannot leak onto the wrong interface.
// - Our own packets come back through multicast loopback: they are recognised by a hash of what
//   we sent (as ciao does) plus a local source address, and dropped. Only packets from one of
//   our own addresses are hashed.
// - Two lanes (RFC 6762 §6: answers within 10 ms): replies to queries leave at once, unicast
//   straight to the kernel; only unsolicited bulk multicast (probes, announcements, goodbyes)
//   is paced, and an answer never waits behind it.
// - The links are re-scanned every few seconds (rescanMs, 5 s by default); joins and leaves
//   follow, and the responder probes its names on a link that appeared (link-probe.ts).
// Nothing thrown by a handler escapes the socket callback.

import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import os from 'node:os';
import { UserError, errorMessage } from '../util/errors.js';
import type { Reporter } from '../util/reporter.js';
import { type Family, type Link, type SystemView, hasFamily, linkForSource, realSystem, scanLinks } from './interfaces.js';

export const MDNS_PORT = 5353;
export const MDNS_GROUP_V4 = '224.0.0.251';
export const MDNS_GROUP_V6 = 'ff02::fb';
/**
 * Pacing of bulk multicast only (probes, announcements, goodbyes: `send(…, 'bulk')`). 10,000
 * names make ~700 full packets per round; sent in one burst they overflow receivers' socket
 * buffers (~200 KB, about 90 full packets) and the veth backlog, and most are lost. A short
 * burst and then a steady rate keeps every packet. The rate is what avahi-daemon and
 * python-zeroconf took without a single drop here (docs/performance.md, Goodbye pacing).
 * Answers to queries never wait behind it (RFC 6762 §6: unique answers within 10 ms).
 */
export const PACE_BURST = 32;
export const PACE_PER_MS = 4;
/**
 * On exit (close) the goodbyes go at the rate python-zeroconf took without losing one of the
 * 10,000 names' goodbyes (it lost half at 2 per ms). avahi-daemon 0.8 needs 0.15 per ms or less
 * (a second and more for 10,000 names, past the exit budget): it still loses some at 1 per ms
 * and keeps those names until their TTL runs out (docs/performance.md, Goodbye pacing).
 */
export const GOODBYE_PER_MS = 1;

export interface Source {
  address: string;
  port: number;
  family: Family;
  /** The link the packet arrived on (inferred from the source address). */
  link: string;
}

export type Destination = { kind: 'multicast'; link: string; family: Family } | { kind: 'unicast'; address: string; port: number; family: Family };

/**
 * 'answer': a reply to a query, sent at once. 'bulk': unsolicited multicast (probes,
 * announcements, goodbyes), paced so receivers can keep up.
 */
export type Lane = 'answer' | 'bulk';

/** What the responder needs from the network; tests substitute a fake. */
export interface Network {
  links(): Link[];
  send(packet: Buffer, dest: Destination, lane?: Lane): void;
  onMessage(handler: (packet: Buffer, from: Source) => void): void;
  /** Links that appeared (or changed address) and links that went away. */
  onLinksChanged(handler: (added: Link[], removed: Link[]) => void): void;
  /** Flushes queued packets (bounded wait), then closes. */
  close(): Promise<void>;
}

/**
 * A FIFO of packets with a moving head: shift() is O(1) (Array#shift on 100,000 queued
 * goodbyes is not), and the arrays are compacted once the head passes half of them.
 */
class PacketQueue {
  private packets: Buffer[] = [];
  private dests: Destination[] = [];
  private head = 0;

  get length(): number {
    return this.packets.length - this.head;
  }

  push(packet: Buffer, dest: Destination): void {
    this.packets.push(packet);
    this.dests.push(dest);
  }

  peekDest(): Destination {
    return this.dests[this.head]!;
  }

  shift(): Buffer {
    const p = this.packets[this.head]!;
    this.head++;
    if (this.head === this.packets.length) {
      this.packets = [];
      this.dests = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.packets.length) {
      this.packets = this.packets.slice(this.head);
      this.dests = this.dests.slice(this.head);
      this.head = 0;
    }
    return p;
  }
}

class FamilySocket {
  /** Replies to queries: before anything bulk, never paced. */
  private readonly answers = new PacketQueue();
  private readonly bulk = new PacketQueue();
  private inflight = 0;
  private currentLink: string | undefined;
  private idle: (() => void)[] = [];
  private tokens = PACE_BURST;
  private refilledAt = Date.now();
  private paceTimer: NodeJS.Timeout | undefined;
  /** Bulk packets per millisecond (GOODBYE_PER_MS once closing). */
  perMs = PACE_PER_MS;
  /** One callback for every send (no closure per packet). */
  private readonly afterSend = (err: Error | null): void => {
    this.inflight--;
    if (err) this.debug(`send: ${errorMessage(err)}`);
    if (this.answers.length > 0 || this.bulk.length > 0) this.pump();
    else this.checkIdle();
  };
  closed = false;

  constructor(
    readonly family: Family,
    readonly socket: dgram.Socket,
    private readonly linkAddress: (link: string) => string | undefined,
    private readonly onSent: (packet: Buffer, dest: Destination) => void,
    private readonly debug: (msg: string) => void,
  ) {}

  send(packet: Buffer, dest: Destination, lane: Lane): void {
    if (this.closed) return;
    if (lane === 'answer' && dest.kind === 'unicast') {
      // Unicast needs no multicast interface: straight to the kernel, whatever else is queued.
      this.inflight++;
      this.onSent(packet, dest);
      this.transmit(packet, dest.port, dest.address);
      return;
    }
    (lane === 'answer' ? this.answers : this.bulk).push(packet, dest);
    this.pump();
  }

  private transmit(packet: Buffer, port: number, address: string): void {
    try {
      this.socket.send(packet, port, address, this.afterSend);
    } catch (err) {
      this.inflight--;
      this.debug(`send to ${address}: ${errorMessage(err)}`);
    }
  }

  /** Token bucket: bursts of PACE_BURST, then `perMs` packets per millisecond. */
  private mayTake(): boolean {
    const now = Date.now();
    this.tokens = Math.min(PACE_BURST, this.tokens + (now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    if (!this.paceTimer) {
      this.paceTimer = setTimeout(
        () => {
          this.paceTimer = undefined;
          this.pump();
        },
        Math.max(1, Math.ceil((1 - this.tokens) / this.perMs)),
      );
    }
    return false;
  }

  private pump(): void {
    while (!this.closed) {
      let queue: PacketQueue;
      if (this.answers.length > 0) queue = this.answers;
      else if (this.bulk.length > 0 && !this.paceTimer && this.mayTake()) queue = this.bulk;
      else break;
      const dest = queue.peekDest();
      let address: string;
      if (dest.kind === 'multicast') {
        if (dest.link !== this.currentLink) {
          if (this.inflight > 0) {
            // Wait: the option applies to datagrams not yet taken. A bulk packet gives its
            // token back; the next send completion pumps again.
            if (queue === this.bulk) this.tokens += 1;
            return;
          }
          const ifaceAddr = this.linkAddress(dest.link);
          if (ifaceAddr === undefined) {
            queue.shift();
            continue;
          }
          try {
            this.socket.setMulticastInterface(ifaceAddr);
            this.currentLink = dest.link;
          } catch (err) {
            this.debug(`setMulticastInterface ${dest.link}: ${errorMessage(err)}`);
            queue.shift();
            continue;
          }
        }
        address = this.family === 4 ? MDNS_GROUP_V4 : `${MDNS_GROUP_V6}%${dest.link}`;
      } else {
        address = dest.address;
      }
      const packet = queue.shift();
      this.inflight++;
      this.onSent(packet, dest);
      this.transmit(packet, dest.kind === 'multicast' ? MDNS_PORT : dest.port, address);
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.answers.length === 0 && this.bulk.length === 0 && this.inflight === 0) {
      const waiters = this.idle;
      this.idle = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Links came or went: set the multicast interface again before the next send even to a link
   * of the same name. The option holds an interface index, and a link that was deleted and
   * created again has a new one; sends to the old index would fail until the next switch.
   */
  forgetInterface(): void {
    this.currentLink = undefined;
  }

  drained(): Promise<void> {
    if (this.answers.length === 0 && this.bulk.length === 0 && this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}

export interface UdpTransportOptions {
  interfaces?: string[];
  reporter: Reporter;
  rescanMs?: number;
  system?: SystemView;
}

export class UdpTransport implements Network {
  private current: Link[] = [];
  private ownAddresses = new Set<string>();
  private readonly sent = new Map<string, number>();
  private readonly sourceLinks = new Map<string, Link | null>();
  private readonly sockets: FamilySocket[] = [];
  private messageHandler: (packet: Buffer, from: Source) => void = () => {};
  private linksHandler: (added: Link[], removed: Link[]) => void = () => {};
  private rescanTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly opts: UdpTransportOptions) {}

  static async open(opts: UdpTransportOptions): Promise<UdpTransport> {
    const t = new UdpTransport(opts);
    t.current = scanLinks(opts.interfaces, opts.system ?? realSystem);
    t.refreshOwnAddresses();
    if (opts.interfaces?.length) {
      for (const name of opts.interfaces) {
        if (!t.current.some((l) => l.name === name)) {
          opts.reporter.report({
            kind: 'warning',
            source: 'mdns',
            message: `interface ${name} is not up, connected, multicast-capable and addressed (yet); mDNS will use it when it is`,
            fields: { interface: name },
          });
        }
      }
    }
    const errors: string[] = [];
    for (const family of [4, 6] as const) {
      try {
        t.sockets.push(await t.openSocket(family));
      } catch (err) {
        errors.push(`IPv${family}: ${errorMessage(err)}`);
      }
    }
    if (t.sockets.length === 0) {
      throw new UserError(`cannot open the mDNS port (UDP ${MDNS_PORT}): ${errors.join('; ')}. Is another program holding it without SO_REUSEADDR?`);
    }
    for (const e of errors) opts.reporter.debug('mdns', `socket: ${e}`);
    for (const link of t.current) t.join(link);
    const rescanMs = opts.rescanMs ?? 5000;
    if (rescanMs > 0) {
      t.rescanTimer = setInterval(() => t.rescan(), rescanMs);
      t.rescanTimer.unref();
    }
    return t;
  }

  private async openSocket(family: Family): Promise<FamilySocket> {
    const socket = dgram.createSocket(family === 4 ? { type: 'udp4', reuseAddr: true } : { type: 'udp6', reuseAddr: true, ipv6Only: true });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      socket.once('error', onError);
      socket.bind({ port: MDNS_PORT, address: family === 4 ? '0.0.0.0' : '::', exclusive: false }, () => {
        socket.off('error', onError);
        resolve();
      });
    }).catch((err: unknown) => {
      try {
        socket.close();
      } catch {
        /* already closed */
      }
      throw err;
    });
    socket.setMulticastTTL(255); // RFC 6762 §11
    socket.setTTL(255);
    socket.setMulticastLoopback(true); // other mDNS software on this host must hear us
    socket.on('error', (err) => this.opts.reporter.debug('mdns', `socket IPv${family}: ${err.message}`));
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo, family));
    return new FamilySocket(
      family,
      socket,
      (name) => this.multicastInterfaceAddress(name, family),
      (packet, dest) => this.remember(packet, dest),
      (m) => this.opts.reporter.debug('mdns', m),
    );
  }

  private multicastInterfaceAddress(name: string, family: Family): string | undefined {
    const link = this.current.find((l) => l.name === name);
    if (!link || !hasFamily(link, family)) return undefined;
    return family === 4 ? link.ipv4[0]!.address : `::%${name}`;
  }

  private join(link: Link): void {
    for (const s of this.sockets) {
      const iface = this.multicastInterfaceAddress(link.name, s.family);
      if (iface === undefined) continue;
      try {
        s.socket.addMembership(s.family === 4 ? MDNS_GROUP_V4 : MDNS_GROUP_V6, iface);
      } catch (err) {
        this.opts.reporter.debug('mdns', `join ${link.name} IPv${s.family}: ${errorMessage(err)}`);
      }
    }
  }

  private leave(link: Link): void {
    for (const s of this.sockets) {
      const iface = s.family === 4 ? link.ipv4[0]?.address : `::%${link.name}`;
      if (iface === undefined || (s.family === 6 && !hasFamily(link, 6))) continue;
      try {
        s.socket.dropMembership(s.family === 4 ? MDNS_GROUP_V4 : MDNS_GROUP_V6, iface);
      } catch {
        // the interface is gone already, and with it the membership
      }
    }
  }

  private refreshOwnAddresses(): void {
    const own = new Set<string>();
    for (const infos of Object.values((this.opts.system ?? realSystem).networkInterfaces())) {
      for (const i of infos ?? []) own.add(i.address.split('%')[0]!);
    }
    this.ownAddresses = own;
  }

  /** Re-reads the interfaces; public so the responder (and tests) can force one. */
  rescan(): void {
    const next = scanLinks(this.opts.interfaces, this.opts.system ?? realSystem);
    this.refreshOwnAddresses();
    const sig = (l: Link) => JSON.stringify([l.ipv4, l.ipv6.map((a) => a.address), l.mtu]);
    const before = new Map(this.current.map((l) => [l.name, l]));
    const after = new Map(next.map((l) => [l.name, l]));
    const added: Link[] = [];
    const removed: Link[] = [];
    for (const [name, link] of before) {
      const now = after.get(name);
      if (!now) removed.push(link);
      else if (sig(now) !== sig(link)) this.leave(link);
    }
    for (const [name, link] of after) {
      const was = before.get(name);
      if (!was || sig(was) !== sig(link)) added.push(link);
    }
    for (const l of removed) this.leave(l);
    this.current = next;
    this.sourceLinks.clear();
    for (const l of added) this.join(l);
    if (added.length || removed.length) for (const s of this.sockets) s.forgetInterface();
    if (added.length || removed.length) {
      try {
        this.linksHandler(added, removed);
      } catch (err) {
        this.opts.reporter.debug('mdns', `links handler: ${errorMessage(err)}`);
      }
    }
    const cutoff = Date.now() - 10_000;
    for (const [h, t] of this.sent) if (t < cutoff) this.sent.delete(h);
  }

  /**
   * Multicast comes back to us through loopback, and so does unicast to one of our own
   * addresses: those are remembered to be recognised. Unicast to others never returns.
   */
  private remember(packet: Buffer, dest: Destination): void {
    if (dest.kind === 'unicast' && !this.ownAddresses.has(bareAddress(dest.address))) return;
    this.sent.set(createHash('sha1').update(packet).digest('base64'), Date.now());
    if (this.sent.size > 50_000) {
      const cutoff = Date.now() - 5_000;
      for (const [h, t] of this.sent) if (t < cutoff) this.sent.delete(h);
    }
  }

  private receive(msg: Buffer, rinfo: dgram.RemoteInfo, family: Family): void {
    try {
      // Only packets from one of our own addresses can be our own: the rest are never hashed.
      if (rinfo.port === MDNS_PORT && this.ownAddresses.has(bareAddress(rinfo.address)) && this.sent.has(createHash('sha1').update(msg).digest('base64')))
        return;
      const link = this.linkOf(rinfo.address);
      if (!link) return; // off-link or on an interface we were not asked to use (§11)
      this.messageHandler(msg, { address: rinfo.address, port: rinfo.port, family, link: link.name });
    } catch (err) {
      this.opts.reporter.debug('mdns', `dropped a packet from ${rinfo.address}: ${errorMessage(err)}`);
    }
  }

  /** linkForSource, remembered per source address until the links change (no parsing per packet). */
  private linkOf(address: string): Link | undefined {
    let link = this.sourceLinks.get(address);
    if (link === undefined) {
      if (this.sourceLinks.size >= 4096) this.sourceLinks.clear();
      link = linkForSource(this.current, address) ?? null;
      this.sourceLinks.set(address, link);
    }
    return link ?? undefined;
  }

  links(): Link[] {
    return this.current;
  }

  send(packet: Buffer, dest: Destination, lane: Lane = 'answer'): void {
    const s = this.sockets[0]?.family === dest.family ? this.sockets[0] : this.sockets[1]?.family === dest.family ? this.sockets[1] : undefined;
    s?.send(packet, dest, lane);
  }

  onMessage(handler: (packet: Buffer, from: Source) => void): void {
    this.messageHandler = handler;
  }

  onLinksChanged(handler: (added: Link[], removed: Link[]) => void): void {
    this.linksHandler = handler;
  }

  isOwnAddress(address: string): boolean {
    return this.ownAddresses.has(address.split('%')[0]!);
  }

  async close(): Promise<void> {
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    for (const s of this.sockets) s.perMs = GOODBYE_PER_MS; // what is queued now is goodbyes
    await Promise.race([Promise.all(this.sockets.map((s) => s.drained())), new Promise((r) => setTimeout(r, 1000).unref())]);
    await Promise.all(
      this.sockets.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closed = true;
            try {
              s.socket.close(() => resolve());
            } catch {
              resolve();
            }
          }),
      ),
    );
  }
}

/** An address without its IPv6 zone (`fe80::1%eth0` -> `fe80::1`), without allocating when it has none. */
function bareAddress(address: string): string {
  const i = address.indexOf('%');
  return i < 0 ? address : address.slice(0, i);
}

/** Host addresses, for telling our own answers from others' (query.ts). */
export function hostAddresses(): Set<string> {
  const own = new Set<string>();
  for (const infos of Object.values(os.networkInterfaces())) for (const i of infos ?? []) own.add(i.address.split('%')[0]!);
  return own;
}
