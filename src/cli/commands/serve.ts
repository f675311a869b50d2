// kubectl mdns serve: the reconcile loop in the foreground, until Ctrl-C:
//   source (watch, or -f files) -> Reconciler (bindings -> records -> plan per sink) ->
//   sinks (mDNS responder, RFC 2136) -> one line per applied change.
// Start-up runs as listr2 tasks on stderr; afterwards one line per change. SIGINT/SIGTERM/SIGHUP
// -> goodbye packets (and --cleanup-on-exit deletes) -> exit 0 within 2 s; a second signal
// exits at once.
import type { ServeFlags } from '../flags.js';
import { bindingOptions, sourceOptions } from '../load.js';
import { DeferringReporter, sinkReporter, stderrReporter } from '../events.js';
import { runStartupTasks, type StartupTask } from '../progress.js';
import type { Source, SourceWatch } from '../../cluster/source.js';
import { Reconciler } from '../../reconcile/reconciler.js';
import type { MdnsResponder } from '../../mdns/responder.js';
import { UserError } from '../../util/errors.js';

const STOP_BUDGET_MS = 1800;

export async function runServe(flags: ServeFlags): Promise<number> {
  const logFormat = flags.logFormat ?? 'text';
  const out = stderrReporter({ format: logFormat, verbose: Boolean(flags.verbose) });
  const reporter = new DeferringReporter(out);
  const sinks = sinkReporter(reporter);
  const options = bindingOptions(flags);
  const abort = new AbortController();
  let signalled = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signalled++;
    if (signalled > 1) {
      process.stderr.write(`\n${sig} again: exiting without goodbyes\n`);
      process.exit(130);
    }
    reporter.report({ kind: 'info', source: 'serve', message: `${sig}: saying goodbye and stopping (press Ctrl-C again to exit at once)` });
    abort.abort();
  };
  // SIGHUP: the terminal went away; a foreground responder must still say goodbye.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);

  const reconciler = new Reconciler(options, reporter);
  const fromFiles = Boolean(flags.filename && flags.filename.length > 0);
  let source: Source | undefined;
  let watch: SourceWatch | undefined;
  let tlsKeeper: import('../../tls/keeper.js').TlsKeeper | undefined;
  if (flags.tls && fromFiles) throw new UserError('--tls writes Secrets to the cluster: it does not work with -f');
  // serve sees only the selected routes; a shared listener's certificate would lose the others' names.
  if (flags.tls && (flags.namespace || flags.selector))
    throw new UserError("--tls with -n or -l would issue certificates for only part of a listener's names: run serve --tls without them");

  try {
    const { unicastConfigFor, unicastSettingsFromFlags } = await import('../../unicast/config.js');
    // Flag and key-file problems before connecting anywhere; the config is made once the
    // context (the default owner id) is known, in "Compute bindings".
    const unicastSettings = unicastSettingsFromFlags({ ...flags, zone: options.zones }, process.env, sinks);
    let unicastConfig: import('../../unicast/config.js').UnicastConfig | undefined;
    const { openSource } = await import('../../cluster/open.js');
    const follow = async () => {
      watch = await source!.watch((e) => reconciler.onEvent(e), abort.signal);
      await watch.synced;
      reconciler.synced();
      const n = reconciler.objectCounts();
      return `${n.routes} routes, ${n.gateways} gateways`;
    };
    const tasks: StartupTask[] = [];
    if (fromFiles) {
      tasks.push({
        title: `Read manifests from ${flags.filename!.join(', ')}`,
        run: async () => {
          source = await openSource(sourceOptions(flags), reporter);
          return `${await follow()}; watching for changes`;
        },
      });
    } else {
      tasks.push({
        title: 'Resolve kubeconfig context',
        run: async () => {
          source = await openSource(sourceOptions(flags), reporter);
          return source.description;
        },
      });
      tasks.push({ title: 'Discover Gateway API', run: async () => (await source!.prepare?.(abort.signal)) ?? '' });
      tasks.push({ title: 'List gateways and routes', run: follow });
    }
    tasks.push({
      title: 'Compute bindings',
      run: async () => {
        if (unicastSettings) unicastConfig = unicastConfigFor(unicastSettings, source?.context || undefined);
        const records = reconciler.desired();
        const s = reconciler.bindingCounts();
        return `${s.Ready} ready, ${s.Pending} pending, ${s.Skipped} skipped; ${records.filter((r) => r.target === 'mdns').length} .local names`;
      },
    });
    if (flags.tls) {
      tasks.push({
        title: 'Keep TLS Secrets (kubectl-mdns CA)',
        run: async () => {
          const { startTlsKeeper } = await import('./tls.js');
          const { ClusterSource } = await import('../../cluster/cluster-source.js');
          if (!(source instanceof ClusterSource) || !watch?.snapshot) throw new UserError('--tls needs a cluster to write Secrets to');
          const keeper = await startTlsKeeper(source.client, flags.caDir, reporter);
          tlsKeeper = keeper;
          const snapshot = watch.snapshot;
          reconciler.watchBindings((bindings) => keeper.sync(bindings, snapshot()));
          const items = await keeper.flush();
          return `${items.length} listener${items.length === 1 ? '' : 's'}, CA ${keeper.caDir}`;
        },
      });
    }
    let mdns: MdnsResponder | undefined;
    if (!flags.noMdns) {
      tasks.push({
        title: 'Probe and announce .local names (RFC 6762)',
        run: async () => {
          const { MdnsResponder } = await import('../../mdns/responder.js');
          mdns = await MdnsResponder.start({ interfaces: flags.interface, ttl: flags.ttl, reporter: sinks });
          reconciler.addSink(mdns, { reporter: sinks });
          await mdns.whenSettled();
          const conflicts = mdns.conflicts().length;
          return `${plural(mdns.current().length, 'name')} announced${conflicts ? `, ${conflicts} in conflict` : ''}`;
        },
      });
    }
    tasks.push({
      title: 'Update the unicast DNS server (RFC 2136)',
      enabled: () => unicastConfig !== undefined,
      run: async () => {
        const { UnicastSink } = await import('../../unicast/sink.js');
        const sink = new UnicastSink(unicastConfig!);
        const driver = reconciler.addSink(sink, {
          reporter: sinks,
          policy: unicastConfig!.policy,
          guardDeletes: true,
          allowMassDelete: unicastConfig!.allowMassDelete,
          ...(unicastConfig!.backoff ? { backoff: unicastConfig!.backoff } : {}),
        });
        await driver.start();
        await driver.whenIdle();
        return `${plural(sink.current().length, 'name')} in ${unicastConfig!.zones.join(', ')} (owner ${unicastConfig!.ownerId})`;
      },
    });
    try {
      await runStartupTasks(tasks, abort.signal, { format: logFormat, reporter: out });
    } finally {
      reporter.release();
    }
    if (!abort.signal.aborted) {
      const context = source?.context;
      reporter.report({
        kind: 'info',
        source: 'serve',
        message: `serving ${plural(reconciler.desired().length, 'name')}${context ? ` from context ${context}` : ''}; press Ctrl-C to stop`,
      });
      await new Promise<void>((resolve) => (abort.signal.aborted ? resolve() : abort.signal.addEventListener('abort', () => resolve(), { once: true })));
    }
  } catch (err) {
    await shutdown();
    if (abort.signal.aborted && !(err instanceof UserError)) return 0;
    throw err;
  }
  await shutdown();
  return 0;

  async function shutdown() {
    tlsKeeper?.stop();
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_BUDGET_MS)));
    await Promise.race([reconciler.stop({ cleanup: Boolean(flags.cleanupOnExit) }), budget]);
    clearTimeout(timer);
    for (const s of signals) process.off(s, onSignal);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
