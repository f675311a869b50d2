// Which --zone a name belongs to. Matching is on label boundaries: `app.notk8s` is not in
// `k8s` (cloud-provider-mdns matched plain string suffixes and sent it to the wrong zone:
// docs/design.md#origins).

import { UserError } from './errors.js';

const LABEL = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$/;

/** Lower-case, no trailing dot; rejects what cannot be a zone name. */
export function normaliseZone(zone: string): string {
  const z = zone.trim().toLowerCase().replace(/\.$/, '');
  if (z === '' || z.length > 253 || !z.split('.').every((l) => LABEL.test(l))) {
    throw new UserError(`--zone ${JSON.stringify(zone)} is not a valid DNS zone name: use labels of a-z, 0-9 and -, e.g. --zone dev.home.arpa`);
  }
  return z;
}

/** Normalised, de-duplicated, validated (see validateZones). */
export function normaliseZones(zones: readonly string[]): string[] {
  const out = [...new Set(zones.map(normaliseZone))];
  validateZones(out);
  return out;
}

/**
 * `.local` belongs to multicast DNS (RFC 6762 §3): a unicast server must not be authoritative
 * for it, and resolvers send .local queries to mDNS, never to that server.
 */
export function validateZones(zones: readonly string[]): void {
  for (const zone of zones) {
    const z = zone.toLowerCase().replace(/\.$/, '');
    if (z === 'local' || z.endsWith('.local')) {
      throw new UserError(
        `--zone ${zone} is under .local, which belongs to multicast DNS (RFC 6762 §3): .local names are published by mDNS already, and resolvers never ask a unicast server for them. For a home or lab zone use one under home.arpa (RFC 8375), e.g. --zone ${z === 'local' ? 'home.arpa' : z.replace(/\.?local$/, '') + '.home.arpa'}`,
      );
    }
  }
}

/** The most specific zone containing `name` on a label boundary (a name is in its own zone). */
export function zoneFor(name: string, zones: readonly string[]): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  let best: string | undefined;
  for (const zone of zones) {
    const z = zone.toLowerCase().replace(/\.$/, '');
    if (n === z || n.endsWith('.' + z)) {
      if (best === undefined || z.length > best.length) best = z;
    }
  }
  return best;
}
