// The mDNS sink: publishes the desired mDNS RecordSets as an RFC 6762 responder.
// Wiring only; each mechanism lives in its own file: probing (prober.ts, §8.1), tie-breaks
// (tiebreak.ts, §8.2), announcing (announcer.ts, §8.3/§8.4), conflicts (conflict.ts, §9),
// goodbyes (goodbye.ts, §10.1), answers (query-response.ts, §5–§7; response-delay.ts, §6;
// truncated-query.ts, §7.2), records (host-records.ts, dns-sd.ts), links that appear while
// running (link-probe.ts), sockets (transport.ts).
// Input: RecordSet[] (target 'mdns') via sync(); output: packets, and Reporter events
// (added/changed/removed/conflict/warning) for people.

import type { Plan } from '../plan/plan.js';
import type { AppliedChange } from '../plan/sink.js';
import type { RecordSet } from '../records/types.js';
import { errorMessage } from '../util/errors.js';
import type { Reporter } from '../util/reporter.js';
import { Announcer } from './announcer.js';
import { type Clock, type TimerHandle, realClock } from './clock.js';
import { ConflictTracker, RETRY_AFTER_GOODBYE_MS, conflictingRecords, describeConflict } from './conflict.js';
import type { Family, Link } from './interfaces.js';
import { LinkProbes } from './link-probe.js';
import { type MdnsMessage, type MdnsRecord, type PacketPart, decodeReceived, recordKey } from './packet.js';
import { Prober, PROBE_MAX_INITIAL_DELAY_MS } from './prober.js';
import { PublicationSet } from './publication.js';
import { type Origin, type PlannedResponse, planResponse } from './query-response.js';
import { MulticastHistory } from './rate-limit.js';
import { Registry, type Unit, hiding } from './registry.js';
import { type Network, type Source, UdpTransport } from './transport.js';
import { Outbox } from './outbox.js';
import { TruncatedQueries } from './truncated-query.js';
import { AnswerCache } from './answer-cache.js';
import { nameKey } from './names.js';

export const DEFAULT_TTL = 120;
const MAX_DELAYED_RESPONSES = 1024;

export interface MdnsResponderOptions {
  interfaces?: string[];
  /** TTL of host records (A, AAAA, SRV), seconds; RFC 6762 §10 recommends 120. */
  ttl?: number;
  reporter: Reporter;
  random?: () => number;
  clock?: Clock;
  /** Tests and benchmarks: a network to use instead of UDP sockets on port 5353. */
  network?: Network;
  /** How often the interfaces are re-read for links that appear or vanish, ms (default 5000). */
  rescanMs?: number;
}

/** A multicast answer waiting out its §6 delay (20–120 ms), which §7.4 may cancel. */
interface DelayedAnswer {
  link: string;
  family: Family;
  parts: PacketPart[];
  timer: TimerHandle;
}

export class MdnsResponder {
  private readonly registry = new Registry();
  private readonly history = new MulticastHistory();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly reporter: Reporter;
  private readonly conflictsTracker: ConflictTracker;
  private readonly prober: Prober;
  private readonly announcer: Announcer;
  private readonly outbox: Outbox;
  private readonly publications: PublicationSet;
  private readonly retryTimers = new Map<string, TimerHandle>();
  private readonly truncated: TruncatedQueries;
  private readonly delayed = new Set<DelayedAnswer>();
  private readonly linkProbes: LinkProbes;
  private readonly answerCache: AnswerCache<Source>;
  private settledWaiters: (() => void)[] = [];
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private packetsSeen = 0;
  /** Malformed packets dropped (for tests and -v). */
  dropped = 0;

