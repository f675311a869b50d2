// kubectl mdns diff: the reconcile stage without apply — desired records against what the link
// (mdns/read-current.ts) and the DNS server (unicast/read-current.ts) answer now, planned as
// serve would plan them (reconcile/diff.ts). Read-only by construction: it only sends queries
// (legacy-unicast mDNS queries, a signed AXFR or per-name lookups), never probes,
// announcements or UPDATE messages.
import type { QueryOptions } from '../../mdns/query.js';
import { openSource } from '../../cluster/open.js';
import { readOnce } from '../../reconcile/once.js';
import type { DiffFlags } from '../flags.js';
import { bindingOptions, sourceOptions } from '../load.js';
import { chosenLinks, timeoutSeconds } from '../link-flags.js';
import { dnsDiff, emptySummary, hasDiff, renderDiffText, sumSummaries, type DiffTarget } from '../printers/diff.js';
import { renderStructured } from '../printers/structured.js';
import { colorsFor } from '../colors.js';
import { printWarnings } from '../warnings.js';
import { stderrReporter } from '../events.js';
import { UserError } from '../../util/errors.js';

export async function runDiff(flags: DiffFlags): Promise<number> {
  const options = bindingOptions(flags);
  const reporter = stderrReporter({ format: 'text', verbose: Boolean(flags.verbose) });
  const timeout = timeoutSeconds(flags.timeout);
  // Flag, key-file and interface problems first, before any request or packet (a bad --tsig-*
  // is reported even when the cluster is unreachable); the owner id defaults to the context
  // name, known only after connecting.
  const { unicastConfigFor, unicastSettingsFromFlags } = await import('../../unicast/config.js');
  const unicastSettings = unicastSettingsFromFlags({ ...flags, zone: options.zones }, process.env, reporter);
  const links = await chosenLinks(flags.interface);

  const loaded = await readOnce(await openSource(sourceOptions(flags)), options);
  const unicast = unicastSettings && unicastConfigFor(unicastSettings, loaded.context || undefined);
  printWarnings(loaded.warnings);
  const desired = loaded.records;
  const { planMdnsDiff, planUnicastDiff } = await import('../../reconcile/diff.js');

  // ---- mDNS: what the link answers now
  const mdnsTarget = async (): Promise<DiffTarget> => {
    const mdnsDesired = desired.filter((r) => r.target === 'mdns');
    const title = `mdns on ${links.map((l) => l.name).join(', ') || 'no interface'}`;
    if (links.length === 0) {
      if (mdnsDesired.length > 0)
        throw new UserError(
          'no network interface is up and multicast-capable, so what the link answers cannot be read; bring one up or choose one with --interface',
        );
      return { target: 'mdns', title, changes: [], summary: emptySummary() };
    }
    const queryOptions: QueryOptions = { timeoutMs: Math.round(timeout * 1000), ...(flags.interface?.length ? { interfaces: flags.interface } : {}) };
    const plan = await planMdnsDiff(mdnsDesired, queryOptions);
    return { target: 'mdns', title, changes: plan.changes, summary: plan.summary };
  };

  // ---- unicast: the owned and foreign records of the zones
  const unicastTarget = async (): Promise<DiffTarget | undefined> => {
    if (!unicast) return undefined;
    const state = await planUnicastDiff(desired, unicast, unicast.policy);
    printWarnings(state.warnings);
    const plan = state.plan;
    const { host, port } = unicast.server;
    const server = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    const note = state.axfr ? '' : '; zone transfer refused, owned records no longer desired cannot be found';
    return {
      target: 'unicast',
      title: `unicast ${server} zone ${unicast.zones.join(', ')} (owner ${unicast.ownerId}${note})`,
      changes: plan.changes,
      summary: plan.summary,
    };
  };

  // Concurrently: the mDNS answers take --timeout whatever happens; a unicast error need not wait.
  const [mdns, uni] = await Promise.all([mdnsTarget(), unicastTarget()]);
  const targets = uni ? [mdns, uni] : [mdns];
  if (flags.output === 'json' || flags.output === 'yaml') process.stdout.write(renderStructured(dnsDiff(loaded.context, targets), flags.output));
  else process.stdout.write(renderDiffText(targets, colorsFor(process.stdout)));
  return hasDiff(sumSummaries(targets)) ? 1 : 0;
}
