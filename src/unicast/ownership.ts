// Ownership, as its own layer over the RFC 2136 writes (external-dns's TXT registry, made
// safe with prerequisites): every name we publish carries a TXT
//   "heritage=kubectl-mdns,owner=<owner-id>,resource=<kind>/<ns>/<name>"
// and every write is guarded so that a record we do not own is never changed:
// - create: RFC 2136 §2.4.5 "name is not in use". The other half of "not in use OR ours"
//   cannot go in the same message (prerequisites are ANDed, §3.2), so on YXDOMAIN the sink
//   reads the name again and, if our TXT is there, retries as an update (below).
// - update, delete: §2.4.2 "RRset exists (value dependent)" on the TXT RRset exactly as we
//   saw it, our TXT included: if anyone changed it, NXRRSET, and nothing is written.
// One name's A, AAAA and TXT changes go in one message, so a name is never left half done.
//
// A name published as a CNAME (a gateway's Hostname address) can hold nothing else (RFC 2181
// §10.1; RFC 1034 §3.6.2), so its TXT lives beside it at `cname-<name>`: external-dns's TXT
// registry layout (`<record type>-<name>`), so the two tools read each other's ownership. The
// companion is written, guarded and deleted in the same message as the CNAME.

import type { ResourceRef } from '../bindings/types.js';
import { refString, type RecordSet } from '../records/types.js';
import { prerequisite, update, type UpdateRecord } from './update-message.js';
import { decodeTxt, rdataA, rdataAAAA, rdataName, rdataTxt } from './wire.js';

export const HERITAGE = 'kubectl-mdns';

/** What the zone holds at one name, as far as ownership is concerned. */
export interface NameState {
  name: string;
  zone: string;
  a: string[];
  aaaa: string[];
  /** Every TXT RR at the name, as rdata: the whole RRset, which §2.4.2 compares. */
  txt: Buffer[];
  /** Other record types present (MX, NS...), for people. */
  other: string[];
  /** The CNAME target at the name, if it has one. */
  cname?: string;
  /** Every TXT RR at cname-<name>, where the ownership of a CNAME lives. */
  companionTxt?: Buffer[];
}

const COMPANION_PREFIX = 'cname-';

/** Where the ownership TXT of a CNAME at `name` lives. */
export function companionName(name: string): string {
  return `${COMPANION_PREFIX}${name}`;
}

/** The name whose ownership a `cname-<name>` holds, or undefined for any other name. */
export function companionOf(name: string): string | undefined {
  return name.startsWith(COMPANION_PREFIX) && name.length > COMPANION_PREFIX.length ? name.slice(COMPANION_PREFIX.length) : undefined;
}

/**
 * The TXT RRs that speak for the name: beside a CNAME, the companion's; beside A/AAAA, the
 * name's own (an old companion must not make a foreign address ours); with neither, both (an
 * orphaned TXT from an earlier run, wherever it is).
 */
function ownershipTxt(state: NameState): Buffer[] {
  if (state.cname !== undefined) return state.companionTxt ?? [];
  if (state.a.length || state.aaaa.length) return state.txt;
  return [...state.txt, ...(state.companionTxt ?? [])];
}

export interface Ownership {
  ownerId: string;
  owners: ResourceRef[];
}

