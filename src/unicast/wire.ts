// DNS wire format pieces the unicast client needs (RFC 1035 §4): names, queries, and a reply
// parser that keeps byte offsets, because TSIG verification (RFC 8945 §5.3) works on the
// exact bytes of the reply minus its last record. dns-packet does the per-type rdata codecs;
// its whole-message decoder hides offsets and its types lack the codecs, so they are typed here.

import dnsPacket from 'dns-packet';

interface Codec<T> {
  encode(value: T, buf?: Buffer, offset?: number): Buffer;
  decode: ((buf: Buffer, offset?: number) => T) & { bytes: number };
  encodingLength(value: T): number;
}

const codecs = dnsPacket as unknown as {
  name: Codec<string>;
  a: Codec<string>;
  aaaa: Codec<string>;
  txt: Codec<Buffer[]>;
};

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, TXT: 16, AAAA: 28, TSIG: 250, AXFR: 252, ANY: 255 } as const;
// RFC 2136 §1.3 gives NONE (254) and ANY (255) their meanings inside UPDATE.
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;

// RFC 1035 §4.1.1, RFC 2136 §2.2 (6–10), RFC 8945 §3 (TSIG errors in the TSIG record).
const RCODES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED',
  6: 'YXDOMAIN', 7: 'YXRRSET', 8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE',
  16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC',
};
export const RCODE = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5,
  YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10,
  BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22,
} as const;

export function rcodeName(code: number): string {
  return RCODES[code] ?? `RCODE${code}`;
}

/** Lower-case, no trailing dot: how names are compared and how TSIG wants them (RFC 8945 §4.3.3). */
export function canonicalName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') && n !== '.' ? n.slice(0, -1) : n;
}

/** Uncompressed wire form. dns-packet does not check lengths, so RFC 1035 §2.3.4 limits are checked here. */
export function encodeName(name: string): Buffer {
  const n = canonicalName(name);
  if (n !== '.' && n !== '') {
    for (const label of n.split('.')) {
      const len = Buffer.byteLength(label);
      if (len === 0 || len > 63) throw new Error(`invalid DNS name ${JSON.stringify(name)}: labels must be 1-63 bytes`);
    }
  }
  const buf = codecs.name.encode(n === '' ? '.' : n);
  if (buf.length > 255) throw new Error(`invalid DNS name ${JSON.stringify(name)}: longer than 255 bytes`);
  return buf;
}

/** Reads a possibly compressed name; returns it canonical and the bytes it takes at `offset`. */
export function readName(buf: Buffer, offset: number): { name: string; length: number } {
  const name = codecs.name.decode(buf, offset);
  return { name: canonicalName(name), length: codecs.name.decode.bytes };
}

export function rdataA(ip: string): Buffer {
  return codecs.a.encode(ip).subarray(2);
}

export function rdataAAAA(ip: string): Buffer {
  return codecs.aaaa.encode(ip).subarray(2);
}

/** TXT rdata: each string as one <character-string> (RFC 1035 §3.3.14), at most 255 bytes each. */
export function rdataTxt(strings: readonly string[]): Buffer {
  const parts = strings.map((s) => Buffer.from(s, 'utf8'));
  for (const p of parts) if (p.length > 255) throw new Error('TXT character-string longer than 255 bytes');
  // dns-packet prefixes the 2-byte RDLENGTH; the update encoder writes its own.
  return codecs.txt.encode(parts).subarray(2);
}

/** CNAME rdata (RFC 1035 §3.3.1), uncompressed as UPDATE writes it. */
export function rdataName(name: string): Buffer {
  return encodeName(name);
}

export function decodeA(rdata: Buffer): string {
  return [...rdata.subarray(0, 4)].join('.');
}

export function decodeAAAA(rdata: Buffer): string {
  const withLength = Buffer.alloc(rdata.length + 2);
  withLength.writeUInt16BE(rdata.length, 0);
  rdata.copy(withLength, 2);
  return codecs.aaaa.decode(withLength, 0);
}

export function decodeTxt(rdata: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rdata.length) {
    const len = rdata[i] ?? 0;
    out.push(rdata.subarray(i + 1, i + 1 + len).toString('utf8'));
    i += 1 + len;
  }
  return out;
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

export function parseMessage(buf: Buffer): WireMessage {
  if (buf.length < 12) throw new Error(`DNS message too short (${buf.length} bytes)`);
  const flags = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  let offset = 12;
  const questions: WireQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const { name, length } = readName(buf, offset);
    offset += length;
    if (offset + 4 > buf.length) throw new Error('DNS message truncated in the question section');
    questions.push({ name, type: buf.readUInt16BE(offset), class: buf.readUInt16BE(offset + 2) });
    offset += 4;
  }
  const sections: WireRecord[][] = [[], [], []];
  for (let s = 0; s < 3; s++) {
    const count = counts[s + 1] ?? 0;
    for (let i = 0; i < count; i++) {
      const start = offset;
      const { name, length } = readName(buf, offset);
      offset += length;
      if (offset + 10 > buf.length) throw new Error('DNS message truncated in a record header');
      const type = buf.readUInt16BE(offset);
      const klass = buf.readUInt16BE(offset + 2);
      const ttl = buf.readUInt32BE(offset + 4);
      const rdlength = buf.readUInt16BE(offset + 8);
      const rdataOffset = offset + 10;
      if (rdataOffset + rdlength > buf.length) throw new Error('DNS message truncated in record data');
      offset = rdataOffset + rdlength;
      const rec: WireRecord = { name, type, class: klass, ttl, rdata: buf.subarray(rdataOffset, offset), rdataOffset, start, end: offset };
      if (type === TYPE.CNAME) rec.target = readName(buf, rdataOffset).name;
      sections[s]!.push(rec);
    }
  }
  return {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rcode: flags & 0xf,
    questions,
    answers: sections[0]!,
    authorities: sections[1]!,
    additionals: sections[2]!,
  };
}

/** SOA serial: the rdata starts with two (possibly compressed) names (RFC 1035 §3.3.13). */
export function soaSerial(message: Buffer, record: WireRecord): number {
  let offset = record.rdataOffset;
  offset += readName(message, offset).length;
  offset += readName(message, offset).length;
  return message.readUInt32BE(offset);
}

/** A plain query (RD clear: we ask the authoritative server itself). */
export function encodeQuery(id: number, name: string, type: number, klass: number = CLASS.IN): Buffer {
  const qname = encodeName(name);
  const buf = Buffer.alloc(12 + qname.length + 4);
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(0, 2);
  buf.writeUInt16BE(1, 4);
  qname.copy(buf, 12);
  buf.writeUInt16BE(type, 12 + qname.length);
  buf.writeUInt16BE(klass, 14 + qname.length);
  return buf;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV',
  35: 'NAPTR', 39: 'DNAME', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3', 51: 'NSEC3PARAM',
  52: 'TLSA', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 257: 'CAA',
};

/** Mnemonic for people; RFC 3597 `TYPEnnn` for the rest. */
export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `TYPE${type}`;
}
