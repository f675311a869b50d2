// What a plan may do to a unicast zone: external-dns's --policy, and a guard its users lost
// records without (docs/design.md#unicast-safety). Pure.
import type { Plan } from '../plan/plan.js';
import type { RecordSet } from '../records/types.js';
import type { UnicastPolicy } from '../unicast/config.js';

/** sync: create, update, delete; upsert-only: never delete; create-only: never update or delete. */
export type Policy = UnicastPolicy;

/** The plan with what the policy forbids left out (it stays in `unchanged`: nothing is done to it). */
export function applyPolicy(plan: Plan, policy: Policy): Plan {
  if (policy === 'sync') return plan;
  const createOnly = policy === 'create-only';
  const deleted = new Set(plan.deletes.map((d) => d.name));
  const updated = new Set(plan.updates.map((u) => u.after.name));
  return {
    ...plan,
    deletes: [],
    updates: createOnly ? [] : plan.updates,
    changes: plan.changes.filter((c) => !deleted.has(c.name) && !(createOnly && updated.has(c.name))),
    summary: { ...plan.summary, remove: 0, change: createOnly ? 0 : plan.summary.change },
  };
}

/**
 * A mass delete: more than half of the names we own (so also all of them, as when the source
 * returned nothing after a permission or API error). One name going away with its route is
 * ordinary, even when it is the only one we own.
 */
export function isMassDelete(plan: Plan, current: readonly RecordSet[]): boolean {
  const owned = current.filter((c) => c.foreign === undefined).length;
  const deletes = plan.deletes.length;
  return deletes >= 2 && deletes * 2 > owned;
}

/** The plan without its deletes: held until the source confirms them. */
export function withoutDeletes(plan: Plan): Plan {
  const gone = new Set(plan.deletes.map((d) => d.name));
  return { ...plan, deletes: [], changes: plan.changes.filter((c) => !(c.action === 'remove' && gone.has(c.name))), summary: { ...plan.summary, remove: 0 } };
}
