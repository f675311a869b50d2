// What the link answers now, for `diff`: RFC 6762 §6.7 legacy-unicast queries. They leave from
// an ephemeral port, so every responder (ours, avahi, another kubectl mdns…) answers by
// unicast straight back to us, ID and question echoed. Sent to the group on every chosen link
// and family; every answer is collected for `timeoutMs`. Only queries are sent: no probes,
// announcements or anything unsolicited. A reply counts only if it comes from port 5353 (§6),
// from a source on one of the queried links (§11: a unicast reply is otherwise easy to spoof
// from afar) and echoes the ID of one of our queries (§6.7).
//
// Two things are asked in the same window (observeLink):
// - A and AAAA of the given names (one message per name), every responder's answer kept;
// - a read-only DNS-SD browse (RFC 6763 §4): PTR for each service type (one message per type),
//   then the SRV of each instance found (§5) and the A/AAAA of each SRV target. Responders
//   usually put SRV and addresses in the Additional section of the PTR answer (§12.1); only
//   what is missing is asked for, on the link the reply came from, while the window is open.
//   The result says which hostnames each responder's services point at: `diff` looks for names
//   our own running serve still answers but that are no longer desired.
//
// Replies are read leniently (readReply): the strict decoder refuses a whole message for one
// malformed record, which would hide answers here. python3-zeroconf 0.47 puts an NSEC with a
// malformed type bitmap (16-bit window and length fields) in its replies about an IPv4-only
// host; the A record next to it is what `diff` must see. So when the strict decoder refuses a
// reply, src/dns's tolerant mode reads it: a record whose rdata is malformed is stepped over
// by its RDLENGTH, and the walk stops at the first record it cannot frame (a name that runs
// off, a bad compression pointer, an RDLENGTH past the end), keeping what came before. Of
// such a reply, only the types `diff` reads are kept (A, AAAA, PTR, SRV).

import dgram from 'node:dgram';
import { type Family, type Link, hasFamily, linkForSource, maxPayload, scanLinks, type SystemView, realSystem } from './interfaces.js';
import { nameKey } from './names.js';
import { decodeMessage as decodeDns } from '../dns/index.js';
import { CLASS_IN, type MdnsMessage, type MdnsQuestion, PacketError, RR, decodeMessage, fromDns, packMessages, type PacketPart } from './packet.js';
import { MDNS_GROUP_V4, MDNS_GROUP_V6, MDNS_PORT, hostAddresses } from './transport.js';

export interface ObservedAnswer {
  name: string;
  type: 'A' | 'AAAA';
  values: string[];
  /** Source IP of the responder. */
  responder: string;
  /** The source IP is one of this host's addresses: probably our own `serve`. */
  local: boolean;
}

/** A hostname an SRV record of a browsed DNS-SD service points at, and who said so. */
export interface BrowsedHost {
  hostname: string;
  responder: string;
  local: boolean;
}

export interface QueryOptions {
  interfaces?: string[];
  timeoutMs: number;
  system?: SystemView;
}

export interface LinkObservation {
  /** A/AAAA answers for the names asked for and, with `resolveBrowsed`, for the browsed hostnames. */
  answers: ObservedAnswer[];
  browsed: BrowsedHost[];
}

/** A hostile responder could name endless instances; follow-up queries stop here. */
export const MAX_FOLLOW_UPS = 4096;

// ---------------------------------------------------------------- reading replies

/** The record types `diff` reads from a reply (see the header). */
const READ_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'PTR', 'SRV']);

/**
 * The tolerant reading (see the header): header and questions as they are, then every record
 * that can be framed, keeping A/AAAA/PTR/SRV with well-formed rdata. Throws only for a packet
 * shorter than a header.
 */
export function decodeTolerant(buf: Buffer): MdnsMessage {
  const m = fromDns(decodeDns(buf, 'tolerant'));
  return {
    ...m,
    answers: m.answers.filter((r) => READ_TYPES.has(r.type)),
    authorities: m.authorities.filter((r) => READ_TYPES.has(r.type)),
    additionals: m.additionals.filter((r) => READ_TYPES.has(r.type)),
  };
}

/** A reply as `diff` reads it: strictly when it is well-formed, else leniently (see the header). */
export function readReply(buf: Buffer): MdnsMessage {
  try {
    return decodeMessage(buf);
  } catch (err) {
    if (!(err instanceof PacketError)) throw err;
    return decodeTolerant(buf);
  }
}

/** Whether to believe a reply to our legacy queries: see the header. */
export function acceptsReply(links: readonly Link[], ids: ReadonlySet<number>, from: { address: string; port: number }, msg: MdnsMessage): boolean {
  return msg.response && msg.opcode === 0 && msg.rcode === 0 && from.port === MDNS_PORT && ids.has(msg.id) && linkForSource(links, from.address) !== undefined;
}

// ---------------------------------------------------------------- what the replies say

/** Questions to send to the group on one link and family, one message each. */
export interface FollowUp {
  link: string;
  family: Family;
  messages: MdnsQuestion[][];
}

