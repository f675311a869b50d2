// The unicast sink: applies plans to the zones by RFC 2136 UPDATEs signed with TSIG, guarded
// by ownership prerequisites (ownership.ts). The reconcile stage (src/reconcile/driver.ts)
// plans, retries and paces; this file only reads and writes.
// - start(): reads the zones (AXFR, or per-name queries when refused); refresh() reads names
//   not looked at yet in per-name zones, so a create does not collide with our own record
//   from an earlier run.
// - apply(plan): timeouts, network errors and SERVFAIL are retryable (classify): because every
//   write is guarded and RRsets are sets (RFC 2136 §3.4.2.2), a write repeated after a lost
//   reply neither duplicates nor clobbers anything.
// - Names are batched, up to batchSize per message (one zone per message, RFC 2136 §2.3);
//   a batch failing on a prerequisite (rcodes 3, 6–8) is bisected to find the names that
//   caused it, which are reported as conflicts and left alone while the others land.

import { isIPv4, isIPv6 } from 'node:net';
import type { Plan } from '../plan/plan.js';
import type { AppliedChange, Sink } from '../plan/sink.js';
import type { RecordSet } from '../records/types.js';
import { UserError, errorMessage } from '../util/errors.js';
import type { Reporter } from '../util/reporter.js';
import { DnsClient, DnsRcodeError } from './client.js';
import type { UnicastConfig } from './config.js';
import { guardedChange, opName, ownershipStale, recordSetFromState, stateAfter, type NameOp, type NameState } from './ownership.js';
import { TsigError } from './tsig.js';
import { DnsTransportError } from './transport.js';
import { encodeUpdate } from './update-message.js';
import { RCODE, decodeAAAA, encodeName, rcodeName, rdataAAAA } from './wire.js';
import { queryNameState, readNames, readZoneState } from './zone-state.js';
import { zoneFor } from '../util/zones.js';
import { refString } from '../gateway-api/objects.js';

export type { UnicastConfig } from './config.js';

const SOURCE = 'unicast';

/** RFC 2136 §2.4 prerequisite failures (and NXDOMAIN for §2.4.4). */
const PREREQ_FAILURES: ReadonlySet<number> = new Set([RCODE.NXDOMAIN, RCODE.YXDOMAIN, RCODE.YXRRSET, RCODE.NXRRSET]);

/** Leave room below the 65535-byte TCP limit for the TSIG record. */
const MAX_MESSAGE = 60_000;

/** Worth trying again later: the server is away, busy, or the reply was damaged. */
function retryable(err: unknown): boolean {
  if (err instanceof DnsTransportError) return true;
  if (err instanceof DnsRcodeError) return err.rcode === RCODE.SERVFAIL;
  if (err instanceof TsigError) return err.origin === 'client' && err.problem === 'BADSIG';
  return false;
}

function updateFailure(label: string, zone: string, keyName: string, rcode: number): DnsRcodeError {
  const what = `DNS server ${label} answered ${rcodeName(rcode)} to an update of zone ${zone}`;
  switch (rcode) {
    case RCODE.REFUSED:
      return new DnsRcodeError(
        rcode,
        `${what}: its policy does not let key "${keyName}" update this zone; add the key to the zone's allow-update (or update-policy) on the server`,
      );
    case RCODE.NOTAUTH:
      return new DnsRcodeError(rcode, `${what}: it is not the primary for ${zone}; check --zone and point --dns-server at the primary`);
    case RCODE.NOTZONE:
      return new DnsRcodeError(rcode, `${what}: a name is outside the zone; check --zone`);
    case RCODE.SERVFAIL:
      return new DnsRcodeError(rcode, `${what}; will retry`);
    default:
      return new DnsRcodeError(rcode, what);
  }
}

function normalised(set: RecordSet, zone: string): RecordSet {
  return {
    ...set,
    name: set.name.toLowerCase().replace(/\.$/, ''),
    zone,
    a: [...new Set(set.a.filter((ip) => isIPv4(ip)))].sort(),
    // Compare AAAA in the form the server gives back (as decoded from the wire).
    aaaa: [...new Set(set.aaaa.filter((ip) => isIPv6(ip)).map((ip) => decodeAAAA(rdataAAAA(ip))))].sort(),
    // Compared with what the server gives back: lower-case, no trailing dot.
    ...(set.cname !== undefined ? { cname: set.cname.toLowerCase().replace(/\.$/, '') } : {}),
  };
}