/** Owner ids go inside the TXT between commas and `=`: keep them to a safe alphabet. */
export function ownerIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'it is empty';
  if (id.length > 200) return 'it is longer than 200 characters';
  if (!/^[\x21-\x7e]+$/.test(id)) return 'it has spaces or non-ASCII characters';
  if (/[,="\\]/.test(id)) return 'it contains one of , = " \\';
  return undefined;
}

/**
 * The TXT strings: comma-separated items, packed into <character-string>s of at most 255
 * bytes (RFC 1035 §3.3.14) so a name with many routes still fits; split only between items.
 */
export function ownershipStrings(ownerId: string, owners: readonly ResourceRef[]): string[] {
  const items = [`heritage=${HERITAGE}`, `owner=${ownerId}`, ...owners.map((r) => `resource=${refString(r)}`)];
  const out: string[] = [];
  let current = '';
  for (const item of items) {
    const next = current ? `${current},${item}` : item;
    if (Buffer.byteLength(next) <= 255) current = next;
    else {
      out.push(current);
      current = item.slice(0, 255);
    }
  }
  if (current) out.push(current);
  return out;
}

export function ownershipRdata(ownerId: string, owners: readonly ResourceRef[]): Buffer {
  return rdataTxt(ownershipStrings(ownerId, owners));
}

/** Parses our TXT (any item order); undefined for a TXT that is not kubectl-mdns's. */
export function parseOwnership(strings: readonly string[]): Ownership | undefined {
  const items = strings
    .join(',')
    .split(',')
    .map((s) => s.trim());
  if (!items.includes(`heritage=${HERITAGE}`)) return undefined;
  const owner = items.find((i) => i.startsWith('owner='));
  if (owner === undefined) return undefined;
  const owners: ResourceRef[] = [];
  for (const item of items) {
    if (!item.startsWith('resource=')) continue;
    const [kind, namespace, name] = item.slice('resource='.length).split('/');
    if (kind && namespace !== undefined && name) owners.push({ kind, namespace, name });
  }
  return { ownerId: owner.slice('owner='.length), owners };
}

function ownershipOf(rdata: Buffer): Ownership | undefined {
  return parseOwnership(decodeTxt(rdata));
}

/** Our TXT RRs at the name itself (normally exactly one, or none beside a CNAME). */
export function ourTxt(state: NameState, ownerId: string): Buffer[] {
  return state.txt.filter((rd) => ownershipOf(rd)?.ownerId === ownerId);
}

/** Our TXT RRs at cname-<name>. */
function ourCompanionTxt(state: NameState, ownerId: string): Buffer[] {
  return (state.companionTxt ?? []).filter((rd) => ownershipOf(rd)?.ownerId === ownerId);
}

/**
 * The observed RecordSet of a name, or undefined when there is nothing to say about it:
 * - our TXT -> ours (foreign undefined, ownerId and owners from the TXT);
 * - another kubectl-mdns owner's TXT -> foreign, `owned by kubectl-mdns owner "x"`;
 * - A/AAAA without such a TXT -> foreign, `record not created by kubectl-mdns`;
 * - anything else, when `inUseCounts` (the name is wanted) -> foreign: it would block a create.
 */
export function recordSetFromState(state: NameState, ownerId: string, inUseCounts: boolean): RecordSet | undefined {
  const base: RecordSet = {
    name: state.name,
    target: 'unicast' as const,
    zone: state.zone,
    a: [...state.a],
    aaaa: [...state.aaaa],
    services: [],
    owners: [] as ResourceRef[],
  };
  if (state.cname !== undefined) base.cname = state.cname;
  const parsed = ownershipTxt(state)
    .map(ownershipOf)
    .filter((o): o is Ownership => o !== undefined);
  const mine = parsed.find((o) => o.ownerId === ownerId);
  if (mine) return { ...base, owners: mine.owners, ownerId };
  const other = parsed[0];
  if (other) return { ...base, owners: other.owners, ownerId: other.ownerId, foreign: `owned by kubectl-mdns owner "${other.ownerId}"` };
  if (state.a.length || state.aaaa.length) return { ...base, foreign: 'record not created by kubectl-mdns' };
  if (inUseCounts && (state.txt.length || state.other.length || state.cname !== undefined)) {
    const types = [...new Set([...(state.cname !== undefined ? ['CNAME'] : []), ...(state.txt.length ? ['TXT'] : []), ...state.other])].join(', ');
    return { ...base, foreign: `name in use by ${types} records not created by kubectl-mdns` };
  }
  return undefined;
}

/** A name-level change, with what the zone held when we last looked. */
export type NameOp =
  | { kind: 'create'; desired: RecordSet }
  | { kind: 'update'; desired: RecordSet; observed: NameState }
  | { kind: 'delete'; observed: NameState };

export function opName(op: NameOp): string {
  return op.kind === 'delete' ? op.observed.name : op.desired.name;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}

function addAddresses(name: string, set: RecordSet, ttl: number): UpdateRecord[] {
  return [...set.a.map((ip) => update.add(name, 'A', ttl, rdataA(ip))), ...set.aaaa.map((ip) => update.add(name, 'AAAA', ttl, rdataAAAA(ip)))];
}

/** The prerequisites and updates for one name; `updates` is empty when nothing needs writing. */
export function guardedChange(op: NameOp, ownerId: string, ttl: number): { prerequisites: UpdateRecord[]; updates: UpdateRecord[] } {
  if (op.kind === 'create') {
    const { name } = op.desired;
    if (op.desired.cname !== undefined) {
      const companion = companionName(name);
      return {
        prerequisites: [prerequisite.nameNotInUse(name), prerequisite.nameNotInUse(companion)],
        updates: [update.add(name, 'CNAME', ttl, rdataName(op.desired.cname)), update.add(companion, 'TXT', ttl, ownershipRdata(ownerId, op.desired.owners))],
      };
    }
    return {
      prerequisites: [prerequisite.nameNotInUse(name)],
      updates: [...addAddresses(name, op.desired, ttl), update.add(name, 'TXT', ttl, ownershipRdata(ownerId, op.desired.owners))],
    };
  }
  const { observed } = op;
  const name = observed.name;
  const companion = companionName(name);
  // The TXT RRsets exactly as seen, at the name and at its companion: anyone's change since stops us.
  const guard = [...prerequisite.rrsetEquals(name, 'TXT', observed.txt), ...prerequisite.rrsetEquals(companion, 'TXT', observed.companionTxt ?? [])];
  const mine = ourTxt(observed, ownerId);
  const mineCompanion = ourCompanionTxt(observed, ownerId);
  if (op.kind === 'delete') {
    // RRset deletes (§2.5.2) for the records our TXT claims; our TXT RR alone (§2.5.4), so a
    // foreign TXT beside it would stay. Never "delete the name" (§2.5.3): that takes all.
    return {
      prerequisites: guard,
      updates: [
        update.deleteRRset(name, 'A'),
        update.deleteRRset(name, 'AAAA'),
        ...(observed.cname !== undefined ? [update.deleteRRset(name, 'CNAME')] : []),
        ...mine.map((rd) => update.deleteRR(name, 'TXT', rd)),
        ...mineCompanion.map((rd) => update.deleteRR(companion, 'TXT', rd)),
      ],
    };
  }
  const { desired } = op;
  const updates: UpdateRecord[] = [];
  const txt = ownershipRdata(ownerId, desired.owners);
  if (desired.cname !== undefined) {
    // Everything else at the name goes first: a CNAME added beside other data is ignored (RFC 2136 §3.4.2.2).
    if (observed.a.length) updates.push(update.deleteRRset(name, 'A'));
    if (observed.aaaa.length) updates.push(update.deleteRRset(name, 'AAAA'));
    updates.push(...mine.map((rd) => update.deleteRR(name, 'TXT', rd)));
    if (observed.cname !== desired.cname) {
      if (observed.cname !== undefined) updates.push(update.deleteRRset(name, 'CNAME'));
      updates.push(update.add(name, 'CNAME', ttl, rdataName(desired.cname)));
    }
    const stale = mineCompanion.filter((rd) => !rd.equals(txt));
    updates.push(...stale.map((rd) => update.deleteRR(companion, 'TXT', rd)));
    if (!mineCompanion.some((rd) => rd.equals(txt))) updates.push(update.add(companion, 'TXT', ttl, txt));
    return { prerequisites: guard, updates };
  }
  if (observed.cname !== undefined) {
    // From a CNAME back to addresses: the CNAME and its companion TXT go first.
    updates.push(update.deleteRRset(name, 'CNAME'), ...mineCompanion.map((rd) => update.deleteRR(companion, 'TXT', rd)));
  }
  if (!sameSet(observed.a, desired.a)) {
    updates.push(update.deleteRRset(name, 'A'), ...desired.a.map((ip) => update.add(name, 'A', ttl, rdataA(ip))));
  }
  if (!sameSet(observed.aaaa, desired.aaaa)) {
    updates.push(update.deleteRRset(name, 'AAAA'), ...desired.aaaa.map((ip) => update.add(name, 'AAAA', ttl, rdataAAAA(ip))));
  }
  const stale = mine.filter((rd) => !rd.equals(txt));
  if (stale.length || mine.length === 0) {
    updates.push(...stale.map((rd) => update.deleteRR(name, 'TXT', rd)));
    if (!mine.some((rd) => rd.equals(txt))) updates.push(update.add(name, 'TXT', ttl, txt));
  }
  return { prerequisites: guard, updates };
}

/** What the zone holds at the name once `op` has been applied. */
export function stateAfter(op: NameOp, ownerId: string): NameState | undefined {
  if (op.kind === 'delete') return undefined;
  const before = op.kind === 'update' ? op.observed : undefined;
  const foreignTxt = before ? before.txt.filter((rd) => ownershipOf(rd)?.ownerId !== ownerId) : [];
  const foreignCompanion = before ? (before.companionTxt ?? []).filter((rd) => ownershipOf(rd)?.ownerId !== ownerId) : [];
  const own = ownershipRdata(ownerId, op.desired.owners);
  const cname = op.desired.cname;
  const state: NameState = {
    name: op.desired.name,
    zone: op.desired.zone ?? before?.zone ?? '',
    a: cname !== undefined ? [] : [...op.desired.a],
    aaaa: cname !== undefined ? [] : [...op.desired.aaaa],
    txt: cname !== undefined ? foreignTxt : [...foreignTxt, own],
    other: before ? [...before.other] : [],
  };
  if (cname !== undefined) state.cname = cname;
  const companion = cname !== undefined ? [...foreignCompanion, own] : foreignCompanion;
  if (companion.length) state.companionTxt = companion;
  return state;
}

/** Does the TXT we would write differ from the one there (routes changed, addresses did not)? */
export function ownershipStale(observed: NameState, desired: RecordSet, ownerId: string): boolean {
  const txt = ownershipRdata(ownerId, desired.owners);
  const mine = desired.cname !== undefined ? ourCompanionTxt(observed, ownerId) : ourTxt(observed, ownerId);
  return mine.length !== 1 || !mine[0]!.equals(txt);
}
