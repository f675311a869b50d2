// The source the flags ask for: -f files or the kubeconfig's cluster, behind -n/-l.
import type { Reporter } from '../util/reporter.js';
import { silentReporter } from '../util/reporter.js';
import type { ObjectFilter } from './filter.js';
import type { KubeconfigOptions } from './kubeconfig.js';
import { FileSource, filtered, type Source } from './source.js';

export interface SourceOptions extends KubeconfigOptions, ObjectFilter {
  /** -f paths: read these instead of the cluster. */
  filename?: string[];
}

/** The source the flags ask for, filtered. Resolves the kubeconfig (no request is made yet). */
export async function openSource(opts: SourceOptions, reporter: Reporter = silentReporter): Promise<Source> {
  const filter: ObjectFilter = {
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
    ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
  };
  if (opts.filename && opts.filename.length > 0) return filtered(new FileSource(opts.filename, reporter), filter);
  const { ClusterSource } = await import('./cluster-source.js');
  return filtered(await ClusterSource.connect(opts, reporter), filter);
}
