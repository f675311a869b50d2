// The mDNS message format (RFC 6762 §18) on top of dns-packet, with the fixes mDNS needs:
// - the QU bit (top bit of qclass, §5.4/§18.12) is read from the raw bytes: dns-packet drops it
//   on decode (it masks a class *string*);
// - the cache-flush bit (top bit of rrclass, §10.2/§18.13) is kept separate from the class;
// - labels ≤ 63 and names ≤ 255 octets are checked when encoding (dns-packet does not);
// - decoding is our own bounded walk: counts are checked against the packet size, compression
//   pointers must point strictly backwards (no loops), rdata must fit its RDLENGTH, and a label
//   holding a '.' cannot pose as two labels. Anything malformed throws PacketError, which the
//   socket handler drops;
// - NSEC in the restricted mDNS form (§6.1: window 0 only) is encoded here;
// - messages are split so each fits one packet (§17: stay within the interface MTU);
// - packed messages compress names (RFC 1035 §4.1.4: owner, question and PTR names), so more
//   records fit in each packet; encodeMessage/encodeRecord stay uncompressed (tests, tie-breaks).
// Rdata of A/AAAA/PTR/SRV/TXT is encoded with dns-packet's own codecs.

import dnsPacket from 'dns-packet';
import { checkName, nameKey } from './names.js';

export class PacketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PacketError';
  }
}

export const RR = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, NSEC: 47, ANY: 255 } as const;
export const CLASS_IN = 1;
export const CLASS_ANY = 255;
const TOP_BIT = 0x8000;
const HEADER_BYTES = 12;
/** RFC 6762 §17: a packet must fit the MTU; 1460 is what fits 1500 with IPv6 + UDP headers and slack. */
export const DEFAULT_MAX_PACKET = 1460;

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export type RecordData =
  | { type: 'A'; data: string }
  | { type: 'AAAA'; data: string }
  | { type: 'PTR'; data: string }
  | { type: 'SRV'; data: SrvData }
  | { type: 'TXT'; data: Buffer[] }
  | { type: 'NSEC'; data: { nextDomain: string; types: number[] } }
  | { type: 'OTHER'; typeCode: number; data: Buffer };

export type MdnsRecord = RecordData & {
  name: string;
  /** Without the cache-flush bit. */
  rclass: number;
  /** RFC 6762 §10.2 cache-flush bit. */
  flush: boolean;
  ttl: number;
};

export interface MdnsQuestion {
  name: string;
  typeCode: number;
  /** Without the QU bit. */
  qclass: number;
  /** RFC 6762 §5.4: the QU ("unicast response requested") bit. */
  unicastResponse: boolean;
  /** Decoded questions: the name's exact wire bytes (uncompressed), so a legacy reply echoes
   * the question byte for byte (§6.7) even when its labels hold dots or non-UTF-8 bytes. */
  nameWire?: Buffer;
}

export interface MdnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  rcode: number;
  questions: MdnsQuestion[];
  answers: MdnsRecord[];
  authorities: MdnsRecord[];
  additionals: MdnsRecord[];
}

// dns-packet's record codecs exist at run time but are missing from @types/dns-packet.
interface RdataCodec {
  encode(data: unknown): Buffer;
  decode(buf: Buffer, offset: number): unknown;
}
const codecs = dnsPacket as unknown as { a: RdataCodec; aaaa: RdataCodec; ptr: RdataCodec; srv: RdataCodec; txt: RdataCodec };

export function typeCode(r: RecordData): number {
  return r.type === 'OTHER' ? r.typeCode : RR[r.type];
}

export function typeName(code: number): string {
  for (const [k, v] of Object.entries(RR)) if (v === code) return k;
  return `TYPE${code}`;
}

// ---------------------------------------------------------------- encoding

