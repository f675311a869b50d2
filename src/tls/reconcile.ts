// Makes each target's Secret hold a certificate from our CA (or, under --dry-run, says what it
// would do). Used by `kubectl mdns tls` once and by `serve --tls` on every change (keeper.ts).
import { X509Certificate } from 'node:crypto';
import type { Secret } from '../cluster/secrets.js';
import { ForbiddenError } from '../cluster/secrets.js';
import { errorMessage } from '../util/errors.js';
import type { LocalCA } from './ca.js';
import { buildSecret, decideSecret } from './plan.js';
import type { TlsTarget } from './targets.js';
import type { TlsReportItem } from './types.js';

export interface SecretStore {
  get(namespace: string, name: string): Promise<Secret | undefined>;
  create(secret: Secret): Promise<Secret>;
  update(secret: Secret): Promise<Secret>;
}

/** A store over Secrets read from -f files: reads only (tls -f works with --dry-run only). */
export function fileSecretStore(secrets: readonly Secret[]): SecretStore {
  const find = (ns: string, name: string) =>
    secrets.find((s) => s.kind === 'Secret' && s.metadata?.name === name && (s.metadata?.namespace ?? 'default') === ns);
  const refuse = (): Promise<Secret> => Promise.reject(new Error('Secrets read from -f files are never written'));
  return { get: async (ns, name) => find(ns, name), create: refuse, update: refuse };
}

export interface ReconcileOptions {
  dryRun: boolean;
  force: boolean;
  /** Leaf validity in days (≤ 397). */
  days: number;
  who: string;
  now?: () => Date;
}

export interface ReconcileResult {
  items: TlsReportItem[];
  /** Errors (403s, API failures), one line each; the CLI exits 2 when there are any. */
  errors: string[];
}

export async function reconcileTargets(targets: readonly TlsTarget[], store: SecretStore, ca: LocalCA, opts: ReconcileOptions): Promise<ReconcileResult> {
  const items: TlsReportItem[] = [];
  const errors: string[] = [];
  const now = opts.now ?? (() => new Date());
  for (const t of targets) {
    const base = { gateway: t.gateway, listener: t.label, secret: t.secret, hostnames: t.hostnames };
    if (t.problem || !t.secret) {
      items.push({ ...base, action: 'skipped', notAfter: null, reason: t.problem ?? 'no Secret reference' });
      continue;
    }
    try {
      const existing = await store.get(t.secret.namespace, t.secret.name);
      const d = decideSecret(t, existing, ca, now(), { force: opts.force });
      if (d.kind === 'unchanged' || d.kind === 'foreign') {
        items.push({ ...base, action: d.kind, notAfter: d.notAfter?.toISOString() ?? null, reason: d.reason });
        continue;
      }
      if (opts.dryRun) {
        items.push({ ...base, action: d.kind === 'create' ? 'would-create' : 'would-renew', notAfter: null, reason: d.reason });
        continue;
      }
      const { issueLeaf } = await import('./x509.js');
      const issued = await issueLeaf({ caCertPem: ca.certPem, caKey: ca.key(), hostnames: t.hostnames, days: opts.days, who: opts.who, now: now() });
      const secret = buildSecret(t, existing, issued, ca);
      if (existing) await store.update(secret);
      else await store.create(secret);
      const notAfter = new Date(new X509Certificate(issued.certPem).validTo);
      items.push({ ...base, action: d.kind === 'create' ? 'created' : 'renewed', notAfter: notAfter.toISOString(), reason: d.reason });
    } catch (err) {
      const line = err instanceof ForbiddenError ? err.message : `Secret ${t.secret.namespace}/${t.secret.name}: ${errorMessage(err)}`;
      errors.push(line);
      items.push({ ...base, action: 'skipped', notAfter: null, reason: line });
    }
  }
  return { items, errors };
}

/** kubectl diff's convention: 0 nothing left to do, 1 something left undone. */
export function reportExitCode(items: readonly TlsReportItem[]): 0 | 1 {
  return items.every((i) => i.action === 'created' || i.action === 'renewed' || i.action === 'unchanged') ? 0 : 1;
}
