// kubectl mdns list -w: the table, then one row per binding that changes, like `kubectl get -w`.
// The same incremental loop as serve (ServeLoop) without sinks: nothing is published.
import type { Binding } from '../../bindings/types.js';
import type { CommonFlags } from '../flags.js';
import { bindingOptions, filterObjects, kubeconfigOptions, namespaceFlag } from '../load.js';
import { ServeLoop } from '../serve-loop.js';
import { stderrReporter } from '../events.js';
import { renderBindingTable } from '../printers/bindings.js';
import { colorsFor } from '../colors.js';
import { errorMessage } from '../../util/errors.js';

function bindingKey(b: Binding): string {
  return `${b.route.kind}/${b.route.namespace}/${b.route.name}|${b.hostname}|${b.gateway ? `${b.gateway.namespace}/${b.gateway.name}` : ''}`;
}

export async function runListWatch(flags: CommonFlags): Promise<number> {
  const reporter = stderrReporter({ format: 'text', verbose: Boolean(flags.verbose) });
  const loop = new ServeLoop(bindingOptions(flags), reporter);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const chalk = colorsFor(process.stdout);
  const json = flags.output === 'json' || flags.output === 'yaml';
  let shown = new Map<string, Binding>();
  let first = true;

  const print = (rows: Binding[], headers: boolean) => {
    if (rows.length === 0) return;
    if (json) for (const b of rows) process.stdout.write(JSON.stringify(b) + '\n');
    else process.stdout.write(renderBindingTable(rows, { wide: flags.output === 'wide', headers: headers && !flags.noHeaders, chalk }));
  };
  const onChange = () => {
    const now = new Map(loop.currentBindings().map((b) => [bindingKey(b), b]));
    if (first) {
      first = false;
      print([...now.values()], true);
    } else {
      const changed: Binding[] = [];
      for (const [k, b] of now) if (JSON.stringify(shown.get(k)) !== JSON.stringify(b)) changed.push(b);
      for (const [k, b] of shown) if (!now.has(k)) changed.push({ ...b, status: 'Skipped', reason: 'deleted', addresses: [], publish: [] });
      print(changed, false);
    }
    shown = now;
  };

  try {
    if (flags.filename && flags.filename.length > 0) {
      const { loadManifests } = await import('../../cluster/files.js');
      const { watchManifests } = await import('../../cluster/file-watch.js');
      const load = async () => loop.replaceAll(filterObjects((await loadManifests(flags.filename!)).objects, flags));
      await load();
      loop.addSink(onChange);
      const files = watchManifests(flags.filename, () => {
        load().catch((err: unknown) => reporter.report({ kind: 'warning', source: 'files', message: `${errorMessage(err)}; showing the last good manifests` }));
      });
      abort.signal.addEventListener('abort', () => files.close(), { once: true });
    } else {
      const { ClusterSource } = await import('../../cluster/source.js');
      const source = await ClusterSource.connect(kubeconfigOptions(flags), reporter);
      const watch = await source.watch((change) => change.type !== 'SYNCED' && loop.apply(change), abort.signal, {
        namespace: namespaceFlag(flags),
        labelSelector: flags.selector,
      });
      await watch.synced;
      loop.flush();
      loop.addSink(onChange);
    }
    await new Promise<void>((resolve) => (abort.signal.aborted ? resolve() : abort.signal.addEventListener('abort', () => resolve(), { once: true })));
  } finally {
    loop.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
