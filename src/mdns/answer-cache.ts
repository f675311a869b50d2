// The cheap path for incoming packets, taken before anything is decoded:
// - "Not for us": a packet none of whose names (questions, record owners) is one we hold or
//   share is dropped after a walk over its names, without decoding records or allocating them.
//   Such a packet cannot change anything: answers, probe tie-breaks (§8.2), conflicts (§9) and
//   duplicate suppression (§7.4) all concern our own names.
// - Legacy unicast (§6.7: source port ≠ 5353) with one question for a hostname we own, the most
//   common query under load, is answered from a reply computed once by the normal path
//   (planResponse, packing) and kept per question as asked (its bytes: one string to look up,
//   no name decoding): a copy with the query's ID. A cached reply is
//   used only while the unit, its state and its records are the very ones it was made from
//   (records are replaced, never edited in place: Registry.setRecords), the name has no shared
//   records, and the link is not being probed (§8.1) — otherwise the normal path runs again.
// A packet this path cannot judge exactly (TC, a pending truncated query, names that are not
// plain ASCII, anything malformed) goes the normal way, so behaviour stays that of the full path.

import type { Registry, Unit } from './registry.js';
import { type MdnsMessage, decodeMessage } from './packet.js';

const HEADER_BYTES = 12;
const QR = 0x8000;
const TC = 0x0200;
const MDNS_PORT = 5353;

export interface Querier {
  address: string;
  port: number;
  link: string;
}

export interface AnswerCacheDeps<Q extends Querier> {
  registry: Registry;
  /** Names on `link` are hidden while they are probed there (link-probe.ts, §8.1). */
  probingOn(link: string): boolean;
  /**
   * The normal path for a legacy query: the reply packets it sends (already sent), or none.
   * Called on a cache miss with the decoded message.
   */
  answerLegacy(msg: MdnsMessage, from: Q): Buffer[];
  /** Sends one unicast reply at once. */
  send(packet: Buffer, to: Q): void;
}

interface Entry {
  unit: Unit;
  unique: Unit['unique'];
  link: string;
  /** The reply to the question exactly as asked (it echoes it byte for byte, §6.7), ID 0. */
  reply: Buffer;
}

/** Walk results, reused between packets (no allocation per packet). */
interface Walk {
  /** Offset just past the name. */
  next: number;
  /** nameKey of the name, or null when it is not plain ASCII (the full path decides). */
  key: string | null;
}

export class AnswerCache<Q extends Querier> {
  /** Keyed by the question's bytes (name as asked, type, class) in latin1. */
  private readonly replies = new Map<string, Entry>();
  private readonly walk: Walk = { next: 0, key: null };
  /** Packets dropped after looking at their names only, and replies sent from the cache (for -v and tests). */
  ignored = 0;
  hits = 0;

  constructor(private readonly deps: AnswerCacheDeps<Q>) {}

  /**
   * True when the packet has been dealt with here (answered, or nothing in it concerns us);
   * false: decode it and take the normal path.
   */
  handle(packet: Buffer, from: Q): boolean {
    if (packet.length < HEADER_BYTES) return false;
    const flags = packet.readUInt16BE(2);
    if (flags & TC) return false; // §7.2: more known answers follow; the full path waits for them
    const qd = packet.readUInt16BE(4);
    const an = packet.readUInt16BE(6);
    const ns = packet.readUInt16BE(8);
    const ar = packet.readUInt16BE(10);
    if (HEADER_BYTES + qd * 5 + (an + ns + ar) * 11 > packet.length) return false;
    // Legacy unicast with one question and nothing else (opcode and rcode 0): the question's
    // bytes, as they are, find the reply — one string, no name decoding.
    const legacy = (flags & (QR | 0x7800 | 0x000f)) === 0 && from.port !== MDNS_PORT && qd === 1 && an + ns + ar === 0;
    if (legacy && this.readName(packet, HEADER_BYTES, false) && this.walk.next + 4 === packet.length) {
      const question = packet.toString('latin1', HEADER_BYTES, packet.length);
      const e = this.replies.get(question);
      if (e && e.link === from.link && e.unit.unique === e.unique && this.deps.registry.ownedHost(e.unit.key) === e.unit && !this.deps.probingOn(from.link)) {
        const reply = Buffer.allocUnsafe(e.reply.length);
        e.reply.copy(reply);
        reply[0] = packet[0]!; // §6.7: the query's ID
        reply[1] = packet[1]!;
        this.hits++;
        this.deps.send(reply, from);
        return true;
      }
      return this.answerAndKeep(packet, from, question);
    }
    const registry = this.deps.registry;
    let pos = HEADER_BYTES;
    for (let i = 0; i < qd; i++) {
      if (!this.readName(packet, pos, true)) return false;
      const key = this.walk.key;
      if (key === null || registry.knows(key)) return false;
      pos = this.walk.next + 4;
      if (pos > packet.length) return false;
    }
    for (let i = 0, n = an + ns + ar; i < n; i++) {
      if (!this.readName(packet, pos, true)) return false;
      const key = this.walk.key;
      if (key === null || registry.knows(key)) return false;
      pos = this.walk.next;
      if (pos + 10 > packet.length) return false;
      pos += 10 + packet.readUInt16BE(pos + 8);
      if (pos > packet.length) return false;
    }
    this.ignored++;
    return true;
  }

