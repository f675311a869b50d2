// Probing (RFC 6762 §8.1): before answering for a new unique name, wait a random 0–250 ms,
// then send three probe queries 250 ms apart: QU questions of type ANY for the name, with the
// records we propose in the Authority section (so a simultaneous prober can tie-break, §8.2).
// Names that start probing together travel together: one batch, many names per packet, so
// 10,000 names take three rounds of packets rather than 30,000 packets.
// Conflicts are judged by the responder (conflict.ts); it calls `cancel` for a name that lost.
// The prober does not change a unit's state: the responder marks names it probes everywhere
// as 'probing', while names re-probed on a link that appeared (link-probe.ts) stay 'owned'.

import type { Clock, TimerHandle } from './clock.js';
import type { MdnsRecord } from './packet.js';
import type { Unit } from './registry.js';
import { tiebreak } from './tiebreak.js';
import { sameName } from './names.js';

export const PROBE_COUNT = 3;
export const PROBE_INTERVAL_MS = 250;
export const PROBE_MAX_INITIAL_DELAY_MS = 250;
/** §8.2: the loser of a tie-break waits one second, then probes again. */
export const TIEBREAK_DEFER_MS = 1000;

interface Batch {
  units: Map<string, Unit>;
  sent: number;
  timer: TimerHandle | undefined;
}

export interface ProberDeps {
  clock: Clock;
  random: () => number;
  /** Multicast one round of probes for these units on every link. */
  sendProbes(units: Unit[]): void;
  /** Three probes went out and nobody objected: the names are ours (§8.1). */
  onProbed(units: Unit[]): void;
}

export class Prober {
  private readonly batches = new Set<Batch>();
  private readonly byKey = new Map<string, Batch>();

  constructor(private readonly deps: ProberDeps) {}

  /** Starts probing; `delayMs` defaults to §8.1's random 0–250 ms. */
  start(units: readonly Unit[], delayMs?: number): void {
    if (units.length === 0) return;
    const batch: Batch = { units: new Map(), sent: 0, timer: undefined };
    for (const u of units) {
      this.cancel(u.key);
      batch.units.set(u.key, u);
      this.byKey.set(u.key, batch);
    }
    this.batches.add(batch);
    const wait = delayMs ?? Math.floor(this.deps.random() * (PROBE_MAX_INITIAL_DELAY_MS + 1));
    batch.timer = this.deps.clock.setTimeout(() => this.step(batch), wait);
  }

  private step(batch: Batch): void {
    batch.timer = undefined;
    if (batch.units.size === 0) {
      this.batches.delete(batch);
      return;
    }
    if (batch.sent < PROBE_COUNT) {
      batch.sent++;
      this.deps.sendProbes([...batch.units.values()]);
      batch.timer = this.deps.clock.setTimeout(() => this.step(batch), PROBE_INTERVAL_MS);
      return;
    }
    this.batches.delete(batch);
    const done = [...batch.units.values()];
    for (const u of done) this.byKey.delete(u.key);
    this.deps.onProbed(done);
  }

  /**
   * Probing that is under way starts its three probes again (after `delayMs`), so that a link
   * that just appeared hears all of them (§8.1). Names waiting out a lost tie-break (§8.2:
   * nothing sent yet) keep their one-second wait. Returns how many names restarted.
   */
  restartStarted(delayMs: number): number {
    let n = 0;
    for (const b of this.batches) {
      if (b.sent === 0) continue;
      if (b.timer !== undefined) this.deps.clock.clearTimeout(b.timer);
      b.sent = 0;
      b.timer = this.deps.clock.setTimeout(() => this.step(b), delayMs);
      n += b.units.size;
    }
    return n;
  }

  cancel(key: string): void {
    const batch = this.byKey.get(key);
    if (!batch) return;
    this.byKey.delete(key);
    batch.units.delete(key);
    if (batch.units.size === 0) {
      if (batch.timer !== undefined) this.deps.clock.clearTimeout(batch.timer);
      this.batches.delete(batch);
    }
  }

  isProbing(key: string): boolean {
    return this.byKey.has(key);
  }

  probingUnits(): Unit[] {
    const out: Unit[] = [];
    for (const b of this.batches) out.push(...b.units.values());
    return out;
  }

  get count(): number {
    return this.byKey.size;
  }

  /**
   * §8.2: another host's probe (a query with Authority records) for a name we are probing.
   * Returns the units that lost and were deferred by one second.
   */
  handleProbeQuery(authorities: readonly MdnsRecord[]): Unit[] {
    const lost: Unit[] = [];
    for (const batch of this.batches) {
      for (const unit of batch.units.values()) {
        const theirs = authorities.filter((r) => sameName(r.name, unit.name));
        if (theirs.length === 0) continue;
        if (tiebreak(unit.unique, theirs) < 0) lost.push(unit);
      }
    }
    for (const u of lost) {
      this.cancel(u.key);
      this.start([u], TIEBREAK_DEFER_MS);
    }
    return lost;
  }

  stop(): void {
    for (const b of this.batches) if (b.timer !== undefined) this.deps.clock.clearTimeout(b.timer);
    this.batches.clear();
    this.byKey.clear();
  }
}
