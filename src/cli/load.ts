// Flags → the options of the source and binding stages (kubectl's -n/-A/-l/-f, --zone).
import type { BindingOptions } from '../bindings/types.js';
import type { SourceOptions } from '../cluster/open.js';
import type { CommonFlags } from './flags.js';
import { normaliseZones } from '../util/zones.js';

export function sourceOptions(flags: CommonFlags): SourceOptions {
  const namespace = flags.allNamespaces ? undefined : flags.namespace || undefined;
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    cluster: flags.cluster,
    user: flags.user,
    requestTimeout: flags.requestTimeout,
    ...(namespace ? { namespace } : {}),
    ...(flags.selector ? { labelSelector: flags.selector } : {}),
    ...(flags.filename && flags.filename.length > 0 ? { filename: flags.filename } : {}),
  };
}

export function bindingOptions(flags: CommonFlags): BindingOptions {
  return { zones: normaliseZones(flags.zone ?? []), anyPort: Boolean(flags.anyPort) };
}