function encodeName(name: string): Buffer {
  const problem = checkName(name);
  if (problem) throw new PacketError(problem);
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n === '') return Buffer.from([0]);
  const parts: Buffer[] = [];
  for (const label of n.split('.')) {
    const b = Buffer.from(label, 'utf8');
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function encodeNsecBitmap(types: number[]): Buffer {
  // RFC 6762 §6.1: mDNS NSEC uses only window block 0 (types 1–255).
  const wanted = types.filter((t) => t > 0 && t < 256);
  if (wanted.length === 0) return Buffer.alloc(0);
  const max = Math.max(...wanted);
  const bitmap = Buffer.alloc((max >> 3) + 1);
  for (const t of wanted) bitmap[t >> 3] = (bitmap[t >> 3] ?? 0) | (0x80 >> (t & 7));
  return Buffer.concat([Buffer.from([0, bitmap.length]), bitmap]);
}

/** The rdata bytes, uncompressed (the canonical form §8.2 tie-breaking compares). */
export function encodeRdata(r: RecordData): Buffer {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return codecs[r.type === 'A' ? 'a' : 'aaaa'].encode(r.data).subarray(2);
    case 'PTR':
      return encodeName(r.data);
    case 'SRV':
      encodeName(r.data.target);
      return codecs.srv.encode(r.data).subarray(2);
    case 'TXT':
      for (const s of r.data) if (s.length > 255) throw new PacketError('TXT string longer than 255 bytes');
      // RFC 6763 §6.1: a TXT record with no strings still carries one empty string.
      return codecs.txt.encode(r.data.length ? r.data : [Buffer.alloc(0)]).subarray(2);
    case 'NSEC':
      return Buffer.concat([encodeName(r.data.nextDomain), encodeNsecBitmap(r.data.types)]);
    case 'OTHER':
      return r.data;
  }
}

export function encodeQuestion(q: MdnsQuestion): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(q.typeCode, 0);
  tail.writeUInt16BE((q.qclass & 0x7fff) | (q.unicastResponse ? TOP_BIT : 0), 2);
  return Buffer.concat([q.nameWire ?? encodeName(q.name), tail]);
}

export function encodeRecord(r: MdnsRecord): Buffer {
  const rdata = encodeRdata(r);
  if (rdata.length > 0xffff) throw new PacketError('rdata too long');
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(typeCode(r), 0);
  fixed.writeUInt16BE((r.rclass & 0x7fff) | (r.flush ? TOP_BIT : 0), 2);
  fixed.writeUInt32BE(Math.max(0, Math.min(0x7fffffff, Math.floor(r.ttl))), 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(r.name), fixed, rdata]);
}

export interface MessageHead {
  id?: number;
  response: boolean;
  authoritative?: boolean;
  truncated?: boolean;
}

export interface MessageBody {
  questions?: MdnsQuestion[];
  answers?: MdnsRecord[];
  authorities?: MdnsRecord[];
  additionals?: MdnsRecord[];
}

function headerBytes(head: MessageHead, counts: [number, number, number, number]): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt16BE(head.id ?? 0, 0);
  let flags = 0;
  if (head.response) flags |= TOP_BIT;
  if (head.authoritative) flags |= 1 << 10; // AA, RFC 6762 §18.4
  if (head.truncated) flags |= 1 << 9;
  h.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => h.writeUInt16BE(c, 4 + 2 * i));
  return h;
}

export function encodeMessage(head: MessageHead, body: MessageBody): Buffer {
  const q = (body.questions ?? []).map(encodeQuestion);
  const an = (body.answers ?? []).map(encodeRecord);
  const ns = (body.authorities ?? []).map(encodeRecord);
  const ar = (body.additionals ?? []).map(encodeRecord);
  return Buffer.concat([headerBytes(head, [q.length, an.length, ns.length, ar.length]), ...q, ...an, ...ns, ...ar]);
}

// ---------------------------------------------------------------- record identity

/**
 * Records are never modified once made (a change makes new ones), so a record's key is kept
 * per record object: 10,000 names are probed three times, announced twice, rate-limited (§6)
 * and answered many times with the same records. (Their prepared wire form is not kept: it
 * costs ~1.3 KB a record, 90 MB for 10,000 names with DNS-SD.)
 */
const keyOf = new WeakMap<MdnsRecord, string>();

/** Same name (case-insensitive), type, class and rdata: one record for §7.1 and §9 purposes. */
export function recordKey(r: MdnsRecord): string {
  let key = keyOf.get(r);
  if (key === undefined) keyOf.set(r, (key = computeRecordKey(r)));
  return key;
}

