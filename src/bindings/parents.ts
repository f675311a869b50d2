// Binding rules 1 and 2 (docs/design.md#rule-1-parent, #rule-2-accepted): which parentRefs count, what they resolve to, and whether
// the gateway controller has rejected the route for that parent. A ListenerSet the controller
// did not accept (GEP-1713 ListenerSetStatus: `Accepted=False` on the set, or on one listener in
// `status.listeners`, e.g. a conflict with another listener that only the controller can see)
// is skipped with the controller's reason, as rule 2 does for routes; a missing status goes on.

import type { Condition, Gateway, Route } from '../gateway-api/objects.js';
import { GATEWAY_GROUP } from '../gateway-api/objects.js';
import type { GatewayRef } from './types.js';
import { gatewayAddresses, listenerSetAddresses, type AddressSet } from './addresses.js';
import { usableListeners, type UsableListener } from './listeners.js';
import { matchLabelSelector } from './selector.js';
import { namespaceLabels, namespaceOf, objectKey, type BindingIndex } from './object-index.js';

/** ListenerSet was XListenerSet in the experimental group before it moved to the standard one. */
export const LEGACY_GATEWAY_GROUP = 'gateway.networking.x-k8s.io';
const LISTENER_SET_KINDS = new Set(['ListenerSet', 'XListenerSet']);

export interface ParentRefKey {
  group: string;
  kind: 'Gateway' | 'ListenerSet';
  /** As written ('XListenerSet' stays so): for display. */
  writtenKind: string;
  namespace: string;
  name: string;
  sectionName?: string;
  port?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Rule 1. null: not a Gateway or ListenerSet (a Service parent is mesh routing): ignore.
 * `{ error }`: it is one of ours but malformed.
 */
export function parentRefKey(raw: unknown, routeNamespace: string): ParentRefKey | { error: string } | null {
  if (!isRecord(raw)) return { error: 'is not an object' };
  const group = raw.group === undefined || raw.group === null ? GATEWAY_GROUP : raw.group;
  const kind = raw.kind === undefined || raw.kind === null ? 'Gateway' : raw.kind;
  let normalized: 'Gateway' | 'ListenerSet';
  if (group === GATEWAY_GROUP && kind === 'Gateway') normalized = 'Gateway';
  else if ((group === GATEWAY_GROUP || group === LEGACY_GATEWAY_GROUP) && typeof kind === 'string' && LISTENER_SET_KINDS.has(kind)) normalized = 'ListenerSet';
  else return null;
  if (typeof raw.name !== 'string' || raw.name === '') return { error: 'has no name' };
  const namespace = typeof raw.namespace === 'string' && raw.namespace !== '' ? raw.namespace : routeNamespace;
  const key: ParentRefKey = { group: group as string, kind: normalized, writtenKind: kind as string, namespace, name: raw.name };
  if (raw.sectionName !== undefined && raw.sectionName !== null) {
    if (typeof raw.sectionName !== 'string' || raw.sectionName === '') return { error: `has an invalid sectionName ${JSON.stringify(raw.sectionName)}` };
    key.sectionName = raw.sectionName;
  }
  if (raw.port !== undefined && raw.port !== null) {
    if (typeof raw.port !== 'number' || !Number.isInteger(raw.port) || raw.port < 1 || raw.port > 65535) {
      return { error: `has an invalid port ${JSON.stringify(raw.port)}` };
    }
    key.port = raw.port;
  }
  return key;
}

export function sameParent(a: ParentRefKey, b: ParentRefKey): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name && a.sectionName === b.sectionName && a.port === b.port;
}

/**
 * Rule 2: the route's status entry for this parent says Accepted=False. With several entries
 * (several controllers), one Accepted=True is enough to go on. Generation is not compared:
 * external-dns reverted that check (#5490) because controllers lag.
 */
export function rejectedBy(route: Route, parent: ParentRefKey, routeNamespace: string): Condition | undefined {
  const status = route.status;
  const parents: unknown = isRecord(status) ? status.parents : undefined;
  if (!Array.isArray(parents)) return undefined;
  let rejected: Condition | undefined;
  for (const entry of parents as unknown[]) {
    if (!isRecord(entry)) continue;
    const ref = parentRefKey(entry.parentRef, routeNamespace);
    if (ref === null || 'error' in ref || !sameParent(ref, parent)) continue;
    const conditions: unknown = entry.conditions;
    if (!Array.isArray(conditions)) continue;
    const accepted = (conditions as unknown[]).find((c): c is Condition => isRecord(c) && c.type === 'Accepted');
    if (accepted?.status === 'True') return undefined;
    if (accepted?.status === 'False' && rejected === undefined) rejected = accepted;
  }
  return rejected;
}

export interface ResolvedParent {
  gateway: Gateway;
  gatewayRef: GatewayRef;
  /** "gateway infra/gw" or "ListenerSet team/ls": whose listeners these are, for messages. */
  listenerOwner: string;
  /** Namespace of the object that owns the listeners (allowedRoutes Same compares with it). */
  listenerNamespace: string;
  listeners: UsableListener[];
  addresses: AddressSet;
  /** "gateway infra/gw", for address messages. */
  gatewayLabel: string;
  /**
   * Listeners (by name) the controller reports `Accepted=False` for, with what it says
   * ("Accepted=False, Reason: message"). They stay in `listeners` so sectionName and port still
   * find them; binding skips them with this text.
   */
  rejectedListeners: Map<string, string>;
}

export interface UnresolvedParent {
  reason: string;
  /** Known when the Gateway is named (directly, or by a ListenerSet that exists). */
  gatewayRef: GatewayRef | null;
}

export function gatewayLabel(ref: GatewayRef): string {
  return `gateway ${ref.namespace}/${ref.name}`;
}

