// The reconcile loop: source events → incremental bindings → desired record sets → for each
// sink, the plan computed once and applied (driver.ts) → one line per applied change
// (lines.ts). `serve` runs it with sinks; `list -w` with none, watching the bindings.
// Bursts (a relist of thousands of objects) are coalesced into one flush
// (docs/design.md#reconcile).
import { LiveBindings } from '../bindings/incremental.js';
import type { Binding, BindingOptions, BindingStatus } from '../bindings/types.js';
import type { SourceEvent } from '../cluster/source.js';
import { DesiredState } from '../records/desired.js';
import type { RecordSet } from '../records/types.js';
import type { Reporter } from '../util/reporter.js';
import { SinkDriver, type DriverOptions } from './driver.js';
import { reportApplied } from './lines.js';
import type { Sink } from '../plan/sink.js';

export class Reconciler {
  private readonly live: LiveBindings;
  private readonly desiredState = new DesiredState();
  private readonly drivers: SinkDriver[] = [];
  private readonly watchers: ((bindings: Binding[]) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  /** Kinds the source has listed, and those listed again since the last full list. */
  private readonly kinds = new Set<string>();
  private readonly relisted = new Set<string>();
  private initialised = false;

  constructor(
    options: BindingOptions,
    private readonly reporter: Reporter,
    private readonly coalesceMs = 10,
  ) {
    this.live = new LiveBindings(options);
  }

  /** The source's events; object events are coalesced, a REPLACED world is applied at once. */
  onEvent(event: SourceEvent): void {
    if (event.type === 'REPLACED') {
      this.live.replaceAll(event.objects);
      this.flush();
      this.fullList();
      return;
    }
    if (event.type === 'SYNCED') {
      // A relist of every kind after the first read is a full list again (the mass-delete
      // guard waits for one, docs/design.md#unicast-safety).
      if (!this.initialised) {
        this.kinds.add(event.kind);
        return;
      }
      this.relisted.add(event.kind);
      if ([...this.kinds].every((k) => this.relisted.has(k))) {
        this.relisted.clear();
        this.flush();
        this.fullList();
      }
      return;
    }
    if (!this.live.apply(event)) return;
    this.pending = true;
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.coalesceMs);
  }

  /** The source has read everything once (its watch's `synced`): the first full list. */
  synced(): void {
    this.initialised = true;
    this.flush();
    this.fullList();
  }

  /** A sink, driven from now on; it gets the current desired state at once. */
  addSink(sink: Sink, options: Omit<DriverOptions, 'onApplied'>): SinkDriver {
    const driver = new SinkDriver(sink, { ...options, onApplied: (changes) => reportApplied(this.reporter, changes, (h) => this.live.bindingsOf([h])) });
    this.drivers.push(driver);
    driver.sync(this.desiredState.all());
    return driver;
  }

  /** Called with every binding after each change (list -w), and once now. */
  watchBindings(onChange: (bindings: Binding[]) => void): void {
    this.watchers.push(onChange);
    onChange(this.live.all());
  }

  /** Rebind what changed, regroup the hostnames it touched, hand the desired state to the sinks. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const touched = this.live.flush();
    const had = this.pending;
    this.pending = false;
    if (touched.size === 0 && !had) return;
    this.desiredState.update(touched, this.live.bindingsOf(touched));
    const records = this.desiredState.all();
    for (const d of this.drivers) d.sync(records);
    if (this.watchers.length) {
      const all = this.live.all();
      for (const w of this.watchers) w(all);
    }
  }

  desired(): RecordSet[] {
    return this.desiredState.all();
  }

  bindings(): Binding[] {
    return this.live.all();
  }

  bindingCounts(): Record<BindingStatus, number> {
    return this.live.counts();
  }

  objectCounts(): { routes: number; gateways: number } {
    return this.live.objectCounts();
  }

  /** Stops the loop, then every sink (each says goodbye; with cleanup, unicast deletes ours). */
  async stop(opts: { cleanup: boolean } = { cleanup: false }): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled(this.drivers.map((d) => d.stop(opts)));
  }

  private fullList(): void {
    for (const d of this.drivers) d.fullList();
  }
}
