// Which Secrets `tls` looks after (issue 12): for every Gateway listener with protocol HTTPS,
// or TLS in mode Terminate (the default mode, Gateway API GatewayTLSConfig), that carries at
// least one Ready binding, the Secret named by its first certificateRefs entry, and the
// hostnames its certificate must cover. Pure: objects, bindings and grants in, targets out.
import type { Binding } from '../bindings/types.js';
import type { ClusterObjects, KubeObject } from '../gateway-api/objects.js';
import { GATEWAY_GROUP } from '../gateway-api/objects.js';
import type { ReferenceGrant } from '../cluster/secrets.js';
import type { ObjectRef } from './types.js';

export interface TlsTarget {
  gateway: ObjectRef;
  /** The object holding the listener: the Gateway, or a ListenerSet attached to it. */
  owner: { kind: 'Gateway' | 'ListenerSet'; namespace: string; name: string };
  listener: string;
  /** How the report names the listener: `https`, or `ListenerSet team/extra#https`. */
  label: string;
  /** Every name bound through the listener, plus the listener's own wildcard; sorted. */
  hostnames: string[];
  secret: ObjectRef | null;
  /** Set when nothing can be done for this listener: why, and how to fix it. */
  problem?: string;
}

interface RawListener {
  name?: unknown;
  hostname?: unknown;
  protocol?: unknown;
  tls?: { mode?: unknown; certificateRefs?: unknown };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listenersOf(obj: KubeObject | undefined): RawListener[] {
  const spec = obj?.spec;
  if (!isRecord(spec) || !Array.isArray(spec.listeners)) return [];
  return (spec.listeners as unknown[]).filter(isRecord) as RawListener[];
}

/** Does this listener terminate TLS with a certificate of ours? */
export function terminatesTls(l: RawListener): boolean {
  const protocol = typeof l.protocol === 'string' ? l.protocol.toUpperCase() : '';
  if (protocol === 'HTTPS') return true;
  if (protocol !== 'TLS') return false;
  const mode = isRecord(l.tls) ? l.tls.mode : undefined;
  return mode === undefined || mode === null || mode === 'Terminate';
}

function findOwner(objects: ClusterObjects, b: Binding): { owner: TlsTarget['owner']; obj: KubeObject | undefined } | undefined {
  if (!b.gateway) return undefined;
  const p = b.parent;
  if (p && (p.kind === 'ListenerSet' || p.kind === 'XListenerSet')) {
    const ls = objects.listenerSets.find((o) => o.metadata?.name === p.name && (o.metadata?.namespace ?? 'default') === p.namespace);
    return { owner: { kind: 'ListenerSet', namespace: p.namespace, name: p.name }, obj: ls };
  }
  const gw = objects.gateways.find((o) => o.metadata?.name === b.gateway!.name && (o.metadata?.namespace ?? 'default') === b.gateway!.namespace);
  return { owner: { kind: 'Gateway', namespace: b.gateway.namespace, name: b.gateway.name }, obj: gw };
}

/** The listener a binding goes through, if it terminates TLS; for `list -o wide` too. */
export function tlsListenerOf(objects: ClusterObjects, b: Binding): { owner: TlsTarget['owner']; listener: RawListener } | undefined {
  const found = findOwner(objects, b);
  if (!found) return undefined;
  const l = listenersOf(found.obj).find((x) => x.name === b.listener);
  if (!l || !terminatesTls(l)) return undefined;
  return { owner: found.owner, listener: l };
}

/** The listener's first certificateRefs entry as a Secret reference, or why it is not one. */
export function certificateRef(owner: TlsTarget['owner'], l: RawListener): { secret: ObjectRef } | { problem: string } {
  const refs = isRecord(l.tls) && Array.isArray(l.tls.certificateRefs) ? (l.tls.certificateRefs as unknown[]) : [];
  const first = refs[0];
  if (!isRecord(first) || typeof first.name !== 'string' || first.name === '') {
    const name = `${owner.name}-${String(l.name)}-tls`;
    return {
      problem:
        `listener "${String(l.name)}" has no tls.certificateRefs; add to it: ` + `tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: ${name}}]}`,
    };
  }
  const group = first.group ?? '';
  const kind = first.kind ?? 'Secret';
  if (group !== '' || kind !== 'Secret') {
    return { problem: `the first certificateRef is ${String(kind)} in group "${String(group)}": only core Secrets are written` };
  }
  const namespace = typeof first.namespace === 'string' && first.namespace !== '' ? first.namespace : owner.namespace;
  return { secret: { namespace, name: first.name } };
}

/** Gateway API ReferenceGrant: may `owner` (in its namespace) refer to Secret `secret` in another? */
export function referenceGranted(owner: TlsTarget['owner'], secret: ObjectRef, grants: readonly ReferenceGrant[]): boolean {
  if (owner.namespace === secret.namespace) return true;
  return grants.some((g) => {
    if ((g.metadata?.namespace ?? 'default') !== secret.namespace) return false;
    const from = g.spec?.from ?? [];
    const to = g.spec?.to ?? [];
    const fromOk = from.some(
      (f) =>
        f.group === GATEWAY_GROUP && (f.kind === owner.kind || (owner.kind === 'ListenerSet' && f.kind === 'XListenerSet')) && f.namespace === owner.namespace,
    );
    const toOk = to.some((t) => (t.group ?? '') === '' && t.kind === 'Secret' && (t.name === undefined || t.name === '' || t.name === secret.name));
    return fromOk && toOk;
  });
}

/** One target per TLS-terminating listener with at least one Ready binding, sorted. */
export function tlsTargets(objects: ClusterObjects, bindings: readonly Binding[], grants: readonly ReferenceGrant[]): TlsTarget[] {
  const byListener = new Map<string, { target: TlsTarget; names: Set<string> }>();
  for (const b of bindings) {
    if (b.status !== 'Ready' || !b.gateway || b.hostname === '') continue;
    const found = tlsListenerOf(objects, b);
    if (!found) continue;
    const { owner, listener } = found;
    const key = `${owner.kind}/${owner.namespace}/${owner.name}#${String(listener.name)}`;
    let entry = byListener.get(key);
    if (!entry) {
      const label = owner.kind === 'Gateway' ? String(listener.name) : `ListenerSet ${owner.namespace}/${owner.name}#${String(listener.name)}`;
      const target: TlsTarget = { gateway: { ...b.gateway }, owner, listener: String(listener.name), label, hostnames: [], secret: null };
      const ref = certificateRef(owner, listener);
      if ('problem' in ref) target.problem = ref.problem;
      else {
        target.secret = ref.secret;
        if (!referenceGranted(owner, ref.secret, grants)) {
          target.problem =
            `certificateRef to Secret ${ref.secret.namespace}/${ref.secret.name} crosses namespaces and no ReferenceGrant in ${ref.secret.namespace} ` +
            `allows ${owner.kind} from ${owner.namespace}; add one (from: {group: ${GATEWAY_GROUP}, kind: ${owner.kind}, namespace: ${owner.namespace}}, to: {group: "", kind: Secret})`;
        }
      }
      entry = { target, names: new Set() };
      if (typeof listener.hostname === 'string' && listener.hostname.startsWith('*.')) entry.names.add(listener.hostname.toLowerCase());
      byListener.set(key, entry);
    }
    entry.names.add(b.hostname.toLowerCase());
  }
  const out = [...byListener.values()].map(({ target, names }) => ({ ...target, hostnames: [...names].sort(compareNames) }));
  return out.sort((a, b) => `${a.gateway.namespace}/${a.gateway.name}/${a.label}`.localeCompare(`${b.gateway.namespace}/${b.gateway.name}/${b.label}`));
}

/** Names before wildcards, then alphabetical: the first SAN is the most specific name. */
function compareNames(a: string, b: string): number {
  const wa = a.startsWith('*.') ? 1 : 0;
  const wb = b.startsWith('*.') ? 1 : 0;
  return wa - wb || a.localeCompare(b);
}
