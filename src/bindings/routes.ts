// Binding rules 1–7 (docs/design.md#bindings) for one HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute: one binding per
// (route, hostname, parent gateway). A route hostname that reaches the same gateway through
// several listeners or several parentRefs yields ONE binding for that gateway; the best verdict
// wins (Ready, then Pending, then Skipped) and among equals the port rule 5 prefers (443, 80,
// lowest). The reasons of the parentRefs that lost are kept as warnings on the winner.
// Names come from spec.hostnames and from the hostname annotation (ours or external-dns's,
// annotations.ts), which `gateway-hostname-source` may restrict to one of the two; both go
// through the listener intersection. TCPRoute and UDPRoute (v1alpha2) have no spec.hostnames:
// the annotation is their only name, TCP/UDP listeners have no hostname to intersect with
// (Gateway API: hostname is ignored for protocols without one), and with neither sectionName
// nor port they take the lowest port (the 443/80 preference is for HTTP).

import { isRouteKind, type Route } from '../gateway-api/objects.js';
import type { Binding, BindingOptions, NameSource, ResourceRef } from './types.js';
import { checkHostname, intersectHostnames } from './hostnames.js';
import { listenerRefusal, type UsableListener } from './listeners.js';
import { choosePort, noStandardPortReason, portPreference } from './ports.js';
import { parentRefKey, rejectedBy, resolveParent, type ParentRefKey } from './parents.js';
import { nameOf, namespaceLabels, namespaceOf, type BindingIndex } from './object-index.js';
import { named, placedBinding, skippedBinding, type BindingBase, type Naming } from './verdict.js';
import { compareBindings } from './order.js';
import { HOSTNAME_KEYS, annotatedHostnames, hostnameSourceOf } from './annotations.js';
import { serviceType } from './service-types.js';