const question = (name: string, typeCode: number): MdnsQuestion => ({ name, typeCode, qclass: CLASS_IN, unicastResponse: false });

function familyOf(address: string): Family {
  return address.includes(':') && !address.startsWith('::ffff:') ? 6 : 4;
}

/**
 * The bookkeeping of one observation, without sockets: feed it every datagram (onDatagram) and
 * send the follow-up queries it returns; answers() and browsed() are the result.
 */
export class LinkObserver {
  /** IDs of every query sent (§6.7): replies must echo one. */
  readonly ids = new Set<number>();
  private readonly addressNames = new Map<string, string>();
  private readonly types: Set<string>;
  private readonly found = new Map<string, ObservedAnswer>();
  private readonly hosts = new Map<string, BrowsedHost>();
  /** Follow-up questions already sent, per link and family. */
  private readonly asked = new Set<string>();
  private followUps = 0;

  constructor(
    private readonly links: readonly Link[],
    private readonly own: ReadonlySet<string>,
    names: readonly string[],
    serviceTypes: readonly string[],
    private readonly resolveBrowsed: boolean,
  ) {
    for (const n of names) this.addressNames.set(nameKey(n), n);
    this.types = new Set(serviceTypes.map(nameKey));
  }

  /** The first queries, one message each: A+AAAA per name, PTR per service type. */
  initialQuestions(): MdnsQuestion[][] {
    return [
      ...[...this.addressNames.values()].map((name) => [question(name, RR.A), question(name, RR.AAAA)]),
      ...[...this.types].map((t) => [question(t, RR.PTR)]),
    ];
  }

  /** A new random query ID, remembered. */
  newId(): number {
    const id = 1 + Math.floor(Math.random() * 0xfffe);
    this.ids.add(id);
    return id;
  }

  /** One datagram from the socket. Returns the follow-up queries it calls for (maybe none). */
  onDatagram(packet: Buffer, from: { address: string; port: number }): FollowUp | undefined {
    let msg: MdnsMessage;
    try {
      msg = readReply(packet);
    } catch {
      return undefined; // not even a DNS header
    }
    if (!acceptsReply(this.links, this.ids, from, msg)) return undefined;
    const link = linkForSource(this.links, from.address)!;
    const family = familyOf(from.address);
    const responder = from.address.split('%')[0]!;
    const local = this.own.has(responder);
    const records = [...msg.answers, ...msg.additionals].filter((r) => r.ttl > 0);
    const inMessage = (name: string, types: readonly string[]) => records.some((r) => types.includes(r.type) && nameKey(r.name) === nameKey(name));
    const ask: MdnsQuestion[][] = [];
    const followUp = (name: string, types: number[]) => {
      const key = `${link.name}|${family}|${nameKey(name)}|${types.join(',')}`;
      if (this.asked.has(key) || this.followUps >= MAX_FOLLOW_UPS) return;
      this.asked.add(key);
      this.followUps++;
      ask.push(types.map((t) => question(name, t)));
    };
    // Browse: PTR -> instance, SRV -> hostname (RFC 6763 §4.1, §5).
    for (const r of records) {
      if (r.type === 'PTR' && this.types.has(nameKey(r.name)) && r.data !== '.') {
        if (!inMessage(r.data, ['SRV'])) followUp(r.data, [RR.SRV]);
      }
    }
    for (const r of records) {
      if (r.type !== 'SRV' || r.data.target === '.') continue;
      const owner = nameKey(r.name);
      if (![...this.types].some((t) => owner.endsWith(`.${t}`))) continue;
      const hostname = r.data.target;
      const hostKey = `${responder}|${nameKey(hostname)}`;
      if (!this.hosts.has(hostKey)) this.hosts.set(hostKey, { hostname, responder, local });
      if (!this.resolveBrowsed) continue;
      if (!this.addressNames.has(nameKey(hostname))) this.addressNames.set(nameKey(hostname), hostname);
      if (!inMessage(hostname, ['A', 'AAAA', 'NSEC']) && !this.answeredBy(responder, hostname)) followUp(hostname, [RR.A, RR.AAAA]);
    }
    // Addresses of the names asked for (and of browsed hostnames).
    for (const r of records) {
      if (r.type !== 'A' && r.type !== 'AAAA') continue;
      const name = this.addressNames.get(nameKey(r.name));
      if (name === undefined) continue;
      const key = `${responder}|${nameKey(r.name)}|${r.type}`;
      let entry = this.found.get(key);
      if (!entry) this.found.set(key, (entry = { name, type: r.type, values: [], responder, local }));
      if (!entry.values.includes(r.data)) entry.values.push(r.data);
    }
    return ask.length ? { link: link.name, family, messages: ask } : undefined;
  }

  private answeredBy(responder: string, name: string): boolean {
    const k = nameKey(name);
    return this.found.has(`${responder}|${k}|A`) || this.found.has(`${responder}|${k}|AAAA`);
  }

