// kubectl mdns serve: the whole loop, in the foreground, until Ctrl-C.
//   source (watch, or -f files) -> bindings -> records -> sinks (mDNS responder, RFC 2136)
// Start-up runs as listr2 tasks on stderr; afterwards one line per change. SIGINT/SIGTERM
// -> goodbye packets (and --cleanup-on-exit deletes) -> exit 0 within 2 s; a second signal
// exits at once.
import type { ServeFlags } from '../flags.js';
import { bindingOptions, kubeconfigOptions, namespaceFlag } from '../load.js';
import { DeferringReporter, sinkReporter, stderrReporter } from '../events.js';
import { ServeLoop } from '../serve-loop.js';
import { runStartupTasks, type StartupTask } from '../progress.js';
import type { MdnsResponder } from '../../mdns/responder.js';
import type { UnicastSink } from '../../unicast/sink.js';
import { UserError, errorMessage } from '../../util/errors.js';

const STOP_BUDGET_MS = 1800;

export async function runServe(flags: ServeFlags): Promise<number> {
  const out = stderrReporter({ format: flags.logFormat, verbose: Boolean(flags.verbose) });
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

  let mdns: MdnsResponder | undefined;
  let unicast: UnicastSink | undefined;
  const loop = new ServeLoop(options, reporter);
  const fromFiles = Boolean(flags.filename && flags.filename.length > 0);
  let context = '';
  let snapshot: (() => import('../../cluster/objects.js').ClusterObjects) | undefined;
  let tlsKeeper: import('../../tls/keeper.js').TlsKeeper | undefined;
  if (flags.tls && fromFiles) throw new UserError('--tls writes Secrets to the cluster: it does not work with -f');
  // serve sees only the selected routes; a shared listener's certificate would lose the others' names.
  if (flags.tls && (namespaceFlag(flags) || flags.selector)) throw new UserError('--tls with -n or -l would issue certificates for only part of a listener\'s names: run serve --tls without them');

  try {
    const { resolveOwnerId, unicastConfigFromFlags } = await import('../../unicast/config.js');
    // Flag and key-file problems before connecting anywhere; the owner id defaults to the
    // context name, known later: set in "Compute bindings".
    let unicastConfig = unicastConfigFromFlags({ ...flags, zone: options.zones }, process.env, flags.ownerId ?? 'kubectl-mdns', sinks);
    const tasks: StartupTask[] = [];
    let source: import('../../cluster/source.js').ClusterSource | undefined;
    if (fromFiles) {
      tasks.push({
        title: `Read manifests from ${flags.filename!.join(', ')}`,
        run: async () => {
          const { loadManifests } = await import('../../cluster/files.js');
          const { filterObjects } = await import('../load.js');
          const { watchManifests } = await import('../../cluster/file-watch.js');
          const load = async () => {
            const { objects, warnings } = await loadManifests(flags.filename!);
            for (const w of warnings) reporter.report({ kind: 'warning', source: 'files', message: w });
            loop.replaceAll(filterObjects(objects, flags));
            return objects;
          };
          const objects = await load();
          // Edits to the manifests (or SIGHUP) are events: reload, keep the last good state on error.
          const files = watchManifests(flags.filename!, () => {
            load().catch((err: unknown) => reporter.report({ kind: 'warning', source: 'files', message: `${errorMessage(err)}; still serving the last good manifests` }));
          });
          abort.signal.addEventListener('abort', () => files.close(), { once: true });
          return `${objects.routes.length} routes, ${objects.gateways.length} gateways; watching for changes`;
        },
      });
    } else {
      tasks.push({
        title: 'Resolve kubeconfig context',
        run: async () => {
          const { ClusterSource } = await import('../../cluster/source.js');
          source = await ClusterSource.connect(kubeconfigOptions(flags), reporter);
          context = source.context;
          return `${source.context} (${source.server})`;
        },
      });
      tasks.push({
        title: 'Discover Gateway API',
        run: async () => (await source!.discover(abort.signal)).resources.map((r) => `${r.kind} ${r.version}`).join(', '),
      });
      tasks.push({
        title: 'List gateways and routes',
        run: async () => {
          const watch = await source!.watch(
            (change) => {
              if (change.type !== 'SYNCED') loop.apply(change);
            },
            abort.signal,
            { namespace: namespaceFlag(flags), labelSelector: flags.selector },
          );
          snapshot = watch.snapshot;
          await watch.synced;
          loop.flush();
          const n = loop.objectCounts();
          return `${n.routes} routes, ${n.gateways} gateways`;
        },
      });
    }
    tasks.push({
      title: 'Compute bindings',
      run: async () => {
        if (unicastConfig) unicastConfig = { ...unicastConfig, ownerId: resolveOwnerId(flags.ownerId, context || 'kubectl-mdns') };
        const records = loop.desired();
        const s = loop.bindingCounts();
        return `${s.Ready} ready, ${s.Pending} pending, ${s.Skipped} skipped; ${records.filter((r) => r.target === 'mdns').length} .local names`;
      },
    });
    if (flags.tls) {
      tasks.push({
        title: 'Keep TLS Secrets (kubectl-mdns CA)',
        run: async () => {
          const { startTlsKeeper } = await import('./tls.js');
          const keeper = await startTlsKeeper(source!.client, flags.caDir, reporter);
          tlsKeeper = keeper;
          loop.addSink(() => keeper.sync(loop.currentBindings(), snapshot!()));
          const items = await keeper.flush();
          return `${items.length} listener${items.length === 1 ? '' : 's'}, CA ${keeper.caDir}`;
        },
      });
    }
    if (!flags.noMdns) {
      tasks.push({
        title: 'Probe and announce .local names (RFC 6762)',
        run: async () => {
          const { MdnsResponder } = await import('../../mdns/responder.js');
          mdns = await MdnsResponder.start({ interfaces: flags.interface, ttl: flags.ttl, reporter: sinks });
          loop.addSink((records) => mdns!.sync(records));
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
        unicast = new UnicastSink(unicastConfig!);
        await unicast.start();
        loop.addSink((records) => unicast!.sync(records));
        await unicast.whenIdle();
        return `${plural(unicast.current().length, 'name')} in ${unicastConfig!.zones.join(', ')}`;
      },
    });
    try {
      await runStartupTasks(tasks, abort.signal, { format: flags.logFormat, reporter: out });
    } finally {
      reporter.release();
    }
    if (!abort.signal.aborted) {
      loop.startReporting();
      reporter.report({ kind: 'info', source: 'serve', message: `serving ${plural(loop.desired().length, 'name')}${context ? ` from context ${context}` : ''}; press Ctrl-C to stop` });
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
    loop.stop();
    tlsKeeper?.stop();
    const stops: Promise<unknown>[] = [];
    if (mdns) stops.push(mdns.stop());
    if (unicast) stops.push(unicast.stop({ cleanup: Boolean(flags.cleanupOnExit) }));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_BUDGET_MS)));
    await Promise.race([Promise.allSettled(stops), budget]);
    clearTimeout(timer);
    for (const s of signals) process.off(s, onSignal);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
