// Turning records into packets on the wire: packs them per link MTU (§17), sends multicast on
// every link and family (or one), unicast to a querier, and notes each multicast record in the
// history that §6's rate limit and §5.4's QU rule consult. Probes, announcements and goodbyes
// go in the paced bulk lane; answers (unicast, or multicast on the querier's link) go at once.

import type { Clock, TimerHandle } from './clock.js';
import { goodbyeRecords } from './goodbye.js';
import { type Family, hasFamily, maxPayload } from './interfaces.js';
import { CLASS_IN, type MdnsQuestion, type MdnsRecord, type MessageHead, type PacketPart, RR, packMessages, recordKey } from './packet.js';
import type { Origin } from './query-response.js';
import type { MulticastHistory } from './rate-limit.js';
import type { Unit } from './registry.js';
import type { Lane, Network } from './transport.js';

const RESPONSE: MessageHead = { response: true, authoritative: true }; // §18.4: AA set, ID 0

/** Probe batches remembered: batches started close together interleave their rounds. */
const RECENT_PROBES = 4;

/** Names announced in one packing; a change to one of them sends the group's goodbyes the slow way. */
const ANNOUNCE_GROUP = 256;

interface AnnouncedGroup {
  /** Each unit with the records it had when announced (record lists are replaced, never edited). */
  members: { unit: Unit; unique: readonly MdnsRecord[]; shared: readonly MdnsRecord[] }[];
  /** The announcement packets, per payload limit. */
  packets: Map<number, Buffer[]>;
}

/**
 * An announcement packet turned into its goodbye (§10.1): every record's TTL 0 and cache-flush
 * bit clear (goodbye.ts says why), names and rdata untouched. Null if it does not parse.
 */
export function goodbyeCopy(packet: Buffer): Buffer | null {
  if (packet.length < 12) return null;
  const out = Buffer.from(packet);
  const qd = out.readUInt16BE(4);
  const rr = out.readUInt16BE(6) + out.readUInt16BE(8) + out.readUInt16BE(10);
  let pos = 12;
  const skipName = (): boolean => {
    for (;;) {
      if (pos >= out.length) return false;
      const len = out[pos]!;
      if (len === 0) {
        pos += 1;
        return true;
      }
      if ((len & 0xc0) === 0xc0) {
        pos += 2;
        return true;
      }
      if ((len & 0xc0) !== 0) return false;
      pos += 1 + len;
    }
  };
  for (let i = 0; i < qd; i++) {
    if (!skipName()) return null;
    pos += 4;
  }
  for (let i = 0; i < rr; i++) {
    if (!skipName() || pos + 10 > out.length) return null;
    out.writeUInt16BE(out.readUInt16BE(pos + 2) & 0x7fff, pos + 2);
    out.writeUInt32BE(0, pos + 4);
    pos += 10 + out.readUInt16BE(pos + 8);
  }
  return pos === out.length ? out : null;
}

export class Outbox {
  /** Keyed by a unit's record list, which is replaced (never edited) when its records change. */
  private readonly probeParts = new WeakMap<readonly MdnsRecord[], PacketPart>();
  /** The last few probe rounds sent, with their packets per payload limit. */
  private readonly recentProbes: {
    units: readonly Unit[];
    uniques: readonly (readonly MdnsRecord[])[];
    links: readonly string[] | undefined;
    packets: Map<number, Buffer[]>;
  }[] = [];
  /** The group each unit was last announced in on every link (weak: units come and go). */
  private readonly announced = new WeakMap<Unit, AnnouncedGroup>();

  /** Announcement groups still to be sent (announce), and whether we are saying goodbye. */
  private readonly pending = new Set<TimerHandle>();
  private closing = false;

  constructor(
    private readonly network: Network,
    private readonly history: MulticastHistory,
    private readonly clock: Clock,
    /** Whether a unit is still ours to announce (registered, owned). */
    private readonly stillOwned: (unit: Unit) => boolean = (u) => u.state === 'owned',
  ) {}

  private targets(): { link: string; family: Family; max: number }[] {
    const out: { link: string; family: Family; max: number }[] = [];
    for (const l of this.network.links()) {
      for (const family of [4, 6] as const) if (hasFamily(l, family)) out.push({ link: l.name, family, max: maxPayload(l) });
    }
    return out;
  }

  /** Multicast on every link and family, or only on `links`, or only on one link and family. Returns the packets per payload limit. */
  private multicast(
    head: MessageHead,
    parts: PacketPart[],
    lane: Lane,
    where: { links?: readonly string[]; family?: Family } = {},
    remember = false,
    packed?: Map<number, Buffer[]>,
  ): Map<number, Buffer[]> {
    const cache = packed ?? new Map<number, Buffer[]>();
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
    return cache;
  }

