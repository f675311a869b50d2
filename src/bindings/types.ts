// A Binding is one (route, hostname, parent gateway) triple and its verdict.
// Its JSON form is the public `BindingList` item (docs/design.md#bindinglist): fields may be
// added, never renamed.

export type BindingStatus = 'Ready' | 'Pending' | 'Skipped';
export type PublishTarget = 'mdns' | 'unicast';

export interface ResourceRef {
  kind: string; // HTTPRoute | GRPCRoute | TLSRoute | Ingress
  namespace: string;
  name: string;
}

export interface GatewayRef {
  namespace: string;
  name: string;
}

export interface Binding {
  hostname: string;
  /** Served addresses (IPv4 and IPv6), sorted, unique. Empty unless the gateway has usable ones. */
  addresses: string[];
  status: BindingStatus;
  /** Empty only for Ready; otherwise something a person can act on. */
  reason: string;
  /** Where a Ready (or would-be-Ready, for Pending) name goes; empty for Skipped. */
  publish: PublishTarget[];
  route: ResourceRef;
  /** The Gateway whose addresses serve the name (a ListenerSet's parent Gateway); null for Ingress. */
  gateway: GatewayRef | null;
  listener: string;
  port: number | null;
  url: string;
  /** The unicast zone the name falls in (most specific --zone on a label boundary), if any. */
  zone?: string;
  /** Wide output: the parentRef as written, and a ListenerSet in between if there is one. */
  parent?: { kind: string; namespace: string; name: string; sectionName?: string; port?: number };
  /** Hostname-type gateway addresses: reported, never served. */
  hostnameAddresses?: string[];
  /** Per-binding warnings (dropped invalid addresses, multi-label .local names...). */
  warnings?: string[];
}

export interface BindingOptions {
  /** Unicast zones (lower-case, no trailing dot): names inside them count as published there. */
  zones: string[];
  /** Use the lowest candidate port instead of skipping when no listener is on 443 or 80. */
  anyPort: boolean;
}

export interface BindingResult {
  bindings: Binding[];
  /** Problems not tied to one binding (malformed objects, unknown kinds). */
  warnings: string[];
}

export const ANNOTATION_ADDRESSES = 'kubectl-mdns/addresses';
export const ANNOTATION_PUBLISH = 'kubectl-mdns/publish';
