// The lookups binding needs, by key, so `serve` can rebind one route after one event without
// rescanning the cluster. Plain Maps on purpose: `serve` updates them in place (set/delete by
// objectKey) as watch events arrive; nothing derived is cached here, so that stays correct.

import type { ClusterObjects, Gateway, KubeObject, ListenerSet, Namespace } from '../gateway-api/objects.js';

export interface BindingIndex {
  /** Key: objectKey(namespace, name). */
  gateways: Map<string, Gateway>;
  /** ListenerSets and legacy XListenerSets. Key: objectKey(namespace, name). */
  listenerSets: Map<string, ListenerSet>;
  /** Key: the namespace name (cluster-scoped). */
  namespaces: Map<string, Namespace>;
}

export const DEFAULT_NAMESPACE = 'default';
/** The label every API server puts on a Namespace (KEP-2161): Selector rules often use it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function namespaceOf(obj: KubeObject): string {
  const meta: unknown = obj.metadata;
  const ns = typeof meta === 'object' && meta !== null ? (meta as { namespace?: unknown }).namespace : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : DEFAULT_NAMESPACE;
}

export function nameOf(obj: KubeObject): string | undefined {
  const meta: unknown = obj.metadata;
  const name = typeof meta === 'object' && meta !== null ? (meta as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** objectKey of a namespaced object, or undefined when it has no name (lint.ts reports that). */
export function keyOf(obj: KubeObject): string | undefined {
  const name = nameOf(obj);
  return name === undefined ? undefined : objectKey(namespaceOf(obj), name);
}

function isObject(v: unknown): v is KubeObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function indexObjects(objects: Pick<ClusterObjects, 'gateways' | 'listenerSets' | 'namespaces'>): BindingIndex {
  const index: BindingIndex = { gateways: new Map(), listenerSets: new Map(), namespaces: new Map() };
  for (const gw of objects.gateways) {
    const key = isObject(gw) ? keyOf(gw) : undefined;
    if (key !== undefined) index.gateways.set(key, gw);
  }
  for (const ls of objects.listenerSets) {
    const key = isObject(ls) ? keyOf(ls) : undefined;
    if (key !== undefined) index.listenerSets.set(key, ls);
  }
  for (const ns of objects.namespaces) {
    const name = isObject(ns) ? nameOf(ns) : undefined;
    if (name !== undefined) index.namespaces.set(name, ns);
  }
  return index;
}

/**
 * Labels of a namespace as the API server shows them: with kubernetes.io/metadata.name even
 * when the Namespace object is unknown (a -f file set, or a watch that has not caught up).
 */
export function namespaceLabels(index: BindingIndex, namespace: string): Record<string, string> {
  const labels = index.namespaces.get(namespace)?.metadata?.labels;
  const out: Record<string, string> = {};
  if (labels && typeof labels === 'object') {
    for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  }
  out[NAMESPACE_NAME_LABEL] = namespace;
  return out;
}
