// Goodbye packets (RFC 6762 §10.1): the same records with TTL 0 tell caches to drop them
// (after one second), instead of waiting out the TTL. Sent for records removed or changed and
// for everything on stop. The cache-flush bit is left clear: a TTL-0 record with it set would
// also flush our other, still-valid records of the same RRset (§10.2) when only some change.

import type { MdnsRecord } from './packet.js';

export function goodbyeRecords(records: readonly MdnsRecord[]): MdnsRecord[] {
  return records.map((r) => ({ ...r, ttl: 0, flush: false }));
}
