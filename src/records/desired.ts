// bindings -> desired DNS state. One RecordSet per (target, name), addresses unioned over
// every Ready binding of that name, so many-to-many bindings become round robin. A unicast name
// whose bindings have no address but a gateway Hostname gets a CNAME instead; an address from
// any binding wins, since a CNAME cannot share its name (RFC 2181 §10.1).

import type { Binding, PublishTarget, ResourceRef } from '../bindings/types.js';
import type { RecordSet, ServiceInstance } from './types.js';
import { isIPv6 } from 'node:net';
import { sortAddresses } from '../bindings/addresses.js';
import { refString } from '../gateway-api/objects.js';

export function desiredRecords(bindings: readonly Binding[]): RecordSet[] {
  const sets = new Map<string, RecordSet>();
  const cnames = new Map<string, string[]>();
  for (const b of bindings) {
    if (b.status !== 'Ready') continue;
    for (const target of b.publish) {
      const key = `${target}\u0000${b.hostname}`;
      let set = sets.get(key);
      if (!set) {
        set = { name: b.hostname, target, a: [], aaaa: [], services: [], owners: [] };
        if (target === 'unicast' && b.zone) set.zone = b.zone;
        sets.set(key, set);
      }
      for (const addr of b.addresses) (isIPv6(addr) ? set.aaaa : set.a).push(addr);
      if (target === 'unicast' && b.cname !== undefined && b.addresses.length === 0) cnames.set(key, [...(cnames.get(key) ?? []), b.cname]);
      set.owners.push(b.route);
      const service = target === 'mdns' ? serviceFor(b) : undefined;
      if (service) set.services.push(service);
    }
  }
  for (const [key, targets] of cnames) {
    const set = sets.get(key)!;
    if (set.a.length === 0 && set.aaaa.length === 0) set.cname = [...targets].sort()[0];
  }
  const out = [...sets.values()].map(normalise);
  out.sort(compareRecordSets);
  return out;
}

/**
 * DNS-SD (docs/design.md#records): `_https._tcp` for 443 or an HTTPS/TLS listener, else `_http._tcp`;
 * a binding that says otherwise (`dnsSdType`: TCPRoute, UDPRoute, a Service on another port)
 * gets that type, or no instance when it is ''.
 */
function serviceFor(b: Binding): ServiceInstance | undefined {
  const instance = b.hostname.split('.')[0] ?? b.hostname;
  if (b.dnsSdType !== undefined) {
    if (b.dnsSdType === '' || b.port === null) return undefined;
    return { instance, type: b.dnsSdType, port: b.port, txt: [''] };
  }
  const port = b.port ?? 80;
  const secure = port === 443 || b.url.startsWith('https:');
  return { instance: b.hostname.split('.')[0] ?? b.hostname, type: secure ? '_https._tcp' : '_http._tcp', port, txt: ['path=/'] };
}

function normalise(set: RecordSet): RecordSet {
  return {
    ...set,
    a: sortAddresses(set.a),
    aaaa: sortAddresses(set.aaaa),
    services: uniqueBy(set.services, (s) => `${s.type}|${s.instance}|${s.port}`),
    owners: uniqueBy(set.owners, refString).sort(compareRefs),
  };
}

function uniqueBy<T>(values: T[], key: (v: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const v of values) if (!seen.has(key(v))) seen.set(key(v), v);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function compareRefs(a: ResourceRef, b: ResourceRef): number {
  return refString(a).localeCompare(refString(b));
}

export function compareRecordSets(a: RecordSet, b: RecordSet): number {
  return a.target === b.target ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.target < b.target ? -1 : 1;
}

/**
 * The desired record sets of a changing set of bindings (serve, list -w): after a flush, only
 * the touched hostnames are regrouped.
 */
export class DesiredState {
  private readonly byKey = new Map<string, RecordSet>();
  private sorted: RecordSet[] = [];

  /** `bindings`: every binding of the `touched` hostnames, whatever their route. */
  update(touched: ReadonlySet<string>, bindings: readonly Binding[]): void {
    for (const name of touched) for (const target of TARGETS) this.byKey.delete(`${target}\u0000${name}`);
    for (const r of desiredRecords(bindings)) this.byKey.set(`${r.target}\u0000${r.name}`, r);
    this.sorted = [...this.byKey.values()].sort(compareRecordSets);
  }

  all(): RecordSet[] {
    return this.sorted;
  }
}

const TARGETS: readonly PublishTarget[] = ['mdns', 'unicast'];