  private constructor(
    private readonly network: Network,
    opts: MdnsResponderOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.reporter = opts.reporter;
    this.conflictsTracker = new ConflictTracker(this.random);
    this.outbox = new Outbox(network, this.history, this.clock, (u) => u.state === 'owned' && this.registry.get(u.key) === u);
    this.truncated = new TruncatedQueries({
      clock: this.clock,
      random: this.random,
      answer: (msg, from) => this.respond(msg, from, true),
      guard: (fn) => this.guard(fn),
    });
    this.prober = new Prober({
      clock: this.clock,
      random: this.random,
      sendProbes: (units) => this.outbox.probe(units),
      onProbed: (units) => this.onProbed(units),
    });
    // Not on a link where names are still being probed (link-probe.ts): §8.1 comes first there.
    this.announcer = new Announcer({ clock: this.clock, sendAnnouncement: (units) => this.outbox.announce(units, this.settledLinks()) });
    this.linkProbes = new LinkProbes({
      clock: this.clock,
      random: this.random,
      sendProbes: (units, links) => this.outbox.probe(units, links),
      sendAnnouncement: (units, links) => this.outbox.announce(units, links),
      stillOwned: (u) => u.state === 'owned' && this.registry.get(u.key) === u,
      onDone: (units, links) => this.reporter.debug('mdns', `probed ${units.length} names on ${links.join(', ')}; announcing them there`),
    });
    this.publications = new PublicationSet(this.registry, opts.ttl ?? DEFAULT_TTL, {
      goodbye: (records) => this.outbox.goodbye(records),
      reannounce: (unit) => this.announcer.announce([unit]),
      forget: (unit) => this.forgetUnit(unit),
      report: this.reporter,
    });
    this.answerCache = new AnswerCache({
      registry: this.registry,
      probingOn: (link) => this.linkProbes.probingOn(link),
      answerLegacy: (msg, from) => {
        const plan = this.planFor(msg, from, false);
        return plan?.unicast.length ? this.outbox.unicast(plan.unicast, from, plan.legacy) : [];
      },
      send: (packet, to) => this.outbox.sendUnicast(packet, to),
    });
    network.onMessage((packet, from) => this.onPacket(packet, from));
    network.onLinksChanged((added, removed) => this.guard(() => this.linksChanged(added, removed)));
  }

  static async start(opts: MdnsResponderOptions): Promise<MdnsResponder> {
    const network =
      opts.network ??
      (await UdpTransport.open({
        reporter: opts.reporter,
        ...(opts.interfaces ? { interfaces: opts.interfaces } : {}),
        ...(opts.rescanMs !== undefined ? { rescanMs: opts.rescanMs } : {}),
      }));
    return new MdnsResponder(network, opts);
  }

  readonly target = 'mdns';
  readonly synchronous = true;

  /** The desired sets mDNS can publish: .local names with addresses (warns once about the others). */
  accept(records: readonly RecordSet[]): RecordSet[] {
    return this.publications.valid(records.filter((d) => d.target === 'mdns' && (d.a.length > 0 || d.aaaa.length > 0)));
  }

  /**
   * Applies the reconcile stage's plan (planned against current()). A name in conflict is ours
   * to keep wanting: its records are updated and it is probed again when the name is free.
   */
  apply(plan: Plan): AppliedChange[] {
    if (this.stopped) return [];
    const applied: AppliedChange[] = [];
    const toProbe: Unit[] = [];
    for (const set of plan.creates) {
      this.publications.add(set, toProbe);
      applied.push({ action: 'add', set });
    }
    for (const u of plan.updates) {
      this.publications.update(u.after, toProbe);
      applied.push({ action: 'change', set: u.after, before: u.before });
    }
    for (const set of plan.unchanged) this.publications.update(set, toProbe);
    for (const c of plan.conflicts) this.publications.update(c.desired, toProbe);
    for (const set of plan.deletes) {
      this.publications.remove(set.name);
      applied.push({ action: 'remove', set });
    }
    this.startProbing(toProbe);
    this.checkSettled();
    return applied;
  }

  /** What we hold: every RecordSet being probed or published; conflicted ones carry `foreign`. */
  current(): RecordSet[] {
    return this.publications.sets().map((set) => {
      const unit = this.registry.get(set.name);
      return unit?.state === 'conflict' ? { ...set, foreign: unit.conflict ?? 'conflict' } : set;
    });
  }

  conflicts(): { name: string; detail: string }[] {
    return [...this.registry.all()].filter((u) => u.state === 'conflict').map((u) => ({ name: u.name, detail: u.conflict ?? '' }));
  }