/** Layer-4 routes: no spec.hostnames, no URL, lowest port. */
const L4_KINDS: ReadonlySet<string> = new Set(['TCPRoute', 'UDPRoute']);
const LISTENER_NAMING: Naming = { sources: ['listener'] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface RouteHostnames {
  /** spec.hostnames or the annotation name something: the listener's hostname is then never used. */
  declared: boolean;
  valid: string[];
  invalid: { name: string; reason: string }[];
  /** Where each name (valid or invalid) comes from. */
  naming: Map<string, Naming>;
  /** Object-level notes (an unknown gateway-hostname-source), carried on the bindings. */
  warnings: string[];
  /** Why a TCPRoute/UDPRoute has no name, for its Skipped row. */
  l4Unnamed?: string;
}

function routeHostnames(route: Route, kind: string, ref: ResourceRef, spec: Record<string, unknown>): RouteHostnames {
  const owner = `${kind} ${ref.namespace}/${ref.name}`;
  const l4 = L4_KINDS.has(kind);
  const choice = hostnameSourceOf(route, owner);
  const fromSpec = l4 || choice.source === 'annotation-only' ? [] : Array.isArray(spec.hostnames) ? (spec.hostnames as unknown[]) : [];
  const annotated = choice.source === 'defined-hosts-only' ? undefined : annotatedHostnames(route);
  const out: RouteHostnames = {
    declared: fromSpec.length > 0 || (annotated !== undefined && annotated.valid.length + annotated.invalid.length > 0),
    valid: [],
    invalid: [],
    naming: new Map(),
    warnings: choice.warning ? [choice.warning] : [],
  };
  const note = (name: string, source: NameSource, key?: string): void => {
    const n = out.naming.get(name) ?? { sources: [] };
    if (!n.sources.includes(source)) n.sources.push(source);
    if (key !== undefined) n.sourceAnnotation = key;
    out.naming.set(name, n);
  };
  for (const value of fromSpec) {
    const check = checkHostname(value);
    note(check.name, 'spec');
    if (check.ok) {
      if (!out.valid.includes(check.name)) out.valid.push(check.name);
    } else if (!out.invalid.some((i) => i.name === check.name)) {
      out.invalid.push({ name: check.name, reason: `${check.reason}; fix spec.hostnames` });
    }
  }
  if (annotated) {
    for (const name of annotated.valid) {
      note(name, 'annotation', annotated.key);
      if (!out.valid.includes(name)) out.valid.push(name);
    }
    for (const bad of annotated.invalid) {
      note(bad.name, 'annotation', annotated.key);
      if (!out.invalid.some((i) => i.name === bad.name)) out.invalid.push(bad);
    }
  }
  if (l4 && !out.declared) {
    const restricted = choice.source === 'defined-hosts-only' ? ' (its gateway-hostname-source: defined-hosts-only leaves it none)' : '';
    out.l4Unnamed = `${owner} has no hostname${restricted}: a ${kind} has no spec.hostnames; name it with annotation ${HOSTNAME_KEYS[1]} (or ${HOSTNAME_KEYS[0]})`;
  }
  return out;
}

/** The rows for a route with nothing bound yet: its hostnames, or one row without a name. */
function displayNames(hosts: RouteHostnames): string[] {
  return hosts.declared ? hosts.valid : [''];
}

/** A Skipped row for one name, with where the name came from. */
function skippedNamed(base: BindingBase, hosts: RouteHostnames, hostname: string, reason: string): Binding {
  return named(skippedBinding(base, hostname, reason, hosts.warnings), hosts.naming.get(hostname));
}

export function bindRoute(route: Route, index: BindingIndex, options: BindingOptions): Binding[] {
  const kind = route.kind;
  const name = nameOf(route);
  // lint.ts warns about both: without a kind or a name there is nothing to identify a row by.
  if (typeof kind !== 'string' || !isRouteKind(kind) || name === undefined) return [];
  const namespace = namespaceOf(route);
  const ref: ResourceRef = { kind, namespace, name };
  const spec = isRecord(route.spec) ? route.spec : {};
  const hosts = routeHostnames(route, kind, ref, spec);
  const out: Binding[] = [];

  const parentRefs = Array.isArray(spec.parentRefs) ? (spec.parentRefs as unknown[]) : [];
  if (parentRefs.length === 0) {
    const base: BindingBase = { route: ref, gateway: null };
    for (const bad of hosts.invalid) out.push(skippedNamed(base, hosts, bad.name, bad.reason));
    for (const h of displayNames(hosts)) out.push(skippedNamed(base, hosts, h, `${kind} ${namespace}/${name} has no parentRefs; add one that names a Gateway`));
    return out.sort(compareBindings);
  }

  for (const [i, rawRef] of parentRefs.entries()) {
    const parent = parentRefKey(rawRef, namespace);
    if (parent === null) continue; // rule 1: a Service (mesh) or other parent is not ours
    if ('error' in parent) {
      const base: BindingBase = { route: ref, gateway: null };
      for (const h of [...hosts.invalid.map((b) => b.name), ...displayNames(hosts)]) {
        out.push(skippedNamed(base, hosts, h, `spec.parentRefs[${i}] ${parent.error}; fix the parentRef`));
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
  for (const bad of hosts.invalid) out.push(skippedNamed(base, hosts, bad.name, bad.reason));
  const skipAll = (reason: string): Binding[] => {
    for (const h of displayNames(hosts)) out.push(skippedNamed(base, hosts, h, reason));
    return out;
  };
  if ('reason' in resolved) return skipAll(resolved.reason);
  const l4 = L4_KINDS.has(ref.kind);

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
      return skipAll(
        `parentRef sectionName "${parent.sectionName}" matches no listener of ${owner} (listeners: ${listeners.map((l) => l.name).join(', ')}); use one of those names`,
      );
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
  // A ListenerSet listener its controller did not accept carries no traffic (GEP-1713).
  const notAccepted = listeners.filter((l) => resolved.rejectedListeners.has(l.name));
  if (notAccepted.length > 0) {
    if (notAccepted.length === listeners.length) {
      const what = notAccepted.map((l) => `"${l.name}" (${resolved.rejectedListeners.get(l.name)})`).join(', ');
      return skipAll(
        `listener ${what} of ${owner} was not accepted by the controller of ${resolved.gatewayLabel}; fix what it reports: kubectl describe ${parent.writtenKind.toLowerCase()} -n ${parent.namespace} ${parent.name}`,
      );
    }
    listeners = listeners.filter((l) => !resolved.rejectedListeners.has(l.name));
  }
  const labels = namespaceLabels(index, ref.namespace);
  const refusals: string[] = [];
  const allowed = listeners.filter((l) => {
    const refusal = listenerRefusal(l, resolved.listenerNamespace, { kind: ref.kind, namespace: ref.namespace }, labels);
    if (refusal) refusals.push(refusal);
    return refusal === null;
  });
  if (allowed.length === 0) {
    return skipAll(
      `no listener of ${owner} accepts ${ref.kind} ${ref.namespace}/${ref.name}: ${refusals.join('; ')}; change the listener's allowedRoutes or the parentRef`,
    );
  }

  // Rule 4.
  if (hosts.l4Unnamed !== undefined) return skipAll(hosts.l4Unnamed);
  const byName = new Map<string, UsableListener[]>();
  const namingOf = new Map<string, Naming>();
  const add = (hostname: string, l: UsableListener, naming: Naming | undefined): void => {
    const list = byName.get(hostname);
    if (list) list.push(l);
    else byName.set(hostname, [l]);
    if (!naming) return;
    const n = namingOf.get(hostname) ?? { sources: [] };
    for (const s of naming.sources) if (!n.sources.includes(s)) n.sources.push(s);
    if (naming.sourceAnnotation !== undefined) n.sourceAnnotation = naming.sourceAnnotation;
    namingOf.set(hostname, n);
  };
  // TCP and UDP listeners carry no hostname (Gateway API Listener.hostname: ignored for them).
  const listenerHost = (l: UsableListener): string => (l.protocol === 'TCP' || l.protocol === 'UDP' ? '' : l.hostname);
  if (hosts.declared) {
    for (const h of hosts.valid) {
      let matched = false;
      for (const l of allowed) {
        const n = intersectHostnames(h, listenerHost(l));
        if (n !== null) {
          add(n, l, hosts.naming.get(h));
          matched = true;
        }
      }
      if (!matched) {
        const names = allowed.map((l) => `${l.name}: ${l.hostname || 'any'}`).join(', ');
        const fix = hosts.naming.get(h)?.sources.includes('spec')
          ? 'spec.hostnames'
          : `annotation ${hosts.naming.get(h)?.sourceAnnotation ?? HOSTNAME_KEYS[0]}`;
        out.push(skippedNamed(base, hosts, h, `${h} matches no listener hostname of ${owner} (${names}); change ${fix} or the listener's hostname`));
      }
    }
  } else {
    for (const l of allowed) add(listenerHost(l), l, LISTENER_NAMING);
  }

  // Rules 5–7.
  const pinned = parent.sectionName !== undefined || parent.port !== undefined;
  for (const [hostname, matched] of byName) {
    const naming = namingOf.get(hostname);
    if (hostname === '') {
      const names = matched.map((l) => `"${l.name}"`).join(', ');
      out.push(
        skippedBinding(
          base,
          '',
          `no hostname: the route has no spec.hostnames and listener ${names} of ${owner} has none; add spec.hostnames to the route (or annotation ${HOSTNAME_KEYS[1]})`,
          hosts.warnings,
        ),
      );
      continue;
    }
    // Layer 4: the lowest port that takes the route (what pinning to it would give).
    const choice = choosePort(matched, pinned || l4, options.anyPort);
    if (!choice) {
      out.push(named(skippedBinding(base, hostname, noStandardPortReason(owner), hosts.warnings), naming));
      continue;
    }
    const placed = placedBinding(base, {
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
      ...(l4 ? { url: '', dnsSdType: serviceType(choice.listener.name, ref.kind === 'UDPRoute' ? 'udp' : 'tcp') } : {}),
    });
    if (hosts.warnings.length) placed.warnings = [...(placed.warnings ?? []), ...hosts.warnings];
    out.push(named(placed, naming));
  }
  return out;
}

const STATUS_RANK: Record<Binding['status'], number> = { Ready: 0, Pending: 1, Skipped: 2 };

function mergeKey(b: Binding): string {
  const target = b.gateway
    ? `gateway:${b.gateway.namespace}/${b.gateway.name}`
    : `parent:${b.parent?.kind ?? ''}/${b.parent?.namespace ?? ''}/${b.parent?.name ?? ''}`;
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