  answers(): ObservedAnswer[] {
    const out = [...this.found.values()].map((a) => ({ ...a, values: [...a.values].sort() }));
    return out.sort((x, y) =>
      x.name === y.name ? (x.type === y.type ? (x.responder < y.responder ? -1 : 1) : x.type < y.type ? -1 : 1) : x.name < y.name ? -1 : 1,
    );
  }

  browsed(): BrowsedHost[] {
    return [...this.hosts.values()].sort((x, y) =>
      nameKey(x.hostname) === nameKey(y.hostname) ? (x.responder < y.responder ? -1 : 1) : nameKey(x.hostname) < nameKey(y.hostname) ? -1 : 1,
    );
  }
}

// ---------------------------------------------------------------- sockets

function openSocket(family: Family): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket(family === 4 ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
    s.once('error', () => {
      try {
        s.close();
      } catch {
        /* closed */
      }
      resolve(undefined);
    });
    s.bind(0, family === 4 ? '0.0.0.0' : '::', () => {
      s.removeAllListeners('error');
      s.on('error', () => {});
      s.setMulticastTTL(255);
      s.setMulticastLoopback(true); // a responder on this host must hear us too
      resolve(s);
    });
  });
}

function send(s: dgram.Socket, packet: Buffer, address: string): Promise<void> {
  return new Promise((resolve) => s.send(packet, MDNS_PORT, address, () => resolve()));
}

/**
 * Asks the link (see the header) and collects for `timeoutMs` after the first queries are out.
 * Follow-ups go out while the window is open, in the same window: the whole takes about
 * `timeoutMs`, whatever was asked.
 */
export async function observeLink(
  names: readonly string[],
  serviceTypes: readonly string[],
  opts: QueryOptions & { resolveBrowsed?: boolean },
): Promise<LinkObservation> {
  if (names.length === 0 && serviceTypes.length === 0) return { answers: [], browsed: [] };
  const links = scanLinks(opts.interfaces, opts.system ?? realSystem);
  const observer = new LinkObserver(links, hostAddresses(), names, serviceTypes, opts.resolveBrowsed ?? true);
  const sockets = new Map<Family, { socket: dgram.Socket; queue: Promise<void> }>();
  let open = true;
  // One socket per family; the multicast interface is set per link, and the sends of one link
  // complete before the next link's interface is set (the option applies at send), so every
  // send on a socket goes through its queue.
  const sendOn = (family: Family, link: Link, messages: readonly MdnsQuestion[][]): Promise<void> => {
    const entry = sockets.get(family);
    if (!entry || !open) return Promise.resolve();
    entry.queue = entry.queue.then(async () => {
      if (!open) return;
      const packets = messages.flatMap((questions) => {
        const part: PacketPart = { questions };
        return packMessages({ response: false, id: observer.newId() }, [part], maxPayload(link));
      });
      try {
        entry.socket.setMulticastInterface(family === 4 ? link.ipv4[0]!.address : `::%${link.name}`);
      } catch {
        return;
      }
      await Promise.all(packets.map((p) => send(entry.socket, p, family === 4 ? MDNS_GROUP_V4 : `${MDNS_GROUP_V6}%${link.name}`)));
    });
    return entry.queue;
  };
  const onMessage = (packet: Buffer, rinfo: dgram.RemoteInfo) => {
    try {
      const next = observer.onDatagram(packet, rinfo);
      const link = next && links.find((l) => l.name === next.link);
      if (next && link) void sendOn(next.family, link, next.messages);
    } catch {
      // nothing thrown by a reply escapes the socket callback
    }
  };
  try {
    for (const family of [4, 6] as const) {
      if (!links.some((l) => hasFamily(l, family))) continue;
      const s = await openSocket(family);
      if (!s) continue;
      sockets.set(family, { socket: s, queue: Promise.resolve() });
      s.on('message', onMessage);
    }
    const first = observer.initialQuestions();
    const sent: Promise<void>[] = [];
    for (const family of [4, 6] as const) for (const link of links) if (hasFamily(link, family)) sent.push(sendOn(family, link, first));
    await Promise.all(sent);
    await new Promise((r) => setTimeout(r, opts.timeoutMs));
  } finally {
    open = false;
    await Promise.all([...sockets.values()].map((e) => e.queue.catch(() => {})));
    await Promise.all([...sockets.values()].map((e) => new Promise<void>((r) => e.socket.close(() => r()))));
  }
  return { answers: observer.answers(), browsed: observer.browsed() };
}

/** Every responder's A/AAAA answers for `names`, collected for `timeoutMs`. */
export async function queryLink(names: readonly string[], opts: QueryOptions): Promise<ObservedAnswer[]> {
  if (names.length === 0) return [];
  return (await observeLink(names, [], opts)).answers;
}

/**
 * A read-only DNS-SD browse of `serviceTypes` (e.g. `_http._tcp.local`): the hostnames their
 * instances' SRV records point at, per responder, collected for `timeoutMs`.
 */
export async function browseHostnames(serviceTypes: readonly string[], opts: QueryOptions): Promise<BrowsedHost[]> {
  if (serviceTypes.length === 0) return [];
  return (await observeLink([], serviceTypes, { ...opts, resolveBrowsed: false })).browsed;
}