  /** Resolves when no name is being probed: every name is announced or in conflict. */
  whenSettled(): Promise<void> {
    if (this.stopped || this.prober.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Goodbye (TTL 0) for everything we announced, then close the sockets. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopped = true;
    this.prober.stop();
    this.announcer.stop();
    this.linkProbes.stop();
    for (const t of this.retryTimers.values()) this.clock.clearTimeout(t);
    for (const d of this.delayed) this.clock.clearTimeout(d.timer);
    this.retryTimers.clear();
    this.truncated.stop();
    this.delayed.clear();
    const owned = [...this.registry.all()].filter((u) => u.state === 'owned');
    const fast = this.outbox.farewell(owned);
    this.reporter.debug('mdns', `goodbye for ${owned.length} names (${fast} from their announcement packets)`);
    this.resolveSettled();
    this.stopping = this.network.close();
    return this.stopping;
  }

  // ------------------------------------------------------------ probing and conflicts

  private startProbing(units: Unit[], delayMs?: number): void {
    if (units.length === 0) return;
    const min = this.conflictsTracker.minProbeDelay(this.clock.now());
    const delay = delayMs ?? Math.floor(this.random() * (PROBE_MAX_INITIAL_DELAY_MS + 1));
    for (const u of units) {
      this.clearRetry(u.key);
      this.linkProbes.cancel(u.key); // probed on every link now
      u.state = 'probing';
    }
    this.prober.start(units, Math.max(min, delay));
  }

  private onProbed(units: Unit[]): void {
    const owned: Unit[] = [];
    const restored: Unit[] = [];
    // Hostnames first: a DNS-SD instance probed in the same batch needs its host owned.
    for (const u of [...units.filter((x) => x.kind === 'host'), ...units.filter((x) => x.kind !== 'host')]) {
      if (u.kind === 'service' && this.registry.get(u.host)?.state !== 'owned') {
        u.state = 'withdrawn'; // probed again when its hostname is ours
        continue;
      }
      u.state = 'owned';
      delete u.conflict;
      this.conflictsTracker.resolved(u.key);
      owned.push(u);
      if (u.kind === 'host') restored.push(...this.publications.servicesOf(u.key).filter((s) => s.state === 'withdrawn'));
    }
    this.announcer.announce(owned);
    this.publications.reportOwned(owned);
    if (restored.length) {
      this.reporter.debug('mdns', `probing ${restored.length} DNS-SD instances again, their hostnames are ours again`);
      this.startProbing(restored);
    }
    this.checkSettled();
  }

  private loseName(unit: Unit, detail: string): void {
    this.prober.cancel(unit.key);
    this.announcer.cancel(unit.key);
    this.linkProbes.cancel(unit.key);
    unit.state = 'conflict';
    unit.conflict = detail;
    this.conflictsTracker.noteConflict(this.clock.now());
    if (unit.kind === 'host') this.withdrawServices(unit);
    this.publications.reportConflict(unit, detail);
    this.scheduleRetry(unit, this.conflictsTracker.retryDelay(unit.key));
    this.checkSettled();
  }

  /**
   * The DNS-SD instances of a hostname we no longer hold stop being answered, and those already
   * announced get a goodbye (§10.1): their SRV would send clients to the other host. They are
   * probed again (§8.1) once the hostname is ours again (onProbed).
   */
  private withdrawServices(host: Unit): void {
    const bye: MdnsRecord[] = [];
    for (const s of this.publications.servicesOf(host.key)) {
      if (s.state === 'conflict' || s.state === 'withdrawn') continue; // on its own retry, or already out
      this.prober.cancel(s.key);
      this.announcer.cancel(s.key);
      this.linkProbes.cancel(s.key);
      if (s.state === 'owned') bye.push(...s.unique, ...this.registry.sharedOnlyHere(s));
      s.state = 'withdrawn';
    }
    if (bye.length) {
      this.reporter.debug('mdns', `${host.name}: goodbye for its DNS-SD records (${bye.length})`);
      this.outbox.goodbye(bye);
    }
  }

  private scheduleRetry(unit: Unit, ms: number): void {
    this.clearRetry(unit.key);
    this.retryTimers.set(
      unit.key,
      this.clock.setTimeout(() => {
        this.retryTimers.delete(unit.key);
        if (this.stopped || this.registry.get(unit.key) !== unit || unit.state !== 'conflict') return;
        this.startProbing([unit]);
      }, ms),
    );
  }

  private clearRetry(key: string): void {
    const t = this.retryTimers.get(key);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.retryTimers.delete(key);
  }

  private forgetUnit(unit: Unit): void {
    this.prober.cancel(unit.key);
    this.announcer.cancel(unit.key);
    this.linkProbes.cancel(unit.key);
    this.clearRetry(unit.key);
    this.conflictsTracker.resolved(unit.key);
  }

  private checkSettled(): void {
    if (this.prober.count === 0) this.resolveSettled();
  }

  private resolveSettled(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const w of waiters) w();
  }

