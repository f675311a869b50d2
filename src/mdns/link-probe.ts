// A link that appears while we run (RFC 6762 §8.1: "whenever a Multicast DNS responder starts
// up, wakes up from sleep, receives an indication of a network interface "Link Change" event,
// or has any other reason to believe that its network connectivity may have changed in some
// relevant way, it MUST perform the two startup steps" — probing, then announcing §8.3).
// The names we own elsewhere are probed on the new link only, then announced there only; the
// other links keep answering throughout. Until its probes are done a name is not answered on
// the new link (§8.1: no answers while probing). A conflict found there is handled by the
// responder like any probe conflict: a gateway name cannot be renamed, so it stops answering.
// A link that vanishes mid-probe simply leaves its group; nothing is sent for it after that.

import { Announcer } from './announcer.js';
import type { Clock } from './clock.js';
import type { MdnsRecord } from './packet.js';
import { Prober } from './prober.js';
import type { Unit } from './registry.js';

export interface LinkProbeDeps {
  clock: Clock;
  random: () => number;
  sendProbes(units: Unit[], links: string[]): void;
  sendAnnouncement(units: Unit[], links: string[]): void;
  /** Still ours (owned and still wanted) when the probes are done? */
  stillOwned(unit: Unit): boolean;
  /** Probes on the link are done and announcements started (for tests and -v). */
  onDone?(units: Unit[], links: string[]): void;
}

interface Group {
  links: Set<string>;
  prober: Prober;
  announcer: Announcer;
}

export class LinkProbes {
  private readonly groups = new Set<Group>();

  constructor(private readonly deps: LinkProbeDeps) {}

  /** Probes `units` on `links` (after `delayMs`), then announces them there. */
  start(links: readonly string[], units: readonly Unit[], delayMs: number): void {
    for (const l of links) this.linkGone(l); // a changed link starts over
    if (links.length === 0 || units.length === 0) return;
    const group: Group = {
      links: new Set(links),
      prober: new Prober({
        clock: this.deps.clock,
        random: this.deps.random,
        sendProbes: (us) => this.deps.sendProbes(us, [...group.links]),
        onProbed: (us) => {
          const still = us.filter((u) => this.deps.stillOwned(u));
          group.announcer.announce(still);
          this.deps.onDone?.(still, [...group.links]);
          this.prune();
        },
      }),
      announcer: new Announcer({ clock: this.deps.clock, sendAnnouncement: (us) => this.deps.sendAnnouncement(us, [...group.links]) }),
    };
    this.groups.add(group);
    group.prober.start(units, delayMs);
  }

  linkGone(link: string): void {
    for (const g of this.groups) {
      if (!g.links.delete(link) || g.links.size > 0) continue;
      g.prober.stop();
      g.announcer.stop();
      this.groups.delete(g);
    }
  }

  cancel(key: string): void {
    for (const g of this.groups) {
      g.prober.cancel(key);
      g.announcer.cancel(key);
    }
    this.prune();
  }

  /** Still being probed on `link`: not to be answered there yet. */
  isProbing(key: string, link: string): boolean {
    for (const g of this.groups) if (g.links.has(link) && g.prober.isProbing(key)) return true;
    return false;
  }

  /** Whether any name is being probed on `link` (so answers there need filtering). */
  probingOn(link: string): boolean {
    for (const g of this.groups) if (g.links.has(link) && g.prober.count > 0) return true;
    return false;
  }

  /** §8.2 for another host's probe seen on `link`. Returns the names that lost and wait 1 s. */
  handleProbeQuery(link: string, authorities: readonly MdnsRecord[]): Unit[] {
    const lost: Unit[] = [];
    for (const g of this.groups) if (g.links.has(link) && g.prober.count > 0) lost.push(...g.prober.handleProbeQuery(authorities));
    return lost;
  }

  get count(): number {
    let n = 0;
    for (const g of this.groups) n += g.prober.count;
    return n;
  }

  stop(): void {
    for (const g of this.groups) {
      g.prober.stop();
      g.announcer.stop();
    }
    this.groups.clear();
  }

  private prune(): void {
    for (const g of this.groups) {
      if (g.prober.count === 0 && g.announcer.count === 0) this.groups.delete(g);
    }
  }
}
