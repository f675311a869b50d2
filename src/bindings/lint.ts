// Problems with an object as a whole (not with one binding): a missing name or spec, unnamed
// listeners, non-list fields. Inputs are untrusted (-f files never met an API server), so these
// become warnings for the person, and the binding rules simply leave the broken part out.

import { ROUTE_KINDS, isRouteKind, type ClusterObjects, type KubeObject } from '../gateway-api/objects.js';
import { listenerProblem } from './listeners.js';
import { nameOf, namespaceOf } from './object-index.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function label(kind: string, obj: KubeObject): string | null {
  const name = nameOf(obj);
  return name === undefined ? null : `${kind} ${namespaceOf(obj)}/${name}`;
}

function listenersProblems(what: string, listeners: unknown): string[] {
  if (listeners === undefined || listeners === null) return [];
  if (!Array.isArray(listeners)) return [`${what}: spec.listeners is not a list; no listener is used`];
  const out: string[] = [];
  const names = new Set<string>();
  for (const [i, l] of (listeners as unknown[]).entries()) {
    const problem = listenerProblem(l);
    const id = isRecord(l) && typeof l.name === 'string' && l.name !== '' ? `listener "${l.name}"` : `listener #${i + 1}`;
    if (problem) out.push(`${what}: ${id} ${problem}; it is ignored`);
    else if (names.has((l as { name: string }).name)) out.push(`${what}: ${id} is defined twice; the first one is used`);
    if (isRecord(l) && typeof l.name === 'string') names.add(l.name);
  }
  return out;
}

export function lintObject(kind: 'Gateway' | 'ListenerSet' | 'Route' | 'Ingress' | 'Namespace' | 'Service', obj: unknown): string[] {
  if (!isRecord(obj)) return [`a ${kind} entry is not an object; ignored`];
  const o = obj as KubeObject;
  const shownKind = kind === 'Route' ? (typeof o.kind === 'string' ? o.kind : 'route') : kind;
  if (kind === 'Route' && !isRouteKind(o.kind)) {
    return [
      `route ${namespaceOf(o)}/${nameOf(o) ?? '(no name)'} has kind ${JSON.stringify(o.kind) ?? 'undefined'}, not one of ${ROUTE_KINDS.join(', ')}; ignored`,
    ];
  }
  const what = label(shownKind, o);
  if (what === null) {
    return kind === 'Namespace'
      ? ['a Namespace without metadata.name is ignored']
      : [`a ${shownKind} in namespace ${namespaceOf(o)} has no metadata.name; ignored`];
  }
  if (kind === 'Namespace') return [];
  // Services are many and mostly not ours: only the ones an annotation names are looked at (services.ts).
  if (kind === 'Service') return [];
  if (!isRecord(o.spec)) return [`${what} has no spec; nothing to bind`];
  const spec = o.spec;
  const out: string[] = [];
  switch (kind) {
    case 'Gateway':
      if (spec.listeners === undefined) out.push(`${what} has no spec.listeners; no route can bind to it`);
      out.push(...listenersProblems(what, spec.listeners));
      break;
    case 'ListenerSet':
      if (!isRecord(spec.parentRef)) out.push(`${what} has no spec.parentRef; its listeners belong to no Gateway`);
      out.push(...listenersProblems(what, spec.listeners));
      break;
    case 'Route':
      if (spec.hostnames !== undefined && spec.hostnames !== null && !Array.isArray(spec.hostnames)) out.push(`${what}: spec.hostnames is not a list; ignored`);
      if (spec.parentRefs !== undefined && spec.parentRefs !== null && !Array.isArray(spec.parentRefs))
        out.push(`${what}: spec.parentRefs is not a list; ignored`);
      break;
    case 'Ingress':
      if (spec.rules !== undefined && spec.rules !== null && !Array.isArray(spec.rules)) out.push(`${what}: spec.rules is not a list; ignored`);
      if (spec.tls !== undefined && spec.tls !== null && !Array.isArray(spec.tls)) out.push(`${what}: spec.tls is not a list; ignored`);
      break;
  }
  return out;
}

export function lintObjects(objects: ClusterObjects): string[] {
  const out = [
    ...objects.gateways.flatMap((o) => lintObject('Gateway', o)),
    ...objects.listenerSets.flatMap((o) => lintObject('ListenerSet', o)),
    ...objects.routes.flatMap((o) => lintObject('Route', o)),
    ...objects.ingresses.flatMap((o) => lintObject('Ingress', o)),
    ...objects.namespaces.flatMap((o) => lintObject('Namespace', o)),
    ...(objects.services ?? []).flatMap((o) => lintObject('Service', o)),
  ];
  return [...new Set(out)];
}
