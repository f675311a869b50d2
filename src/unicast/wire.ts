// The unicast view of the DNS coder (src/dns): names in canonical form (lower case, no trailing
// dot), as TSIG digests them (RFC 8945 §4.3.3) and as this sink compares them; replies as
// record frames that keep their byte offsets, because TSIG verification (RFC 8945 §5.3) works
// on the exact bytes of the reply minus its last record; TXT as strings. Every byte is read
// and written by src/dns.

import {
  CLASS,
  TYPE,
  assertName,
  canonicalName,
  decodeRdata,
  encodeMessage,
  encodeQuestion,
  encodeRdata,
  encodeName as encodeDnsName,
  readFrames,
  readName as readDnsName,
  soaSerial as readSoaSerial,
} from '../dns/index.js';

export { CLASS, OPCODE, RCODE, TYPE, canonicalName, rcodeName, typeName } from '../dns/index.js';

/** Uncompressed canonical wire form; RFC 1035 §2.3.4 limits checked (PacketError names the name as given). */
export function encodeName(name: string): Buffer {
  assertName(name);
  return encodeDnsName(canonicalName(name));
}

/** Reads a possibly compressed name; returns it canonical and the bytes it takes at `offset`. */
export function readName(buf: Buffer, offset: number): { name: string; length: number } {
  const n = readDnsName(buf, offset);
  return { name: canonicalName(n.name), length: n.next - offset };
}

export function rdataA(ip: string): Buffer {
  return encodeRdata({ type: 'A', data: ip });
}

export function rdataAAAA(ip: string): Buffer {
  return encodeRdata({ type: 'AAAA', data: ip });
}

/** TXT rdata: each string as one <character-string> (RFC 1035 §3.3.14), at most 255 bytes each. */
export function rdataTxt(strings: readonly string[]): Buffer {
  return encodeRdata({ type: 'TXT', data: strings.map((s) => Buffer.from(s, 'utf8')) });
}

/** CNAME rdata (RFC 1035 §3.3.1), uncompressed as UPDATE writes it. */
export function rdataName(name: string): Buffer {
  return encodeName(name);
}

export function decodeA(rdata: Buffer): string {
  return decodeRdata(rdata, TYPE.A, 0, rdata.length).data as string;
}

export function decodeAAAA(rdata: Buffer): string {
  return decodeRdata(rdata, TYPE.AAAA, 0, rdata.length).data as string;
}

export function decodeTxt(rdata: Buffer): string[] {
  return (decodeRdata(rdata, TYPE.TXT, 0, rdata.length).data as Buffer[]).map((s) => s.toString('utf8'));
}

export interface WireQuestion {
  name: string;
  type: number;
  class: number;
}

export interface WireRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** A view of the rdata inside the message (compressed names in it point into the message). */
  rdata: Buffer;
  rdataOffset: number;
  /** Offsets of the whole record in the message. */
  start: number;
  end: number;
  /** CNAME only: the target, decompressed while the whole message is at hand. */
  target?: string;
}

export interface WireMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rcode: number;
  questions: WireQuestion[];
  answers: WireRecord[];
  authorities: WireRecord[];
  additionals: WireRecord[];
}

/** A reply, strictly framed (PacketError otherwise); rdata left in place, names canonical. */
export function parseMessage(buf: Buffer): WireMessage {
  const m = readFrames(buf, 'strict');
  const record = (r: (typeof m.answers)[number]): WireRecord => {
    const rec: WireRecord = {
      name: canonicalName(r.name),
      type: r.type,
      class: r.class,
      ttl: r.ttl,
      rdata: buf.subarray(r.rdataOffset, r.end),
      rdataOffset: r.rdataOffset,
      start: r.start,
      end: r.end,
    };
    // CNAME: the target decompressed while the whole message is at hand.
    if (r.type === TYPE.CNAME) rec.target = readName(buf, r.rdataOffset).name;
    return rec;
  };
  return {
    id: m.id,
    qr: m.qr,
    opcode: m.opcode,
    aa: m.aa,
    tc: m.tc,
    rcode: m.rcode,
    questions: m.questions.map((q) => ({ name: canonicalName(q.name), type: q.type, class: q.class })),
    answers: m.answers.map(record),
    authorities: m.authorities.map(record),
    additionals: m.additionals.map(record),
  };
}

/** SOA serial (RFC 1035 §3.3.13) of an SOA record of `message`. */
export function soaSerial(message: Buffer, record: WireRecord): number {
  return readSoaSerial(message, record.rdataOffset, record.end - record.rdataOffset);
}

/** A plain query (RD clear: we ask the authoritative server itself). */
export function encodeQuery(id: number, name: string, type: number, klass: number = CLASS.IN): Buffer {
  return encodeMessage({ id }, [[encodeQuestion({ name: canonicalName(name), type, class: klass })], [], [], []]);
}
