// Record data (RDATA) of the types we read and write, decoded into values and encoded back.
// A and AAAA go through dns-packet's address codecs (typed here: @types/dns-packet lacks them);
// names, SRV, TXT and NSEC are ours, bounded by RDLENGTH. Other types stay bytes ('OTHER').

import dnsPacket from 'dns-packet';
import { PacketError } from './errors.js';
import { encodeName, readName } from './names.js';
import { TYPE } from './types.js';

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

/** dns-packet's address codecs: encode() prefixes the 2-byte RDLENGTH, decode() reads after it. */
interface AddressCodec {
  encode(ip: string): Buffer;
  decode(buf: Buffer, offset: number): string;
}
const codecs = dnsPacket as unknown as { a: AddressCodec; aaaa: AddressCodec };

export function typeCode(r: RecordData): number {
  return r.type === 'OTHER' ? r.typeCode : TYPE[r.type];
}

/**
 * NSEC is written only in the restricted form of RFC 6762 §6.1 (window block 0, types 1–255):
 * the only NSEC anything here sends is an mDNS negative answer.
 */
function encodeNsecBitmap(types: readonly number[]): Buffer {
  const wanted = types.filter((t) => t > 0 && t < 256);
  if (wanted.length === 0) return Buffer.alloc(0);
  const max = Math.max(...wanted);
  const bitmap = Buffer.alloc((max >> 3) + 1);
  for (const t of wanted) bitmap[t >> 3] = (bitmap[t >> 3] ?? 0) | (0x80 >> (t & 7));
  return Buffer.concat([Buffer.from([0, bitmap.length]), bitmap]);
}

/** The rdata bytes, uncompressed (the canonical form RFC 6762 §8.2 tie-breaking compares). */
export function encodeRdata(r: RecordData): Buffer {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return codecs[r.type === 'A' ? 'a' : 'aaaa'].encode(r.data).subarray(2);
    case 'PTR':
      return encodeName(r.data);
    case 'SRV': {
      const target = encodeName(r.data.target);
      const out = Buffer.alloc(6 + target.length);
      out.writeUInt16BE(r.data.priority, 0);
      out.writeUInt16BE(r.data.weight, 2);
      out.writeUInt16BE(r.data.port, 4);
      target.copy(out, 6);
      return out;
    }
    case 'TXT': {
      for (const s of r.data) if (s.length > 255) throw new PacketError('TXT string longer than 255 bytes');
      // RFC 6763 §6.1: a TXT record with no strings still carries one empty string.
      const strings = r.data.length ? r.data : [Buffer.alloc(0)];
      return Buffer.concat(strings.flatMap((s) => [Buffer.from([s.length]), s]));
    }
    case 'NSEC':
      return Buffer.concat([encodeName(r.data.nextDomain), encodeNsecBitmap(r.data.types)]);
    case 'OTHER':
      return r.data;
  }
}

/**
 * The rdata of type `type` at `start`, `length` bytes long, in `buf` (the whole message, so
 * compressed names in it resolve). Throws PacketError when it is malformed: wrong size, a name
 * or string running past RDLENGTH, an NSEC type bitmap outside RFC 4034 §4.1.2.
 */
export function decodeRdata(buf: Buffer, type: number, start: number, length: number): RecordData {
  const end = start + length;
  if (end > buf.length) throw new PacketError('rdata runs past the end');
  const nameIn = (at: number) => {
    const n = readName(buf, at);
    if (n.next > end) throw new PacketError('name runs past rdata');
    return n;
  };
  switch (type) {
    case TYPE.A:
      if (length !== 4) throw new PacketError('A rdata must be 4 bytes');
      return { type: 'A', data: codecs.a.decode(buf, start - 2) };
    case TYPE.AAAA:
      if (length !== 16) throw new PacketError('AAAA rdata must be 16 bytes');
      return { type: 'AAAA', data: codecs.aaaa.decode(buf, start - 2) };
    case TYPE.PTR:
      return { type: 'PTR', data: nameIn(start).name };
    case TYPE.SRV: {
      if (length < 7) throw new PacketError('SRV rdata too short');
      const target = nameIn(start + 6).name;
      return { type: 'SRV', data: { priority: buf.readUInt16BE(start), weight: buf.readUInt16BE(start + 2), port: buf.readUInt16BE(start + 4), target } };
    }
    case TYPE.TXT: {
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
    case TYPE.NSEC: {
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

/** The SERIAL of an SOA rdata (RFC 1035 §3.3.13): after two possibly compressed names. */
export function soaSerial(buf: Buffer, start: number, length: number): number {
  const end = start + length;
  let p = readName(buf, start).next;
  p = readName(buf, p).next;
  if (p + 20 > end || end > buf.length) throw new PacketError('SOA rdata too short');
  return buf.readUInt32BE(p);
}
