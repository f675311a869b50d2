// reconcile: drives the sinks towards the desired state (docs/design.md#reconcile).
export { Reconciler } from './reconciler.js';
export { SinkDriver, planFor, type DriverOptions } from './driver.js';
export { applyPolicy, isMassDelete, type Policy } from './policy.js';
export { readOnce, type ReadOnce } from './once.js';
