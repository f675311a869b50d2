// Drives one sink towards the desired state: plan once (planFor), apply, retry. Like
// external-dns's controller RunOnce, per sink: desired → current() → plan → apply(changes).
// - Nothing is planned before the first sync(): an empty desired state at start-up would
//   otherwise delete every owned record.
// - Timeouts, network errors and SERVFAIL are retried with capped backoff; the desired state is
//   never dropped. A UserError (REFUSED, BADKEY…) is reported and waits for the next sync().
// - The unicast safety policy (policy.ts): --policy, and the mass-delete guard that holds a plan
//   deleting more than half of our names until the next full list of the source agrees, unless
//   --allow-mass-delete (docs/design.md#unicast-safety).
import { planChanges, type Plan } from '../plan/plan.js';
import type { RecordSet } from '../records/types.js';
import { Backoff, sleep } from '../util/backoff.js';
import { errorMessage } from '../util/errors.js';
import type { Reporter } from '../util/reporter.js';
import { applyPolicy, isMassDelete, withoutDeletes, type Policy } from './policy.js';
import type { AppliedChange, Sink } from '../plan/sink.js';

export interface DriverOptions {
  /** Warnings and errors of the driver itself (retries, held deletes). */
  reporter: Reporter;
  /** Where applied changes go: one line each (lines.ts). */
  onApplied?: (changes: AppliedChange[], sink: Sink) => void;
  policy?: Policy;
  /** Hold mass deletes (unicast). */
  guardDeletes?: boolean;
  allowMassDelete?: boolean;
  /** Retry pacing (default 500 ms doubling to 30 s). */
  backoff?: { initialMs: number; maxMs: number };
}

/** The plan a sink would get now: what diff prints and what serve applies. */
export function planFor(sink: Sink, records: readonly RecordSet[], policy: Policy = 'sync'): Plan {
  return planAccepted(sink, sink.accept(records), policy);
}

function planAccepted(sink: Sink, desired: readonly RecordSet[], policy: Policy = 'sync'): Plan {
  return applyPolicy(planChanges(sink.target, desired, sink.current()), policy);
}

export class SinkDriver {
  private records: readonly RecordSet[] = [];
  private synced = false;
  private started = false;
  private stopped = false;
  private dirty = false;
  private running: Promise<void> | undefined;
  private fatal: Error | undefined;
  private waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  private lastError: string | undefined;
  /** Full lists of the source so far, and the deletes held at which of them. */
  private fullLists = 0;
  private held: { atList: number; names: string } | undefined;

  constructor(
    readonly sink: Sink,
    private readonly options: DriverOptions,
  ) {
    this.backoff = new Backoff(options.backoff?.initialMs ?? 500, options.backoff?.maxMs ?? 30_000);
  }

  /** Reads what is there (sink.start); applies at once if sync() was called already. */
  async start(): Promise<void> {
    await this.sink.start?.();
    this.started = true;
    if (this.synced) {
      this.kick();
      await this.whenIdle();
    }
  }

  /** The whole desired state (records of other targets are ignored by the sink). Never blocks. */
  sync(records: readonly RecordSet[]): void {
    this.records = records;
    this.synced = true;
    this.fatal = undefined;
    if (this.sink.synchronous) this.started = true;
    if (this.started && !this.stopped) this.kick();
  }

  /** The source listed everything again: held deletes it still wants may go now. */
  fullList(): void {
    this.fullLists++;
    if (this.held && this.started && !this.stopped) this.kick();
  }

  current(): RecordSet[] {
    return this.sink.current();
  }

  /**
   * Resolves once the desired state is applied (or stop() ran); rejects with the UserError
   * when the sink refuses in a way retrying will not fix — until the next sync().
   */
  whenIdle(): Promise<void> {
    if (!this.running) return this.fatal ? Promise.reject(this.fatal) : Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async stop(opts: { cleanup: boolean } = { cleanup: false }): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running;
    await this.sink.stop({ cleanup: opts.cleanup && this.started });
    this.settle();
  }