export function resolveParent(parent: ParentRefKey, index: BindingIndex): ResolvedParent | UnresolvedParent {
  if (parent.kind === 'Gateway') {
    const gatewayRef = { namespace: parent.namespace, name: parent.name };
    const gateway = index.gateways.get(objectKey(parent.namespace, parent.name));
    const label = gatewayLabel(gatewayRef);
    if (!gateway) return { reason: `${label} not found; check the parentRef name and namespace (the namespace defaults to the route's)`, gatewayRef };
    return {
      gateway,
      gatewayRef,
      listenerOwner: label,
      listenerNamespace: parent.namespace,
      listeners: usableListeners(isRecord(gateway.spec) ? gateway.spec.listeners : undefined),
      addresses: gatewayAddresses(gateway, label),
      gatewayLabel: label,
      rejectedListeners: new Map(),
    };
  }
  const lsLabel = `${parent.writtenKind} ${parent.namespace}/${parent.name}`;
  const listenerSet = index.listenerSets.get(objectKey(parent.namespace, parent.name));
  if (!listenerSet) return { reason: `${lsLabel} not found; check the parentRef name and namespace (the namespace defaults to the route's)`, gatewayRef: null };
  const spec: unknown = listenerSet.spec;
  const ref: unknown = isRecord(spec) ? spec.parentRef : undefined;
  if (!isRecord(ref) || typeof ref.name !== 'string' || ref.name === '') {
    return { reason: `${lsLabel} has no spec.parentRef naming its Gateway; set spec.parentRef.name`, gatewayRef: null };
  }
  const lsNamespace = namespaceOf(listenerSet);
  const gatewayRef = { namespace: typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : lsNamespace, name: ref.name };
  const label = gatewayLabel(gatewayRef);
  const gateway = index.gateways.get(objectKey(gatewayRef.namespace, gatewayRef.name));
  if (!gateway) return { reason: `${label} (parent of ${lsLabel}) not found; check the ListenerSet's spec.parentRef`, gatewayRef };
  const refusal = listenerSetRefusal(gateway, gatewayRef, lsNamespace, index);
  if (refusal) return { reason: `${label} does not accept ${lsLabel}: ${refusal}`, gatewayRef };
  const status: unknown = listenerSet.status;
  const setRejected = notAccepted(isRecord(status) ? status.conditions : undefined);
  if (setRejected) {
    return {
      reason: `${lsLabel} was not accepted by the controller of ${label} (${setRejected}); fix what it reports: kubectl describe ${parent.writtenKind.toLowerCase()} -n ${lsNamespace} ${parent.name}`,
      gatewayRef,
    };
  }
  return {
    gateway,
    gatewayRef,
    listenerOwner: lsLabel,
    listenerNamespace: lsNamespace,
    listeners: usableListeners(isRecord(spec) ? spec.listeners : undefined),
    addresses: listenerSetAddresses(listenerSet, gateway, label, lsLabel),
    gatewayLabel: label,
    rejectedListeners: rejectedListenersOf(isRecord(status) ? status.listeners : undefined),
  };
}

/** "Accepted=False, Reason: message" when `conditions` holds an explicit Accepted=False; else null. */
export function notAccepted(conditions: unknown): string | null {
  if (!Array.isArray(conditions)) return null;
  const accepted = (conditions as unknown[]).find((c): c is Condition => isRecord(c) && c.type === 'Accepted');
  if (accepted?.status !== 'False') return null;
  const why = [accepted.reason, accepted.message].filter((s) => typeof s === 'string' && s !== '').join(': ');
  return `Accepted=False${why ? `, ${why}` : ''}`;
}

/** status.listeners[] of a ListenerSet (ListenerEntryStatus): the names with Accepted=False. */
function rejectedListenersOf(entries: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(entries)) return out;
  for (const entry of entries as unknown[]) {
    if (!isRecord(entry) || typeof entry.name !== 'string') continue;
    const rejected = notAccepted(entry.conditions);
    if (rejected) out.set(entry.name, rejected);
  }
  return out;
}

/**
 * GEP-1713: a Gateway takes ListenerSets only from the namespaces its
 * spec.allowedListeners.namespaces.from names (None by default).
 */
function listenerSetRefusal(gateway: Gateway, gatewayRef: GatewayRef, lsNamespace: string, index: BindingIndex): string | null {
  const spec: unknown = gateway.spec;
  const allowed: unknown = isRecord(spec) ? spec.allowedListeners : undefined;
  const namespaces: unknown = isRecord(allowed) ? allowed.namespaces : undefined;
  const from: unknown = isRecord(namespaces) && namespaces.from !== undefined ? namespaces.from : 'None';
  const fix = 'set spec.allowedListeners.namespaces.from on the Gateway';
  if (from === 'All') return null;
  if (from === 'Same')
    return lsNamespace === gatewayRef.namespace
      ? null
      : `it allows ListenerSets from namespace ${gatewayRef.namespace} only (spec.allowedListeners.namespaces.from: Same); ${fix}`;
  if (from === 'Selector') {
    const result = matchLabelSelector(isRecord(namespaces) ? namespaces.selector : undefined, namespaceLabels(index, lsNamespace));
    if (result.matches) return null;
    return result.error
      ? `its spec.allowedListeners.namespaces.selector is invalid: ${result.error}`
      : `namespace ${lsNamespace} does not match its spec.allowedListeners.namespaces.selector`;
  }
  if (from === 'None') return `it accepts no ListenerSets (spec.allowedListeners.namespaces.from is None, the default); ${fix}`;
  return `unknown spec.allowedListeners.namespaces.from ${JSON.stringify(from)}; ${fix}`;
}
