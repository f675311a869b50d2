// Test doubles for the mDNS unit tests: a fake clock (no sleeping, no timing assertions) and a
// fake network (no sockets) that records what the responder sends.

import type { Clock, TimerHandle } from '../../../src/mdns/clock.js';
import type { Link } from '../../../src/mdns/interfaces.js';
import { type MdnsMessage, type MessageBody, type MessageHead, decodeMessage, encodeMessage } from '../../../src/mdns/packet.js';
import type { Destination, Network, Source } from '../../../src/mdns/transport.js';
import type { RecordSet } from '../../../src/records/types.js';
import type { Sink } from '../../../src/plan/sink.js';
import { planFor } from '../../../src/reconcile/driver.js';

interface Timer {
  handle: { id: number };
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t = 1_000_000;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = { id: ++this.seq };
    this.timers.push({ handle, at: this.t + Math.max(0, ms), seq: this.seq, fn });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((x) => x.handle !== handle);
  }

  /** Runs every timer due within `ms`, in order, moving the clock to each one's time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const x of this.timers) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq))) next = x;
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  pending(): number {
    return this.timers.length;
  }
}

export interface Sent {
  at: number;
  dest: Destination;
  packet: Buffer;
  msg: MdnsMessage;
}

export const ETH0: Link = { name: 'eth0', ipv4: [{ address: '192.168.7.10', prefix: 24 }], ipv6: [{ address: 'fe80::10', prefix: 64 }], mtu: 1500 };

export class FakeNetwork implements Network {
  readonly sent: Sent[] = [];
  linkList: Link[] = [ETH0];
  closed = false;
  private handler: (packet: Buffer, from: Source) => void = () => {};
  private linksHandler: (added: Link[], removed: Link[]) => void = () => {};

  constructor(private readonly clock: FakeClock) {}

  links(): Link[] {
    return this.linkList;
  }

  send(packet: Buffer, dest: Destination): void {
    this.sent.push({ at: this.clock.now(), dest, packet, msg: decodeMessage(packet) });
  }

  onMessage(handler: (packet: Buffer, from: Source) => void): void {
    this.handler = handler;
  }

  onLinksChanged(handler: (added: Link[], removed: Link[]) => void): void {
    this.linksHandler = handler;
  }

  changeLinks(added: Link[], removed: Link[]): void {
    this.linksHandler(added, removed);
  }

  deliverRaw(packet: Buffer, from: Partial<Source> = {}): void {
    this.handler(packet, { address: '192.168.7.99', port: 5353, family: 4, link: 'eth0', ...from });
  }

  deliver(head: MessageHead, body: MessageBody, from: Partial<Source> = {}): void {
    this.deliverRaw(encodeMessage(head, body), from);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Sent messages since index `from`, on IPv4 multicast only (one copy per packet). */
  v4multicast(from = 0): Sent[] {
    return this.sent.slice(from).filter((s) => s.dest.kind === 'multicast' && s.dest.family === 4);
  }

  clear(): void {
    this.sent.length = 0;
  }
}

export function recordSet(name: string, a: string[], aaaa: string[] = [], extra: Partial<RecordSet> = {}): RecordSet {
  return { name, target: 'mdns', a, aaaa, services: [], owners: [{ kind: 'HTTPRoute', namespace: 'default', name: name.split('.')[0]! }], ...extra };
}

/** 0.5 every time: deterministic "random" delays (125 ms initial probe wait). */
export const half = () => 0.5;

/** What the reconcile stage does for a synchronous sink: plan against current(), apply. */
export function publish(sink: Sink, records: readonly RecordSet[]): void {
  sink.apply(planFor(sink, records));
}
