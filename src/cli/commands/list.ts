// kubectl mdns list: the reconcile stage driven once (source -> bindings) -> printer. Nothing is published.
import { openSource } from '../../cluster/open.js';
import { readOnce } from '../../reconcile/once.js';
import type { CommonFlags } from '../flags.js';
import { bindingOptions, sourceOptions } from '../load.js';
import { bindingList, renderBindingTable } from '../printers/bindings.js';
import { renderStructured } from '../printers/structured.js';
import { colorsFor } from '../colors.js';
import { printWarnings } from '../warnings.js';

export async function runList(flags: CommonFlags): Promise<number> {
  if (flags.watch) return (await import('./list-watch.js')).runListWatch(flags);
  const source = await openSource(sourceOptions(flags));
  const loaded = await readOnce(source, bindingOptions(flags));
  const { bindings, warnings } = loaded;
  // Per-binding warnings (dropped addresses, names some resolvers refuse) in -o json are in
  // each item; for people they go to stderr like kubectl's `Warning:` lines.
  const itemWarnings = flags.output === 'json' || flags.output === 'yaml' ? [] : bindings.flatMap((b) => b.warnings ?? []);
  printWarnings([...warnings, ...itemWarnings]);
  // TLS status of HTTPS/TLS bindings: only for -o wide|json|yaml, which read Secrets (the plain
  // table, the default, does not).
  const withTls = flags.output === 'wide' || flags.output === 'json' || flags.output === 'yaml';
  const tls = withTls ? await (await import('../../tls/list-status.js')).tlsStatuses(loaded, bindings, source.client) : undefined;
  if (flags.output === 'json' || flags.output === 'yaml') {
    process.stdout.write(renderStructured(bindingList(loaded.context, bindings, tls), flags.output));
    return 0;
  }
  if (bindings.length === 0) {
    process.stderr.write(flags.namespace && !flags.allNamespaces ? `No bindings found in ${flags.namespace} namespace.\n` : 'No bindings found.\n');
    return 0;
  }
  process.stdout.write(
    renderBindingTable(bindings, { wide: flags.output === 'wide', headers: !flags.noHeaders, chalk: colorsFor(process.stdout), ...(tls ? { tls } : {}) }),
  );
  return 0;
}
