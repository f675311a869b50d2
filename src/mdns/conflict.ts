// Conflict detection and the retry policy (RFC 6762 §9, §8.1).
// - While probing (§8.1), any response holding a record with the name we probe, other than one
//   identical to ours, means someone already has it.
// - Once owned (§9), a response with a record of the same name, type and class but other rdata
//   is a conflict. Identical records are not (another replica of the same data may answer too);
//   TTL-0 records are goodbyes, not claims.
// Gateway hostnames cannot be renamed the way §9 suggests for host names, so the loser stops
// answering, the conflict is reported, and probing is retried later: soon after the other
// claimant says goodbye, otherwise with backoff. §8.1's rate limit applies: after 15 conflicts
// within 10 s, probes wait at least 5 s.

import { Backoff } from '../util/backoff.js';
import { sameName } from './names.js';
import { type MdnsRecord, recordKey, rrsetKey, typeCode } from './packet.js';
import { type Unit, unitNsec } from './registry.js';

export function conflictingRecords(unit: Unit, records: readonly MdnsRecord[], probing: boolean): MdnsRecord[] {
  const ours = new Set([...unit.unique, unitNsec(unit)].map(recordKey));
  const ourSets = new Set(unit.unique.map((r) => rrsetKey(r.name, typeCode(r), r.rclass)));
  return records.filter((r) => {
    if (r.ttl === 0 || !sameName(r.name, unit.name)) return false;
    if (ours.has(recordKey(r))) return false;
    if (probing) return true;
    return ourSets.has(rrsetKey(r.name, typeCode(r), r.rclass));
  });
}

export function describeConflict(records: readonly MdnsRecord[], from: string): string {
  const shown = records.slice(0, 4).map((r) => {
    const d = r.type === 'A' || r.type === 'AAAA' || r.type === 'PTR' ? r.data : r.type === 'SRV' ? `${r.data.target}:${r.data.port}` : '…';
    return `${r.type === 'OTHER' ? `TYPE${r.typeCode}` : r.type} ${d}`;
  });
  return `answered by ${from} with ${shown.join(', ')}${records.length > 4 ? ', …' : ''}`;
}

export const CONFLICT_WINDOW_MS = 10_000;
export const CONFLICT_BURST = 15;
export const CONFLICT_SLOW_PROBE_MS = 5_000;
/** After the other claimant's goodbye, wait this long before probing again. */
export const RETRY_AFTER_GOODBYE_MS = 1_000;

export class ConflictTracker {
  private recent: number[] = [];
  private readonly backoffs = new Map<string, Backoff>();

  constructor(private readonly random: () => number) {}

  noteConflict(now: number): void {
    this.recent.push(now);
    this.recent = this.recent.filter((t) => now - t < CONFLICT_WINDOW_MS);
  }

  /** §8.1: at least 5 s before each probe once 15 conflicts happened within 10 s. */
  minProbeDelay(now: number): number {
    const n = this.recent.filter((t) => now - t < CONFLICT_WINDOW_MS).length;
    return n >= CONFLICT_BURST ? CONFLICT_SLOW_PROBE_MS : 0;
  }

  /** How long a conflicted name waits before probing again (5 s doubling to 60 s, jittered). */
  retryDelay(key: string): number {
    let b = this.backoffs.get(key);
    if (!b) this.backoffs.set(key, (b = new Backoff(5_000, 60_000, this.random)));
    return b.next();
  }

  resolved(key: string): void {
    this.backoffs.delete(key);
  }
}