function computeRecordKey(r: MdnsRecord): string {
  let rdata: string;
  try {
    rdata = encodeRdata(r).toString('hex');
  } catch {
    rdata = `!${JSON.stringify(r.data)}`;
  }
  // join, not a template: one flat string, not a tree of pieces (kept for every record)
  return [nameKey(r.name), typeCode(r), r.rclass, rdata].join('|');
}

/** Name + type + class: the RRset a record belongs to. */
export function rrsetKey(name: string, type: number, rclass = CLASS_IN): string {
  return `${nameKey(name)}|${type}|${rclass}`;
}

// ---------------------------------------------------------------- name compression (RFC 1035 §4.1.4)
//
// Packets we send compress owner names, question names and PTR targets: a name whose ending
// was already written in the packet ends in a 2-byte pointer to it. SRV targets and NSEC
// next-domain names stay uncompressed although RFC 6762 §18.14 allows compressing them: unicast
// DNS decoders (BIND's, so dig) refuse them compressed (RFC 2782; RFC 4034 §4.1.1), and legacy
// queriers (§6.7) get our replies. Pointers only ever point backwards, to labels written
// literally, so the packets pass our own decoder's checks (strictly backward pointers).
//
// Packing decides which records go in a packet before the layout is final (an answer placed
// after an additional still goes before it). So a record's size is estimated against the names
// that will certainly precede it: those already placed in its own or an earlier section. The
// final encoding compresses against every name before it, a superset, and a longer matching
// ending never costs more bytes, so a packet never ends up larger than its estimate.

/** Pointers hold 14 bits of offset. */
const POINTER_LIMIT = 0x4000;

