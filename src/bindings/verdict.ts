// How a binding's status follows from rules 6 and 7 (docs/design.md#status):
// Skipped when it has nowhere to go, Pending when it would go somewhere but has no address,
// Ready otherwise. Shared by routes and Ingresses.

import type { Binding, GatewayRef, ResourceRef } from './types.js';
import type { AddressSet } from './addresses.js';
import { publishDecision, type AnnotationSource } from './publish.js';
import { bindingUrl } from './urls.js';
import { ANNOTATION_ADDRESSES } from './types.js';

export interface BindingBase {
  route: ResourceRef;
  gateway: GatewayRef | null;
  parent?: Binding['parent'];
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
}

export function placedBinding(base: BindingBase, p: Placement): Binding {
  const decision = publishDecision(p.hostname, p.zones, p.annotations);
  const warnings = [...p.addresses.warnings, ...decision.warnings];
  const b: Binding = {
    hostname: p.hostname,
    // Binding.addresses are the served ones: a Skipped name is served nowhere.
    addresses: decision.publish.length ? [...p.addresses.addresses] : [],
    status: 'Ready',
    reason: '',
    publish: decision.publish,
    route: base.route,
    gateway: base.gateway,
    listener: p.listener,
    port: p.port,
    url: bindingUrl(p.hostname, p.port, p.protocol),
  };
  if (decision.zone !== undefined) b.zone = decision.zone;
  if (base.parent) b.parent = base.parent;
  if (p.addresses.hostnameAddresses.length) b.hostnameAddresses = [...p.addresses.hostnameAddresses];
  if (decision.publish.length === 0) {
    b.status = 'Skipped';
    b.reason = decision.reason;
  } else if (b.addresses.length === 0) {
    b.status = 'Pending';
    b.reason = pendingReason(p.addressOwner, p.addresses);
  }
  if (warnings.length) b.warnings = warnings;
  return b;
}

function pendingReason(owner: string, set: AddressSet): string {
  if (set.annotation !== undefined) {
    return `${owner} has no usable address in annotation ${ANNOTATION_ADDRESSES} (${JSON.stringify(set.annotation)}); fix the annotation`;
  }
  if (set.hostnameAddresses.length) {
    return `${owner} has no addresses yet (only Hostname addresses, which are not served: ${set.hostnameAddresses.join(', ')}); set annotation ${ANNOTATION_ADDRESSES} to its IP`;
  }
  return `${owner} has no addresses yet; it is published once its controller assigns one (or set annotation ${ANNOTATION_ADDRESSES})`;
}
