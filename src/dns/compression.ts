// Name compression when writing (RFC 1035 §4.1.4): a name whose ending was already written in
// the message ends in a 2-byte pointer to it. Owner names, question names and PTR targets are
// compressed. SRV targets and NSEC next-domain names stay uncompressed although RFC 6762
// §18.14 allows compressing them in mDNS: unicast DNS decoders (BIND's, so dig) refuse them
// compressed (RFC 2782; RFC 4034 §4.1.1; RFC 3597 §4 allows it only for the RFC 1035 types),
// and mDNS legacy queriers (RFC 6762 §6.7) read our replies with such decoders. Pointers only
// ever point backwards, to labels written literally, so the output passes our own reader's
// checks (names.ts: strictly backward pointers).
//
// A packer decides which entries go in a message before the layout is final (an answer placed
// after an additional still goes before it). So an entry's size is estimated (SuffixRanks)
// against the names that will certainly precede it: those already placed in its own or an
// earlier section. The final write (NameWriter) compresses against every name before it, a
// superset, and a longer matching ending never costs more bytes, so a message never ends up
// larger than its estimate.

import { assertName, nameLabels } from './names.js';
import type { Question, RecordHead } from './message.js';
import { type RecordData, encodeRdata } from './rdata.js';
import { PacketError } from './errors.js';

/** Pointers hold 14 bits of offset. */
const POINTER_LIMIT = 0x4000;

export interface WireName {
  labels: Buffer[];
  /** keys[i]: the exact wire bytes of the name from label i on (a case-sensitive match). */
  keys: string[];
  /** Bytes written as they are (a question echoed byte for byte). */
  literal?: Buffer;
}

function suffixKeys(labels: readonly Buffer[]): string[] {
  const keys = new Array<string>(labels.length);
  let acc = '';
  for (let i = labels.length - 1; i >= 0; i--) {
    acc = String.fromCharCode(labels[i]!.length) + labels[i]!.toString('latin1') + acc;
    keys[i] = acc;
  }
  return keys;
}

export function wireName(name: string): WireName {
  assertName(name);
  const labels = nameLabels(name);
  return { labels, keys: suffixKeys(labels) };
}

/** An uncompressed wire name, written as it is (Question.nameWire). */
export function literalName(wire: Buffer): WireName {
  const labels: Buffer[] = [];
  for (let p = 0; p < wire.length && wire[p] !== 0; p += 1 + wire[p]!) labels.push(wire.subarray(p + 1, p + 1 + wire[p]!));
  return { labels, keys: suffixKeys(labels), literal: wire };
}

/** Estimates: which name endings precede a given section (0 questions … 3 additionals). */
export class SuffixRanks {
  private readonly rank = new Map<string, number>();

  constructor(private readonly parent?: SuffixRanks) {}

  private get(key: string): number | undefined {
    const own = this.rank.get(key);
    const inherited = this.parent?.get(key);
    return own === undefined ? inherited : inherited === undefined ? own : Math.min(own, inherited);
  }

  /** Size of `n` written in `section`, then counted as present for what follows. */
  place(n: WireName, section: number): number {
    let bytes = -1;
    if (n.literal) {
      bytes = n.literal.length;
    } else {
      let literal = 0;
      for (let i = 0; i < n.labels.length && bytes < 0; i++) {
        const r = this.get(n.keys[i]!);
        if (r !== undefined && r <= section) bytes = literal + 2;
        else literal += 1 + n.labels[i]!.length;
      }
      if (bytes < 0) bytes = literal + 1;
    }
    for (const k of n.keys) {
      const r = this.rank.get(k);
      if (r === undefined || section < r) this.rank.set(k, section);
    }
    return bytes;
  }

  /** A scratch copy for trying a part out; commit() makes it real. */
  fork(): SuffixRanks {
    return new SuffixRanks(this);
  }

  commit(): void {
    if (!this.parent) return;
    for (const [k, r] of this.rank) {
      const p = this.parent.rank.get(k);
      if (p === undefined || r < p) this.parent.rank.set(k, r);
    }
  }
}

/** The real thing: where each name ending was written in this message. */
export class NameWriter {
  private readonly at = new Map<string, number>();

  write(n: WireName, offset: number): Buffer {
    let i = 0;
    let target: number | undefined;
    if (n.literal) i = n.labels.length;
    for (; i < n.labels.length; i++) {
      target = this.at.get(n.keys[i]!);
      if (target !== undefined) break;
    }
    const parts: Buffer[] = [];
    let pos = offset;
    for (let j = 0; j < i; j++) {
      if (pos < POINTER_LIMIT && !this.at.has(n.keys[j]!)) this.at.set(n.keys[j]!, pos);
      parts.push(Buffer.from([n.labels[j]!.length]), n.labels[j]!);
      pos += 1 + n.labels[j]!.length;
    }
    if (n.literal) return n.literal;
    parts.push(target === undefined ? Buffer.from([0]) : Buffer.from([0xc0 | (target >> 8), target & 0xff]));
    return Buffer.concat(parts);
  }
}

/** A question or record ready to be sized and written with compression. */
export interface Prepared {
  name: WireName;
  /** Question: type, class. Record: type, class, TTL (RDLENGTH is written with the rdata). */
  fixed: Buffer;
  record: boolean;
  /** PTR: the target, compressed. */
  rdataName?: WireName;
  rdata?: Buffer;
}

export function prepareQuestion(q: Question): Prepared {
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(q.type, 0);
  fixed.writeUInt16BE(q.class, 2);
  return { name: q.nameWire ? literalName(q.nameWire) : wireName(q.name), fixed, record: false };
}

export function prepareRecord(head: RecordHead, data: RecordData): Prepared {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16BE(head.type, 0);
  fixed.writeUInt16BE(head.class, 2);
  fixed.writeUInt32BE(head.ttl >>> 0, 4);
  const name = wireName(head.name);
  if (data.type === 'PTR') return { name, fixed, record: true, rdataName: wireName(data.data) };
  const rdata = encodeRdata(data);
  if (rdata.length > 0xffff) throw new PacketError('rdata too long');
  return { name, fixed, record: true, rdata };
}

/** Estimated size of `p` placed in `section` (0 questions … 3 additionals); see the header. */
export function placeSize(p: Prepared, ranks: SuffixRanks, section: number): number {
  let size = ranks.place(p.name, section) + p.fixed.length;
  if (!p.record) return size;
  size += 2;
  size += p.rdataName ? ranks.place(p.rdataName, section) : p.rdata!.length;
  return size;
}

/** The bytes of `p` written at `offset`, compressed against what `names` has seen. */
export function writePrepared(p: Prepared, names: NameWriter, offset: number): Buffer {
  const owner = names.write(p.name, offset);
  if (!p.record) return Buffer.concat([owner, p.fixed]);
  const rdataAt = offset + owner.length + p.fixed.length + 2;
  const rdata = p.rdataName ? names.write(p.rdataName, rdataAt) : p.rdata!;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(rdata.length, 0);
  return Buffer.concat([owner, p.fixed, len, rdata]);
}
