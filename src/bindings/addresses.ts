// Binding rule 6 (docs/design.md#rule-6-addresses): which addresses a name resolves to. An address annotation
// overrides status (for gateways whose controller reports an address the host cannot reach):
// `kubectl-mdns/addresses`, else external-dns's `target` (either prefix, annotations.ts); on a
// route through a ListenerSet, the ListenerSet's annotation before its Gateway's (the more
// specific object decides, as external-dns does). Otherwise status.addresses of type IPAddress
// (or no type). Hostname addresses (status, or a name in the annotation) are never served by
// mDNS; when a Gateway has nothing else, a unicast zone gets them as a CNAME (`cname`).

import { isIP } from 'node:net';
import type { Gateway, Ingress, Service } from '../gateway-api/objects.js';
import { checkHostname, displayValue } from './hostnames.js';
import { TARGET_KEYS, firstAnnotation, type AnnotationHit } from './annotations.js';

export type ParsedAddress = { ok: true; ip: string; family: 4 | 6 } | { ok: false; reason: string };

export interface AddressSet {
  /** Served addresses: IPv4 first (numeric order), then IPv6, unique. */
  addresses: string[];
  /** Hostname-type addresses: reported, never served. */
  hostnameAddresses: string[];
  /** One line per dropped value. */
  warnings: string[];
  /** Set when the annotation was used instead of status. */
  annotation?: string;
  /** The annotation key used (kubectl-mdns/addresses or external-dns's target). */
  annotationKey?: string;
  /** Who carries that annotation ("ListenerSet team/ls" when it overrides its Gateway), for messages. */
  annotationOwner?: string;
  /** The one CNAME target for unicast zones: a Hostname address when there is no IP address. */
  cname?: string;
}

/**
 * Parse one IP literal. IPv6 is canonicalised (RFC 5952, via the WHATWG URL parser) so
 * `FD00:0::2` and `fd00::2` are one record. Zone indexes (`fe80::1%eth0`) are refused: they
 * mean something only on the host that wrote them and cannot be put in an AAAA record.
 */
export function parseIPAddress(value: unknown): ParsedAddress {
  if (typeof value !== 'string') return { ok: false, reason: `address ${displayValue(value)} is not a string` };
  const text = value.trim();
  if (text.includes('%')) return { ok: false, reason: `address "${text}" has a zone index, which an AAAA record cannot carry` };
  const family = isIP(text);
  if (family === 4) return { ok: true, ip: text, family: 4 };
  if (family === 6) return { ok: true, ip: canonicalIPv6(text), family: 6 };
  return { ok: false, reason: `address ${displayValue(text)} is not an IPv4 or IPv6 address` };
}

function canonicalIPv6(text: string): string {
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return text.toLowerCase();
  }
}

