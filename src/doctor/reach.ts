// `route`, `tcp` and `http` (pure), per gateway address. A browser tries every address it got
// (Happy Eyeballs, RFC 8305), so a step fails only when no address gets through, and is a
// warning when some do not.
import { type Check, fail, pass, warn } from './types.js';

export interface RouteFact {
  address: string;
  /** Source address and interface of a connected UDP socket (the kernel's route lookup). */
  source?: string;
  interface?: string;
  error?: string;
}

export interface TcpFact {
  address: string;
  port: number;
  ms: number;
  error?: string;
}

export interface HttpFact {
  address: string;
  status?: number;
  statusLine?: string;
  error?: string;
}

/** Interfaces other machines on the LAN cannot reach through: loopback, container and VM bridges. */
export const HOST_ONLY_INTERFACE = /^(lo|docker\d*|br-[0-9a-f]+|virbr\d+|cni\d+|cni-podman\d+|podman\d+|kind.*|vboxnet\d+|vmnet\d+|bridge100)$/;

export function isHostOnly(f: RouteFact): boolean {
  return /^127\./.test(f.address) || f.address === '::1' || (f.interface !== undefined && HOST_ONLY_INTERFACE.test(f.interface));
}

export function judgeRoute(facts: readonly RouteFact[]): Check {
  const ok = facts.filter((f) => !f.error);
  const bad = facts.filter((f) => f.error);
  const describe = (f: RouteFact) => `${f.address} via ${f.interface ?? '?'} from ${f.source ?? '?'}`;
  if (ok.length === 0) {
    const a = bad[0]!;
    return fail(
      'route',
      `no route from this machine to ${bad.map((f) => `${f.address} (${f.error})`).join(', ')}`,
      `give the Gateway an address on a network this machine is on (its status.addresses, or the annotation kubectl-mdns/addresses), or add a route: sudo ip route add ${a.address} via ROUTER-IP`,
    );
  }
  const hostOnly = ok.filter(isHostOnly);
  if (bad.length > 0)
    return warn(
      'route',
      `${ok.map(describe).join('; ')}; no route to ${bad.map((f) => `${f.address} (${f.error})`).join(', ')}`,
      `drop the unreachable address from the Gateway, or add a route to it`,
    );
  if (hostOnly.length === ok.length) {
    return warn(
      'route',
      `${ok.map(describe).join('; ')}: only this host reaches it (loopback or a container bridge); other machines on the LAN resolve the name but cannot connect`,
      'to open it from other machines, give the Gateway an address on the LAN (annotation kubectl-mdns/addresses) and forward its port there',
    );
  }
  return pass('route', ok.map(describe).join('; '));
}

export function judgeTcp(facts: readonly TcpFact[]): Check {
  const ok = facts.filter((f) => !f.error);
  const bad = facts.filter((f) => f.error);
  const hp = (f: TcpFact) => (f.address.includes(':') ? `[${f.address}]:${f.port}` : `${f.address}:${f.port}`);
  const why = (e: string) =>
    e === 'ECONNREFUSED' ? 'connection refused: nothing listens there' : e === 'ETIMEDOUT' ? 'no answer: dropped on the way or the host is down' : e;
  if (ok.length === 0) {
    const f = bad[0]!;
    const refused = bad.every((b) => b.error === 'ECONNREFUSED');
    return fail(
      'tcp',
      `${bad.map((b) => `${hp(b)}: ${why(b.error!)}`).join('; ')}`,
      refused
        ? `nothing listens on port ${f.port} at ${f.address}: check that the gateway's data plane runs and its listener port is exposed there (kubectl get gateway -A; kubectl get svc -A | grep ${f.address})`
        : `something drops TCP ${f.port} to ${f.address}: a firewall on the way or on the gateway host, or the host is down`,
    );
  }
  if (bad.length > 0)
    return warn(
      'tcp',
      `${ok.map(hp).join(', ')} accept; ${bad.map((b) => `${hp(b)}: ${why(b.error!)}`).join('; ')}`,
      'drop the address that does not accept from the Gateway, or fix its listener',
    );
  return pass('tcp', `${ok.map((f) => `${hp(f)} accepts (${f.ms} ms)`).join(', ')}`);
}

export function judgeHttp(name: string, facts: readonly HttpFact[]): Check {
  const answered = facts.filter((f) => f.status !== undefined);
  if (answered.length === 0) {
    return fail(
      'http',
      `HEAD / with Host: ${name}: ${facts.map((f) => `${f.address}: ${f.error ?? 'no response'}`).join('; ')}`,
      'the listener accepts connections but speaks no HTTP: check the gateway listener protocol',
    );
  }
  const f = answered[0]!;
  const line = `HEAD / with Host: ${name} → ${f.statusLine} (${f.address})`;
  if (f.status! >= 500)
    return fail('http', line, `the gateway answers but its backend fails: kubectl describe the route and check its backendRefs' Service endpoints`);
  if (f.status! >= 400)
    return warn(
      'http',
      `${line}: the gateway answers, but not with the page`,
      `check the route's hostnames and path matches (kubectl mdns list -o wide shows which route has ${name})`,
    );
  return pass('http', line);
}
