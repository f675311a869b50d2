// Address records for a published hostname (RFC 6762 §6, §10.2) and the NSEC that says which
// address family a name does not have (§6.1).

import { CLASS_IN, type MdnsRecord, RR } from './packet.js';

/** Unique A and AAAA records: cache-flush set (§10.2), TTL 120 s by default (§10). */
export function addressRecords(name: string, a: readonly string[], aaaa: readonly string[], ttl: number): MdnsRecord[] {
  return [
    ...a.map((ip): MdnsRecord => ({ name, type: 'A', data: ip, rclass: CLASS_IN, flush: true, ttl })),
    ...aaaa.map((ip): MdnsRecord => ({ name, type: 'AAAA', data: ip, rclass: CLASS_IN, flush: true, ttl })),
  ];
}

/**
 * §6.1 negative response: NSEC in the restricted mDNS form. The next-domain field is the
 * owner itself and the bitmap lists exactly the types the name has, so a querier asking for
 * AAAA of an IPv4-only name learns at once that there is none.
 */
export function nsecRecord(name: string, types: readonly number[], ttl: number): MdnsRecord {
  const unique = [...new Set(types)].filter((t) => t !== RR.NSEC).sort((x, y) => x - y);
  return { name, type: 'NSEC', data: { nextDomain: name, types: unique }, rclass: CLASS_IN, flush: true, ttl };
}
