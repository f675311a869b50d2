// What the zones hold now, per name: a signed AXFR of each zone, or, where the server refuses
// transfers, A/AAAA/TXT queries for each wanted name. Read-only: never sends an UPDATE.

import { DnsRcodeError, type DnsClient } from './client.js';
import { ZoneTransferRefused, transferZone, type ZoneRecord } from './axfr.js';
import { companionName, companionOf, type NameState } from './ownership.js';
import { RCODE, TYPE, decodeA, decodeAAAA, rcodeName, typeName } from './wire.js';
import { zoneFor } from '../util/zones.js';

export interface ZoneState {
  /** Names seen, by name. In per-name zones only the names asked about. */
  names: Map<string, NameState>;
  /** Zones read by AXFR (every name in them is known). */
  transferred: Set<string>;
  warnings: string[];
}

function emptyState(name: string, zone: string): NameState {
  return { name, zone, a: [], aaaa: [], txt: [], other: [] };
}

function addRecord(state: NameState, type: number, rdata: Buffer, target?: string): void {
  if (type === TYPE.CNAME && target !== undefined) state.cname = target;
  else if (type === TYPE.A) state.a.push(decodeA(rdata));
  else if (type === TYPE.AAAA) state.aaaa.push(decodeAAAA(rdata));
  else if (type === TYPE.TXT) state.txt.push(Buffer.from(rdata));
  else if (!state.other.includes(typeName(type))) state.other.push(typeName(type));
}

function finishState(state: NameState): NameState {
  state.a = [...new Set(state.a)].sort();
  state.aaaa = [...new Set(state.aaaa)].sort();
  return state;
}

export function statesFromRecords(zone: string, records: readonly ZoneRecord[]): Map<string, NameState> {
  const out = new Map<string, NameState>();
  for (const r of records) {
    // AXFR also carries delegations and glue below zone cuts; those names are still "in use".
    let s = out.get(r.name);
    if (!s) out.set(r.name, (s = emptyState(r.name, zone)));
    addRecord(s, r.type, r.rdata, r.target);
  }
  // An ownership TXT beside a CNAME lives at cname-<name> (ownership.ts): a name holding only
  // TXT there belongs to <name>, not a name of its own.
  for (const [name, s] of [...out]) {
    const of = companionOf(name);
    if (of === undefined || s.a.length || s.aaaa.length || s.other.length || s.cname !== undefined) continue;
    let owner = out.get(of);
    if (!owner) out.set(of, (owner = emptyState(of, zone)));
    owner.companionTxt = [...(owner.companionTxt ?? []), ...s.txt];
    out.delete(name);
  }
  for (const s of out.values()) finishState(s);
  return out;
}

/** A, AAAA, CNAME and TXT at one name, and the TXT at its cname-<name>, from the server itself. */
export async function queryNameState(client: DnsClient, name: string, zone: string): Promise<NameState> {
  const state = emptyState(name, zone);
  await queryInto(client, name, zone, [TYPE.A, TYPE.AAAA, TYPE.TXT], state);
  const companion = emptyState(companionName(name), zone);
  await queryInto(client, companion.name, zone, [TYPE.TXT], companion);
  if (companion.txt.length) state.companionTxt = companion.txt;
  return finishState(state);
}

async function queryInto(client: DnsClient, name: string, zone: string, types: number[], state: NameState): Promise<void> {
  for (const type of types) {
    const reply = await client.query(name, type);
    if (reply.rcode === RCODE.NXDOMAIN) return;
    if (reply.rcode !== RCODE.NOERROR) {
      throw new DnsRcodeError(
        reply.rcode,
        `DNS server ${client.label} answered ${rcodeName(reply.rcode)} to a query for ${name} ${typeName(type)}${reply.rcode === RCODE.REFUSED ? `: is it authoritative for ${zone}, and does it allow queries from here?` : ''}`,
      );
    }
    // Only records owned by the name itself (an A query at a CNAME also returns the target's).
    for (const rec of reply.answers) if (rec.name === name) addRecord(state, rec.type, rec.rdata, rec.target);
    // A CNAME answers every type (RFC 1034 §3.6.2): asking again tells nothing new.
    if (state.cname !== undefined) return;
  }
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/** The per-name fallback warning: orphans cannot be found that way, so say so (docs/design.md#unicast-sink). */
export function refusedWarning(err: ZoneTransferRefused): string {
  return `${err.message}: owned records whose routes were deleted while serve was not running cannot be found; reading the wanted names one by one instead (allow-transfer for the TSIG key on the server fixes this)`;
}

/**
 * Reads every zone: AXFR first; where refused, per-name queries for `wantedNames` in that
 * zone. Names outside every zone are ignored. Errors other than a refusal propagate.
 */
export async function readZoneState(client: DnsClient, zones: readonly string[], wantedNames: readonly string[]): Promise<ZoneState> {
  const state: ZoneState = { names: new Map(), transferred: new Set(), warnings: [] };
  for (const zone of zones) {
    try {
      const xfr = await transferZone(client, zone);
      for (const [name, s] of statesFromRecords(zone, xfr.records)) if (zoneFor(name, zones) === zone) state.names.set(name, s);
      state.transferred.add(zone);
    } catch (err) {
      if (!(err instanceof ZoneTransferRefused)) throw err;
      state.warnings.push(refusedWarning(err));
      const names = [...new Set(wantedNames.map((n) => n.toLowerCase()))].filter((n) => zoneFor(n, zones) === zone);
      await readNames(client, zone, names, state.names);
    }
  }
  return state;
}

/** Per-name queries, a few in flight at once. */
export async function readNames(client: DnsClient, zone: string, names: readonly string[], into: Map<string, NameState>): Promise<void> {
  await mapLimit(names, 8, async (name) => {
    into.set(name, await queryNameState(client, name, zone));
  });
}