export class UnicastSink implements Sink {
  readonly target = 'unicast';
  private readonly client: DnsClient;
  private readonly reporter: Reporter;
  /** The names wanted at the last accept(): foreign records matter there only. */
  private readonly desired = new Map<string, RecordSet>();
  /** What the zones hold at the names we know of (ours, foreign, wanted). */
  private readonly observed = new Map<string, NameState>();
  /** Zones read by AXFR: every name in them is known; elsewhere names are read on demand. */
  private transferred = new Set<string>();
  private readonly checked = new Set<string>();
  private started = false;
  private stopped = false;
  /** What apply() wrote in the current pass. */
  private appliedNow: AppliedChange[] = [];
  private readonly conflictsReported = new Map<string, string>();
  private readonly warned = new Set<string>();

  constructor(private readonly config: UnicastConfig) {
    this.client = new DnsClient(config.server, config.tsig, config.timeoutMs);
    this.reporter = config.reporter;
  }

  get label(): string {
    return this.client.label;
  }

  /** Reads the zones. Throws UserError. */
  async start(): Promise<void> {
    let state;
    try {
      state = await readZoneState(this.client, this.config.zones, [...this.desired.keys()]);
    } catch (err) {
      throw this.asUserError(err, 'reading the zones');
    }
    for (const w of state.warnings) this.reporter.report({ kind: 'warning', source: SOURCE, message: w });
    this.transferred = state.transferred;
    for (const [name, s] of state.names) {
      if (recordSetFromState(s, this.config.ownerId, true)) this.observed.set(name, s);
      this.checked.add(name);
    }
    const ours = this.current().filter((s) => s.foreign === undefined).length;
    this.reporter.report({
      kind: 'info',
      source: SOURCE,
      message: `${this.client.label}: ${ours} owned name${ours === 1 ? '' : 's'} in ${this.config.zones.join(', ')} (${state.transferred.size === this.config.zones.length ? 'zone transfer' : 'per-name queries'})`,
    });
    this.started = true;
  }

  /** The sets this sink publishes: inside a --zone, with addresses, encodable; normalised as the server gives them back. */
  accept(records: readonly RecordSet[]): RecordSet[] {
    this.desired.clear();
    for (const r of records) {
      if (r.target !== 'unicast') continue;
      const zone = zoneFor(r.name, this.config.zones);
      if (!zone) {
        // Never sent: the server would answer NOTZONE, or worse, accept it into a zone we did not mean.
        this.warnOnce(`${r.name} is outside every --zone (${this.config.zones.join(', ')}); not published by unicast`, r.name);
        continue;
      }
      if (r.a.length + r.aaaa.length === 0 && r.cname === undefined) continue;
      try {
        encodeName(r.name);
      } catch (err) {
        this.warnOnce(`${r.name} cannot be sent: ${errorMessage(err)}`, r.name);
        continue;
      }
      const set = normalised(r, zone);
      this.desired.set(set.name, set);
    }
    return [...this.desired.values()];
  }

