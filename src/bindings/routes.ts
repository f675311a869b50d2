// Binding rules 1–7 (docs/design.md#bindings) for one HTTPRoute, GRPCRoute or TLSRoute: one binding per
// (route, hostname, parent gateway). A route hostname that reaches the same gateway through
// several listeners or several parentRefs yields ONE binding for that gateway; the best verdict
// wins (Ready, then Pending, then Skipped) and among equals the port rule 5 prefers (443, 80,
// lowest). The reasons of the parentRefs that lost are kept as warnings on the winner.

import { isRouteKind, type Route } from '../gateway-api/objects.js';
import type { Binding, BindingOptions, ResourceRef } from './types.js';
import { checkHostname, intersectHostnames } from './hostnames.js';
import { listenerRefusal, type UsableListener } from './listeners.js';
import { choosePort, noStandardPortReason, portPreference } from './ports.js';
import { parentRefKey, rejectedBy, resolveParent, type ParentRefKey } from './parents.js';
import { nameOf, namespaceLabels, namespaceOf, type BindingIndex } from './object-index.js';
import { placedBinding, skippedBinding, type BindingBase } from './verdict.js';
import { compareBindings } from './order.js';


function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface RouteHostnames {
  /** spec.hostnames is a non-empty list: the listener's hostname is then never used. */
  declared: boolean;
  valid: string[];
  invalid: { name: string; reason: string }[];
}

function routeHostnames(spec: Record<string, unknown>): RouteHostnames {
  const raw = Array.isArray(spec.hostnames) ? (spec.hostnames as unknown[]) : [];
  const out: RouteHostnames = { declared: raw.length > 0, valid: [], invalid: [] };
  for (const value of raw) {
    const check = checkHostname(value);
    if (check.ok) {
      if (!out.valid.includes(check.name)) out.valid.push(check.name);
    } else if (!out.invalid.some((i) => i.name === check.name)) {
      out.invalid.push({ name: check.name, reason: `${check.reason}; fix spec.hostnames` });
    }
  }
  return out;
}

/** The rows for a route with nothing bound yet: its hostnames, or one row without a name. */
function displayNames(hosts: RouteHostnames): string[] {
  return hosts.declared ? hosts.valid : [''];
}

export function bindRoute(route: Route, index: BindingIndex, options: BindingOptions): Binding[] {
  const kind = route.kind;
  const name = nameOf(route);
  // lint.ts warns about both: without a kind or a name there is nothing to identify a row by.
  if (typeof kind !== 'string' || !isRouteKind(kind) || name === undefined) return [];
  const namespace = namespaceOf(route);
  const ref: ResourceRef = { kind, namespace, name };
  const spec = isRecord(route.spec) ? route.spec : {};
  const hosts = routeHostnames(spec);
  const out: Binding[] = [];

  const parentRefs = Array.isArray(spec.parentRefs) ? (spec.parentRefs as unknown[]) : [];
  if (parentRefs.length === 0) {
    const base: BindingBase = { route: ref, gateway: null };
    for (const bad of hosts.invalid) out.push(skippedBinding(base, bad.name, bad.reason));
    for (const h of displayNames(hosts)) out.push(skippedBinding(base, h, `${kind} ${namespace}/${name} has no parentRefs; add one that names a Gateway`));
    return out.sort(compareBindings);
  }

  for (const [i, rawRef] of parentRefs.entries()) {
    const parent = parentRefKey(rawRef, namespace);
    if (parent === null) continue; // rule 1: a Service (mesh) or other parent is not ours
    if ('error' in parent) {
      const base: BindingBase = { route: ref, gateway: null };
      for (const h of [...hosts.invalid.map((b) => b.name), ...displayNames(hosts)]) {
        out.push(skippedBinding(base, h, `spec.parentRefs[${i}] ${parent.error}; fix the parentRef`));
      }
      continue;
    }
    out.push(...bindParent(route, ref, hosts, parent, index, options));
  }
  return mergePerGateway(out).sort(compareBindings);
}

function parentOf(parent: ParentRefKey): NonNullable<Binding['parent']> {
  const p: NonNullable<Binding['parent']> = { kind: parent.writtenKind, namespace: parent.namespace, name: parent.name };
  if (parent.sectionName !== undefined) p.sectionName = parent.sectionName;
  if (parent.port !== undefined) p.port = parent.port;
  return p;
}

