// When each record was last multicast on each link (RFC 6762 §6, §5.4):
// - §6: a record is multicast at most once per second per interface, except in answer to a
//   probe, where the floor is 250 ms;
// - §5.4: a QU question is answered by unicast only if the record was multicast on that link
//   within the last quarter of its TTL; otherwise the answer is multicast so caches refresh.

import type { Family } from './interfaces.js';

export const MIN_MULTICAST_INTERVAL_MS = 1000;
export const MIN_PROBE_DEFENCE_INTERVAL_MS = 250;
const PRUNE_EVERY_MS = 60_000;

export class MulticastHistory {
  /**
   * recordKey -> [where, time, where, time, …]: `where` numbers a link and family. One small
   * array per record, keyed by the record's own (cached) key: no string built per record and
   * link, which for 10,000 names on two families was 20,000 more keys.
   */
  private readonly last = new Map<string, number[]>();
  private readonly whereIds = new Map<string, number>();
  private prunedAt = -Infinity;

  private where(link: string, family: Family): number {
    const k = `${link}/${family}`;
    let id = this.whereIds.get(k);
    if (id === undefined) this.whereIds.set(k, (id = this.whereIds.size));
    return id;
  }

  record(link: string, family: Family, recordKey: string, now: number): void {
    const w = this.where(link, family);
    const times = this.last.get(recordKey);
    if (!times) {
      this.last.set(recordKey, [w, now]);
      return;
    }
    for (let i = 0; i < times.length; i += 2) {
      if (times[i] === w) {
        times[i + 1] = now;
        return;
      }
    }
    times.push(w, now);
  }

  lastSent(link: string, family: Family, recordKey: string): number | undefined {
    const times = this.last.get(recordKey);
    if (!times) return undefined;
    const w = this.where(link, family);
    for (let i = 0; i < times.length; i += 2) if (times[i] === w) return times[i + 1];
    return undefined;
  }

  mayMulticast(link: string, family: Family, recordKey: string, now: number, probeDefence: boolean): boolean {
    const t = this.lastSent(link, family, recordKey);
    if (t === undefined) return true;
    return now - t >= (probeDefence ? MIN_PROBE_DEFENCE_INTERVAL_MS : MIN_MULTICAST_INTERVAL_MS);
  }

  multicastWithin(link: string, family: Family, recordKey: string, now: number, ms: number): boolean {
    const t = this.lastSent(link, family, recordKey);
    return t !== undefined && now - t < ms;
  }

  /**
   * Forgets entries older than `maxAgeMs` (bounded memory: names come and go). A walk over every
   * record, so at most once per PRUNE_EVERY_MS however often it is asked for (the responder asks
   * every few thousand packets: several times a second under load).
   */
  prune(now: number, maxAgeMs: number): void {
    if (now - this.prunedAt < Math.min(PRUNE_EVERY_MS, maxAgeMs)) return;
    this.prunedAt = now;
    for (const [k, times] of this.last) {
      let old = 0;
      for (let i = 1; i < times.length; i += 2) if (now - times[i]! > maxAgeMs) old++;
      if (old === 0) continue;
      if (old * 2 === times.length) {
        this.last.delete(k);
        continue;
      }
      const kept: number[] = [];
      for (let i = 0; i < times.length; i += 2) if (now - times[i + 1]! <= maxAgeMs) kept.push(times[i]!, times[i + 1]!);
      this.last.set(k, kept);
    }
  }

  forgetLink(link: string): void {
    const gone = new Set<number>();
    for (const [k, id] of this.whereIds) if (k.startsWith(`${link}/`)) gone.add(id);
    if (gone.size === 0) return;
    for (const [k, times] of this.last) {
      const kept: number[] = [];
      for (let i = 0; i < times.length; i += 2) if (!gone.has(times[i]!)) kept.push(times[i]!, times[i + 1]!);
      if (kept.length === 0) this.last.delete(k);
      else if (kept.length !== times.length) this.last.set(k, kept);
    }
  }

  /** Record-and-link entries held. */
  get size(): number {
    let n = 0;
    for (const times of this.last.values()) n += times.length / 2;
    return n;
  }
}
