// When each record was last multicast on each link (RFC 6762 §6, §5.4):
// - §6: a record is multicast at most once per second per interface, except in answer to a
//   probe, where the floor is 250 ms;
// - §5.4: a QU question is answered by unicast only if the record was multicast on that link
//   within the last quarter of its TTL; otherwise the answer is multicast so caches refresh.

import type { Family } from './interfaces.js';

export const MIN_MULTICAST_INTERVAL_MS = 1000;
export const MIN_PROBE_DEFENCE_INTERVAL_MS = 250;

export class MulticastHistory {
  private readonly last = new Map<string, number>();

  private static key(link: string, family: Family, recordKey: string): string {
    return `${link}/${family}|${recordKey}`;
  }

  record(link: string, family: Family, recordKey: string, now: number): void {
    this.last.set(MulticastHistory.key(link, family, recordKey), now);
  }

  lastSent(link: string, family: Family, recordKey: string): number | undefined {
    return this.last.get(MulticastHistory.key(link, family, recordKey));
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

  /** Forgets entries older than `maxAgeMs` (bounded memory: names come and go). */
  prune(now: number, maxAgeMs: number): void {
    for (const [k, t] of this.last) if (now - t > maxAgeMs) this.last.delete(k);
  }

  forgetLink(link: string): void {
    const prefix = `${link}/`;
    for (const k of this.last.keys()) if (k.startsWith(prefix)) this.last.delete(k);
  }

  get size(): number {
    return this.last.size;
  }
}
