// The `binding` check (pure): is NAME Ready here, through which gateway, listener, port and
// addresses — the same verdict `kubectl mdns list` shows (src/bindings).
import type { Binding } from '../bindings/types.js';
import { type Check, fail, pass } from './types.js';
import { refString } from '../gateway-api/objects.js';

/** What the later checks need from the bindings of one name. */
export interface Target {
  name: string;
  /** Union of the Ready mDNS bindings' addresses (what serve publishes, round robin). */
  addresses: string[];
  port: number;
  /**
   * 'https' | 'http' from the binding's URL; 'tls' for TLSRoute, 'grpc' for GRPCRoute; 'tcp'
   * for TCPRoute and a Service without a web URL; 'udp' for UDPRoute.
   */
  scheme: 'https' | 'http' | 'tls' | 'grpc' | 'tcp' | 'udp';
  listener: string;
  gateway: string;
  route: string;
}

const sameName = (a: string, b: string) => a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');

export function judgeBinding(name: string, bindings: readonly Binding[], context: string): { check: Check; target?: Target } {
  const mine = bindings.filter((b) => sameName(b.hostname, name));
  const where = context ? `context ${context}` : 'the manifests';
  if (mine.length === 0) {
    const ready = [...new Set(bindings.filter((b) => b.status === 'Ready' && b.publish.includes('mdns')).map((b) => b.hostname))];
    return {
      check: fail(
        'binding',
        `no route in ${where} has hostname ${name}${ready.length ? ` (Ready .local names: ${ready.slice(0, 5).join(', ')}${ready.length > 5 ? ', …' : ''})` : ''}`,
        `add ${name} to spec.hostnames of an HTTPRoute whose parent Gateway has an address; kubectl mdns list shows every name`,
      ),
    };
  }
  const ready = mine.filter((b) => b.status === 'Ready');
  if (ready.length === 0) {
    const b = mine[0]!;
    const [what, todo] = splitReason(b.reason);
    return { check: fail('binding', `${refString(b.route)}: ${b.status}: ${what}`, todo || 'see kubectl mdns list -o wide') };
  }
  const mdns = ready.filter((b) => b.publish.includes('mdns'));
  if (mdns.length === 0) {
    return {
      check: fail(
        'binding',
        `${name} is Ready but published by ${ready[0]!.publish.join(', ') || 'nothing'}, not mDNS`,
        'remove the kubectl-mdns/publish annotation (or set it to mdns or all) on the route or Gateway; .local names need mDNS',
      ),
    };
  }
  const b = mdns[0]!;
  const addresses = [...new Set(mdns.flatMap((x) => x.addresses))].sort();
  const kind = b.route.kind;
  const scheme: Target['scheme'] =
    kind === 'TLSRoute'
      ? 'tls'
      : kind === 'GRPCRoute'
        ? 'grpc'
        : kind === 'UDPRoute'
          ? 'udp'
          : b.url.startsWith('https:')
            ? 'https'
            : b.url.startsWith('http:')
              ? 'http'
              : kind === 'TCPRoute' || kind === 'Service'
                ? 'tcp'
                : 'http';
  const target: Target = {
    name,
    addresses,
    port: b.port ?? (scheme === 'http' ? 80 : 443),
    scheme,
    listener: b.listener,
    gateway: b.gateway ? `${b.gateway.namespace}/${b.gateway.name}` : '',
    route: refString(b.route),
  };
  const via = target.gateway ? ` via ${target.gateway} listener ${b.listener || '-'}` : '';
  return { check: pass('binding', `Ready: ${target.route}${via} port ${target.port} → ${addresses.join(', ')}`), target };
}

/** "what happened; what to do" → both halves (bindings' reasons are written that way). */
function splitReason(reason: string): [string, string] {
  const i = reason.indexOf('; ');
  return i < 0 ? [reason, ''] : [reason.slice(0, i), reason.slice(i + 2)];
}
