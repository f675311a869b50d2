// The mDNS message model (RFC 6762 §18) on the DNS coder of src/dns, with what is mDNS's own:
// - the QU bit (top bit of qclass, §5.4/§18.12) and the cache-flush bit (top bit of rrclass,
//   §10.2/§18.13) are kept apart from the class (dns-packet's own decoder drops the QU bit);
// - record identity (recordKey, rrsetKey) as §7.1 and §9 compare records;
// - messages are packed so each fits one packet (§17: stay within the interface MTU), names
//   compressed (RFC 1035 §4.1.4, src/dns/compression.ts) so more records fit in each packet;
//   encodeMessage/encodeRecord stay uncompressed (tests, tie-breaks);
// - what the responder accepts from the link (decodeReceived): a message src/dns frames whole,
//   every record well-formed, except that an NSEC we cannot parse is ignored rather than the
//   message around it (§6.1: a querier must parse the restricted NSEC form; python-zeroconf
//   writes its bitmap window and length as 16-bit fields, and dropping its whole answer would
//   hide its claim to one of our names, §8.1/§9).
// Names are checked (labels ≤ 63, names ≤ 255 octets) when encoding. decodeMessage reads
// strictly (src/dns/message.ts) and throws PacketError for anything malformed; the socket
// handler drops what decodeReceived refuses.

import {
  CLASS,
  type DecodedMessage,
  type DecodedRecord,
  HEADER_BYTES,
  NameWriter,
  PacketError,
  type Prepared,
  type RecordData,
  SuffixRanks,
  TYPE,
  decodeMessage as decodeDns,
  encodeHeader,
  encodeMessage as encodeDnsMessage,
  encodeQuestion as encodeDnsQuestion,
  encodeRdata,
  encodeRecord as encodeDnsRecord,
  placeSize,
  prepareQuestion as prepareDnsQuestion,
  prepareRecord as prepareDnsRecord,
  typeCode,
  writePrepared,
} from '../dns/index.js';
import { nameKey } from './names.js';

export { PacketError, type RecordData, type SrvData, TYPE as RR, encodeRdata, typeCode, typeName } from '../dns/index.js';

export const CLASS_IN: number = CLASS.IN;
export const CLASS_ANY: number = CLASS.ANY;
const TOP_BIT = 0x8000;
/** RFC 6762 §17: a packet must fit the MTU; 1460 is what fits 1500 with IPv6 + UDP headers and slack. */
export const DEFAULT_MAX_PACKET = 1460;

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

// ---------------------------------------------------------------- encoding

/** The question as src/dns writes it: the QU bit folded into the class. */
function dnsQuestion(q: MdnsQuestion) {
  return { name: q.name, type: q.typeCode, class: (q.qclass & 0x7fff) | (q.unicastResponse ? TOP_BIT : 0), ...(q.nameWire ? { nameWire: q.nameWire } : {}) };
}

/** The record's fixed fields as src/dns writes them: cache-flush folded into the class, TTL kept to 0..2^31-1 (RFC 2181 §8). */
function dnsHead(r: MdnsRecord) {
  return { name: r.name, type: typeCode(r), class: (r.rclass & 0x7fff) | (r.flush ? TOP_BIT : 0), ttl: Math.max(0, Math.min(0x7fffffff, Math.floor(r.ttl))) };
}

export function encodeQuestion(q: MdnsQuestion): Buffer {
  return encodeDnsQuestion(dnsQuestion(q));
}

