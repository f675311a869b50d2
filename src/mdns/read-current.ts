// For `diff`: what the link answers now for the desired .local names, as RecordSets for the
// plan (the mDNS counterpart of unicast/read-current.ts). Read-only by construction: only
// legacy-unicast queries and a DNS-SD browse, never probes or announcements.
//
// Per name (docs/design.md#mdns-sink):
//   nobody answers                                    -> add
//   the answers equal the desired addresses           -> unchanged
//   our own running serve (one of this host's
//   addresses) answers with other addresses           -> change (the new ones are pending)
//   another host answers with other addresses         -> conflict (RFC 6762 §9)
// and names our running serve still answers (found by browsing the DNS-SD services it
// advertises) that are no longer desired -> remove.
import { planChanges, type Change, type Plan } from '../plan/plan.js';
import type { RecordSet } from '../records/types.js';
import type { ObservedAnswer, QueryOptions } from './query.js';

/** The DNS-SD service types `serve` advertises (records/desired.ts serviceFor). */
export const OUR_SERVICE_TYPES = ['_http._tcp.local', '_https._tcp.local'] as const;

/**
 * Asks the link about the desired names, in one window: their A/AAAA, and a DNS-SD browse
 * (with the addresses of the hostnames it finds) for names our running serve still answers.
 * Returns the plan for `desired`.
 */
export async function planMdnsFromLink(desired: readonly RecordSet[], options: QueryOptions): Promise<Plan> {
  const { observeLink } = await import('./query.js');
  const { answers, browsed } = await observeLink(
    desired.map((r) => r.name),
    OUR_SERVICE_TYPES,
    options,
  );
  const wanted = new Set(desired.map((r) => r.name.toLowerCase()));
  const stale = new Set(browsed.filter((b) => b.local && !wanted.has(b.hostname.toLowerCase())).map((b) => b.hostname.toLowerCase()));
  return planMdns(
    desired,
    answers.filter((a) => wanted.has(a.name.toLowerCase()) || stale.has(a.name.toLowerCase())),
  );
}

/** One responder's answers for one name. */
interface Responder {
  addresses: string[];
  a: string[];
  aaaa: string[];
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}

/**
 * Answers per (name, responder) -> the observed record sets planChanges compares with:
 * - every answer from one of this host's own addresses, merged: our running `serve` (a
 *   difference there is a pending change, not a conflict);
 * - the other responders whose data differs from the desired addresses, merged into one
 *   foreign set per name (RFC 6762 §9: the same name with other data is a conflict). Another
 *   host answering with exactly the desired data is no conflict (§8.2: identical records).
 *   The `foreign` text says who answered with what.
 */
export function observedToRecordSets(answers: readonly ObservedAnswer[], desired: readonly RecordSet[] = []): RecordSet[] {
  const want = new Map(desired.map((d) => [d.name.toLowerCase(), d]));
  const byName = new Map<string, { name: string; local?: Responder; others: Map<string, Responder> }>();
  for (const a of answers) {
    const key = a.name.toLowerCase();
    let entry = byName.get(key);
    if (!entry) byName.set(key, (entry = { name: key, others: new Map() }));
    let r: Responder | undefined;
    if (a.local) r = entry.local ??= { addresses: [], a: [], aaaa: [] };
    else {
      r = entry.others.get(a.responder);
      if (!r) entry.others.set(a.responder, (r = { addresses: [a.responder], a: [], aaaa: [] }));
    }
    if (!a.local && !r.addresses.includes(a.responder)) r.addresses.push(a.responder);
    (a.type === 'A' ? r.a : r.aaaa).push(...a.values);
  }
  const out: RecordSet[] = [];
  for (const entry of byName.values()) {
    const d = want.get(entry.name);
    if (entry.local) out.push({ name: entry.name, target: 'mdns', a: sorted(entry.local.a), aaaa: sorted(entry.local.aaaa), services: [], owners: [] });
    const differing = [...entry.others.values()]
      .map((r) => ({ ...r, a: sorted(r.a), aaaa: sorted(r.aaaa) }))
      .filter((r) => !d || !sameSet(r.a, d.a) || !sameSet(r.aaaa, d.aaaa));
    if (differing.length === 0) {
      // Only identical answers from others: the name already resolves as desired.
      if (!entry.local && d && entry.others.size > 0) out.push({ name: entry.name, target: 'mdns', a: [...d.a], aaaa: [...d.aaaa], services: [], owners: [] });
      continue;
    }
    if (!d) continue; // another host's name that we do not want: not ours to judge
    out.push({
      name: entry.name,
      target: 'mdns',
      a: sorted(differing.flatMap((r) => r.a)),
      aaaa: sorted(differing.flatMap((r) => r.aaaa)),
      services: [],
      owners: [],
      foreign: `answered by ${differing.map((r) => `${r.addresses.join(', ')} with ${[...r.a, ...r.aaaa].join(' ') || 'no address'}`).join('; ')}`,
    });
  }
  return out;
}

/**
 * The mDNS plan: planChanges over the observed sets, with each conflict line saying who
 * answered with what for its own record type (`answered by 10.0.0.2 with 10.0.0.7`), and no
 * conflict line for a type the other responders did not answer (unless they answered none).
 */
export function planMdns(desired: readonly RecordSet[], answers: readonly ObservedAnswer[]): Plan {
  const plan = planChanges('mdns', desired, observedToRecordSets(answers, desired));
  const byNameType = new Map<string, Map<string, string[]>>();
  for (const a of answers) {
    if (a.local) continue;
    const key = `${a.name.toLowerCase()}|${a.type}`;
    let m = byNameType.get(key);
    if (!m) byNameType.set(key, (m = new Map()));
    m.set(a.responder, sorted([...(m.get(a.responder) ?? []), ...a.values]));
  }
  const detailFor = (c: Change): string => {
    const m = byNameType.get(`${c.name.toLowerCase()}|${c.type}`);
    if (!m || m.size === 0) return `answered by others with no ${c.type} record (${c.detail.replace(/^answered by /, '')})`;
    // Responders with the same values are listed together.
    const groups = new Map<string, string[]>();
    for (const [responder, values] of m) groups.set(values.join(' '), [...(groups.get(values.join(' ')) ?? []), responder]);
    return `answered by ${[...groups].map(([values, who]) => `${who.sort().join(', ')} with ${values}`).join('; ')}`;
  };
  const conflictNames = new Set(plan.changes.filter((c) => c.action === 'conflict').map((c) => c.name));
  const changes: Change[] = [];
  for (const name of conflictNames) {
    const lines = plan.changes.filter((c) => c.name === name && c.action === 'conflict');
    const answered = lines.filter((c) => c.before.length > 0);
    for (const c of answered.length ? answered : lines) changes.push({ ...c, detail: detailFor(c) });
  }
  plan.changes = [...plan.changes.filter((c) => c.action !== 'conflict'), ...changes].sort((x, y) =>
    x.name === y.name ? (x.type < y.type ? -1 : x.type > y.type ? 1 : 0) : x.name < y.name ? -1 : 1,
  );
  return plan;
}
