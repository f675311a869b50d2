// LoadBalancer Services (core v1), published the way external-dns, k8s_gateway and
// external-mdns publish them: only when an annotation names them (`kubectl-mdns/hostname`, or
// external-dns's `hostname` under either prefix, annotations.ts), one binding per
// (Service, hostname). Addresses from status.loadBalancer.ingress[].ip (hostname entries are
// reported, not served), or the address annotations, as for an Ingress. The port is the
// Service's first: 443 → https, 80 and 8080 → http, anything else is no web site: no URL, and
// a DNS-SD type from the port's name (`_<name>._tcp`, RFC 6763 §7), or none. Rule 7 (where it
// goes, `kubectl-mdns/publish`) applies as is. No gateway, no listener.

import type { Service, ServicePort } from '../gateway-api/objects.js';
import type { Binding, BindingOptions, ResourceRef } from './types.js';
import { ingressAddresses } from './addresses.js';
import { annotatedHostnames } from './annotations.js';
import { isValidPort } from './listeners.js';
import { nameOf, namespaceOf, type BindingIndex } from './object-index.js';
import { named, placedBinding, skippedBinding, type BindingBase, type Naming } from './verdict.js';
import { compareBindings } from './order.js';
import { serviceType } from './service-types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first port with a valid number (API validation requires at least one for LoadBalancer). */
function firstPort(spec: Record<string, unknown>): ServicePort | undefined {
  const ports = Array.isArray(spec.ports) ? (spec.ports as unknown[]) : [];
  return ports.find((p): p is ServicePort => isRecord(p) && isValidPort(p.port));
}

interface WebPort {
  url: string;
  protocol: string;
  dnsSdType?: string;
}

function webPort(hostname: string, port: ServicePort): WebPort {
  const n = port.port as number;
  if (n === 443) return { url: `https://${hostname}/`, protocol: 'HTTPS' };
  if (n === 80) return { url: `http://${hostname}/`, protocol: 'HTTP' };
  if (n === 8080) return { url: `http://${hostname}:8080/`, protocol: 'HTTP' };
  const transport = typeof port.protocol === 'string' && port.protocol.toUpperCase() === 'UDP' ? 'udp' : 'tcp';
  return { url: '', protocol: '', dnsSdType: serviceType(port.name, transport) };
}

/** `index` is unused; the signature matches bindRoute so `serve` treats every kind alike. */
export function bindService(service: Service, _index: BindingIndex, options: BindingOptions): Binding[] {
  const name = nameOf(service);
  if (name === undefined) return [];
  // A Service no annotation names is not meant to be published: most are internal.
  const annotated = annotatedHostnames(service);
  if (!annotated) return [];
  const namespace = namespaceOf(service);
  const ref: ResourceRef = { kind: 'Service', namespace, name };
  const base: BindingBase = { route: ref, gateway: null };
  const naming: Naming = { sources: ['annotation'], sourceAnnotation: annotated.key };
  const owner = `service ${namespace}/${name}`;
  const out: Binding[] = annotated.invalid.map((bad) => named(skippedBinding(base, bad.name, bad.reason), naming));
  const skipAll = (reason: string): Binding[] => {
    for (const h of annotated.valid) out.push(named(skippedBinding(base, h, reason), naming));
    return out.sort(compareBindings);
  };

  const spec = isRecord(service.spec) ? service.spec : {};
  const type = typeof spec.type === 'string' && spec.type !== '' ? spec.type : 'ClusterIP';
  if (type !== 'LoadBalancer') {
    return skipAll(
      `Service ${namespace}/${name} is of type ${type}: only a LoadBalancer Service has an address outside the cluster; set spec.type: LoadBalancer, or reach it through a Gateway route, or remove annotation ${annotated.key}`,
    );
  }
  const port = firstPort(spec);
  if (!port) return skipAll(`Service ${namespace}/${name} has no valid spec.ports; add one`);

  const addresses = ingressAddresses(service, owner);
  for (const hostname of annotated.valid) {
    const web = webPort(hostname, port);
    out.push(
      named(
        placedBinding(base, {
          hostname,
          listener: '',
          port: port.port as number,
          protocol: web.protocol,
          addresses,
          addressOwner: owner,
          annotations: [{ owner: `Service ${namespace}/${name}`, annotations: service.metadata?.annotations }],
          zones: options.zones,
          url: web.url,
          ...(web.dnsSdType !== undefined ? { dnsSdType: web.dnsSdType } : {}),
        }),
        naming,
      ),
    );
  }
  return out.sort(compareBindings);
}
