// Our own RFC 2136 UPDATE encoder. dns-packet cannot say "class NONE" (it silently becomes 0)
// and native-dns-packet cannot say "delete an RRset" at all (docs/decisions.md, Unicast), so
// the four sections are put together here (their bytes written by src/dns). Output is
// deterministic, uncompressed and in canonical case, which keeps the TSIG MAC input
// (RFC 8945 §4.3.2) easy to reproduce.

import { encodeMessage, encodeQuestion, encodeRecord as encodeDnsRecord } from '../dns/index.js';
import { CLASS, OPCODE, TYPE, canonicalName } from './wire.js';

export type UpdateClass = keyof typeof CLASS;
export type UpdateType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'SOA' | 'ANY';

/** One RR of the prerequisite or update section. */
export interface UpdateRecord {
  name: string;
  type: UpdateType;
  class: UpdateClass;
  ttl: number;
  /** Absent for the data-less forms (RFC 2136 §2.4.1, §2.4.3–5, §2.5.2–3): RDLENGTH 0. */
  rdata?: Buffer;
}

export interface UpdateMessage {
  id: number;
  /** The one zone this message updates (RFC 2136 §2.3: ZOCOUNT must be 1). */
  zone: string;
  prerequisites: UpdateRecord[];
  updates: UpdateRecord[];
}

/** RFC 2136 §2.4: prerequisites. TTL is always 0. */
export const prerequisite = {
  /** §2.4.1 RRset exists (value independent): class ANY, no rdata. */
  rrsetExists: (name: string, type: UpdateType): UpdateRecord => ({ name, type, class: 'ANY', ttl: 0 }),
  /**
   * §2.4.2 RRset exists (value dependent): class IN (the zone's class), one RR per value. The
   * server compares the whole RRset: it must hold exactly these RRs, no more.
   */
  rrsetEquals: (name: string, type: UpdateType, rdatas: readonly Buffer[]): UpdateRecord[] =>
    rdatas.map((rdata) => ({ name, type, class: 'IN', ttl: 0, rdata })),
  /** §2.4.3 RRset does not exist: class NONE, no rdata. */
  rrsetAbsent: (name: string, type: UpdateType): UpdateRecord => ({ name, type, class: 'NONE', ttl: 0 }),
  /** §2.4.4 Name is in use: class ANY, type ANY. */
  nameInUse: (name: string): UpdateRecord => ({ name, type: 'ANY', class: 'ANY', ttl: 0 }),
  /** §2.4.5 Name is not in use: class NONE, type ANY. */
  nameNotInUse: (name: string): UpdateRecord => ({ name, type: 'ANY', class: 'NONE', ttl: 0 }),
};

/** RFC 2136 §2.5: updates. */
export const update = {
  /** §2.5.1 Add to an RRset: class IN, real TTL and rdata. */
  add: (name: string, type: UpdateType, ttl: number, rdata: Buffer): UpdateRecord => ({ name, type, class: 'IN', ttl, rdata }),
  /** §2.5.2 Delete an RRset: class ANY, TTL 0, no rdata. */
  deleteRRset: (name: string, type: UpdateType): UpdateRecord => ({ name, type, class: 'ANY', ttl: 0 }),
  /** §2.5.3 Delete all RRsets from a name: class ANY, type ANY. */
  deleteName: (name: string): UpdateRecord => ({ name, type: 'ANY', class: 'ANY', ttl: 0 }),
  /** §2.5.4 Delete one RR from an RRset: class NONE, TTL 0, the RR's rdata. */
  deleteRR: (name: string, type: UpdateType, rdata: Buffer): UpdateRecord => ({ name, type, class: 'NONE', ttl: 0, rdata }),
};

function encodeRecord(r: UpdateRecord): Buffer {
  return encodeDnsRecord({ name: canonicalName(r.name), type: TYPE[r.type], class: CLASS[r.class], ttl: r.ttl }, r.rdata ?? Buffer.alloc(0));
}

/**
 * RFC 2136 §2: header (opcode 5), Zone section (zone name, type SOA, class IN), Prerequisite
 * section (ANCOUNT), Update section (NSCOUNT), empty Additional section (TSIG is appended by
 * the signer).
 */
export function encodeUpdate(msg: UpdateMessage): Buffer {
  const zone = encodeQuestion({ name: canonicalName(msg.zone), type: TYPE.SOA, class: CLASS.IN });
  return encodeMessage({ id: msg.id, opcode: OPCODE.UPDATE }, [[zone], msg.prerequisites.map(encodeRecord), msg.updates.map(encodeRecord), []]);
}
