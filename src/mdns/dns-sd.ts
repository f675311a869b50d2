// DNS-Based Service Discovery records (RFC 6763) for a published hostname (docs/design.md#records):
// per ServiceInstance
//   PTR  _http._tcp.local                  -> <instance>._http._tcp.local   (§4.1, shared)
//   SRV  <instance>._http._tcp.local       -> <hostname>:<port>             (§5, unique)
//   TXT  <instance>._http._tcp.local       "path=/"                         (§6, unique)
//   PTR  _services._dns-sd._udp.local      -> _http._tcp.local              (§9, shared)
// so `avahi-browse -a` lists them. TTLs per RFC 6762 §10: records that name a host (SRV) use
// the host TTL (120 s), the others 75 minutes.

import type { ServiceInstance } from '../records/types.js';
import { CLASS_IN, type MdnsRecord } from './packet.js';

export const SERVICES_META_NAME = '_services._dns-sd._udp.local';
export const OTHER_TTL = 4500;

export function serviceTypeName(svc: ServiceInstance): string {
  return `${svc.type}.local`;
}

export function instanceName(svc: ServiceInstance): string {
  return `${svc.instance}.${svc.type}.local`;
}

export interface ServiceRecords {
  name: string;
  unique: MdnsRecord[];
  shared: MdnsRecord[];
}

export function serviceRecords(svc: ServiceInstance, hostname: string, hostTtl: number): ServiceRecords {
  const name = instanceName(svc);
  const type = serviceTypeName(svc);
  return {
    name,
    unique: [
      { name, type: 'SRV', data: { priority: 0, weight: 0, port: svc.port, target: hostname }, rclass: CLASS_IN, flush: true, ttl: hostTtl },
      { name, type: 'TXT', data: svc.txt.map((s) => Buffer.from(s, 'utf8')), rclass: CLASS_IN, flush: true, ttl: OTHER_TTL },
    ],
    shared: [
      { name: type, type: 'PTR', data: name, rclass: CLASS_IN, flush: false, ttl: OTHER_TTL },
      { name: SERVICES_META_NAME, type: 'PTR', data: type, rclass: CLASS_IN, flush: false, ttl: OTHER_TTL },
    ],
  };
}
