// Zone names as the user typed them -> canonical (lower-case, no trailing dot), refusing
// .local: mDNS owns it (RFC 6762 §3), and a unicast server answering for it breaks every
// mDNS client on the network. home.arpa (RFC 8375) is the name meant for this.
import { UserError } from './errors.js';

export function normaliseZone(zone: string): string {
  const z = zone.trim().toLowerCase().replace(/\.$/, '');
  if (z === '' ) throw new UserError('--zone must not be empty');
  if (z === 'local' || z.endsWith('.local')) {
    throw new UserError(`--zone ${zone}: .local belongs to multicast DNS (RFC 6762), unicast servers must not serve it; use a zone such as dev.home.arpa (RFC 8375)`);
  }
  if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(z)) {
    throw new UserError(`--zone ${zone}: not a valid DNS name`);
  }
  return z;
}

export function normaliseZones(zones: readonly string[]): string[] {
  return [...new Set(zones.map(normaliseZone))];
}

/** The most specific zone that holds `name` on a label boundary (`app.notk8s` is not in `k8s`). */
export function zoneFor(name: string, zones: readonly string[]): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, '');
  let best: string | undefined;
  for (const z of zones) {
    if ((n === z || n.endsWith('.' + z)) && (best === undefined || z.length > best.length)) best = z;
  }
  return best;
}
