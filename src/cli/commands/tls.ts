// kubectl mdns tls: source -> bindings -> TLS targets -> Secrets (issue 12).
// kubectl mdns tls ca: show / create the local CA; --install, --uninstall, --serve.
import { homedir } from 'node:os';
import { computeBindings } from '../../bindings/compute.js';
import type { KubeObject } from '../../gateway-api/objects.js';
import type { ReferenceGrant, Secret } from '../../cluster/secrets.js';
import { UserError } from '../../util/errors.js';
import { ensureCA, loadCA, whoami, type LocalCA } from '../../tls/ca.js';
import { resolveCaDir, type CaDirChoice } from '../../tls/ca-dir.js';
import { fileSecretStore, reconcileTargets, reportExitCode, type SecretStore } from '../../tls/reconcile.js';
import { tlsTargets } from '../../tls/targets.js';
import type { TLSReport } from '../../tls/types.js';
import { colorsFor } from '../colors.js';
import { bindingOptions, sourceOptions } from '../load.js';
import { openSource } from '../../cluster/open.js';
import { filterObjects } from '../../cluster/filter.js';
import { readOnce } from '../../reconcile/once.js';
import { renderStructured } from '../printers/structured.js';
import { renderCaText, renderStoreLines, renderTlsTable, type CaSummary } from '../printers/tls.js';
import { MAX_LEAF_DAYS, type TlsCaFlags, type TlsFlags } from '../flags.js';
import { printWarnings } from '../warnings.js';

export function caDirChoice(flag: string | undefined): CaDirChoice {
  return resolveCaDir({ flag, env: process.env, platform: process.platform, home: homedir() });
}

export async function runTls(flags: TlsFlags): Promise<number> {
  const days = flags.days ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > MAX_LEAF_DAYS)
    throw new UserError(`--days must be a whole number from 1 to ${MAX_LEAF_DAYS} (got ${days})`);
  const fromFiles = Boolean(flags.filename && flags.filename.length > 0);
  if (fromFiles && !flags.dryRun) throw new UserError('-f works with --dry-run only: tls writes Secrets to the cluster (or drop -f)');
  const choice = caDirChoice(flags.caDir);
  // --dry-run writes nothing, not even a new CA: without one, every Secret would be (re)issued.
  let ca: LocalCA | undefined;
  if (flags.dryRun) ca = loadCA(choice.dir);
  else {
    const ensured = await ensureCA(choice.dir);
    ca = ensured.ca;
    if (ensured.created) process.stderr.write(`Created a local CA in ${choice.dir} (trust it here with: kubectl mdns tls ca --install)\n`);
  }
  // A listener's certificate must cover every name bound through it, whatever -n/-l select:
  // read all routes, and let -n/-l only choose which listeners to look after.
  const all = sourceOptions({ ...flags, namespace: undefined, allNamespaces: true, selector: undefined });
  const source = await openSource(all);
  const loaded = await readOnce(source, bindingOptions(flags));
  const { bindings } = loaded;
  const warn: string[] = [...loaded.warnings];
  const { namespace, labelSelector } = sourceOptions(flags);
  const narrowed = Boolean(namespace || labelSelector);
  const selected = narrowed ? computeBindings(filterObjects(loaded.objects, { namespace, labelSelector }), bindingOptions(flags)).bindings : bindings;

  let store: SecretStore;
  let grants: ReferenceGrant[];
  if (fromFiles) {
    const extra: KubeObject[] = loaded.tlsObjects ?? [];
    store = fileSecretStore(extra.filter((o) => o.kind === 'Secret') as Secret[]);
    grants = extra.filter((o) => o.kind === 'ReferenceGrant') as ReferenceGrant[];
  } else {
    const { SecretClient } = await import('../../cluster/secrets.js');
    // The client that read the routes writes the Secrets: one kubeconfig resolution, one connection.
    const secrets = new SecretClient(source.client!);
    store = secrets;
    const g = await secrets.listReferenceGrants();
    grants = g.items;
    if (g.warning) warn.push(g.warning);
  }
  printWarnings(warn);
  const listenerKey = (t: { owner: { kind: string; namespace: string; name: string }; listener: string }) =>
    `${t.owner.kind}/${t.owner.namespace}/${t.owner.name}#${t.listener}`;
  const wanted = new Set(tlsTargets(loaded.objects, selected, grants).map(listenerKey));
  const targets = tlsTargets(loaded.objects, bindings, grants).filter((t) => wanted.has(listenerKey(t)));
  const caForPlan = ca ?? placeholderCA(choice.dir);
  const { items, errors } = await reconcileTargets(targets, store, caForPlan, {
    dryRun: Boolean(flags.dryRun),
    force: Boolean(flags.force),
    days,
    who: whoami(),
  });
  const report: TLSReport = {
    apiVersion: 'kubectl-mdns/v1alpha1',
    kind: 'TLSReport',
    context: loaded.context,
    ca: { dir: choice.dir, fingerprintSHA256: ca?.fingerprintSHA256 ?? '' },
    items,
  };
  if (flags.output === 'json' || flags.output === 'yaml') process.stdout.write(renderStructured(report, flags.output));
  else if (items.length === 0) process.stderr.write('No HTTPS or TLS (Terminate) listeners with Ready bindings.\n');
  else process.stdout.write(renderTlsTable(items, { headers: !flags.noHeaders, chalk: colorsFor(process.stdout) }));
  if (errors.length > 0) {
    for (const e of [...new Set(errors)]) process.stderr.write(`error: ${e}\n`);
    return 2;
  }
  return reportExitCode(items);
}