// Local rather than records' compareIPv4: data flows bindings → records, never back.
function compareIPv4(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function sortAddresses(addresses: Iterable<string>): string[] {
  const unique = [...new Set(addresses)];
  const v4 = unique.filter((a) => isIP(a) === 4).sort(compareIPv4);
  const v6 = unique.filter((a) => isIP(a) === 6).sort();
  return [...v4, ...v6];
}

function annotationOf(obj: unknown): AnnotationHit | undefined {
  // An empty annotation is treated as unset: `kubectl-mdns/publish: none` is how to switch a name off.
  return firstAnnotation(obj, TARGET_KEYS);
}

function fromAnnotation(hit: AnnotationHit, owner: string): AddressSet {
  const set: AddressSet = { addresses: [], hostnameAddresses: [], warnings: [], annotation: hit.value, annotationKey: hit.key, annotationOwner: owner };
  for (const part of hit.value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const parsed = parseIPAddress(part);
    if (parsed.ok) {
      set.addresses.push(parsed.ip);
      continue;
    }
    // external-dns's target may be a name (a load balancer's DNS name): reported, a CNAME in
    // unicast zones. Our own kubectl-mdns/addresses stays what it always was: IP addresses.
    const host = hit.key !== TARGET_KEYS[0] && isIP(part) === 0 && !part.includes('%') ? checkHostname(part) : undefined;
    if (host?.ok && !host.name.startsWith('*.')) set.hostnameAddresses.push(host.name);
    else set.warnings.push(`${owner}: ${parsed.reason} (annotation ${hit.key}); dropped`);
  }
  set.addresses = sortAddresses(set.addresses);
  set.hostnameAddresses = [...new Set(set.hostnameAddresses)].sort();
  return set;
}

/**
 * A CNAME only where nothing else can answer: with an IP address the name gets A/AAAA and the
 * Hostname stays reported. One CNAME per name (RFC 1034 §3.6.2): the first in sort order.
 */
function withCname(set: AddressSet, owner: string): AddressSet {
  if (set.addresses.length > 0 || set.hostnameAddresses.length === 0) return set;
  set.cname = set.hostnameAddresses[0];
  if (set.hostnameAddresses.length > 1) {
    set.warnings.push(
      `${owner}: several Hostname addresses (${set.hostnameAddresses.join(', ')}); a name can have one CNAME only, ${set.cname} is used in unicast zones`,
    );
  }
  return set;
}

/**
 * A route through a ListenerSet: the ListenerSet's address annotation, when it has one, wins
 * over everything its Gateway says.
 */
export function listenerSetAddresses(listenerSet: unknown, gateway: Gateway, owner: string, lsOwner: string): AddressSet {
  const hit = annotationOf(listenerSet);
  if (hit !== undefined) return withCname(fromAnnotation(hit, lsOwner), lsOwner);
  return gatewayAddresses(gateway, owner);
}

/** `owner` names the object in warnings, e.g. "gateway infra/gw". */
export function gatewayAddresses(gateway: Gateway, owner: string): AddressSet {
  const annotated = annotationOf(gateway);
  if (annotated !== undefined) return withCname(fromAnnotation(annotated, owner), owner);
  const set: AddressSet = { addresses: [], hostnameAddresses: [], warnings: [] };
  const status = gateway.status;
  const list: unknown = status && typeof status === 'object' ? status.addresses : undefined;
  if (!Array.isArray(list)) return set;
  for (const entry of list as unknown[]) {
    if (!entry || typeof entry !== 'object') {
      set.warnings.push(`${owner}: status address ${displayValue(entry)} is not an object; dropped`);
      continue;
    }
    const { type, value } = entry as { type?: unknown; value?: unknown };
    if (type === undefined || type === 'IPAddress') {
      const parsed = parseIPAddress(value);
      if (parsed.ok) set.addresses.push(parsed.ip);
      else set.warnings.push(`${owner}: ${parsed.reason}; dropped`);
    } else if (type === 'Hostname') {
      if (typeof value === 'string' && value !== '') set.hostnameAddresses.push(value);
    } else {
      set.warnings.push(`${owner}: address type ${displayValue(type)} (${displayValue(value)}) is not served; only IPAddress is`);
    }
  }
  set.addresses = sortAddresses(set.addresses);
  set.hostnameAddresses = [...new Set(set.hostnameAddresses)].sort();
  return cnameFromStatus(set, owner);
}

/** A status Hostname becomes a CNAME only when it is a valid DNS name (it is free text in the API). */
function cnameFromStatus(set: AddressSet, owner: string): AddressSet {
  const valid = set.hostnameAddresses
    .map((h) => checkHostname(h))
    .filter((c) => c.ok && !c.name.startsWith('*.'))
    .map((c) => c.name);
  if (set.addresses.length > 0 || valid.length === 0) return set;
  return withCname({ ...set, hostnameAddresses: [...new Set(valid)].sort() }, owner);
}

/** Ingress and Service: status.loadBalancer.ingress[].ip (and .hostname, reported, never a CNAME), or the same annotations. */
export function ingressAddresses(ingress: Ingress | Service, owner: string): AddressSet {
  const annotated = annotationOf(ingress);
  if (annotated !== undefined) return { ...fromAnnotation(annotated, owner) };
  const set: AddressSet = { addresses: [], hostnameAddresses: [], warnings: [] };
  const status = ingress.status;
  const lb: unknown = status && typeof status === 'object' ? status.loadBalancer : undefined;
  const list: unknown = lb && typeof lb === 'object' ? (lb as { ingress?: unknown }).ingress : undefined;
  if (!Array.isArray(list)) return set;
  for (const entry of list as unknown[]) {
    if (!entry || typeof entry !== 'object') continue;
    const { ip, hostname } = entry as { ip?: unknown; hostname?: unknown };
    if (ip !== undefined) {
      const parsed = parseIPAddress(ip);
      if (parsed.ok) set.addresses.push(parsed.ip);
      else set.warnings.push(`${owner}: ${parsed.reason}; dropped`);
    }
    if (typeof hostname === 'string' && hostname !== '') set.hostnameAddresses.push(hostname);
  }
  set.addresses = sortAddresses(set.addresses);
  set.hostnameAddresses = [...new Set(set.hostnameAddresses)].sort();
  return set;
}
