import type { PublishTarget, ResourceRef } from '../bindings/types.js';

/** A DNS-SD service instance (RFC 6763) advertised for a Ready .local binding (docs/design.md#records). */
export interface ServiceInstance {
  /** Instance label: the first label of the hostname (`shop` for shop.local). */
  instance: string;
  /** `_http._tcp` / `_https._tcp` for web sites; `_<service>._tcp|_udp` for TCPRoutes, UDPRoutes and Services on other ports. */
  type: string;
  port: number;
  /** TXT strings: `path=/` for web sites; one empty string otherwise (RFC 6763 §6.1). */
  txt: string[];
}

/**
 * The desired (or observed) DNS state of one name at one target: every address of every
 * Ready binding for that hostname (many-to-many is a union: round robin).
 */
export interface RecordSet {
  /** Lower-case, no trailing dot. May start with `*.` for unicast wildcards. */
  name: string;
  target: PublishTarget;
  /** Unicast only: the zone the name falls in. */
  zone?: string;
  /** Sorted, unique. */
  a: string[];
  aaaa: string[];
  /**
   * Unicast only, and only when `a` and `aaaa` are empty: the CNAME target (a gateway's Hostname
   * address). Nothing else may sit at the name (RFC 2181 §10.1).
   */
  cname?: string;
  /** mDNS only: DNS-SD instances pointing at this name. */
  services: ServiceInstance[];
  /** The routes this name comes from (sorted by kind/namespace/name). */
  owners: ResourceRef[];
  /**
   * Observed state only: set when the records are held by someone else (another mDNS
   * responder, a foreign unicast record, another --owner-id). Says who, for a person.
   */
  foreign?: string;
  /** Observed state only: the owner id found in the unicast ownership TXT. */
  ownerId?: string;
}

export { refString } from '../gateway-api/objects.js';