  private kick(): void {
    if (this.sink.synchronous) {
      // Planned and applied now: a synchronous sink's callers (and fake clocks) see it at once.
      const desired = this.sink.accept(this.records);
      const plan = this.guard(planAccepted(this.sink, desired, this.options.policy));
      this.report(this.sink.apply(plan) as AppliedChange[]);
      return;
    }
    this.dirty = true;
    if (!this.running) this.running = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      try {
        await this.pass();
        this.backoff.reset();
        if (this.lastError) {
          this.options.reporter.report({
            kind: 'info',
            source: this.sink.target,
            message: `${this.sink.label ?? this.sink.target} answers again; records are in step`,
          });
          this.lastError = undefined;
        }
      } catch (err) {
        const verdict = this.sink.classify?.(err) ?? { retry: false, error: err instanceof Error ? err : new Error(errorMessage(err)) };
        if (verdict.retry) {
          this.dirty = true;
          const delay = this.backoff.next();
          const message = `${errorMessage(err)}; retrying in ${delay < 1000 ? `${delay} ms` : `${(delay / 1000).toFixed(1)} s`}`;
          if (errorMessage(err) !== this.lastError) this.options.reporter.report({ kind: 'error', source: this.sink.target, message });
          else this.options.reporter.debug(this.sink.target, message);
          this.lastError = errorMessage(err);
          await sleep(delay, this.abort.signal);
          continue;
        }
        this.fatal = verdict.error;
        this.options.reporter.report({ kind: 'error', source: this.sink.target, message: this.fatal.message });
      }
    }
    this.running = undefined;
    this.settle();
  }

  /** One reconcile: the plan computed once, applied, reported. */
  private async pass(): Promise<void> {
    let desired = this.sink.accept(this.records);
    if (this.sink.refresh) {
      const asked = this.records;
      await this.sink.refresh(desired);
      if (this.stopped) return;
      // A sync() while reading: plan the newest desired state (its new names are read next pass).
      if (this.records !== asked) desired = this.sink.accept(this.records);
    }
    const plan = this.guard(planAccepted(this.sink, desired, this.options.policy));
    this.report(await this.sink.apply(plan, this.abort.signal));
  }

  private guard(plan: Plan): Plan {
    if (!this.options.guardDeletes || this.options.allowMassDelete || !isMassDelete(plan, this.sink.current())) {
      this.held = undefined;
      return plan;
    }
    const names = plan.deletes
      .map((d) => d.name)
      .sort()
      .join(' ');
    if (this.held && this.held.names === names && this.fullLists > this.held.atList) {
      this.options.reporter.report({
        kind: 'warning',
        source: this.sink.target,
        message: `the source listed everything again and still wants ${plural(plan.deletes.length, 'name')} gone: deleting them`,
      });
      this.held = undefined;
      return plan;
    }
    if (!this.held || this.held.names !== names) {
      const owned = this.sink.current().filter((c) => c.foreign === undefined).length;
      this.held = { atList: this.fullLists, names };
      this.options.reporter.report({
        kind: 'warning',
        source: this.sink.target,
        message: `holding ${plural(plan.deletes.length, 'delete')} of the ${plural(owned, 'name')} we own (${plan.deletes.length === owned ? 'all of them' : 'more than half'}): kept until the next full list of the source agrees; --allow-mass-delete lets such a plan through`,
        fields: { held: plan.deletes.map((d) => d.name) },
      });
    }
    return withoutDeletes(plan);
  }

  private report(applied: AppliedChange[]): void {
    if (applied.length && this.options.onApplied) this.options.onApplied(applied, this.sink);
  }

  private settle(): void {
    if (this.running) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (this.fatal && !this.stopped) w.reject(this.fatal);
      else w.resolve();
    }
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
