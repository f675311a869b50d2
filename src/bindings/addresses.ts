// Binding rule 6 (docs/design.md#rule-6-addresses): which addresses a name resolves to. The annotation
// kubectl-mdns/addresses overrides status (for gateways whose controller reports an address
// the host cannot reach); otherwise status.addresses of type IPAddress (or no type).
// Hostname addresses are reported, never served: mDNS and our unicast records carry A/AAAA only.

import { isIP } from 'node:net';
import type { Gateway, Ingress } from '../gateway-api/objects.js';
import { ANNOTATION_ADDRESSES } from './types.js';
import { displayValue } from './hostnames.js';

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

function annotationOf(obj: { metadata?: { annotations?: Record<string, string> } }): string | undefined {
  const annotations = obj.metadata?.annotations;
  if (!annotations || typeof annotations !== 'object') return undefined;
  const value = annotations[ANNOTATION_ADDRESSES];
  // An empty annotation is treated as unset: `kubectl-mdns/publish: none` is how to switch a name off.
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function fromAnnotation(value: string, owner: string): AddressSet {
  const set: AddressSet = { addresses: [], hostnameAddresses: [], warnings: [], annotation: value };
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const parsed = parseIPAddress(part);
    if (parsed.ok) set.addresses.push(parsed.ip);
    else set.warnings.push(`${owner}: ${parsed.reason} (annotation ${ANNOTATION_ADDRESSES}); dropped`);
  }
  set.addresses = sortAddresses(set.addresses);
  return set;
}

/** `owner` names the object in warnings, e.g. "gateway infra/gw". */
export function gatewayAddresses(gateway: Gateway, owner: string): AddressSet {
  const annotated = annotationOf(gateway);
  if (annotated !== undefined) return fromAnnotation(annotated, owner);
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
  return set;
}

/** Ingress: status.loadBalancer.ingress[].ip (and .hostname, reported), or the same annotation. */
export function ingressAddresses(ingress: Ingress, owner: string): AddressSet {
  const annotated = annotationOf(ingress);
  if (annotated !== undefined) return fromAnnotation(annotated, owner);
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