/** Under --dry-run with no CA yet: a CA nothing was issued by, so ours count as "another CA". */
function placeholderCA(dir: string): LocalCA {
  return {
    dir,
    fingerprintSHA256: '(no CA yet)',
    cert: { checkIssued: () => false } as unknown as LocalCA['cert'],
  } as unknown as LocalCA;
}

export async function runTlsCa(flags: TlsCaFlags): Promise<number> {
  if (flags.install && flags.uninstall) throw new UserError('--install and --uninstall together: choose one');
  const choice = caDirChoice(flags.caDir);
  let ca: LocalCA;
  let created = false;
  if (flags.uninstall) {
    const found = loadCA(choice.dir);
    if (!found) throw new UserError(`no CA in ${choice.dir} (${CA_SOURCE[choice.source]}): nothing to uninstall`);
    ca = found;
  } else {
    const ensured = await ensureCA(choice.dir);
    ca = ensured.ca;
    created = ensured.created;
  }
  const summary: CaSummary = {
    dir: choice.dir,
    certificate: ca.certFile,
    subject: ca.subject,
    fingerprintSHA256: ca.fingerprintSHA256,
    notAfter: ca.notAfter.toISOString(),
    created,
    source: choice.source,
  };
  let code = 0;
  if (flags.install || flags.uninstall) {
    const { installCA, uninstallCA } = await import('../../tls/install/index.js');
    const env = {
      home: homedir(),
      platform: process.platform,
      isRoot: process.getuid?.() === 0,
      systemRoot: process.env.KUBECTL_MDNS_SYSTEM_ROOT || '/',
    };
    summary.stores = flags.install ? await installCA(ca, env) : await uninstallCA(ca, env);
    if (summary.stores.some((s) => s.status === 'failed')) code = 1;
  }
  if (flags.output === 'json' || flags.output === 'yaml') process.stdout.write(renderStructured(summary, flags.output));
  else {
    process.stdout.write(renderCaText(summary));
    if (summary.stores) process.stderr.write(renderStoreLines(summary.stores, colorsFor(process.stderr)));
  }
  if (flags.serve) return serveCa(ca, flags);
  return code;
}

const CA_SOURCE: Record<CaDirChoice['source'], string> = { flag: '--ca-dir', CAROOT: '$CAROOT', mkcert: "mkcert's folder", default: 'the default folder' };

async function serveCa(ca: LocalCA, flags: TlsCaFlags): Promise<number> {
  const { serveCaCertificate, caHostname, localAddresses, terminalQr } = await import('../../tls/ca-server.js');
  const { stderrReporter } = await import('../events.js');
  const { MdnsResponder } = await import('../../mdns/responder.js');
  const { SinkDriver } = await import('../../reconcile/driver.js');
  const port = flags.port ?? 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`--port must be from 1 to 65535 (got ${port})`);
  const reporter = stderrReporter({ format: 'text', verbose: Boolean(flags.verbose) });
  const server = await serveCaCertificate(ca, { port });
  const name = caHostname();
  const { a, aaaa } = localAddresses(flags.interface);
  const mdns = await MdnsResponder.start({ ...(flags.interface ? { interfaces: flags.interface } : {}), reporter });
  // One name, driven like serve drives its sinks (plan against what it holds, apply).
  new SinkDriver(mdns, { reporter }).sync([
    {
      name,
      target: 'mdns',
      a,
      aaaa,
      services: [{ instance: 'kubectl-mdns CA', type: '_http._tcp', port: server.port, txt: ['path=/'] }],
      owners: [],
    },
  ]);
  const url = `http://${name}${server.port === 80 ? '' : `:${server.port}`}/`;
  process.stderr.write(`\nServing rootCA.pem at ${url} (also http://${a[0] ?? aaaa[0] ?? 'this-host'}:${server.port}/); press Ctrl-C to stop\n`);
  process.stderr.write(await terminalQr(url));
  process.stderr.write(
    '\niOS: open the URL in Safari, install the profile (Settings › General › VPN & Device Management), then enable full trust in Settings › General › About › Certificate Trust Settings.\n',
  );
  process.stderr.write('Android: Settings › Security › Encryption & credentials › Install a certificate › CA certificate, and pick rootCA.pem.\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
  });
  await Promise.allSettled([mdns.stop(), server.close()]);
  return 0;
}

/** serve --tls: a TlsKeeper on the cluster's Secrets with the local CA (created if missing). */
export async function startTlsKeeper(
  client: import('../../cluster/http.js').ApiClient,
  caDirFlag: string | undefined,
  reporter: import('../../util/reporter.js').Reporter,
) {
  const { SecretClient } = await import('../../cluster/secrets.js');
  const { TlsKeeper } = await import('../../tls/keeper.js');
  const choice = caDirChoice(caDirFlag);
  const { ca, created } = await ensureCA(choice.dir);
  if (created) reporter.report({ kind: 'info', source: 'tls', message: `created a local CA in ${choice.dir} (trust it with: kubectl mdns tls ca --install)` });
  const secrets = new SecretClient(client);
  let warned = '';
  const keeper = new TlsKeeper({
    store: secrets,
    ca,
    grants: async () => {
      const g = await secrets.listReferenceGrants();
      if (g.warning && g.warning !== warned) reporter.report({ kind: 'warning', source: 'tls', message: g.warning });
      warned = g.warning ?? '';
      return g.items;
    },
    reporter,
    days: 90,
    who: whoami(),
  });
  return Object.assign(keeper, { caDir: choice.dir });
}