  // ------------------------------------------------------------ links

  /** Every link, unless some are still being probed: then the others (undefined = all). */
  private settledLinks(): string[] | undefined {
    const links = this.network.links().map((l) => l.name);
    const settled = links.filter((l) => !this.linkProbes.probingOn(l));
    return settled.length === links.length ? undefined : settled;
  }

  /**
   * §8.1 applies whenever a host connects to a link: names we own are probed on a link that
   * appears (or changes address) before they are announced there (link-probe.ts). Names being
   * probed everywhere start their three probes again so the new link hears all of them.
   */
  private linksChanged(added: Link[], removed: Link[]): void {
    if (this.stopped) return;
    for (const l of removed) {
      this.history.forgetLink(l.name);
      this.linkProbes.linkGone(l.name);
      for (const d of this.delayed) {
        if (d.link !== l.name) continue;
        this.clock.clearTimeout(d.timer);
        this.delayed.delete(d);
      }
    }
    if (removed.length) this.reporter.debug('mdns', `links gone: ${removed.map((l) => l.name).join(', ')}`);
    if (added.length === 0) return;
    this.reporter.debug('mdns', `links up: ${added.map((l) => l.name).join(', ')}; probing our names there (RFC 6762 §8.1)`);
    const min = this.conflictsTracker.minProbeDelay(this.clock.now());
    const delay = () => Math.max(min, Math.floor(this.random() * (PROBE_MAX_INITIAL_DELAY_MS + 1)));
    this.prober.restartStarted(delay());
    const owned = [...this.registry.all()].filter((u) => u.state === 'owned');
    this.linkProbes.start(
      added.map((l) => l.name),
      owned,
      delay(),
    );
  }

  // ------------------------------------------------------------ incoming packets

  private onPacket(packet: Buffer, from: Source): void {
    if (this.stopped) return;
    if (++this.packetsSeen % 4096 === 0) this.history.prune(this.clock.now(), 20 * 60_000);
    // Before decoding: packets about names that are not ours, and cached legacy replies.
    if (this.truncated.size === 0 && this.answerCache.handle(packet, from)) return;
    let msg: MdnsMessage;
    try {
      msg = decodeReceived(packet);
    } catch {
      this.dropped++;
      return;
    }
    try {
      if (msg.opcode !== 0 || msg.rcode !== 0) return; // §18.3, §18.11
      if (msg.response) this.onResponse(msg, from);
      else this.onQuery(msg, from);
    } catch (err) {
      this.reporter.debug('mdns', `ignored a packet from ${from.address}: ${errorMessage(err)}`);
    }
  }

  private onResponse(msg: MdnsMessage, from: Source): void {
    if (from.port !== 5353) return; // §11: responses must come from port 5353
    if (this.delayed.size) this.suppressDuplicates(msg.answers, from);
    const byName = new Map<string, MdnsRecord[]>();
    for (const r of [...msg.answers, ...msg.authorities, ...msg.additionals]) {
      const k = nameKey(r.name);
      const list = byName.get(k);
      if (list) list.push(r);
      else byName.set(k, [r]);
    }
    for (const [key, records] of byName) {
      const unit = this.registry.get(key);
      if (!unit || unit.state === 'withdrawn') continue;
      if (unit.state === 'conflict') {
        // The other claimant said goodbye and claims nothing else: try again soon.
        if (records.some((r) => r.ttl === 0) && conflictingRecords(unit, records, true).length === 0) this.scheduleRetry(unit, RETRY_AFTER_GOODBYE_MS);
        continue;
      }
      // Probing on the link the response came from, everywhere or on a new link only.
      const probing = unit.state === 'probing' || this.linkProbes.isProbing(unit.key, from.link);
      const bad = conflictingRecords(unit, records, probing);
      if (bad.length === 0) continue;
      const detail = describeConflict(bad, from.address.split('%')[0]!);
      if (probing) {
        this.loseName(unit, detail);
      } else {
        // §9: a conflict on a name we own sends it back to probing; losing the probe then
        // stops us answering.
        this.reporter.debug('mdns', `${unit.name}: ${detail}; probing again (RFC 6762 §9)`);
        this.conflictsTracker.noteConflict(this.clock.now());
        this.announcer.cancel(unit.key);
        this.startProbing([unit]);
      }
    }
  }

