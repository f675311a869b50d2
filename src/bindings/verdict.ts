// How a binding's status follows from rules 6 and 7 (docs/design.md#status):
// Skipped when it has nowhere to go, Pending when it would go somewhere but has no address,
// Ready otherwise. Shared by routes and Ingresses.

import type { Binding, GatewayRef, NameSource, ResourceRef } from './types.js';
import type { AddressSet } from './addresses.js';
import { publishDecision, type AnnotationSource } from './publish.js';
import { bindingUrl } from './urls.js';
import { ANNOTATION_ADDRESSES } from './types.js';

export interface BindingBase {
  route: ResourceRef;
  gateway: GatewayRef | null;
  parent?: Binding['parent'];
}

/** Where a hostname comes from (the SOURCE column). */
export interface Naming {
  sources: NameSource[];
  sourceAnnotation?: string;
}

/** Sets `sources` (and the annotation key) on a binding; empty naming leaves it as is. */
export function named(b: Binding, naming: Naming | undefined): Binding {
  if (!naming || naming.sources.length === 0) return b;
  b.sources = [...naming.sources];
  if (naming.sourceAnnotation !== undefined && naming.sources.includes('annotation')) b.sourceAnnotation = naming.sourceAnnotation;
  return b;
}

export function skippedBinding(base: BindingBase, hostname: string, reason: string, warnings: string[] = []): Binding {
  const b: Binding = {
    hostname,
    addresses: [],
    status: 'Skipped',
    reason,
    publish: [],
    route: base.route,
    gateway: base.gateway,
    listener: '',
    port: null,
    url: '',
  };
  if (base.parent) b.parent = base.parent;
  if (warnings.length) b.warnings = [...warnings];
  return b;
}

export interface Placement {
  hostname: string;
  listener: string;
  port: number;
  protocol: string;
  addresses: AddressSet;
  /** "gateway infra/gw" or "ingress shop/web": who lacks addresses, for the Pending reason. */
  addressOwner: string;
  annotations: AnnotationSource[];
  zones: readonly string[];
  /** Instead of the URL from port and protocol: '' for a service that is not HTTP (TCPRoute, a Service on 5432). */
  url?: string;
  /** Binding.dnsSdType: set only when not the http/https default. */
  dnsSdType?: string;
}

export function placedBinding(base: BindingBase, p: Placement): Binding {
  const decision = publishDecision(p.hostname, p.zones, p.annotations);
  const warnings = [...p.addresses.warnings, ...decision.warnings];
  let publish = decision.publish;
  const cname = p.addresses.addresses.length === 0 && publish.includes('unicast') ? p.addresses.cname : undefined;
  if (cname !== undefined && publish.includes('mdns')) {
    // mDNS answers with A/AAAA only (RFC 6762 §6): a Hostname address is reported, not served there.
    warnings.push(`${p.hostname}: mDNS cannot serve the Hostname address ${cname}; published by unicast only, as a CNAME`);
    publish = publish.filter((t) => t === 'unicast');
  }
  const b: Binding = {
    hostname: p.hostname,
    // Binding.addresses are the served ones: a Skipped name is served nowhere.
    addresses: publish.length ? [...p.addresses.addresses] : [],
    status: 'Ready',
    reason: '',
    publish,
    route: base.route,
    gateway: base.gateway,
    listener: p.listener,
    port: p.port,
    url: p.url ?? bindingUrl(p.hostname, p.port, p.protocol),
  };
  if (decision.zone !== undefined) b.zone = decision.zone;
  if (base.parent) b.parent = base.parent;
  if (p.addresses.hostnameAddresses.length) b.hostnameAddresses = [...p.addresses.hostnameAddresses];
  if (p.dnsSdType !== undefined) b.dnsSdType = p.dnsSdType;
  if (cname !== undefined) b.cname = cname;
  if (publish.length === 0) {
    b.status = 'Skipped';
    b.reason = decision.reason;
  } else if (b.addresses.length === 0 && cname === undefined) {
    b.status = 'Pending';
    b.reason = pendingReason(p.addressOwner, p.addresses);
  }
  if (warnings.length) b.warnings = warnings;
  return b;
}

function pendingReason(addressOwner: string, set: AddressSet): string {
  // The object whose annotation says it, when an annotation decided (a ListenerSet's, not its Gateway's).
  const owner = set.annotation !== undefined ? (set.annotationOwner ?? addressOwner) : addressOwner;
  if (set.annotation !== undefined) {
    if (set.hostnameAddresses.length) {
      return `${owner} has only Hostname addresses in annotation ${set.annotationKey ?? ANNOTATION_ADDRESSES} (${set.hostnameAddresses.join(', ')}), which mDNS cannot serve; add its IP to the annotation, or publish the name in a --zone (a CNAME)`;
    }
    return `${owner} has no usable address in annotation ${set.annotationKey ?? ANNOTATION_ADDRESSES} (${JSON.stringify(set.annotation)}); fix the annotation`;
  }
  if (set.hostnameAddresses.length) {
    return `${owner} has no addresses yet (only Hostname addresses, which are not served: ${set.hostnameAddresses.join(', ')}); set annotation ${ANNOTATION_ADDRESSES} to its IP`;
  }
  return `${owner} has no addresses yet; it is published once its controller assigns one (or set annotation ${ANNOTATION_ADDRESSES})`;
}
