// Simultaneous probe tie-breaking (RFC 6762 §8.2). When another host probes for a name we are
// probing, both compare their proposed records: sort each host's records, compare pairwise
// (class without the cache-flush bit, then type, then the raw uncompressed rdata as unsigned
// bytes); the first difference decides and the lexicographically later data wins. If one list
// is a prefix of the other, the longer list wins. Identical lists: no conflict at all.

import { type MdnsRecord, encodeRdata, typeCode } from './packet.js';

function compareBytes(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function compareRecords(a: MdnsRecord, b: MdnsRecord): number {
  if (a.rclass !== b.rclass) return a.rclass - b.rclass;
  const ta = typeCode(a);
  const tb = typeCode(b);
  if (ta !== tb) return ta - tb;
  return compareBytes(encodeRdata(a), encodeRdata(b));
}

/** > 0: our data is later (we win); < 0: theirs is (we lose and defer); 0: identical. */
export function tiebreak(ours: readonly MdnsRecord[], theirs: readonly MdnsRecord[]): number {
  const a = [...ours].sort(compareRecords);
  const b = [...theirs].sort(compareRecords);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareRecords(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
