// `diff`: for each target, what is there now and the plan against it — the plan a running
// `serve` would apply (same planner, same policy), never applied.
import { planChanges, type Plan } from '../plan/plan.js';
import type { RecordSet } from '../records/types.js';
import type { QueryOptions } from '../mdns/query.js';
import type { UnicastConfig } from '../unicast/config.js';
import { applyPolicy, type Policy } from './policy.js';

export interface UnicastPlan {
  plan: Plan;
  /** Every zone was read by zone transfer (so owned names no longer desired were found). */
  axfr: boolean;
  warnings: string[];
}

export async function planMdnsDiff(records: readonly RecordSet[], query: QueryOptions): Promise<Plan> {
  const { planMdnsFromLink } = await import('../mdns/read-current.js');
  return planMdnsFromLink(
    records.filter((r) => r.target === 'mdns'),
    query,
  );
}

export async function planUnicastDiff(records: readonly RecordSet[], config: UnicastConfig, policy: Policy = 'sync'): Promise<UnicastPlan> {
  const { readUnicastState } = await import('../unicast/read-current.js');
  const desired = records.filter((r) => r.target === 'unicast');
  const state = await readUnicastState(
    config,
    desired.map((r) => r.name),
  );
  return { plan: applyPolicy(planChanges('unicast', desired, state.current), policy), axfr: state.axfr, warnings: state.warnings };
}
