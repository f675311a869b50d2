// `serve --tls`: keeps the listeners' Secrets in step as routes and listeners change (issue 12,
// same rules as `kubectl mdns tls`). sync() only records the latest state; one loop, after a
// quiet period (debounce), reconciles it, so a burst of route events costs one pass. Lines:
//   + tls: infra/shop-cert shop.local api.local (issued by kubectl-mdns CA)
import type { Binding } from '../bindings/types.js';
import type { ClusterObjects } from '../gateway-api/objects.js';
import type { ReferenceGrant } from '../cluster/secrets.js';
import type { Reporter } from '../util/reporter.js';
import { errorMessage } from '../util/errors.js';
import type { LocalCA } from './ca.js';
import { reconcileTargets, type SecretStore } from './reconcile.js';
import { tlsTargets } from './targets.js';
import type { TlsReportItem } from './types.js';

export interface TlsKeeperOptions {
  store: SecretStore;
  ca: LocalCA;
  /** ReferenceGrants, read again on every pass (they are few). */
  grants: () => Promise<ReferenceGrant[]>;
  reporter: Reporter;
  days: number;
  who: string;
  force?: boolean;
  debounceMs?: number;
}

export class TlsKeeper {
  private latest: { bindings: readonly Binding[]; objects: ClusterObjects } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Last line said per Secret/listener, so a standing problem is reported once. */
  private readonly said = new Map<string, string>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: TlsKeeperOptions) {}

  /** The current bindings (and the objects they came from); reconciled after the debounce. */
  sync(bindings: readonly Binding[], objects: ClusterObjects): void {
    if (this.stopped) return;
    this.latest = { bindings, objects };
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.opts.debounceMs ?? 300);
  }

  /** Runs a pass now (start-up), resolving when the Secrets are in step. */
  async flush(): Promise<TlsReportItem[]> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) await this.running;
    return this.pass();
  }

  /** Resolves once no pass is pending or running. */
  whenIdle(): Promise<void> {
    if (!this.timer && !this.running) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then(() => undefined)
      .catch((err: unknown) => this.opts.reporter.report({ kind: 'warning', source: 'tls', message: errorMessage(err) }))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        } else if (!this.timer) {
          const w = this.idleWaiters;
          this.idleWaiters = [];
          for (const f of w) f();
        }
      });
  }

  private async pass(): Promise<TlsReportItem[]> {
    const latest = this.latest;
    if (!latest || this.stopped) return [];
    const grants = await this.opts.grants();
    const targets = tlsTargets(latest.objects, latest.bindings, grants);
    const { items } = await reconcileTargets(targets, this.opts.store, this.opts.ca, {
      dryRun: false,
      force: Boolean(this.opts.force),
      days: this.opts.days,
      who: this.opts.who,
    });
    for (const item of items) this.say(item);
    return items;
  }

  private say(item: TlsReportItem): void {
    const key = item.secret ? `${item.secret.namespace}/${item.secret.name}` : `${item.gateway.namespace}/${item.gateway.name}#${item.listener}`;
    const names = item.hostnames.join(' ');
    const line = `${key} ${names}`;
    const r = this.opts.reporter;
    const fields = {
      secret: item.secret,
      gateway: item.gateway,
      listener: item.listener,
      hostnames: item.hostnames,
      action: item.action,
      notAfter: item.notAfter,
    };
    switch (item.action) {
      case 'created':
        r.report({ kind: 'added', source: 'tls', message: `${line} (issued by kubectl-mdns CA)`, fields });
        break;
      case 'renewed':
        r.report({ kind: 'changed', source: 'tls', message: `${line} (re-issued by kubectl-mdns CA: ${item.reason})`, fields });
        break;
      case 'unchanged':
        r.debug('tls', `${line} unchanged`);
        break;
      default: {
        const msg = `${line}: ${item.action}: ${item.reason}`;
        if (this.said.get(key) !== msg) r.report({ kind: 'warning', source: 'tls', message: msg, fields });
        this.said.set(key, msg);
        return;
      }
    }
    this.said.delete(key);
  }
}
