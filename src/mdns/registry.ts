// The names this responder claims, one "unit" per unique name (RFC 6762 §8: probing and
// conflicts are per unique name): a hostname with its A/AAAA records, or a DNS-SD service
// instance with its SRV/TXT records plus the shared PTRs that point at it.
// Lookups are case-insensitive (§16) and O(1) per question, so 10,000 names answer quickly.

import { nameKey } from './names.js';
import { RR, recordKey, typeCode, type MdnsRecord } from './packet.js';
import { nsecRecord } from './host-records.js';

/**
 * 'withdrawn': a DNS-SD instance whose hostname is not ours at the moment (lost to a conflict,
 * or still being probed). It is not answered, and is probed again once the hostname is owned:
 * an SRV pointing at a name someone else answers for would send clients to that host.
 */
export type UnitState = 'probing' | 'owned' | 'conflict' | 'withdrawn';

export interface Unit {
  key: string;
  name: string;
  kind: 'host' | 'service';
  /** nameKey of the hostname (RecordSet) this unit belongs to. */
  host: string;
  /** Records we claim uniquely at `name` (sent with cache-flush, §10.2). */
  unique: MdnsRecord[];
  /** Shared records (PTRs) that point at this name, published while it is owned. */
  shared: MdnsRecord[];
  state: UnitState;
  /** Set in state 'conflict': who else answers, for people. */
  conflict?: string;
}

/** What answering needs: the owned units at a name, and the owned units sharing records there. */
export interface OwnedNames {
  owned(name: string): Unit | undefined;
  sharedOwners(name: string): Unit[];
}

/** A view of `names` without the units `hidden` says to leave out (e.g. still probed on a link). */
export function hiding(names: OwnedNames, hidden: (unit: Unit) => boolean): OwnedNames {
  return {
    owned: (name) => {
      const u = names.owned(name);
      return u && !hidden(u) ? u : undefined;
    },
    sharedOwners: (name) => names.sharedOwners(name).filter((u) => !hidden(u)),
  };
}

export class Registry implements OwnedNames {
  private readonly units = new Map<string, Unit>();
  /** Owner name of a shared record -> units carrying such a record. */
  private readonly sharedIndex = new Map<string, Set<string>>();

  get(name: string): Unit | undefined {
    return this.units.get(nameKey(name));
  }

  all(): IterableIterator<Unit> {
    return this.units.values();
  }

  get size(): number {
    return this.units.size;
  }

  add(unit: Unit): void {
    this.remove(unit.key);
    this.units.set(unit.key, unit);
    this.indexShared(unit);
  }

  remove(key: string): Unit | undefined {
    const unit = this.units.get(key);
    if (!unit) return undefined;
    this.units.delete(key);
    this.unindexShared(unit);
    return unit;
  }

  /** Replaces a unit's records in place (its state is kept). */
  setRecords(unit: Unit, unique: MdnsRecord[], shared: MdnsRecord[]): void {
    this.unindexShared(unit);
    unit.unique = unique;
    unit.shared = shared;
    this.indexShared(unit);
  }

  /** The owned unit at a name, if any: only owned names are answered (§8.1: not while probing). */
  owned(name: string): Unit | undefined {
    const u = this.units.get(nameKey(name));
    return u?.state === 'owned' ? u : undefined;
  }

  /** Whether a name (already a nameKey) is one of ours in any state, or carries our shared records. */
  knows(key: string): boolean {
    return this.units.has(key) || this.sharedIndex.has(key);
  }

  /** The owned hostname unit at `key` (a nameKey) when nothing is shared there: its answers are its own records only. */
  ownedHost(key: string): Unit | undefined {
    const u = this.units.get(key);
    return u?.state === 'owned' && u.kind === 'host' && !this.sharedIndex.has(key) ? u : undefined;
  }

  /** Owned units that carry a shared record at `name` (e.g. `_http._tcp.local`). */
  sharedOwners(name: string): Unit[] {
    const keys = this.sharedIndex.get(nameKey(name));
    if (!keys) return [];
    const out: Unit[] = [];
    for (const k of keys) {
      const u = this.units.get(k);
      if (u?.state === 'owned') out.push(u);
    }
    return out;
  }

  /** Shared records of `unit` that no other owned unit still publishes (safe to say goodbye to). */
  sharedOnlyHere(unit: Unit): MdnsRecord[] {
    return unit.shared.filter((r) => {
      const key = recordKey(r);
      return !this.sharedOwners(r.name).some((o) => o !== unit && o.shared.some((s) => recordKey(s) === key));
    });
  }

  private indexShared(unit: Unit): void {
    for (const r of unit.shared) {
      const k = nameKey(r.name);
      let set = this.sharedIndex.get(k);
      if (!set) this.sharedIndex.set(k, (set = new Set()));
      set.add(unit.key);
    }
  }

  private unindexShared(unit: Unit): void {
    for (const r of unit.shared) {
      const k = nameKey(r.name);
      const set = this.sharedIndex.get(k);
      set?.delete(unit.key);
      if (set?.size === 0) this.sharedIndex.delete(k);
    }
  }
}

/** The §6.1 NSEC for a unit: the types it has. */
export function unitNsec(unit: Unit): MdnsRecord {
  const ttl = unit.unique[0]?.ttl ?? 120;
  return nsecRecord(unit.name, unit.unique.map(typeCode), ttl);
}

export function hasType(unit: Unit, type: number): boolean {
  return unit.unique.some((r) => typeCode(r) === type);
}

export const ADDRESS_TYPES: readonly number[] = [RR.A, RR.AAAA];
