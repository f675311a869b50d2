// Binding rule 7 (docs/design.md#rule-7-where-it-goes): where a name goes. `.local` → mDNS (RFC 6762 §3 reserves it for
// link-local multicast names); inside a --zone on a label boundary → unicast (RFC 2136);
// wildcards → unicast only, because mDNS has no wildcard records; anything else → Skipped.
// The annotation kubectl-mdns/publish (none|mdns|unicast|all) on the route or the Gateway can
// only narrow that. Choice: `none` yields a Skipped binding with the reason (not silence), so
// `list` still explains why a name is not published.

import type { PublishTarget } from './types.js';
import { ANNOTATION_PUBLISH } from './types.js';
import { isLocalName, isWildcard, labelCount } from './hostnames.js';
import { zoneFor } from '../util/zones.js';

export interface AnnotationSource {
  /** Who carries the annotation, for messages: "HTTPRoute shop/shop", "gateway infra/gw". */
  owner: string;
  annotations: unknown;
}

export interface PublishDecision {
  /** Empty means Skipped with `reason`. Always in the order mdns, unicast. */
  publish: PublishTarget[];
  zone?: string;
  reason: string;
  warnings: string[];
}

export { zoneFor };

const VALUES: Record<string, readonly PublishTarget[]> = {
  none: [],
  mdns: ['mdns'],
  unicast: ['unicast'],
  all: ['mdns', 'unicast'],
};

function annotationValue(annotations: unknown): string | undefined {
  if (typeof annotations !== 'object' || annotations === null) return undefined;
  const v = (annotations as Record<string, unknown>)[ANNOTATION_PUBLISH];
  return typeof v === 'string' ? v : undefined;
}

export function publishDecision(hostname: string, zones: readonly string[], sources: readonly AnnotationSource[]): PublishDecision {
  const skipped = (reason: string): PublishDecision => ({ publish: [], reason, warnings: [] });

  let allowed = new Set<PublishTarget>(['mdns', 'unicast']);
  const narrowedBy: string[] = [];
  for (const source of sources) {
    const raw = annotationValue(source.annotations);
    if (raw === undefined) continue;
    const value = raw.trim().toLowerCase();
    const targets = VALUES[value];
    if (targets === undefined) {
      return skipped(`annotation ${ANNOTATION_PUBLISH} on ${source.owner} has unknown value ${JSON.stringify(raw)}; use none, mdns, unicast or all`);
    }
    if (targets.length === 0) {
      return skipped(`publishing disabled by annotation ${ANNOTATION_PUBLISH}=none on ${source.owner}; remove the annotation to publish`);
    }
    if (value !== 'all') narrowedBy.push(`${ANNOTATION_PUBLISH}=${value} on ${source.owner}`);
    allowed = new Set([...allowed].filter((t) => targets.includes(t)));
  }

  const zone = zoneFor(hostname, zones);
  const warnings: string[] = [];
  const natural: PublishTarget[] = [];
  if (isWildcard(hostname)) {
    if (zone === undefined) {
      return skipped(`mDNS has no wildcards and no --zone covers ${hostname}; pass --zone to publish it by unicast DNS, or list exact hostnames`);
    }
    natural.push('unicast');
  } else if (isLocalName(hostname)) {
    natural.push('mdns');
    if (zone !== undefined) {
      natural.push('unicast');
      warnings.push(`--zone ${zone} is under .local, which belongs to mDNS (RFC 6762 §3); use a zone such as home.arpa (RFC 8375)`);
    }
  } else if (zone !== undefined) {
    natural.push('unicast');
  } else {
    return skipped('not a .local name and no --zone covers it; use a .local hostname or pass --zone');
  }

  const publish = natural.filter((t) => allowed.has(t));
  if (publish.length === 0) {
    return skipped(
      `annotation ${narrowedBy.join(' and ')} leaves nowhere to publish ${hostname} (it can go to ${natural.join(', ')} only); change the annotation`,
    );
  }
  if (publish.includes('mdns') && labelCount(hostname) > 2) {
    // nss-mdns minimal mode and Windows resolve only `name.local` (docs/decisions.md, Multi-label .local names).
    warnings.push(`${hostname} has more than two labels: Windows and nss-mdns (mdns4_minimal) will not resolve it; prefer a name like ${flatten(hostname)}`);
  }
  const decision: PublishDecision = { publish, reason: '', warnings: publish.includes('unicast') ? warnings : warnings.filter((w) => !w.startsWith('--zone')) };
  if (publish.includes('unicast') && zone !== undefined) decision.zone = zone;
  return decision;
}

function flatten(hostname: string): string {
  const labels = hostname.split('.');
  labels.pop();
  return `${labels.join('-')}.local`;
}
