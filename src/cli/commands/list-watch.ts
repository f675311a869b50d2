// kubectl mdns list -w: the table, then one row per binding that changes, like `kubectl get -w`.
// The reconcile loop without sinks: nothing is published.
import type { Binding } from '../../bindings/types.js';
import { openSource } from '../../cluster/open.js';
import { Reconciler } from '../../reconcile/reconciler.js';
import type { CommonFlags } from '../flags.js';
import { bindingOptions, sourceOptions } from '../load.js';
import { stderrReporter } from '../events.js';
import { renderBindingTable } from '../printers/bindings.js';
import { colorsFor } from '../colors.js';
import { refString } from '../../gateway-api/objects.js';

function bindingKey(b: Binding): string {
  return `${refString(b.route)}|${b.hostname}|${b.gateway ? `${b.gateway.namespace}/${b.gateway.name}` : ''}`;
}

export async function runListWatch(flags: CommonFlags): Promise<number> {
  const reporter = stderrReporter({ format: 'text', verbose: Boolean(flags.verbose) });
  const reconciler = new Reconciler(bindingOptions(flags), reporter);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const chalk = colorsFor(process.stdout);
  const json = flags.output === 'json' || flags.output === 'yaml';
  let shown: Map<string, Binding> | undefined;

  const print = (rows: Binding[], headers: boolean) => {
    if (rows.length === 0) return;
    if (json) for (const b of rows) process.stdout.write(JSON.stringify(b) + '\n');
    else process.stdout.write(renderBindingTable(rows, { wide: flags.output === 'wide', headers: headers && !flags.noHeaders, chalk }));
  };
  const onChange = (bindings: Binding[]) => {
    const now = new Map(bindings.map((b) => [bindingKey(b), b]));
    if (!shown) print([...now.values()], true);
    else {
      const changed: Binding[] = [];
      for (const [k, b] of now) if (JSON.stringify(shown.get(k)) !== JSON.stringify(b)) changed.push(b);
      for (const [k, b] of shown) if (!now.has(k)) changed.push({ ...b, status: 'Skipped', reason: 'deleted', addresses: [], publish: [] });
      print(changed, false);
    }
    shown = now;
  };

  try {
    const source = await openSource(sourceOptions(flags), reporter);
    const watch = await source.watch((e) => reconciler.onEvent(e), abort.signal);
    await watch.synced;
    reconciler.synced();
    reconciler.watchBindings(onChange);
    await new Promise<void>((resolve) => (abort.signal.aborted ? resolve() : abort.signal.addEventListener('abort', () => resolve(), { once: true })));
  } finally {
    await reconciler.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
