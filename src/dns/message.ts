// Whole messages (RFC 1035 §4.1): the header, questions and records, written uncompressed, and
// read in one of two modes:
// - strict: every byte must be well-formed, or PacketError is thrown. Counts are checked
//   against the packet size before anything is allocated for them (a question takes at least
//   5 bytes, a record at least 11), names are read with the bounds of names.ts, and every
//   record's rdata must decode (rdata.ts).
// - tolerant: for messages from other implementations that are worth reading even when part of
//   them is broken. A record whose rdata does not decode is skipped (listed in `skipped`, with
//   the reason) and the walk goes on at the next record, RDLENGTH further; a record or
//   question that cannot even be framed (a name running off the end, a bad compression
//   pointer, RDLENGTH past the end) ends the walk, keeping what came before (`stopped` says
//   why). Only a message shorter than the header throws.
// Every record keeps its byte offsets: TSIG (RFC 8945 §4.3.2) signs the bytes before its own
// record, and the rdata of unknown types is read in place.

import { PacketError } from './errors.js';
import { encodeName, readName, readNameWire } from './names.js';
import { type RecordData, decodeRdata } from './rdata.js';

export const HEADER_BYTES = 12;

/** The header's fields (RFC 1035 §4.1.1); the counts are those of the sections. */
export interface Header {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
}

export type SectionCounts = readonly [questions: number, answers: number, authorities: number, additionals: number];

export function encodeHeader(h: Partial<Header>, counts: SectionCounts): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.writeUInt16BE(h.id ?? 0, 0);
  let flags = (((h.opcode ?? 0) & 0xf) << 11) | ((h.rcode ?? 0) & 0xf);
  if (h.qr) flags |= 0x8000;
  if (h.aa) flags |= 1 << 10;
  if (h.tc) flags |= 1 << 9;
  if (h.rd) flags |= 1 << 8;
  if (h.ra) flags |= 1 << 7;
  b.writeUInt16BE(flags, 2);
  counts.forEach((c, i) => b.writeUInt16BE(c, 4 + 2 * i));
  return b;
}

/** Throws PacketError for fewer than 12 bytes. */
export function decodeHeader(buf: Buffer): Header & { counts: SectionCounts } {
  if (buf.length < HEADER_BYTES) throw new PacketError(`shorter than a DNS header (${buf.length} bytes)`);
  const flags = buf.readUInt16BE(2);
  return {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & (1 << 10)) !== 0,
    tc: (flags & (1 << 9)) !== 0,
    rd: (flags & (1 << 8)) !== 0,
    ra: (flags & (1 << 7)) !== 0,
    rcode: flags & 0xf,
    counts: [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)],
  };
}

// ---------------------------------------------------------------- writing (uncompressed)

export interface Question {
  name: string;
  type: number;
  /** All 16 bits as on the wire (mDNS puts its QU bit in the top one, RFC 6762 §18.12). */
  class: number;
  /** Decoded: the name's exact bytes, uncompressed. Encoding: written instead of `name`. */
  nameWire?: Buffer;
}

/** A record's owner and fixed fields; `class` is all 16 bits (mDNS: cache-flush on top). */
export interface RecordHead {
  name: string;
  type: number;
  class: number;
  /** Written as an unsigned 32-bit value. */
  ttl: number;
}

export function encodeQuestion(q: Question): Buffer {
  const name = q.nameWire ?? encodeName(q.name);
  const out = Buffer.alloc(name.length + 4);
  name.copy(out, 0);
  out.writeUInt16BE(q.type, name.length);
  out.writeUInt16BE(q.class, name.length + 2);
  return out;
}

export function encodeRecord(head: RecordHead, rdata: Buffer): Buffer {
  if (rdata.length > 0xffff) throw new PacketError('rdata too long');
  const owner = encodeName(head.name);
  const out = Buffer.alloc(owner.length + 10 + rdata.length);
  owner.copy(out, 0);
  const o = owner.length;
  out.writeUInt16BE(head.type, o);
  out.writeUInt16BE(head.class, o + 2);
  out.writeUInt32BE(head.ttl >>> 0, o + 4);
  out.writeUInt16BE(rdata.length, o + 8);
  rdata.copy(out, o + 10);
  return out;
}

/** A message from already encoded questions and records (encodeQuestion, encodeRecord), in order. */
export function encodeMessage(
  header: Partial<Header>,
  sections: readonly [questions: readonly Buffer[], answers: readonly Buffer[], authorities: readonly Buffer[], additionals: readonly Buffer[]],
): Buffer {
  const [qd, an, ns, ar] = sections;
  return Buffer.concat([encodeHeader(header, [qd.length, an.length, ns.length, ar.length]), ...qd, ...an, ...ns, ...ar]);
}

