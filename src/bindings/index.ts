// bindings: cluster objects → Binding verdicts (docs/design.md#bindings). Pure: no I/O, no clock.
// Input: a ClusterObjects snapshot (or one route plus a BindingIndex, for `serve`).
// Output: one Binding per (route, hostname, parent gateway), Ready / Pending / Skipped with a reason.

export { computeBindings } from './compute.js';
export { bindRoute } from './routes.js';
export { bindIngress } from './ingresses.js';
export { bindService } from './services.js';
export { HOSTNAME_KEYS, TARGET_KEYS, HOSTNAME_SOURCE_KEYS } from './annotations.js';
export { indexObjects, objectKey, keyOf, namespaceLabels, NAMESPACE_NAME_LABEL, type BindingIndex } from './object-index.js';
export { routesAffectedBy, routeParents, type ChangedObject, type RouteParents } from './affected.js';
export { lintObject, lintObjects } from './lint.js';
export { compareBindings } from './order.js';
export { checkHostname, intersectHostnames, normalizeHostname } from './hostnames.js';
export { zoneFor } from './publish.js';
export * from './types.js';
export { LiveBindings } from './incremental.js';
