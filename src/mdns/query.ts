// What the link answers now, for `diff`: RFC 6762 §6.7 legacy-unicast queries. They leave from
// an ephemeral port, so every responder (ours, avahi, another kubectl mdns…) answers by
// unicast straight back to us, ID and question echoed. Sent to the group on every chosen link
// and family; every A/AAAA answer is collected for `timeoutMs`. Only queries are sent: no
// probes, announcements or anything unsolicited. A reply counts only if it comes from port 5353
// (§6), from a source on one of the queried links (§11: a unicast reply is otherwise easy to
// spoof from afar) and echoes the ID of one of our queries (§6.7).

import dgram from 'node:dgram';
import { type Family, type Link, hasFamily, linkForSource, maxPayload, scanLinks, type SystemView, realSystem } from './interfaces.js';
import { nameKey } from './names.js';
import { CLASS_IN, type MdnsMessage, RR, decodeMessage, packMessages, type PacketPart } from './packet.js';
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

export interface QueryOptions {
  interfaces?: string[];
  timeoutMs: number;
  system?: SystemView;
}

function openSocket(family: Family): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket(family === 4 ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
    s.once('error', () => {
      try { s.close(); } catch { /* closed */ }
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

/** Whether to believe a reply to our legacy queries: see the header. */
export function acceptsReply(links: readonly Link[], ids: ReadonlySet<number>, from: { address: string; port: number }, msg: MdnsMessage): boolean {
  return msg.response && msg.opcode === 0 && msg.rcode === 0 && from.port === MDNS_PORT && ids.has(msg.id) && linkForSource(links, from.address) !== undefined;
}

export async function queryLink(names: readonly string[], opts: QueryOptions): Promise<ObservedAnswer[]> {
  if (names.length === 0) return [];
  const wanted = new Map(names.map((n) => [nameKey(n), n]));
  const links = scanLinks(opts.interfaces, opts.system ?? realSystem);
  const own = hostAddresses();
  const found = new Map<string, ObservedAnswer>();
  const sockets: dgram.Socket[] = [];
  const ids = new Set<number>();
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    try {
      const m = decodeMessage(msg);
      if (!acceptsReply(links, ids, rinfo, m)) return;
      const responder = rinfo.address.split('%')[0]!;
      for (const r of [...m.answers, ...m.additionals]) {
        if ((r.type !== 'A' && r.type !== 'AAAA') || r.ttl === 0) continue;
        const name = wanted.get(nameKey(r.name));
        if (name === undefined) continue;
        const key = `${responder}|${nameKey(r.name)}|${r.type}`;
        let entry = found.get(key);
        if (!entry) found.set(key, (entry = { name, type: r.type, values: [], responder, local: own.has(responder) }));
        if (!entry.values.includes(r.data)) entry.values.push(r.data);
      }
    } catch {
      // not a DNS message we can read: ignore
    }
  };
  try {
    for (const family of [4, 6] as const) {
      if (!links.some((l) => hasFamily(l, family))) continue;
      const s = await openSocket(family);
      if (!s) continue;
      sockets.push(s);
      s.on('message', onMessage);
      for (const link of links) {
        if (!hasFamily(link, family)) continue;
        // One name per message (A and AAAA): small legacy replies fit any responder's limit.
        const packets = [...wanted.values()].flatMap((name) => {
          const part: PacketPart = { questions: [RR.A, RR.AAAA].map((t) => ({ name, typeCode: t, qclass: CLASS_IN, unicastResponse: false })) };
          const id = 1 + Math.floor(Math.random() * 0xfffe);
          ids.add(id);
          return packMessages({ response: false, id }, [part], maxPayload(link));
        });
        try {
          s.setMulticastInterface(family === 4 ? link.ipv4[0]!.address : `::%${link.name}`);
        } catch {
          continue;
        }
        // Sends complete before the next link's interface is set (the option applies at send).
        await Promise.all(packets.map((p) => send(s, p, family === 4 ? MDNS_GROUP_V4 : `${MDNS_GROUP_V6}%${link.name}`)));
      }
    }
    await new Promise((r) => setTimeout(r, opts.timeoutMs));
  } finally {
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  for (const a of found.values()) a.values.sort();
  return [...found.values()].sort((x, y) => (x.name === y.name ? (x.type === y.type ? (x.responder < y.responder ? -1 : 1) : x.type < y.type ? -1 : 1) : x.name < y.name ? -1 : 1));
}