export function encodeRecord(r: MdnsRecord): Buffer {
  return encodeDnsRecord(dnsHead(r), encodeRdata(r));
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

/** RFC 6762 §18: only QR, AA and TC are ever set in what we send. */
function dnsHeader(head: MessageHead) {
  return { id: head.id ?? 0, qr: head.response, aa: head.authoritative ?? false, tc: head.truncated ?? false };
}

export function encodeMessage(head: MessageHead, body: MessageBody): Buffer {
  return encodeDnsMessage(dnsHeader(head), [
    (body.questions ?? []).map(encodeQuestion),
    (body.answers ?? []).map(encodeRecord),
    (body.authorities ?? []).map(encodeRecord),
    (body.additionals ?? []).map(encodeRecord),
  ]);
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

// ---------------------------------------------------------------- packing (§17)

function prepareQuestion(q: MdnsQuestion): Prepared {
  return prepareDnsQuestion(dnsQuestion(q));
}

function prepareRecord(r: MdnsRecord): Prepared {
  return prepareDnsRecord(dnsHead(r), r);
}

function headerBytes(head: MessageHead, counts: [number, number, number, number]): Buffer {
  return encodeHeader(dnsHeader(head), counts);
}

/**
 * Records that must travel together (a name's probe question and its proposed records, or one
 * answer) plus additionals that go in the same packet: a part whose additionals would not fit
 * the current packet starts the next one (RFC 6763 §12.1); only a part too large for any packet
 * goes with fewer of them (§6.2 "if there is space").
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
  /** An upper bound on the encoded size (the estimate of src/dns/compression.ts). */
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
    for (const q of part.questions ?? [])
      items.push({ section: QD, key: `q|${nameKey(q.name)}|${q.typeCode}|${q.qclass}|${q.unicastResponse}`, p: prepareQuestion(q) });
    for (const r of part.answers ?? []) items.push({ section: AN, key: `an|${recordKey(r)}`, p: prepareRecord(r) });
    for (const r of part.authorities ?? []) items.push({ section: NS, key: `ns|${recordKey(r)}`, p: prepareRecord(r) });
    const extras = (part.additionals ?? []).map((r) => ({ key: recordKey(r), p: prepareRecord(r) }));
    // RFC 6763 §12.1: the additionals count too. A part that fits an empty packet with them
    // starts a new packet rather than leaving them behind; one too big even for that keeps its
    // required records and as many additionals as fit (below).
    const needed = (d: Draft) => {
      const trial = d.ranks.fork();
      const required = items.filter((i) => !d.keys.has(i.key)).reduce((s, i) => s + placeSize(i.p, trial, i.section), 0);
      return extras.filter((e) => !d.keys.has(`an|${e.key}`) && !d.keys.has(`ar|${e.key}`)).reduce((s, e) => s + placeSize(e.p, trial, AR), required);
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
    for (const { key, p } of extras) {
      if (cur.keys.has(`an|${key}`) || cur.keys.has(`ar|${key}`)) continue;
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

function mdnsRecord(r: DecodedRecord): MdnsRecord {
  const d = r.rdata;
  const rclass = r.class & 0x7fff;
  const flush = (r.class & TOP_BIT) !== 0;
  // Built field by field: object spread is measurably slower on this hot path.
  if (d.type === 'OTHER') return { type: 'OTHER', typeCode: d.typeCode, data: d.data, name: r.name, rclass, flush, ttl: r.ttl };
  return { type: d.type, data: d.data, name: r.name, rclass, flush, ttl: r.ttl } as MdnsRecord;
}

/** The mDNS view of a message src/dns decoded. */
export function fromDns(m: DecodedMessage): MdnsMessage {
  return {
    id: m.id,
    response: m.qr,
    opcode: m.opcode,
    authoritative: m.aa,
    truncated: m.tc,
    rcode: m.rcode,
    questions: m.questions.map((q) => ({
      name: q.name,
      typeCode: q.type,
      qclass: q.class & 0x7fff,
      unicastResponse: (q.class & TOP_BIT) !== 0,
      nameWire: q.nameWire,
    })),
    answers: m.answers.map(mdnsRecord),
    authorities: m.authorities.map(mdnsRecord),
    additionals: m.additionals.map(mdnsRecord),
  };
}

/** Decodes one mDNS message strictly. Throws PacketError for anything malformed; never reads out of bounds. */
export function decodeMessage(buf: Buffer): MdnsMessage {
  return fromDns(decodeDns(buf, 'strict'));
}

/**
 * What the responder accepts from the link (see the header): the message must frame whole and
 * every record must be well-formed, except an NSEC whose rdata we cannot parse, which is left
 * out (§6.1) while the rest of the message counts. Throws PacketError otherwise.
 */
export function decodeReceived(buf: Buffer): MdnsMessage {
  const m = decodeDns(buf, 'tolerant');
  if (m.stopped !== undefined) throw new PacketError(m.stopped);
  const bad = m.skipped.find((s) => s.type !== TYPE.NSEC);
  if (bad) throw new PacketError(bad.reason);
  return fromDns(m);
}