function bindParent(route: Route, ref: ResourceRef, hosts: RouteHostnames, parent: ParentRefKey, index: BindingIndex, options: BindingOptions): Binding[] {
  const out: Binding[] = [];
  const resolved = resolveParent(parent, index);
  const base: BindingBase = { route: ref, gateway: resolved.gatewayRef, parent: parentOf(parent) };
  for (const bad of hosts.invalid) out.push(skippedBinding(base, bad.name, bad.reason));
  const skipAll = (reason: string): Binding[] => {
    for (const h of displayNames(hosts)) out.push(skippedBinding(base, h, reason));
    return out;
  };
  if ('reason' in resolved) return skipAll(resolved.reason);

  // Rule 2.
  const rejected = rejectedBy(route, parent, ref.namespace);
  if (rejected) {
    const why = [rejected.reason, rejected.message].filter((s) => typeof s === 'string' && s !== '').join(': ');
    return skipAll(
      `${resolved.gatewayLabel} did not accept the route (Accepted=False${why ? `, ${why}` : ''}); fix what its controller reports: kubectl describe ${ref.kind.toLowerCase()} -n ${ref.namespace} ${ref.name}`,
    );
  }

  // Rule 3.
  const owner = resolved.listenerOwner;
  let listeners = resolved.listeners;
  if (listeners.length === 0) return skipAll(`${owner} has no usable listeners; add one to its spec.listeners`);
  if (parent.sectionName !== undefined) {
    const named = listeners.filter((l) => l.name === parent.sectionName);
    if (named.length === 0) {
      return skipAll(`parentRef sectionName "${parent.sectionName}" matches no listener of ${owner} (listeners: ${listeners.map((l) => l.name).join(', ')}); use one of those names`);
    }
    listeners = named;
  }
  if (parent.port !== undefined) {
    const onPort = listeners.filter((l) => l.port === parent.port);
    if (onPort.length === 0) {
      const ports = [...new Set(listeners.map((l) => l.port))].sort((a, b) => a - b).join(', ');
      return skipAll(
        parent.sectionName !== undefined
          ? `parentRef port ${parent.port} does not match listener "${parent.sectionName}" of ${owner} (port ${ports}); fix the port or the sectionName`
          : `parentRef port ${parent.port} matches no listener of ${owner} (ports: ${ports}); use one of those ports`,
      );
    }
    listeners = onPort;
  }
  const labels = namespaceLabels(index, ref.namespace);
  const refusals: string[] = [];
  const allowed = listeners.filter((l) => {
    const refusal = listenerRefusal(l, resolved.listenerNamespace, { kind: ref.kind, namespace: ref.namespace }, labels);
    if (refusal) refusals.push(refusal);
    return refusal === null;
  });
  if (allowed.length === 0) {
    return skipAll(`no listener of ${owner} accepts ${ref.kind} ${ref.namespace}/${ref.name}: ${refusals.join('; ')}; change the listener's allowedRoutes or the parentRef`);
  }

  // Rule 4.
  const byName = new Map<string, UsableListener[]>();
  const add = (hostname: string, l: UsableListener): void => {
    const list = byName.get(hostname);
    if (list) list.push(l);
    else byName.set(hostname, [l]);
  };
  if (hosts.declared) {
    for (const h of hosts.valid) {
      let matched = false;
      for (const l of allowed) {
        const n = intersectHostnames(h, l.hostname);
        if (n !== null) {
          add(n, l);
          matched = true;
        }
      }
      if (!matched) {
        const names = allowed.map((l) => `${l.name}: ${l.hostname || 'any'}`).join(', ');
        out.push(skippedBinding(base, h, `${h} matches no listener hostname of ${owner} (${names}); change spec.hostnames or the listener's hostname`));
      }
    }
  } else {
    for (const l of allowed) add(l.hostname, l);
  }

  // Rules 5–7.
  const pinned = parent.sectionName !== undefined || parent.port !== undefined;
  for (const [hostname, matched] of byName) {
    if (hostname === '') {
      const names = matched.map((l) => `"${l.name}"`).join(', ');
      out.push(skippedBinding(base, '', `no hostname: the route has no spec.hostnames and listener ${names} of ${owner} has none; add spec.hostnames to the route`));
      continue;
    }
    const choice = choosePort(matched, pinned, options.anyPort);
    if (!choice) {
      out.push(skippedBinding(base, hostname, noStandardPortReason(owner)));
      continue;
    }
    out.push(
      placedBinding(base, {
        hostname,
        listener: choice.listener.name,
        port: choice.port,
        protocol: choice.listener.protocol,
        addresses: resolved.addresses,
        addressOwner: resolved.gatewayLabel,
        annotations: [
          { owner: `${ref.kind} ${ref.namespace}/${ref.name}`, annotations: route.metadata?.annotations },
          { owner: resolved.gatewayLabel, annotations: resolved.gateway.metadata?.annotations },
        ],
        zones: options.zones,
      }),
    );
  }
  return out;
}

const STATUS_RANK: Record<Binding['status'], number> = { Ready: 0, Pending: 1, Skipped: 2 };

function mergeKey(b: Binding): string {
  const target = b.gateway ? `gateway:${b.gateway.namespace}/${b.gateway.name}` : `parent:${b.parent?.kind ?? ''}/${b.parent?.namespace ?? ''}/${b.parent?.name ?? ''}`;
  return `${b.hostname}\u0000${target}`;
}

function better(a: Binding, b: Binding): boolean {
  const rank = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (rank !== 0) return rank < 0;
  return portPreference(a.port) < portPreference(b.port);
}

function mergePerGateway(candidates: Binding[]): Binding[] {
  const groups = new Map<string, Binding[]>();
  for (const c of candidates) {
    const key = mergeKey(c);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const out: Binding[] = [];
  for (const group of groups.values()) {
    let best = group[0] as Binding;
    for (const c of group.slice(1)) if (better(c, best)) best = c;
    const extra: string[] = [];
    for (const c of group) {
      if (c === best || c.reason === '' || c.reason === best.reason) continue;
      const via = c.parent ? ` (${describeParent(c.parent)})` : '';
      const line = `also bound through another parentRef${via}: ${c.reason}`;
      if (!extra.includes(line)) extra.push(line);
    }
    out.push(extra.length ? { ...best, warnings: [...(best.warnings ?? []), ...extra] } : best);
  }
  return out;
}

function describeParent(p: NonNullable<Binding['parent']>): string {
  const parts = [`${p.kind} ${p.namespace}/${p.name}`];
  if (p.sectionName !== undefined) parts.push(`sectionName ${p.sectionName}`);
  if (p.port !== undefined) parts.push(`port ${p.port}`);
  return parts.join(', ');
}
