// The one deterministic order of bindings (namespace, route kind, route name, hostname,
// gateway), so `list` output and tests never depend on watch-event order.

import type { Binding } from './types.js';
import { refString } from '../gateway-api/objects.js';

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareBindings(a: Binding, b: Binding): number {
  return (
    cmp(a.route.namespace, b.route.namespace) ||
    cmp(a.route.kind, b.route.kind) ||
    cmp(a.route.name, b.route.name) ||
    cmp(a.hostname, b.hostname) ||
    cmp(a.gateway ? `${a.gateway.namespace}/${a.gateway.name}` : '', b.gateway ? `${b.gateway.namespace}/${b.gateway.name}` : '') ||
    cmp(a.parent ? refString(a.parent) : '', b.parent ? refString(b.parent) : '')
  );
}
