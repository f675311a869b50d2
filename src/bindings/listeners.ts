// Binding rule 3 (docs/design.md#rule-3-listeners): which listeners a route may use. Gateway API: a listener's
// allowedRoutes.namespaces.from (Same by default, All, Selector on the route namespace's labels)
// and allowedRoutes.kinds (or, when empty, the kinds the listener's protocol carries).

import { GATEWAY_GROUP } from '../gateway-api/objects.js';
import { checkHostname } from './hostnames.js';
import { matchLabelSelector } from './selector.js';

/** A listener that can take part in binding: named, on a valid port, with a valid hostname. */
export interface UsableListener {
  name: string;
  port: number;
  /** Upper-case; '' when absent. */
  protocol: string;
  /** Normalised; '' means the listener takes every hostname. */
  hostname: string;
  allowedRoutes: unknown;
}

/** Route kinds each protocol carries (Gateway API ProtocolType docs; TLS also carries TCPRoute). */
const PROTOCOL_KINDS: Record<string, readonly string[]> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute', 'TCPRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isValidPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** What is wrong with one raw listener, or null. Used both to filter and to warn (lint.ts). */
export function listenerProblem(raw: unknown): string | null {
  if (!isRecord(raw)) return 'is not an object';
  if (typeof raw.name !== 'string' || raw.name === '') return 'has no name';
  if (!isValidPort(raw.port)) return `has no valid port (${JSON.stringify(raw.port) ?? 'missing'})`;
  if (raw.hostname !== undefined && raw.hostname !== null && raw.hostname !== '') {
    const host = checkHostname(raw.hostname);
    if (!host.ok) return host.reason;
  }
  return null;
}

/** The listeners of a Gateway or ListenerSet spec that binding can use; malformed ones are left out. */
export function usableListeners(rawListeners: unknown): UsableListener[] {
  if (!Array.isArray(rawListeners)) return [];
  const out: UsableListener[] = [];
  const seen = new Set<string>();
  for (const raw of rawListeners as unknown[]) {
    if (listenerProblem(raw) !== null) continue;
    const l = raw as Record<string, unknown>;
    const name = l.name as string;
    // Listener names are unique per Gateway (API validation); keep the first if a file repeats one.
    if (seen.has(name)) continue;
    seen.add(name);
    const host = l.hostname === undefined || l.hostname === null || l.hostname === '' ? null : checkHostname(l.hostname);
    out.push({
      name,
      port: l.port as number,
      protocol: typeof l.protocol === 'string' ? l.protocol.toUpperCase() : '',
      hostname: host?.ok ? host.name : '',
      allowedRoutes: l.allowedRoutes,
    });
  }
  return out;
}

/** Route kinds a listener accepts: explicit allowedRoutes.kinds (limited to what its protocol carries), else the protocol's. */
export function supportedKinds(listener: UsableListener): string[] {
  const compatible = PROTOCOL_KINDS[listener.protocol];
  const ar = listener.allowedRoutes;
  const rawKinds: unknown = isRecord(ar) ? ar.kinds : undefined;
  if (Array.isArray(rawKinds) && rawKinds.length > 0) {
    const explicit = (rawKinds as unknown[])
      .filter(isRecord)
      .filter((k) => (k.group === undefined || k.group === null || k.group === GATEWAY_GROUP) && typeof k.kind === 'string')
      .map((k) => k.kind as string);
    // An explicit kind the protocol cannot carry is not supported (ResolvedRefs=False InvalidRouteKinds);
    // for a protocol we do not know (an implementation's own), trust the list.
    return compatible ? explicit.filter((k) => compatible.includes(k)) : explicit;
  }
  return compatible ? [...compatible] : [];
}

export interface RouteIdentity {
  kind: string;
  namespace: string;
}

/**
 * Why `listener` (owned by a Gateway or ListenerSet in `ownerNamespace`) does not accept the
 * route, or null when it does. `namespaceLabels` are the labels of the route's namespace.
 */
export function listenerRefusal(
  listener: UsableListener,
  ownerNamespace: string,
  route: RouteIdentity,
  namespaceLabels: Readonly<Record<string, string>>,
): string | null {
  const kinds = supportedKinds(listener);
  if (!kinds.includes(route.kind)) {
    const what = kinds.length ? `accepts ${kinds.join(', ')} only` : `accepts no route kinds (protocol ${listener.protocol || 'unset'})`;
    return `"${listener.name}" ${what}`;
  }
  const ar = listener.allowedRoutes;
  const namespaces: unknown = isRecord(ar) ? ar.namespaces : undefined;
  const from: unknown = isRecord(namespaces) && namespaces.from !== undefined ? namespaces.from : 'Same';
  if (from === 'All') return null;
  if (from === 'Same') {
    return route.namespace === ownerNamespace
      ? null
      : `"${listener.name}" allows routes from namespace ${ownerNamespace} only (allowedRoutes.namespaces.from: Same)`;
  }
  if (from === 'Selector') {
    const selector: unknown = isRecord(namespaces) ? namespaces.selector : undefined;
    if (selector === undefined || selector === null) return `"${listener.name}" has allowedRoutes.namespaces.from: Selector but no selector`;
    const result = matchLabelSelector(selector, namespaceLabels);
    if (result.matches) return null;
    if (result.error) return `"${listener.name}" has an invalid allowedRoutes.namespaces.selector: ${result.error}`;
    return `"${listener.name}" selects namespaces by label and namespace ${route.namespace} does not match (allowedRoutes.namespaces.selector)`;
  }
  return `"${listener.name}" has unknown allowedRoutes.namespaces.from ${JSON.stringify(from)}`;
}
