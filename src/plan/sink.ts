// What a sink is to the reconcile stage (defined here, before the sinks, so both may import it): it says which desired sets it can publish, what is
// there now, and applies a plan it is given. It never plans itself: the plan is computed once,
// by the driver (driver.ts), from accept() and current() (docs/design.md#reconcile).
import type { PublishTarget } from '../bindings/types.js';
import type { Plan } from './plan.js';
import type { RecordSet } from '../records/types.js';

/** One change a sink made (or, for mDNS, queued: probing and announcing follow). */
export interface AppliedChange {
  action: 'add' | 'change' | 'remove';
  set: RecordSet;
  /** For 'change': what was there before. */
  before?: RecordSet;
}

export interface Sink {
  readonly target: PublishTarget;
  /** For people: `127.0.0.1:53`, `mdns on eth0`. */
  readonly label?: string;
  /** A sink whose apply() is synchronous and never fails (mDNS): planned and applied at once. */
  readonly synchronous?: boolean;
  /** Reads what is there before the first plan (the unicast zones). Throws a UserError. */
  start?(): Promise<void>;
  /** The desired sets this sink can publish, normalised as it will compare them; warns once about the rest. */
  accept(records: readonly RecordSet[]): RecordSet[];
  /** Reads what current() must know about `desired` and does not yet (unicast per-name zones). */
  refresh?(desired: readonly RecordSet[]): Promise<void>;
  /** What is there now: ours, and others' at names we want (`foreign` set). */
  current(): RecordSet[];
  /** Applies a plan; returns what it changed. `signal` aborts when the driver stops (between messages). */
  apply(plan: Plan, signal?: AbortSignal): AppliedChange[] | Promise<AppliedChange[]>;
  /** An error from apply/refresh: worth retrying later, or for the person to fix (a UserError). */
  classify?(err: unknown): { retry: boolean; error: Error };
  /** Stops; with cleanup, removes what it published (mDNS always says goodbye). */
  stop(opts: { cleanup: boolean }): Promise<void>;
}
