// Turning records into packets on the wire: packs them per link MTU (§17), sends multicast on
// every link and family (or one), unicast to a querier, and notes each multicast record in the
// history that §6's rate limit and §5.4's QU rule consult. Probes, announcements and goodbyes
// go in the paced bulk lane; answers (unicast, or multicast on the querier's link) go at once.

import type { Clock } from './clock.js';
import { goodbyeRecords } from './goodbye.js';
import { type Family, hasFamily, maxPayload } from './interfaces.js';
import { CLASS_IN, type MdnsQuestion, type MdnsRecord, type MessageHead, type PacketPart, RR, packMessages, recordKey } from './packet.js';
import type { Origin } from './query-response.js';
import type { MulticastHistory } from './rate-limit.js';
import type { Unit } from './registry.js';
import type { Lane, Network } from './transport.js';

const RESPONSE: MessageHead = { response: true, authoritative: true }; // §18.4: AA set, ID 0

export class Outbox {
  /** Keyed by a unit's record list, which is replaced (never edited) when its records change. */
  private readonly probeParts = new WeakMap<readonly MdnsRecord[], PacketPart>();

  constructor(
    private readonly network: Network,
    private readonly history: MulticastHistory,
    private readonly clock: Clock,
  ) {}

  private targets(): { link: string; family: Family; max: number }[] {
    const out: { link: string; family: Family; max: number }[] = [];
    for (const l of this.network.links()) {
      for (const family of [4, 6] as const) if (hasFamily(l, family)) out.push({ link: l.name, family, max: maxPayload(l) });
    }
    return out;
  }

  /** Multicast on every link and family, or only on `links`, or only on one link and family. */
  private multicast(head: MessageHead, parts: PacketPart[], lane: Lane, where: { links?: readonly string[]; family?: Family } = {}, remember = false): void {
    const cache = new Map<number, Buffer[]>();
    const now = this.clock.now();
    for (const t of this.targets()) {
      if (where.links && !where.links.includes(t.link)) continue;
      if (where.family !== undefined && where.family !== t.family) continue;
      let packets = cache.get(t.max);
      if (!packets) cache.set(t.max, (packets = packMessages(head, parts, t.max)));
      const dest = { kind: 'multicast', link: t.link, family: t.family } as const;
      for (const p of packets) this.network.send(p, dest, lane);
      if (remember) for (const part of parts) for (const r of part.answers ?? []) this.history.record(t.link, t.family, recordKey(r), now);
    }
  }

  /**
   * §8.1: QU questions of type ANY, proposed records in the Authority section. Their cache-flush
   * bits are clear, as avahi sends them: a probe is a query, the bit instructs caches in
   * responses (§10.2), and the §8.2 tie-break ignores it.
   */
  probe(units: readonly Unit[], links?: readonly string[]): void {
    const parts = units.map((u): PacketPart => {
      // The same part for each of the three probes (§8.1) while the unit's records stay.
      let part = this.probeParts.get(u.unique);
      if (!part) {
        part = {
          questions: [{ name: u.name, typeCode: RR.ANY, qclass: CLASS_IN, unicastResponse: true }],
          authorities: u.unique.map((r) => ({ ...r, flush: false })),
        };
        this.probeParts.set(u.unique, part);
      }
      return part;
    });
    this.multicast({ response: false }, parts, 'bulk', links ? { links } : {});
  }

  /** §8.3: every record of the units, unique ones with cache-flush. */
  announce(units: readonly Unit[], links?: readonly string[]): void {
    this.multicast(RESPONSE, units.map((u) => ({ answers: [...u.unique, ...u.shared] })), 'bulk', links ? { links } : {}, true);
  }

  goodbye(records: readonly MdnsRecord[]): void {
    if (records.length === 0) return;
    this.multicast(RESPONSE, [{ answers: goodbyeRecords(records) }], 'bulk');
  }

  multicastOn(link: string, family: Family, parts: PacketPart[]): void {
    this.multicast(RESPONSE, parts, 'answer', { links: [link], family }, true);
  }

  /** Sends, and returns what it sent (answer-cache.ts keeps a one-packet legacy reply). */
  unicast(parts: PacketPart[], to: Origin, legacy?: { id: number; questions: MdnsQuestion[] }): Buffer[] {
    const link = this.network.links().find((l) => l.name === to.link);
    const max = link ? maxPayload(link) : 1460;
    const head: MessageHead = legacy ? { ...RESPONSE, id: legacy.id } : RESPONSE;
    const packets = packMessages(head, parts, max, legacy?.questions ?? []);
    for (const p of packets) this.sendUnicast(p, to);
    return packets;
  }

  sendUnicast(packet: Buffer, to: Origin): void {
    this.network.send(packet, { kind: 'unicast', address: to.address, port: to.port, family: to.family }, 'answer');
  }
}
