// Announcing (RFC 6762 §8.3): once a name is ours, multicast all its records twice, one second
// apart (the RFC asks for at least two, never periodically afterwards). §8.4: when a record
// changes, announce again the same way. Units announced together share packets.

import type { Clock, TimerHandle } from './clock.js';
import type { Unit } from './registry.js';

export const ANNOUNCE_COUNT = 2;
export const ANNOUNCE_INTERVAL_MS = 1000;

interface Series {
  units: Map<string, Unit>;
  remaining: number;
  timer: TimerHandle | undefined;
}

export interface AnnouncerDeps {
  clock: Clock;
  /** Multicast these units' records (unique ones with cache-flush) on every link. */
  sendAnnouncement(units: Unit[]): void;
}

export class Announcer {
  private readonly series = new Set<Series>();
  private readonly byKey = new Map<string, Series>();

  constructor(private readonly deps: AnnouncerDeps) {}

  /** Sends the first announcement now and schedules the rest. */
  announce(units: readonly Unit[]): void {
    if (units.length === 0) return;
    const s: Series = { units: new Map(), remaining: ANNOUNCE_COUNT, timer: undefined };
    for (const u of units) {
      this.cancel(u.key);
      s.units.set(u.key, u);
      this.byKey.set(u.key, s);
    }
    this.series.add(s);
    this.fire(s);
  }

  private fire(s: Series): void {
    s.timer = undefined;
    if (s.units.size === 0) {
      this.series.delete(s);
      return;
    }
    s.remaining--;
    this.deps.sendAnnouncement([...s.units.values()]);
    if (s.remaining > 0) {
      s.timer = this.deps.clock.setTimeout(() => this.fire(s), ANNOUNCE_INTERVAL_MS);
    } else {
      this.series.delete(s);
      for (const k of s.units.keys()) this.byKey.delete(k);
    }
  }

  cancel(key: string): void {
    const s = this.byKey.get(key);
    if (!s) return;
    this.byKey.delete(key);
    s.units.delete(key);
    if (s.units.size === 0 && s.timer !== undefined) {
      this.deps.clock.clearTimeout(s.timer);
      this.series.delete(s);
    }
  }

  /** Names with announcements still to come. */
  get count(): number {
    return this.byKey.size;
  }

  isAnnouncing(key: string): boolean {
    return this.byKey.has(key);
  }

  stop(): void {
    for (const s of this.series) if (s.timer !== undefined) this.deps.clock.clearTimeout(s.timer);
    this.series.clear();
    this.byKey.clear();
  }
}
