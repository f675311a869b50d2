// From RecordSets to units: one host unit (A/AAAA) per hostname plus one unit per DNS-SD
// instance, kept in step with sync(). Changed records get a goodbye for what went away and a
// fresh announcement (§8.4, §10.1); removed names get goodbyes. Also says so to the person
// (Reporter): added / changed / removed / conflict, with hostname, addresses and routes.

import { sameAddresses } from '../plan/plan.js';
import { refString, type RecordSet, type ServiceInstance } from '../records/types.js';
import type { Reporter } from '../util/reporter.js';
import { instanceName, serviceRecords } from './dns-sd.js';
import { addressRecords } from './host-records.js';
import { checkName, nameKey } from './names.js';
import { type MdnsRecord, recordKey } from './packet.js';
import type { Registry, Unit } from './registry.js';

export interface PublicationHooks {
  goodbye(records: MdnsRecord[]): void;
  reannounce(unit: Unit): void;
  /** A unit is going away: cancel its probes, announcements and retries. */
  forget(unit: Unit): void;
  report: Reporter;
}

interface Host {
  set: RecordSet;
  unit: Unit;
  services: Map<string, Unit>;
  announced: boolean;
}

function fields(set: RecordSet, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { hostname: set.name, addresses: [...set.a, ...set.aaaa], routes: set.owners.map(refString), ...extra };
}