// ---------------------------------------------------------------- reading

export type DecodeMode = 'strict' | 'tolerant';

/** Where one record sits in the message, and its fixed fields. */
export interface RecordFrame extends RecordHead {
  /** Offset of the record's first byte (its owner name). */
  start: number;
  rdataOffset: number;
  /** Offset just past its rdata. */
  end: number;
}

export type SectionName = 'answers' | 'authorities' | 'additionals';
const SECTIONS: readonly SectionName[] = ['answers', 'authorities', 'additionals'];

export interface SkippedRecord extends RecordFrame {
  section: SectionName;
  /** Why its rdata could not be decoded. */
  reason: string;
}

export interface Frames<R> extends Header {
  questions: (Question & { nameWire: Buffer })[];
  answers: R[];
  authorities: R[];
  additionals: R[];
  /** Tolerant mode: records skipped because their rdata did not decode. */
  skipped: SkippedRecord[];
  /** Tolerant mode: why the walk ended before the counts said (undefined: it did not). */
  stopped?: string;
}

export interface DecodedRecord extends RecordFrame {
  rdata: RecordData;
}

export type DecodedMessage = Frames<DecodedRecord>;

/** `read` turns a frame into the record kept (it may throw PacketError for bad rdata). */
function walk<R extends RecordFrame>(buf: Buffer, mode: DecodeMode, read: (buf: Buffer, f: RecordFrame) => R): Frames<R> {
  const h = decodeHeader(buf);
  const [qd, an, ns, ar] = h.counts;
  if (mode === 'strict' && HEADER_BYTES + qd * 5 + (an + ns + ar) * 11 > buf.length) throw new PacketError('counts exceed the packet size');
  const msg: Frames<R> = {
    id: h.id,
    qr: h.qr,
    opcode: h.opcode,
    aa: h.aa,
    tc: h.tc,
    rd: h.rd,
    ra: h.ra,
    rcode: h.rcode,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
    skipped: [],
  };
  let pos = HEADER_BYTES;
  try {
    for (let i = 0; i < qd; i++) {
      const n = readNameWire(buf, pos);
      if (n.next + 4 > buf.length) throw new PacketError('question truncated');
      msg.questions.push({ name: n.name, type: buf.readUInt16BE(n.next), class: buf.readUInt16BE(n.next + 2), nameWire: n.wire });
      pos = n.next + 4;
    }
    const counts = [an, ns, ar];
    for (let s = 0; s < 3; s++) {
      const section = SECTIONS[s]!;
      const count = counts[s]!;
      const list = msg[section];
      for (let i = 0; i < count; i++) {
        const n = readName(buf, pos);
        if (n.next + 10 > buf.length) throw new PacketError('record truncated');
        const rdataOffset = n.next + 10;
        const end = rdataOffset + buf.readUInt16BE(n.next + 8);
        if (end > buf.length) throw new PacketError('rdata runs past the end');
        const frame: RecordFrame = {
          name: n.name,
          type: buf.readUInt16BE(n.next),
          class: buf.readUInt16BE(n.next + 2),
          ttl: buf.readUInt32BE(n.next + 4),
          start: pos,
          rdataOffset,
          end,
        };
        pos = end;
        try {
          list.push(read(buf, frame));
        } catch (err) {
          if (mode === 'strict' || !(err instanceof PacketError)) throw err;
          msg.skipped.push({ ...frame, section, reason: err.message });
        }
      }
    }
  } catch (err) {
    if (mode === 'strict' || !(err instanceof PacketError)) throw err;
    msg.stopped = err.message;
  }
  return msg;
}

/** Header, questions and record frames (offsets, fixed fields), rdata left undecoded. */
export function readFrames(buf: Buffer, mode: DecodeMode = 'strict'): Frames<RecordFrame> {
  return walk<RecordFrame>(buf, mode, (_b, f) => f);
}

/** Header, questions and records with their rdata decoded; see the header for the modes. */
export function decodeMessage(buf: Buffer, mode: DecodeMode = 'strict'): DecodedMessage {
  return walk<DecodedRecord>(buf, mode, (b, f) => {
    const r = f as DecodedRecord;
    r.rdata = decodeRdata(b, f.type, f.rdataOffset, f.end - f.rdataOffset);
    return r;
  });
}
