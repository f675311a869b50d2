// Answering queries (RFC 6762 §5–§7), as a pure function of the query, the names we own and
// when each record was last multicast. The responder sends what it returns.
// - Only names we own are answered, case-insensitively (§16); nothing while probing (§8.1).
// - A type a name does not have gets NSEC (§6.1); A/AAAA answers carry the other family or that
//   NSEC in the Additional section (§6.2); DNS-SD answers carry SRV/TXT/addresses (RFC 6763 §12).
// - Known-answer suppression (§7.1): a record the querier lists with at least half our TTL left
//   is not repeated.
// - QM → multicast on the arrival link, at most once per record per second per link (§6),
//   250 ms for probe defence; at once when we answer every question with unique records,
//   else after 20–120 ms (§6, §6.3: response-delay.ts). QU → unicast if the record was
//   multicast there within TTL/4, else multicast (§5.4). Legacy (source port ≠ 5353, §6.7) →
//   unicast, ID and question echoed, no cache-flush bit, TTL ≤ 10.

import type { Family } from './interfaces.js';
import { nameKey } from './names.js';
import { CLASS_ANY, CLASS_IN, type MdnsMessage, type MdnsQuestion, type MdnsRecord, type PacketPart, RR, recordKey, typeCode } from './packet.js';
import type { MulticastHistory } from './rate-limit.js';
import { type OwnedNames, type Unit, unitNsec } from './registry.js';
import { multicastDelayMs, soleResponder } from './response-delay.js';
import { MDNS_PORT } from './transport.js';

export const LEGACY_MAX_TTL = 10;

export interface AnswerGroup {
  answer: MdnsRecord;
  additionals: MdnsRecord[];
}

function matches(qtype: number, r: MdnsRecord): boolean {
  return qtype === RR.ANY || typeCode(r) === qtype;
}

function addressAdditionals(host: Unit | undefined, except?: number): MdnsRecord[] {
  if (!host) return [];
  const out = host.unique.filter((r) => (r.type === 'A' || r.type === 'AAAA') && typeCode(r) !== except);
  const hasA = host.unique.some((r) => r.type === 'A');
  const hasAAAA = host.unique.some((r) => r.type === 'AAAA');
  if (!hasA || !hasAAAA) out.push(unitNsec(host)); // §6.2: say the other family does not exist
  return out;
}

function additionalsFor(r: MdnsRecord, registry: OwnedNames): MdnsRecord[] {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return addressAdditionals(registry.owned(r.name), typeCode(r));
    case 'SRV':
      return addressAdditionals(registry.owned(r.data.target));
    case 'PTR': {
      // RFC 6763 §12.1: a service PTR answer brings the instance's SRV, TXT and addresses.
      const instance = registry.owned(r.data);
      if (!instance) return [];
      const srv = instance.unique.find((x) => x.type === 'SRV');
      const target = srv?.type === 'SRV' ? registry.owned(srv.data.target) : undefined;
      return [...instance.unique, ...addressAdditionals(target)];
    }
    default:
      return [];
  }
}

/** Everything we would answer for one question, ignoring rate limits and known answers. */
export function answersFor(q: MdnsQuestion, registry: OwnedNames): AnswerGroup[] {
  if (q.qclass !== CLASS_IN && q.qclass !== CLASS_ANY) return [];
  const out: AnswerGroup[] = [];
  const unit = registry.owned(q.name);
  if (unit) {
    const hits = unit.unique.filter((r) => matches(q.typeCode, r));
    if (hits.length > 0) {
      for (const h of hits) out.push({ answer: h, additionals: additionalsFor(h, registry) });
    } else {
      // §6.1: we own the name, so we can say authoritatively the type does not exist.
      out.push({ answer: unitNsec(unit), additionals: unit.unique.filter((r) => r.type === 'A' || r.type === 'AAAA') });
    }
  }
  const key = nameKey(q.name);
  for (const owner of registry.sharedOwners(q.name)) {
    for (const r of owner.shared) {
      if (nameKey(r.name) === key && matches(q.typeCode, r)) out.push({ answer: r, additionals: additionalsFor(r, registry) });
    }
  }
  return out;
}

export interface Origin {
  address: string;
  port: number;
  family: Family;
  link: string;
}

export interface PlannedResponse {
  /** Multicast on the arrival link and family. */
  multicast: PacketPart[];
  /** 0 = now (unique answers, probe defence); else 20–120 ms (§6). */
  multicastDelayMs: number;
  unicast: PacketPart[];
  /** Unicast is a legacy reply: echo this ID and these questions (§6.7). */
  legacy?: { id: number; questions: MdnsQuestion[] };
  probeDefence: boolean;
}

function legacyRecord(r: MdnsRecord): MdnsRecord {
  return { ...r, flush: false, ttl: Math.min(r.ttl, LEGACY_MAX_TTL) };
}

export interface PlanContext {
  registry: OwnedNames;
  history: MulticastHistory;
  now: number;
  random: () => number;
  /** The query already waited 400–500 ms for the rest of its known answers (§6, §7.2): that
   * wait is the random delay, so shared answers do not wait another 20–120 ms on top. */
  waited?: boolean;
}

export function planResponse(msg: MdnsMessage, from: Origin, ctx: PlanContext): PlannedResponse | null {
  if (msg.response || msg.opcode !== 0 || msg.rcode !== 0) return null; // §18.3, §18.11
  const legacy = from.port !== MDNS_PORT;
  const probe = msg.authorities.length > 0;
  const known = new Map<string, number>();
  for (const k of msg.answers) {
    const key = recordKey(k);
    known.set(key, Math.max(known.get(key) ?? 0, k.ttl));
  }
  const seen = new Set<string>();
  const multicast: PacketPart[] = [];
  const unicast: PacketPart[] = [];
  const answersPerQuestion: MdnsRecord[][] = [];
  for (const q of msg.questions) {
    const groups = answersFor(q, ctx.registry);
    answersPerQuestion.push(groups.map((g) => g.answer));
    for (const g of groups) {
      const key = recordKey(g.answer);
      if (seen.has(key)) continue;
      seen.add(key);
      const knownTtl = known.get(key);
      if (knownTtl !== undefined && knownTtl >= g.answer.ttl / 2) continue; // §7.1
      if (legacy) {
        unicast.push({ answers: [legacyRecord(g.answer)], additionals: g.additionals.map(legacyRecord) });
        continue;
      }
      const quarterTtlMs = (g.answer.ttl * 1000) / 4;
      if (q.unicastResponse && ctx.history.multicastWithin(from.link, from.family, key, ctx.now, quarterTtlMs)) {
        unicast.push({ answers: [g.answer], additionals: g.additionals });
        continue;
      }
      if (!ctx.history.mayMulticast(from.link, from.family, key, ctx.now, probe)) continue; // §6
      multicast.push({ answers: [g.answer], additionals: g.additionals });
    }
  }
  if (multicast.length === 0 && unicast.length === 0) return null;
  const response: PlannedResponse = {
    multicast,
    multicastDelayMs: multicastDelayMs({ probeDefence: probe, soleResponder: soleResponder(answersPerQuestion), waited: ctx.waited === true }, ctx.random),
    unicast,
    probeDefence: probe,
  };
  if (legacy) response.legacy = { id: msg.id, questions: msg.questions };
  return response;
}