  /** A legacy query the cache cannot answer: the normal path does, and its reply is kept when it can be. */
  private answerAndKeep(packet: Buffer, from: Q, question: string): boolean {
    const registry = this.deps.registry;
    if (!this.readName(packet, HEADER_BYTES, true) || this.walk.key === null) return false;
    const key = this.walk.key;
    if (!registry.knows(key)) {
      this.ignored++;
      return true;
    }
    const unit = registry.ownedHost(key);
    if (!unit || this.deps.probingOn(from.link)) return false;
    let msg: MdnsMessage;
    try {
      msg = decodeMessage(packet);
    } catch {
      return false;
    }
    const replies = this.deps.answerLegacy(msg, from);
    if (replies.length !== 1) return true;
    // Bounded: a flood of names we own in every case spelling cannot grow it past this.
    if (this.replies.size >= 4 * registry.size + 1024) this.replies.clear();
    this.replies.set(question, { unit, unique: unit.unique, link: from.link, reply: replies[0]! });
    return true;
  }

  clear(): void {
    this.replies.clear();
  }

  /** Replies held (tests, memory checks). */
  get count(): number {
    return this.replies.size;
  }

  /**
   * The name at `start` as nameKey would give it after decodeMessage (ASCII letters lower-cased,
   * no trailing dot), with the same checks as packet.ts's readName: pointers strictly backwards,
   * labels inside the packet, at most 255 bytes. False when malformed; key null when a label
   * holds anything but printable ASCII without '.' and '\' (escaped by readName).
   */
  private readName(buf: Buffer, start: number, wantKey: boolean): boolean {
    let pos = start;
    let limit = start;
    let next = -1;
    let total = 1;
    let jumps = 0;
    let key: string | null = wantKey ? '' : null;
    for (;;) {
      if (pos >= buf.length) return false;
      const len = buf[pos]!;
      if (len === 0) {
        pos += 1;
        break;
      }
      const kind = len & 0xc0;
      if (kind === 0xc0) {
        if (pos + 1 >= buf.length) return false;
        const ptr = ((len & 0x3f) << 8) | buf[pos + 1]!;
        if (ptr >= limit || ++jumps > 128) return false;
        if (next < 0) next = pos + 2;
        pos = ptr;
        limit = ptr;
        continue;
      }
      if (kind !== 0) return false;
      if (pos + 1 + len > buf.length) return false;
      total += len + 1;
      if (total > 255) return false;
      if (key !== null) {
        for (let i = pos + 1; i <= pos + len; i++) {
          const c = buf[i]!;
          if (c < 0x21 || c > 0x7e || c === 0x2e || c === 0x5c) {
            key = null;
            break;
          }
        }
        if (key !== null) key = key === '' ? buf.toString('latin1', pos + 1, pos + 1 + len) : `${key}.${buf.toString('latin1', pos + 1, pos + 1 + len)}`;
      }
      pos += 1 + len;
    }
    this.walk.next = next < 0 ? pos : next;
    this.walk.key = key === null ? null : lowerAscii(key);
    return true;
  }
}

/** nameKey for a plain-ASCII name: A–Z to a–z only (RFC 6762 §16). */
function lowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}
