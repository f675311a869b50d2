// The reconcile stage driven once, for the one-shot commands: `list` (bindings), `diff` (and
// the plan for each sink, without applying it — plan.ts), `doctor` and `tls` (bindings).
import { computeBindings } from '../bindings/compute.js';
import type { Binding, BindingOptions } from '../bindings/types.js';
import type { Source } from '../cluster/source.js';
import type { ClusterObjects, KubeObject } from '../gateway-api/objects.js';
import { desiredRecords } from '../records/desired.js';
import type { RecordSet } from '../records/types.js';

export interface ReadOnce {
  /** What the source read (filtered), for stages that look past bindings (tls). */
  objects: ClusterObjects;
  /** -f only: Secrets and ReferenceGrants found in the files. */
  tlsObjects?: KubeObject[];
  bindings: Binding[];
  /** Source and binding warnings (malformed objects, kinds not served). */
  warnings: string[];
  records: RecordSet[];
  /** The kubeconfig context, or "" for -f files. */
  context: string;
}

export async function readOnce(source: Source, options: BindingOptions): Promise<ReadOnce> {
  const { objects, warnings, context, tlsObjects } = await source.list();
  const computed = computeBindings(objects, options);
  return {
    objects,
    ...(tlsObjects ? { tlsObjects } : {}),
    bindings: computed.bindings,
    warnings: [...warnings, ...computed.warnings],
    records: desiredRecords(computed.bindings),
    context,
  };
}