  /** Observed records: ours (foreign undefined) and others' at names we care about. */
  current(): RecordSet[] {
    const out: RecordSet[] = [];
    for (const s of this.observed.values()) {
      const set = recordSetFromState(s, this.config.ownerId, this.desired.has(s.name));
      if (set) out.push(set);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Stops writing; with cleanup, deletes every record we own (--cleanup-on-exit). */
  async stop(opts: { cleanup: boolean }): Promise<void> {
    this.stopped = true;
    if (!opts.cleanup || !this.started) return;
    const ops: NameOp[] = [];
    for (const s of this.observed.values()) {
      const set = recordSetFromState(s, this.config.ownerId, false);
      if (set && set.foreign === undefined) ops.push({ kind: 'delete', observed: s });
    }
    try {
      await this.applyOps(ops, () => false);
    } catch (err) {
      this.reporter.report({ kind: 'error', source: SOURCE, message: `could not remove our records on exit: ${errorMessage(err)}` });
    }
  }

  /** Timeouts, network errors, SERVFAIL and a damaged signature are worth another try; the rest is for the person. */
  classify(err: unknown): { retry: boolean; error: Error } {
    return retryable(err) ? { retry: true, error: err as Error } : { retry: false, error: this.asUserError(err, 'updating the zone') };
  }

  private warnOnce(message: string, hostname: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.reporter.report({ kind: 'warning', source: SOURCE, message, fields: { hostname } });
  }

  /** Per-name zones: reads wanted names not looked at yet. */
  async refresh(desired: readonly RecordSet[]): Promise<void> {
    const unread = new Map<string, string[]>();
    for (const d of desired) {
      if (this.transferred.has(d.zone!) || this.checked.has(d.name)) continue;
      const list = unread.get(d.zone!) ?? [];
      list.push(d.name);
      unread.set(d.zone!, list);
    }
    for (const [zone, names] of unread) {
      const read = new Map<string, NameState>();
      await readNames(this.client, zone, names, read);
      for (const [name, s] of read) {
        this.checked.add(name);
        if (recordSetFromState(s, this.config.ownerId, true)) this.observed.set(name, s);
      }
    }
  }

  /** Applies the name-level changes of a plan made against current(); returns what was written. */
  async apply(plan: Plan, signal?: AbortSignal): Promise<AppliedChange[]> {
    this.appliedNow = [];
    for (const c of plan.conflicts) this.reportConflict(c.desired, c.detail, c.current);
    const ops: NameOp[] = [];
    for (const d of plan.creates) ops.push({ kind: 'create', desired: d });
    for (const u of plan.updates) ops.push({ kind: 'update', desired: this.desired.get(u.after.name) ?? u.after, observed: this.observed.get(u.before.name)! });
    for (const d of plan.deletes) ops.push({ kind: 'delete', observed: this.observed.get(d.name)! });
    // Same addresses but other routes: refresh the TXT's resource= list.
    for (const d of plan.unchanged) {
      const o = this.observed.get(d.name);
      if (o && ownershipStale(o, d, this.config.ownerId)) ops.push({ kind: 'update', desired: d, observed: o });
    }
    // Stopping ends a pass between messages.
    await this.applyOps(ops, () => this.stopped || signal?.aborted === true);
    return this.appliedNow;
  }

  /** Batches per zone; `interrupted` lets stop() end a background pass between messages. */
  private async applyOps(ops: NameOp[], interrupted: () => boolean): Promise<void> {
    const byZone = new Map<string, NameOp[]>();
    for (const op of ops) {
      const zone = op.kind === 'delete' ? op.observed.zone : op.desired.zone!;
      byZone.set(zone, [...(byZone.get(zone) ?? []), op]);
    }
    for (const [zone, list] of byZone) {
      for (let i = 0; i < list.length; i += this.config.batchSize) {
        if (interrupted()) return;
        await this.applyBatch(zone, list.slice(i, i + this.config.batchSize));
      }
    }
  }

  /** One UPDATE for the batch; bisect on a prerequisite failure. */
  private async applyBatch(zone: string, ops: NameOp[]): Promise<void> {
    const parts = ops.map((op) => ({ op, ...guardedChange(op, this.config.ownerId, this.config.ttl) }));
    const work = parts.filter((p) => p.updates.length > 0);
    for (const p of parts) if (p.updates.length === 0) this.applied(p.op, false);
    if (work.length === 0) return;
    const prerequisites = work.flatMap((p) => p.prerequisites);
    const updates = work.flatMap((p) => p.updates);
    const size = encodeUpdate({ id: 0, zone, prerequisites, updates }).length;
    if (size > MAX_MESSAGE && work.length > 1)
      return this.bisect(
        zone,
        work.map((p) => p.op),
      );
    this.reporter.debug(
      SOURCE,
      `UPDATE ${zone}: ${work.map((p) => `${p.op.kind} ${opName(p.op)}`).join(', ')} (${prerequisites.length} prerequisites, ${updates.length} updates)`,
    );
    const rcode = await this.client.update(zone, prerequisites, updates);
    if (rcode === RCODE.NOERROR) {
      for (const p of work) this.applied(p.op, true);
      return;
    }
    if (!PREREQ_FAILURES.has(rcode)) throw updateFailure(this.client.label, zone, this.client.keyName, rcode);
    if (work.length > 1)
      return this.bisect(
        zone,
        work.map((p) => p.op),
      );
    await this.resolveSingle(zone, work[0]!.op, rcode);
  }

  private async bisect(zone: string, ops: NameOp[]): Promise<void> {
    const mid = Math.ceil(ops.length / 2);
    await this.applyBatch(zone, ops.slice(0, mid));
    await this.applyBatch(zone, ops.slice(mid));
  }

  /**
   * One name's prerequisite failed: what we knew was stale, or the name is someone else's.
   * Read it again and retry once with what is there now: a create that finds our own TXT
   * (say, our earlier write whose reply was lost) becomes an update guarded by that TXT.
   */
  private async resolveSingle(zone: string, op: NameOp, rcode: number): Promise<void> {
    const name = opName(op);
    const fresh = await queryNameState(this.client, name, zone);
    this.checked.add(name);
    const seen = recordSetFromState(fresh, this.config.ownerId, true);
    const ours = seen !== undefined && seen.foreign === undefined;
    let retry: NameOp | undefined;
    if (op.kind === 'delete') {
      if (!seen) return this.forget(name);
      if (!ours) {
        this.observed.set(name, fresh);
        this.reporter.report({
          kind: 'warning',
          source: SOURCE,
          message: `${name} changed hands since we read it (${seen.foreign}); not deleted`,
          fields: { hostname: name },
        });
        return;
      }
      retry = { kind: 'delete', observed: fresh };
    } else if (!seen) {
      retry = { kind: 'create', desired: op.desired };
    } else if (ours) {
      retry = { kind: 'update', desired: op.desired, observed: fresh };
    } else {
      this.observed.set(name, fresh);
      this.reportConflict(op.desired, seen.foreign!, seen);
      return;
    }
    const change = guardedChange(retry, this.config.ownerId, this.config.ttl);
    if (change.updates.length === 0) return this.applied(retry, false);
    const again = await this.client.update(zone, change.prerequisites, change.updates);
    if (again === RCODE.NOERROR) return this.applied(retry, true);
    if (!PREREQ_FAILURES.has(again)) throw updateFailure(this.client.label, zone, this.client.keyName, again);
    // Changed again between our read and our write: someone else is active here. Leave it.
    this.observed.set(name, fresh);
    const detail = `the name changed while we wrote it (${rcodeName(rcode)}, then ${rcodeName(again)}): another writer is active here`;
    if (op.kind !== 'delete') this.reportConflict(op.desired, detail, seen ?? fresh);
    else this.reporter.report({ kind: 'warning', source: SOURCE, message: `${name}: ${detail}; not deleted`, fields: { hostname: name } });
  }

  private forget(name: string): void {
    this.observed.delete(name);
  }

  private applied(op: NameOp, wrote: boolean): void {
    const name = opName(op);
    const after = stateAfter(op, this.config.ownerId);
    if (after) this.observed.set(name, after);
    else this.forget(name);
    this.conflictsReported.delete(name);
    if (!wrote) return;
    const before = op.kind === 'create' ? undefined : recordSetFromState(op.observed, this.config.ownerId, false);
    if (op.kind === 'delete') {
      if (before) this.appliedNow.push({ action: 'remove', set: before });
    } else {
      this.appliedNow.push({ action: op.kind === 'create' ? 'add' : 'change', set: op.desired, ...(before ? { before } : {}) });
    }
    const fields = { hostname: name, zone: op.kind === 'delete' ? op.observed.zone : op.desired.zone, ttl: this.config.ttl };
    if (op.kind === 'delete') {
      const addrs = [...op.observed.a, ...op.observed.aaaa, ...(op.observed.cname !== undefined ? [`CNAME ${op.observed.cname}`] : [])];
      this.reporter.report({ kind: 'removed', source: SOURCE, message: `${name} ${addrs.join(' ')}`.trim(), fields: { ...fields, addresses: addrs } });
    } else {
      const addrs = [...op.desired.a, ...op.desired.aaaa, ...(op.desired.cname !== undefined ? [`CNAME ${op.desired.cname}`] : [])];
      const routes = op.desired.owners.map(refString);
      this.reporter.report({
        kind: op.kind === 'create' ? 'added' : 'changed',
        source: SOURCE,
        message: `${name} ${addrs.join(' ')} (TTL ${this.config.ttl})`,
        fields: { ...fields, addresses: addrs, routes },
      });
    }
  }

  private reportConflict(desired: RecordSet, detail: string, current: RecordSet | NameState): void {
    if (this.conflictsReported.get(desired.name) === detail) return;
    this.conflictsReported.set(desired.name, detail);
    const held = [...current.a, ...current.aaaa];
    this.reporter.report({
      kind: 'conflict',
      source: SOURCE,
      message: `${desired.name}: ${detail}${held.length ? ` (holds ${held.join(' ')})` : ''}; left alone`,
      fields: {
        hostname: desired.name,
        zone: desired.zone,
        addresses: held,
        wanted: [...desired.a, ...desired.aaaa],
        routes: desired.owners.map(refString),
      },
    });
  }

  private asUserError(err: unknown, doing: string): Error {
    if (err instanceof UserError) return err;
    if (err instanceof DnsTransportError) return new UserError(`${err.message} (${doing}); check --dns-server`, { cause: err });
    if (err instanceof TsigError || err instanceof DnsRcodeError) return new UserError(err.message, { cause: err });
    return new UserError(`${doing} at ${this.client.label} failed: ${errorMessage(err)}`, { cause: err });
  }
}
