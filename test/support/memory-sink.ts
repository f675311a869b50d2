// A sink that keeps what it is told in memory: the reconcile stage's own tests drive it like
// the real sinks (accept → current → plan → apply) without a network. It applies every plan
// in full, so what it holds is what a converged sink would hold.
import type { Plan } from '../../src/plan/plan.js';
import type { AppliedChange, Sink } from '../../src/plan/sink.js';
import type { RecordSet } from '../../src/records/types.js';

export class MemorySink implements Sink {
  readonly target = 'mdns';
  readonly synchronous = true;
  readonly held = new Map<string, RecordSet>();
  readonly plans: Plan[] = [];

  accept(records: readonly RecordSet[]): RecordSet[] {
    return records.filter((r) => r.target === this.target);
  }
  current(): RecordSet[] {
    return [...this.held.values()];
  }
  apply(plan: Plan): AppliedChange[] {
    this.plans.push(plan);
    const out: AppliedChange[] = [];
    for (const s of plan.creates) {
      this.held.set(s.name, s);
      out.push({ action: 'add', set: s });
    }
    for (const u of plan.updates) {
      this.held.set(u.after.name, u.after);
      out.push({ action: 'change', set: u.after, before: u.before });
    }
    for (const s of plan.deletes) {
      this.held.delete(s.name);
      out.push({ action: 'remove', set: s });
    }
    return out;
  }
  async stop(): Promise<void> {}
}