interface WireName {
  labels: Buffer[];
  /** keys[i]: the exact wire bytes of the name from label i on (a case-sensitive match). */
  keys: string[];
  /** Bytes written as they are (legacy questions echoed byte for byte, §6.7). */
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

function wireName(name: string): WireName {
  const problem = checkName(name);
  if (problem) throw new PacketError(problem);
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = n === '' ? [] : n.split('.').map((l) => Buffer.from(l, 'utf8'));
  return { labels, keys: suffixKeys(labels) };
}

/** An uncompressed wire name as decodeMessage keeps it (MdnsQuestion.nameWire). */
function literalName(wire: Buffer): WireName {
  const labels: Buffer[] = [];
  for (let p = 0; p < wire.length && wire[p] !== 0; p += 1 + wire[p]!) labels.push(wire.subarray(p + 1, p + 1 + wire[p]!));
  return { labels, keys: suffixKeys(labels), literal: wire };
}

/** Estimates: which name endings precede a given section (0 questions … 3 additionals). */
class SuffixRanks {
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

/** The real thing: where each name ending was written in this packet. */
class NameWriter {
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
interface Prepared {
  name: WireName;
  /** Question: type, class. Record: type, class, TTL (RDLENGTH is written with the rdata). */
  fixed: Buffer;
  record: boolean;
  /** PTR: the target, compressed. */
  rdataName?: WireName;
  rdata?: Buffer;
}

function prepareQuestion(q: MdnsQuestion): Prepared {
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(q.typeCode, 0);
  fixed.writeUInt16BE((q.qclass & 0x7fff) | (q.unicastResponse ? TOP_BIT : 0), 2);
  return { name: q.nameWire ? literalName(q.nameWire) : wireName(q.name), fixed, record: false };
}

function prepareRecord(r: MdnsRecord): Prepared {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16BE(typeCode(r), 0);
  fixed.writeUInt16BE((r.rclass & 0x7fff) | (r.flush ? TOP_BIT : 0), 2);
  fixed.writeUInt32BE(Math.max(0, Math.min(0x7fffffff, Math.floor(r.ttl))), 4);
  const name = wireName(r.name);
  if (r.type === 'PTR') return { name, fixed, record: true, rdataName: wireName(r.data) };
  const rdata = encodeRdata(r);
  if (rdata.length > 0xffff) throw new PacketError('rdata too long');
  return { name, fixed, record: true, rdata };
}

function placeSize(p: Prepared, ranks: SuffixRanks, section: number): number {
  let size = ranks.place(p.name, section) + p.fixed.length;
  if (!p.record) return size;
  size += 2;
  size += p.rdataName ? ranks.place(p.rdataName, section) : p.rdata!.length;
  return size;
}

function writePrepared(p: Prepared, names: NameWriter, offset: number): Buffer {
  const owner = names.write(p.name, offset);
  if (!p.record) return Buffer.concat([owner, p.fixed]);
  const rdataAt = offset + owner.length + p.fixed.length + 2;
  const rdata = p.rdataName ? names.write(p.rdataName, rdataAt) : p.rdata!;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(rdata.length, 0);
  return Buffer.concat([owner, p.fixed, len, rdata]);
}

// ---------------------------------------------------------------- packing (§17)

/**
 * Records that must travel together (a name's probe question and its proposed records, or one
 * answer) plus optional additionals that go along only when they fit (§6.2 "if there is space").
 */
export interface PacketPart {
  questions?: MdnsQuestion[];
  answers?: MdnsRecord[];
  authorities?: MdnsRecord[];
  additionals?: MdnsRecord[];
}

const QD = 0;
const AN = 1;
const NS = 2;
const AR = 3;

interface DraftItem {
  key: string;
  p: Prepared;
}

interface Draft {
  /** Questions, answers, authorities, additionals, in wire order. */
  sections: [DraftItem[], DraftItem[], DraftItem[], DraftItem[]];
  keys: Set<string>;
  ranks: SuffixRanks;
  /** An upper bound on the encoded size (the estimate described above). */
  size: number;
}

/**
 * Packs parts into as few messages as fit `maxBytes` each, keeping every part's required
 * records in one message when the part fits at all, and never repeating a record in a message.
 * `fixedQuestions` go in every message (legacy unicast echoes the question, §6.7). Names are
 * compressed (RFC 1035 §4.1.4), so more records fit in each message.
 */
export function packMessages(head: MessageHead, parts: PacketPart[], maxBytes = DEFAULT_MAX_PACKET, fixedQuestions: MdnsQuestion[] = []): Buffer[] {
  const fixed = fixedQuestions.map(prepareQuestion);
  const out: Buffer[] = [];
  const measure = (d: Draft) => {
    d.size = HEADER_BYTES;
    for (const p of fixed) d.size += placeSize(p, d.ranks, QD);
    d.sections.forEach((items, section) => {
      for (const i of items) d.size += placeSize(i.p, d.ranks, section);
    });
  };
  const fresh = (): Draft => {
    const d: Draft = { sections: [[], [], [], []], keys: new Set(), ranks: new SuffixRanks(), size: 0 };
    measure(d);
    return d;
  };
  let cur = fresh();
  const empty = (d: Draft) => d.keys.size === 0;
  const flush = () => {
    if (empty(cur)) return;
    const [qd, an, ns, ar] = cur.sections;
    const names = new NameWriter();
    const chunks = [headerBytes(head, [fixed.length + qd.length, an.length, ns.length, ar.length])];
    let offset = HEADER_BYTES;
    for (const p of [...fixed, ...[...qd, ...an, ...ns, ...ar].map((i) => i.p)]) {
      const b = writePrepared(p, names, offset);
      chunks.push(b);
      offset += b.length;
    }
    out.push(Buffer.concat(chunks));
    cur = fresh();
  };
  type Item = { section: number; key: string; p: Prepared };
  for (const part of parts) {
    const items: Item[] = [];
    for (const q of part.questions ?? []) items.push({ section: QD, key: `q|${nameKey(q.name)}|${q.typeCode}|${q.qclass}|${q.unicastResponse}`, p: prepareQuestion(q) });
    for (const r of part.answers ?? []) items.push({ section: AN, key: `an|${recordKey(r)}`, p: prepareRecord(r) });
    for (const r of part.authorities ?? []) items.push({ section: NS, key: `ns|${recordKey(r)}`, p: prepareRecord(r) });
    const needed = (d: Draft) => {
      const trial = d.ranks.fork();
      return items.filter((i) => !d.keys.has(i.key)).reduce((s, i) => s + placeSize(i.p, trial, i.section), 0);
    };
    if (!empty(cur) && cur.size + needed(cur) > maxBytes) flush();
    for (const item of items) {
      if (cur.keys.has(item.key)) continue;
      // An answer supersedes the same record already placed as an additional (§6.2: no repeats).
      const additionals = cur.sections[AR];
      const asAdditional = item.section === AN ? additionals.findIndex((a) => `an|${a.key}` === item.key) : -1;
      if (asAdditional >= 0) {
        cur.keys.delete(`ar|${additionals[asAdditional]!.key}`);
        additionals.splice(asAdditional, 1);
        cur.ranks = new SuffixRanks();
        measure(cur);
      }
      let trial = cur.ranks.fork();
      let size = placeSize(item.p, trial, item.section);
      if (!empty(cur) && cur.size + size > maxBytes) {
        flush();
        trial = cur.ranks.fork();
        size = placeSize(item.p, trial, item.section);
      }
      // A single record larger than the packet still goes out alone (§17 allows up to 9000).
      trial.commit();
      cur.sections[item.section]!.push({ key: item.key, p: item.p });
      cur.keys.add(item.key);
      cur.size += size;
    }
    for (const r of part.additionals ?? []) {
      const key = recordKey(r);
      if (cur.keys.has(`an|${key}`) || cur.keys.has(`ar|${key}`)) continue;
      const p = prepareRecord(r);
      const trial = cur.ranks.fork();
      const size = placeSize(p, trial, AR);
      if (cur.size + size > maxBytes) continue;
      trial.commit();
      cur.sections[AR].push({ key, p });
      cur.keys.add(`ar|${key}`);
      cur.size += size;
    }
  }
  flush();
  return out;
}

// ---------------------------------------------------------------- decoding

const MAX_POINTER_JUMPS = 128;

/** Reads a possibly compressed name. Pointers must go strictly backwards, so loops end. */
/** A possibly compressed name (pointers only backwards, §18.14 limits); query.ts reads replies with it too. */
export function readName(buf: Buffer, start: number): { name: string; next: number; wire: Buffer } {
  const labels: string[] = [];
  const wire: Buffer[] = [];
  let pos = start;
  let limit = start; // every pointer must be below the previous target: no loops
  let next = -1;
  let total = 1;
  let jumps = 0;
  for (;;) {
    if (pos >= buf.length) throw new PacketError('name runs past the end');
    const len = buf[pos]!;
    if (len === 0) {
      pos += 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new PacketError('truncated compression pointer');
      const ptr = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (ptr >= limit) throw new PacketError('compression pointer does not point backwards');
      if (++jumps > MAX_POINTER_JUMPS) throw new PacketError('too many compression pointers');
      if (next < 0) next = pos + 2;
      pos = ptr;
      limit = ptr;
      continue;
    }
    if (kind !== 0) throw new PacketError('bad label type');
    if (pos + 1 + len > buf.length) throw new PacketError('label runs past the end');
    total += len + 1;
    if (total > 255) throw new PacketError('name longer than 255 bytes');
    // Escape '.' and '\' so a label containing a dot cannot equal two of our labels.
    labels.push(buf.toString('utf8', pos + 1, pos + 1 + len).replace(/\\/g, '\\\\').replace(/\./g, '\\.'));
    wire.push(buf.subarray(pos, pos + 1 + len));
    pos += 1 + len;
  }
  wire.push(Buffer.from([0]));
  return { name: labels.length ? labels.join('.') : '.', next: next < 0 ? pos : next, wire: Buffer.concat(wire) };
}

function decodeRdata(buf: Buffer, type: number, start: number, length: number): RecordData {
  const end = start + length;
  const nameIn = (at: number) => {
    const n = readName(buf, at);
    if (n.next > end) throw new PacketError('name runs past rdata');
    return n;
  };
  switch (type) {
    case RR.A:
      if (length !== 4) throw new PacketError('A rdata must be 4 bytes');
      return { type: 'A', data: codecs.a.decode(buf, start - 2) as string };
    case RR.AAAA:
      if (length !== 16) throw new PacketError('AAAA rdata must be 16 bytes');
      return { type: 'AAAA', data: codecs.aaaa.decode(buf, start - 2) as string };
    case RR.PTR:
      return { type: 'PTR', data: nameIn(start).name };
    case RR.SRV: {
      if (length < 7) throw new PacketError('SRV rdata too short');
      const target = nameIn(start + 6).name;
      return { type: 'SRV', data: { priority: buf.readUInt16BE(start), weight: buf.readUInt16BE(start + 2), port: buf.readUInt16BE(start + 4), target } };
    }
    case RR.TXT: {
      const strings: Buffer[] = [];
      let p = start;
      while (p < end) {
        const l = buf[p]!;
        if (p + 1 + l > end) throw new PacketError('TXT string runs past rdata');
        strings.push(Buffer.from(buf.subarray(p + 1, p + 1 + l)));
        p += 1 + l;
      }
      return { type: 'TXT', data: strings };
    }
    case RR.NSEC: {
      const next = nameIn(start);
      const types: number[] = [];
      let p = next.next;
      while (p < end) {
        if (p + 2 > end) throw new PacketError('NSEC bitmap truncated');
        const window = buf[p]!;
        const len = buf[p + 1]!;
        if (len < 1 || len > 32 || p + 2 + len > end) throw new PacketError('bad NSEC bitmap');
        for (let i = 0; i < len; i++) {
          const byte = buf[p + 2 + i]!;
          for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) types.push(window * 256 + i * 8 + bit);
        }
        p += 2 + len;
      }
      return { type: 'NSEC', data: { nextDomain: next.name, types } };
    }
    default:
      return { type: 'OTHER', typeCode: type, data: Buffer.from(buf.subarray(start, end)) };
  }
}

/** Decodes one mDNS message. Throws PacketError for anything malformed; never reads out of bounds. */
export function decodeMessage(buf: Buffer): MdnsMessage {
  if (buf.length < HEADER_BYTES) throw new PacketError('shorter than a DNS header');
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  // A question takes at least 5 bytes and a record at least 11: hostile counts fail here,
  // before anything is allocated for them.
  if (HEADER_BYTES + qd * 5 + (an + ns + ar) * 11 > buf.length) throw new PacketError('counts exceed the packet size');
  let pos = HEADER_BYTES;
  const questions: MdnsQuestion[] = [];
  for (let i = 0; i < qd; i++) {
    const n = readName(buf, pos);
    pos = n.next;
    if (pos + 4 > buf.length) throw new PacketError('question truncated');
    const qtype = buf.readUInt16BE(pos);
    const qclass = buf.readUInt16BE(pos + 2);
    pos += 4;
    questions.push({ name: n.name, typeCode: qtype, qclass: qclass & 0x7fff, unicastResponse: (qclass & TOP_BIT) !== 0, nameWire: n.wire });
  }
  const readRecords = (count: number): MdnsRecord[] => {
    const list: MdnsRecord[] = [];
    for (let i = 0; i < count; i++) {
      const n = readName(buf, pos);
      pos = n.next;
      if (pos + 10 > buf.length) throw new PacketError('record truncated');
      const type = buf.readUInt16BE(pos);
      const rclass = buf.readUInt16BE(pos + 2);
      const ttl = buf.readUInt32BE(pos + 4);
      const rdlength = buf.readUInt16BE(pos + 8);
      pos += 10;
      if (pos + rdlength > buf.length) throw new PacketError('rdata runs past the end');
      const data = decodeRdata(buf, type, pos, rdlength);
      pos += rdlength;
      list.push({ ...data, name: n.name, rclass: rclass & 0x7fff, flush: (rclass & TOP_BIT) !== 0, ttl } as MdnsRecord);
    }
    return list;
  };
  const answers = readRecords(an);
  const authorities = readRecords(ns);
  const additionals = readRecords(ar);
  return {
    id: buf.readUInt16BE(0),
    response: (flags & TOP_BIT) !== 0,
    opcode: (flags >> 11) & 0xf,
    authoritative: (flags & (1 << 10)) !== 0,
    truncated: (flags & (1 << 9)) !== 0,
    rcode: flags & 0xf,
    questions,
    answers,
    authorities,
    additionals,
  };
}
