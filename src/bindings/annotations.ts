// The annotations that name hostnames and addresses, ours and external-dns's, read with one
// precedence wherever several say the same thing: `kubectl-mdns/*` over
// `external-dns.kubernetes.io/*` over `external-dns.alpha.kubernetes.io/*`. Both external-dns
// prefixes are read because clusters carry both: external-dns 0.22 dropped the alpha prefix
// without a fallback and its users lost records (issue 13), so a name must not vanish here just
// because its manifest still says `alpha`. An empty value counts as unset, as for
// `kubectl-mdns/addresses` (addresses.ts).

import { checkHostname } from './hostnames.js';

export const OUR_PREFIX = 'kubectl-mdns/';
export const EXTERNAL_DNS_PREFIX = 'external-dns.kubernetes.io/';
export const EXTERNAL_DNS_ALPHA_PREFIX = 'external-dns.alpha.kubernetes.io/';

/** Hostnames of a route or Service, comma-separated (external-dns `hostname`). */
export const HOSTNAME_KEYS: readonly string[] = [`${OUR_PREFIX}hostname`, `${EXTERNAL_DNS_PREFIX}hostname`, `${EXTERNAL_DNS_ALPHA_PREFIX}hostname`];
/** Addresses of a Gateway, ListenerSet, Ingress or Service: ours is `addresses`, external-dns's `target`. */
export const TARGET_KEYS: readonly string[] = [`${OUR_PREFIX}addresses`, `${EXTERNAL_DNS_PREFIX}target`, `${EXTERNAL_DNS_ALPHA_PREFIX}target`];
/** Which of a route's names count: `annotation-only` or `defined-hosts-only` (external-dns's Gateway source). */
export const HOSTNAME_SOURCE_KEYS: readonly string[] = [
  `${OUR_PREFIX}gateway-hostname-source`,
  `${EXTERNAL_DNS_PREFIX}gateway-hostname-source`,
  `${EXTERNAL_DNS_ALPHA_PREFIX}gateway-hostname-source`,
];

export interface AnnotationHit {
  /** The key that won (for messages: the user fixes that one). */
  key: string;
  value: string;
}

function annotationsOf(obj: unknown): Record<string, unknown> | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const meta: unknown = (obj as { metadata?: unknown }).metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const annotations: unknown = (meta as { annotations?: unknown }).annotations;
  return typeof annotations === 'object' && annotations !== null && !Array.isArray(annotations) ? (annotations as Record<string, unknown>) : undefined;
}

/** The first key in `keys` (highest precedence first) with a non-empty string value. */
export function firstAnnotation(obj: unknown, keys: readonly string[]): AnnotationHit | undefined {
  const annotations = annotationsOf(obj);
  if (!annotations) return undefined;
  for (const key of keys) {
    const value = annotations[key];
    if (typeof value === 'string' && value.trim() !== '') return { key, value };
  }
  return undefined;
}

export interface AnnotatedNames {
  key: string;
  /** Lower-cased, valid, unique, in the order written. */
  valid: string[];
  invalid: { name: string; reason: string }[];
}

/**
 * The hostname annotation, split on commas. external-dns writes names with or without the
 * trailing dot of a fully qualified name; both mean the same name here (hostnames.ts drops it).
 */
export function annotatedHostnames(obj: unknown): AnnotatedNames | undefined {
  const hit = firstAnnotation(obj, HOSTNAME_KEYS);
  if (!hit) return undefined;
  const out: AnnotatedNames = { key: hit.key, valid: [], invalid: [] };
  for (const part of hit.value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const check = checkHostname(part);
    if (check.ok) {
      if (!out.valid.includes(check.name)) out.valid.push(check.name);
    } else if (!out.invalid.some((i) => i.name === check.name)) {
      out.invalid.push({ name: check.name, reason: `${check.reason}; fix annotation ${hit.key}` });
    }
  }
  return out;
}

export type HostnameSource = 'all' | 'annotation-only' | 'defined-hosts-only';

export interface HostnameSourceChoice {
  source: HostnameSource;
  /** Set when the annotation has a value we do not know: then every source counts, as in external-dns. */
  warning?: string;
}

/**
 * `gateway-hostname-source` on a route. Without it both `spec.hostnames` and the hostname
 * annotation count (external-dns's default); an unknown value also means both, with a warning,
 * so the two tools never publish different names for one manifest.
 */
export function hostnameSourceOf(obj: unknown, owner: string): HostnameSourceChoice {
  const hit = firstAnnotation(obj, HOSTNAME_SOURCE_KEYS);
  if (!hit) return { source: 'all' };
  const value = hit.value.trim().toLowerCase();
  if (value === 'annotation-only' || value === 'defined-hosts-only') return { source: value };
  return {
    source: 'all',
    warning: `${owner}: annotation ${hit.key} has unknown value ${JSON.stringify(hit.value)}; both spec.hostnames and the hostname annotation are used (accepted: annotation-only, defined-hosts-only)`,
  };
}
