// The source stage for one-shot commands (list, diff): -f files or one list of the cluster,
// then the namespace and label filters kubectl users expect.
import type { ClusterObjects } from '../cluster/objects.js';
import type { BindingOptions } from '../bindings/types.js';
import type { CommonFlags } from './flags.js';
import { parseLabelSelector } from '../util/label-selector.js';
import { normaliseZones } from '../util/zones.js';

export interface Loaded {
  objects: ClusterObjects;
  /** Context name, or "" when reading -f files. */
  context: string;
  warnings: string[];
}

export async function loadObjects(flags: CommonFlags): Promise<Loaded> {
  if (flags.filename && flags.filename.length > 0) {
    const { loadManifests } = await import('../cluster/files.js');
    const { objects, warnings } = await loadManifests(flags.filename);
    return { objects: filterObjects(objects, flags), context: '', warnings };
  }
  const { ClusterSource } = await import('../cluster/source.js');
  const source = await ClusterSource.connect(kubeconfigOptions(flags));
  const { objects, warnings, context } = await source.listOnce({ namespace: namespaceFlag(flags), labelSelector: flags.selector });
  return { objects, context, warnings };
}

export function kubeconfigOptions(flags: CommonFlags) {
  return { kubeconfig: flags.kubeconfig, context: flags.context, cluster: flags.cluster, user: flags.user, requestTimeout: flags.requestTimeout };
}

export function namespaceFlag(flags: CommonFlags): string | undefined {
  return flags.allNamespaces ? undefined : flags.namespace || undefined;
}

/** -n and -l for -f input: the same filters the API server applies to a cluster list. */
export function filterObjects(objects: ClusterObjects, flags: CommonFlags): ClusterObjects {
  const ns = namespaceFlag(flags);
  const matches = parseLabelSelector(flags.selector);
  const keep = (o: { metadata?: { namespace?: string; labels?: Record<string, string> } }) =>
    (ns === undefined || (o.metadata?.namespace ?? 'default') === ns) && matches(o.metadata?.labels);
  return { ...objects, routes: objects.routes.filter(keep), ingresses: objects.ingresses.filter(keep), services: objects.services.filter(keep) };
}

export function bindingOptions(flags: CommonFlags): BindingOptions {
  return { zones: normaliseZones(flags.zone ?? []), anyPort: Boolean(flags.anyPort) };
}
