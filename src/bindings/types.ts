// A Binding is one (route, hostname, parent gateway) triple and its verdict.
// Its JSON form is the public `BindingList` item (docs/design.md#bindinglist): fields may be
// added, never renamed.

export type BindingStatus = 'Ready' | 'Pending' | 'Skipped';
export type PublishTarget = 'mdns' | 'unicast';

export interface ResourceRef {
  kind: string; // HTTPRoute | GRPCRoute | TLSRoute | TCPRoute | UDPRoute | Ingress | Service
  namespace: string;
  name: string;
}

/**
 * Where a binding's hostname comes from (`list -o wide` SOURCE): the route's own field
 * (`spec.hostnames`, an Ingress's `spec.rules[].host`), the listener's hostname when the route
 * names none, or a hostname annotation (ours or external-dns's, annotations.ts).
 */
export type NameSource = 'spec' | 'listener' | 'annotation';

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
  /** Every source that names this hostname, in the order spec, listener, annotation. */
  sources?: NameSource[];
  /** With source `annotation`: the annotation key that won (annotations.ts precedence). */
  sourceAnnotation?: string;
  /**
   * Unicast only: the CNAME target when the gateway has only a Hostname address (status or
   * target annotation). mDNS cannot serve it (reported, not served); a unicast zone gets a CNAME.
   */
  cname?: string;
  /**
   * The DNS-SD service type advertised for a Ready .local name (RFC 6763 §7), when it is not
   * the default `_http._tcp` / `_https._tcp`; '' means no DNS-SD instance at all.
   */
  dnsSdType?: string;
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