export class PublicationSet {
  private readonly hosts = new Map<string, Host>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly ttl: number,
    private readonly hooks: PublicationHooks,
  ) {}

  private warnOnce(key: string, message: string, extra: Record<string, unknown>): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.hooks.report.report({ kind: 'warning', source: 'mdns', message, fields: extra });
  }

  /** Drops sets mDNS cannot publish (bad names, not .local), warning once for each. */
  valid(sets: readonly RecordSet[]): RecordSet[] {
    return sets.filter((s) => {
      const problem = checkName(s.name) ?? (nameKey(s.name).endsWith('.local') ? null : 'mDNS only publishes names ending in .local');
      if (problem) this.warnOnce(`name:${s.name}`, `not publishing ${s.name} over mDNS: ${problem}`, fields(s));
      return problem === null;
    });
  }

  sets(): RecordSet[] {
    return [...this.hosts.values()].map((h) => h.set);
  }

  add(set: RecordSet, toProbe: Unit[]): void {
    const key = nameKey(set.name);
    const unit: Unit = {
      key,
      name: set.name,
      kind: 'host',
      host: key,
      unique: addressRecords(set.name, set.a, set.aaaa, this.ttl),
      shared: [],
      state: 'probing',
    };
    this.registry.add(unit);
    toProbe.push(unit);
    const host: Host = { set, unit, services: new Map(), announced: false };
    this.hosts.set(key, host);
    this.syncServices(host, toProbe);
  }

  update(set: RecordSet, toProbe: Unit[]): void {
    const host = this.hosts.get(nameKey(set.name));
    if (!host) return this.add(set, toProbe);
    const before = host.set;
    host.set = set;
    if (!sameAddresses(before, set)) {
      const changed = this.replace(host.unit, addressRecords(set.name, set.a, set.aaaa, this.ttl), []);
      if (changed && host.unit.state === 'owned') {
        this.hooks.report.report({
          kind: 'changed',
          source: 'mdns',
          message: `${set.name} now ${[...set.a, ...set.aaaa].join(', ')}`,
          fields: fields(set, { before: [...before.a, ...before.aaaa] }),
        });
      }
    }
    this.syncServices(host, toProbe);
  }

  remove(name: string): void {
    const key = nameKey(name);
    const host = this.hosts.get(key);
    if (!host) return;
    for (const u of host.services.values()) this.drop(u);
    this.drop(host.unit);
    this.hosts.delete(key);
    if (host.announced)
      this.hooks.report.report({ kind: 'removed', source: 'mdns', message: `${host.set.name} withdrawn (goodbye sent)`, fields: fields(host.set) });
  }

  /** The DNS-SD instance units advertised for a hostname (by its nameKey). */
  servicesOf(hostKey: string): Unit[] {
    const host = this.hosts.get(hostKey);
    return host ? [...host.services.values()] : [];
  }

  reportOwned(units: readonly Unit[]): void {
    for (const u of units) {
      const host = this.hosts.get(u.host);
      if (!host) continue;
      if (u.kind === 'service') {
        this.hooks.report.debug('mdns', `DNS-SD ${u.name} announced`);
        continue;
      }
      host.announced = true;
      this.hooks.report.report({
        kind: 'added',
        source: 'mdns',
        message: `${host.set.name} → ${[...host.set.a, ...host.set.aaaa].join(', ')}`,
        fields: fields(host.set),
      });
    }
  }

  reportConflict(unit: Unit, detail: string): void {
    const host = this.hosts.get(unit.host);
    if (unit.kind === 'host' && host) host.announced = false;
    const set = host?.set;
    const services = unit.kind === 'host' && host ? [...host.services.values()].map((u) => u.name) : [];
    const withdrawn = services.length ? `, nor for its DNS-SD services (${services.join(', ')})` : '';
    this.hooks.report.report({
      kind: 'conflict',
      source: 'mdns',
      message: `${unit.name} is already in use on the link: ${detail}. Not answering for it (RFC 6762 §9)${withdrawn}; will probe again when it is free`,
      fields: set ? fields(set, { name: unit.name, detail }) : { hostname: unit.name, name: unit.name, detail },
    });
  }

  /** Swaps a unit's records; an owned unit says goodbye to what went and announces again. */
  private replace(unit: Unit, unique: MdnsRecord[], shared: MdnsRecord[]): boolean {
    const oldKeys = new Set([...unit.unique, ...unit.shared].map(recordKey));
    const next = [...unique, ...shared];
    const nextKeys = new Set(next.map(recordKey));
    if (oldKeys.size === nextKeys.size && next.every((r) => oldKeys.has(recordKey(r)))) return false;
    const gone = [...unit.unique, ...this.registry.sharedOnlyHere(unit)].filter((r) => !nextKeys.has(recordKey(r)));
    this.registry.setRecords(unit, unique, shared);
    if (unit.state === 'owned') {
      this.hooks.goodbye(gone);
      this.hooks.reannounce(unit);
    }
    return true;
  }

  private drop(unit: Unit): void {
    this.hooks.forget(unit);
    if (unit.state === 'owned') this.hooks.goodbye([...unit.unique, ...this.registry.sharedOnlyHere(unit)]);
    this.registry.remove(unit.key);
  }

  private syncServices(host: Host, toProbe: Unit[]): void {
    const want = new Map<string, ServiceInstance>();
    for (const svc of host.set.services) want.set(nameKey(instanceName(svc)), svc);
    for (const [k, unit] of host.services) {
      if (want.has(k)) continue;
      this.drop(unit);
      host.services.delete(k);
    }
    for (const [k, svc] of want) {
      const recs = serviceRecords(svc, host.set.name, this.ttl);
      const existing = host.services.get(k);
      if (existing) {
        this.replace(existing, recs.unique, recs.shared);
        continue;
      }
      const problem = checkName(recs.name) ?? (svc.txt.some((t) => Buffer.byteLength(t) > 255) ? 'a TXT string is longer than 255 bytes' : null);
      if (problem) {
        this.warnOnce(`svc:${k}`, `not advertising DNS-SD ${recs.name}: ${problem}`, fields(host.set));
        continue;
      }
      const other = this.registry.get(k);
      if (other) {
        this.warnOnce(
          `dup:${k}:${host.unit.key}`,
          `DNS-SD instance ${recs.name} is already advertised for ${other.host}; not advertising it again for ${host.set.name}`,
          fields(host.set),
        );
        continue;
      }
      const unit: Unit = { key: k, name: recs.name, kind: 'service', host: host.unit.key, unique: recs.unique, shared: recs.shared, state: 'probing' };
      this.registry.add(unit);
      host.services.set(k, unit);
      toProbe.push(unit);
    }
  }
}
