// desired vs current -> changes. Pure: this value is what `diff` prints and what the sinks
// apply (external-dns's plan.Changes, made printable).

import type { PublishTarget } from '../bindings/types.js';
import { refString, type RecordSet } from '../records/types.js';

export type ChangeAction = 'add' | 'remove' | 'change' | 'conflict';

/** One line of a diff: one name, one record type, one target (the DNSDiff item, docs/design.md#dnsdiff). */
export interface Change {
  target: PublishTarget;
  action: ChangeAction;
  name: string;
  /** CNAME: unicast only, a gateway's Hostname address. */
  type: 'A' | 'AAAA' | 'CNAME';
  before: string[];
  after: string[];
  detail: string;
  /** The routes the desired records come from (kind/ns/name), for people. */
  routes: string[];
}

export interface Update {
  before: RecordSet;
  after: RecordSet;
}

export interface Conflict {
  desired: RecordSet;
  current: RecordSet;
  detail: string;
}

export interface PlanSummary {
  add: number;
  remove: number;
  change: number;
  conflict: number;
  unchanged: number;
}

/** Name-level changes for the sinks, type-level `changes` for people. */
export interface Plan {
  creates: RecordSet[];
  updates: Update[];
  deletes: RecordSet[];
  conflicts: Conflict[];
  unchanged: RecordSet[];
  changes: Change[];
  summary: PlanSummary;
}

const TYPES = ['A', 'AAAA', 'CNAME'] as const;

function values(set: RecordSet | undefined, type: (typeof TYPES)[number]): string[] {
  if (!set) return [];
  if (type === 'CNAME') return set.cname !== undefined ? [set.cname] : [];
  return type === 'A' ? set.a : set.aaaa;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sb = new Set(b);
  return a.every((v) => sb.has(v));
}

export function sameAddresses(a: RecordSet, b: RecordSet): boolean {
  return sameValues(a.a, b.a) && sameValues(a.aaaa, b.aaaa) && (a.cname ?? '') === (b.cname ?? '');
}

/**
 * Compare desired record sets with what is there now, for one target.
 * - desired, nothing current               -> create
 * - desired, current ours, same addresses  -> unchanged
 * - desired, current ours, other addresses -> update
 * - desired, current foreign               -> conflict (never touched)
 * - current ours, not desired              -> delete
 * - current foreign, not desired           -> ignored: not ours to judge
 * Names compare case-insensitively (DNS names do).
 */
export function planChanges(target: PublishTarget, desired: readonly RecordSet[], current: readonly RecordSet[]): Plan {
  const plan: Plan = {
    creates: [],
    updates: [],
    deletes: [],
    conflicts: [],
    unchanged: [],
    changes: [],
    summary: { add: 0, remove: 0, change: 0, conflict: 0, unchanged: 0 },
  };
  const want = new Map<string, RecordSet>();
  for (const d of desired) if (d.target === target) want.set(d.name.toLowerCase(), d);
  const have = new Map<string, RecordSet[]>();
  for (const c of current) {
    if (c.target !== target) continue;
    const key = c.name.toLowerCase();
    const list = have.get(key);
    if (list) list.push(c);
    else have.set(key, [c]);
  }

  for (const [key, d] of want) {
    const found = have.get(key) ?? [];
    const foreign = found.find((c) => c.foreign !== undefined);
    const ours = found.find((c) => c.foreign === undefined);
    const routes = d.owners.map(refString);
    if (foreign) {
      const detail = foreign.foreign ?? '';
      plan.conflicts.push({ desired: d, current: foreign, detail });
      for (const type of TYPES) {
        const after = values(d, type);
        const before = values(foreign, type);
        if (after.length === 0 && before.length === 0) continue;
        plan.changes.push({ target, action: 'conflict', name: d.name, type, before, after, detail, routes });
      }
      plan.summary.conflict++;
      continue;
    }
    if (!ours) {
      plan.creates.push(d);
      for (const type of TYPES) {
        const after = values(d, type);
        if (after.length) plan.changes.push({ target, action: 'add', name: d.name, type, before: [], after, detail: '', routes });
      }
      plan.summary.add++;
      continue;
    }
    if (sameAddresses(d, ours)) {
      plan.unchanged.push(d);
      plan.summary.unchanged++;
      continue;
    }
    plan.updates.push({ before: ours, after: d });
    for (const type of TYPES) {
      const before = values(ours, type);
      const after = values(d, type);
      if (sameValues(before, after)) continue;
      const action: ChangeAction = before.length === 0 ? 'add' : after.length === 0 ? 'remove' : 'change';
      plan.changes.push({ target, action, name: d.name, type, before, after, detail: '', routes });
    }
    plan.summary.change++;
  }

  for (const [key, found] of have) {
    if (want.has(key)) continue;
    for (const c of found) {
      if (c.foreign !== undefined) continue;
      plan.deletes.push(c);
      for (const type of TYPES) {
        const before = values(c, type);
        if (before.length) plan.changes.push({ target, action: 'remove', name: c.name, type, before, after: [], detail: '', routes: c.owners.map(refString) });
      }
      plan.summary.remove++;
    }
  }
  plan.changes.sort((x, y) => (x.name === y.name ? (x.type < y.type ? -1 : 1) : x.name < y.name ? -1 : 1));
  return plan;
}

export function hasDifferences(plan: Plan): boolean {
  const s = plan.summary;
  return s.add + s.remove + s.change + s.conflict > 0;
}