  /**
   * §8.1: QU questions of type ANY, proposed records in the Authority section. Their cache-flush
   * bits are clear, as avahi sends them: a probe is a query, the bit instructs caches in
   * responses (§10.2), and the §8.2 tie-break ignores it.
   */
  probe(units: readonly Unit[], links?: readonly string[]): void {
    // The second and third probes of a batch (§8.1) are the first one's packets again.
    const maxes = this.targets()
      .filter((t) => !links || links.includes(t.link))
      .map((t) => t.max);
    const again = this.recentProbes.find(
      (p) =>
        p.links === links &&
        maxes.every((m) => p.packets.has(m)) &&
        p.units.length === units.length &&
        p.units.every((u, i) => u === units[i] && u.unique === p.uniques[i]),
    );
    if (again) {
      this.multicast({ response: false }, [], 'bulk', links ? { links } : {}, false, again.packets);
      return;
    }
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
    const packets = this.multicast({ response: false }, parts, 'bulk', links ? { links } : {});
    this.recentProbes.unshift({ units: [...units], uniques: units.map((u) => u.unique), links, packets });
    this.recentProbes.length = Math.min(this.recentProbes.length, RECENT_PROBES);
  }

  /**
   * §8.3: every record of the units, unique ones with cache-flush. On every link, units are
   * packed in groups of ANNOUNCE_GROUP whose packets are kept: on exit they become the goodbyes
   * (farewell) without packing 10,000 names again.
   */
  announce(units: readonly Unit[], links?: readonly string[]): void {
    if (links) {
      this.multicast(
        RESPONSE,
        units.map((u) => ({ answers: [...u.unique, ...u.shared] })),
        'bulk',
        { links },
        true,
      );
      return;
    }
    // One group now, the next ones each on a later turn of the event loop: packing 10,000
    // names takes long enough to hold up answers (§6: within 10 ms) if done in one go.
    const sendGroup = (from: number, now: boolean) => {
      let group = units.slice(from, from + ANNOUNCE_GROUP);
      if (!now) group = group.filter((u) => this.stillOwned(u)); // it may have gone meanwhile
      if (group.length) {
        const packets = this.multicast(
          RESPONSE,
          group.map((u) => ({ answers: [...u.unique, ...u.shared] })),
          'bulk',
          {},
          true,
        );
        const announced: AnnouncedGroup = { members: group.map((unit) => ({ unit, unique: unit.unique, shared: unit.shared })), packets };
        for (const u of group) this.announced.set(u, announced);
      }
      if (from + ANNOUNCE_GROUP < units.length) {
        const timer = this.clock.setTimeout(() => {
          this.pending.delete(timer);
          if (!this.closing) sendGroup(from + ANNOUNCE_GROUP, false);
        }, 0);
        this.pending.add(timer);
      }
    };
    sendGroup(0, true);
  }

  /**
   * §10.1 on exit: goodbyes for every record of `units`. A group announced together whose
   * units are all still here with the same records is said goodbye to with its announcement
   * packets, TTL set to 0 and cache-flush cleared; the rest is packed as usual. Returns how many
   * names went the fast way (for -v).
   */
  farewell(units: readonly Unit[]): number {
    this.closing = true;
    for (const t of this.pending) this.clock.clearTimeout(t);
    this.pending.clear();
    const here = new Set(units);
    const maxes = new Set(this.targets().map((t) => t.max));
    const verdict = new Map<AnnouncedGroup, Map<number, Buffer[]> | null>();
    const rest = new Map<string, MdnsRecord>();
    let fast = 0;
    for (const u of units) {
      const g = this.announced.get(u);
      let byes = g ? verdict.get(g) : null;
      if (g && byes === undefined) {
        byes = this.goodbyesOf(g, here, maxes);
        verdict.set(g, byes);
      }
      if (byes) {
        fast++;
        continue;
      }
      for (const r of u.unique) rest.set(recordKey(r), r);
      for (const r of u.shared) rest.set(recordKey(r), r);
    }
    for (const t of this.targets()) {
      const dest = { kind: 'multicast', link: t.link, family: t.family } as const;
      for (const byes of verdict.values()) for (const p of byes?.get(t.max) ?? []) this.network.send(p, dest, 'bulk');
    }
    if (rest.size) this.goodbye([...rest.values()]);
    return fast;
  }

  private goodbyesOf(g: AnnouncedGroup, here: ReadonlySet<Unit>, maxes: ReadonlySet<number>): Map<number, Buffer[]> | null {
    for (const m of g.members) {
      if (!here.has(m.unit) || m.unit.unique !== m.unique || m.unit.shared !== m.shared || this.announced.get(m.unit) !== g) return null;
    }
    const out = new Map<number, Buffer[]>();
    for (const max of maxes) {
      const packets = g.packets.get(max);
      if (!packets) return null;
      const byes: Buffer[] = [];
      for (const p of packets) {
        const bye = goodbyeCopy(p);
        if (!bye) return null;
        byes.push(bye);
      }
      out.set(max, byes);
    }
    return out;
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
