// kubectl mdns diff: desired records against what the link and the DNS server answer now.
// Read-only by construction: it only sends queries (legacy-unicast mDNS queries, AXFR or
// per-name lookups), never announcements or UPDATE messages.
import { computeBindings } from '../../bindings/compute.js';
import { desiredRecords } from '../../records/desired.js';
import type { RecordSet } from '../../records/types.js';
import { planChanges } from '../../plan/plan.js';
import type { ObservedAnswer } from '../../mdns/query.js';
import type { DiffFlags } from '../flags.js';
import { bindingOptions, loadObjects } from '../load.js';
import { dnsDiff, renderDiffText, sumSummaries, type DiffTarget } from '../printers/diff.js';
import { renderStructured } from '../printers/structured.js';
import { colorsFor } from '../colors.js';
import { printWarnings } from '../warnings.js';
import { stderrReporter } from '../events.js';

export async function runDiff(flags: DiffFlags): Promise<number> {
  const options = bindingOptions(flags);
  const reporter = stderrReporter({ format: 'text', verbose: Boolean(flags.verbose) });
  // Key material is checked before anything else happens: a bad --tsig-* is an error even
  // when the cluster is unreachable.
  const { unicastConfigFromFlags } = await import('../../unicast/config.js');
  const loaded = await loadObjects(flags);
  const unicast = unicastConfigFromFlags({ ...flags, zone: options.zones }, process.env, loaded.context || 'kubectl-mdns', reporter);
  const { bindings, warnings } = computeBindings(loaded.objects, options);
  printWarnings([...loaded.warnings, ...warnings]);
  const desired = desiredRecords(bindings);
  const targets: DiffTarget[] = [];

  const mdnsDesired = desired.filter((r) => r.target === 'mdns');
  const { queryLink } = await import('../../mdns/query.js');
  const answers = await queryLink(
    mdnsDesired.map((r) => r.name),
    { interfaces: flags.interface, timeoutMs: Math.round((flags.timeout ?? 1) * 1000) },
  );
  const mdnsPlan = planChanges('mdns', mdnsDesired, observedToRecordSets(answers));
  targets.push({ title: `mdns on ${flags.interface?.length ? flags.interface.join(', ') : 'every multicast interface'}`, changes: mdnsPlan.changes, summary: mdnsPlan.summary });

  if (unicast) {
    const { readUnicastState } = await import('../../unicast/read-current.js');
    const uniDesired = desired.filter((r) => r.target === 'unicast');
    const state = await readUnicastState(unicast, uniDesired.map((r) => r.name));
    printWarnings(state.warnings);
    const plan = planChanges('unicast', uniDesired, state.current);
    targets.push({ title: `unicast ${unicast.server.host}:${unicast.server.port} zone ${unicast.zones.join(', ')}`, changes: plan.changes, summary: plan.summary });
  }

  if (flags.output === 'json' || flags.output === 'yaml') process.stdout.write(renderStructured(dnsDiff(loaded.context, targets), flags.output));
  else process.stdout.write(renderDiffText(targets, colorsFor(process.stdout)));
  const s = sumSummaries(targets);
  return s.add + s.remove + s.change + s.conflict > 0 ? 1 : 0;
}

/**
 * Answers per (name, responder) -> observed record sets. An answer from one of this host's
 * own addresses is taken to be our running `serve` (a change there is pending, not a
 * conflict); any other responder holding the name is a conflict (RFC 6762 §9).
 */
export function observedToRecordSets(answers: readonly ObservedAnswer[]): RecordSet[] {
  const byKey = new Map<string, RecordSet>();
  for (const a of answers) {
    const key = `${a.name.toLowerCase()}|${a.local ? 'local' : a.responder}`;
    let set = byKey.get(key);
    if (!set) {
      set = { name: a.name.toLowerCase(), target: 'mdns', a: [], aaaa: [], services: [], owners: [] };
      if (!a.local) set.foreign = `answered by ${a.responder}`;
      byKey.set(key, set);
    }
    (a.type === 'A' ? set.a : set.aaaa).push(...a.values);
  }
  for (const set of byKey.values()) {
    set.a = [...new Set(set.a)].sort();
    set.aaaa = [...new Set(set.aaaa)].sort();
    if (set.foreign) set.foreign += ` with ${[...set.a, ...set.aaaa].join(' ') || 'no address'}`;
  }
  return [...byKey.values()];
}