  private onQuery(msg: MdnsMessage, from: Source): void {
    if (msg.authorities.length > 0 && this.prober.count + this.linkProbes.count > 0) {
      for (const u of [...this.prober.handleProbeQuery(msg.authorities), ...this.linkProbes.handleProbeQuery(from.link, msg.authorities)]) {
        this.reporter.debug('mdns', `${u.name}: lost a simultaneous-probe tie-break to ${from.address}; probing again in 1 s (RFC 6762 §8.2)`);
      }
    }
    // §7.2: a truncated query is followed by more known answers; wait for them.
    if (this.truncated.take(msg, from)) return;
    this.respond(msg, from);
  }

  /** Timer callbacks run outside the socket handler's try: nothing may escape them either. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.reporter.debug('mdns', `ignored: ${errorMessage(err)}`);
    }
  }

  /**
   * §7.4 duplicate answer suppression: another responder just multicast an answer we were
   * about to give, with a TTL not less than ours ("the TTL in that record is not less than the
   * TTL this host would have given"): ours counts as sent, on that link and family.
   */
  private suppressDuplicates(answers: readonly MdnsRecord[], from: Source): void {
    const seen = new Map<string, number>();
    for (const r of answers) {
      const k = recordKey(r);
      seen.set(k, Math.max(seen.get(k) ?? 0, r.ttl));
    }
    const now = this.clock.now();
    for (const d of this.delayed) {
      if (d.link !== from.link || d.family !== from.family) continue;
      d.parts = d.parts.filter((part) => {
        const mine = part.answers ?? [];
        const dup = mine.length > 0 && mine.every((r) => (seen.get(recordKey(r)) ?? -1) >= r.ttl);
        if (dup) for (const r of mine) this.history.record(d.link, d.family, recordKey(r), now);
        return !dup;
      });
      if (d.parts.length > 0) continue;
      this.clock.clearTimeout(d.timer);
      this.delayed.delete(d);
    }
  }

  private planFor(msg: MdnsMessage, from: Origin, waited: boolean): PlannedResponse | null {
    // Names still being probed on a link that just appeared are not answered there yet (§8.1).
    const names = this.linkProbes.probingOn(from.link) ? hiding(this.registry, (u) => this.linkProbes.isProbing(u.key, from.link)) : this.registry;
    return planResponse(msg, from, { registry: names, history: this.history, now: this.clock.now(), random: this.random, waited });
  }

  private respond(msg: MdnsMessage, from: Origin, waited = false): void {
    const plan = this.planFor(msg, from, waited);
    if (!plan) return;
    if (plan.unicast.length) this.outbox.unicast(plan.unicast, from, plan.legacy);
    if (plan.multicast.length === 0) return;
    if (plan.multicastDelayMs === 0) {
      this.outbox.multicastOn(from.link, from.family, plan.multicast);
      return;
    }
    if (this.delayed.size >= MAX_DELAYED_RESPONSES) return;
    const delayed: DelayedAnswer = {
      link: from.link,
      family: from.family,
      parts: plan.multicast,
      timer: this.clock.setTimeout(
        () =>
          this.guard(() => {
            this.delayed.delete(delayed);
            if (this.stopped) return;
            // Re-check §6's rate limit: the same record may have gone out meanwhile.
            const now = this.clock.now();
            const parts = delayed.parts.filter((p) =>
              (p.answers ?? []).every((r) => this.history.mayMulticast(from.link, from.family, recordKey(r), now, false)),
            );
            if (parts.length) this.outbox.multicastOn(from.link, from.family, parts);
          }),
        plan.multicastDelayMs,
      ),
    };
    this.delayed.add(delayed);
  }
}
