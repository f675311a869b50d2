// From facts to one DoctorItem (pure): every check judged, then the order rules of README.md ("When a name does not open")
// applied, so the first broken step is the one a reader sees:
// - a check that merely follows from an earlier failure is `skip`, "because …";
// - the "why" checks (hosts-file … firewall) explain a resolver that is not right; when the
//   resolver returns the right addresses, what they find cannot be breaking this name, so a
//   `fail` there becomes a `warn`;
// - a failing resolver's fix points at the first failing "why" check.
import type { Binding } from '../bindings/types.js';
import type { ObservedAnswer } from '../mdns/query.js';
import { type MdnsFacts, type ResolverFacts, judgeMdnsAnswer, judgeResolver } from './answers.js';
import { judgeBinding, type Target } from './binding.js';
import {
  type AvahiFacts,
  type PortHolder,
  type ResolvedFacts,
  judgeAvahi,
  judgeMDNSResponder,
  judgePort5353,
  judgeResolved,
  judgeResolverDir,
  judgeScutil,
  macFirewallNote,
} from './daemons.js';
import { type FirewallFacts, judgeFirewall } from './firewall.js';
import { type FileRead, judgeHostsFile, judgeNsswitch, judgeNssMdns, parseHostsLine } from './host-config.js';
import { type HttpFact, type RouteFact, type TcpFact, judgeHttp, judgeRoute, judgeTcp } from './reach.js';
import { type TlsFacts, judgeTls } from './tls.js';
import { CHECK_IDS, type Check, type CheckId, type DoctorItem, skip } from './types.js';

export type CommandOutput = { output: string } | { error: string };

/** What is read once per run: the machine's resolver configuration. */
export interface HostFacts {
  platform: NodeJS.Platform;
  hosts: FileRead;
  nsswitch: FileRead;
  mdnsAllow: FileRead;
  /** libnss_mdns*.so.2 file names found in the library folders. */
  nssLibraries: string[];
  resolved: ResolvedFacts;
  port5353: PortHolder[] | { error: string };
  firewall: FirewallFacts;
  /** macOS: /etc/resolver files, `scutil --dns`, `socketfilterfw --getglobalstate`. */
  mac?: { resolverFiles: { file: string; text: string }[]; scutil: CommandOutput; socketfilterfw: CommandOutput };
}

/** What is asked per name. Missing parts were not asked (their check is skipped). */
export interface NameFacts {
  name: string;
  context: string;
  bindings: readonly Binding[];
  mdns?: MdnsFacts;
  resolver?: ResolverFacts;
  avahi?: AvahiFacts;
  /** macOS: `dns-sd -G v4v6 NAME` output. */
  dnsSd?: CommandOutput;
  route?: RouteFact[];
  tcp?: TcpFact[];
  tls?: TlsFacts;
  http?: HttpFact[];
}

export const WHY_CHECKS: readonly CheckId[] = ['hosts-file', 'nsswitch', 'nss-mdns', 'avahi', 'systemd-resolved', 'port-5353', 'firewall'];

export function usesTls(t: Target): boolean {
  return t.scheme === 'https' || t.scheme === 'tls' || (t.scheme === 'grpc' && t.port === 443);
}

export function mdnsValues(answers: readonly ObservedAnswer[]): string[] {
  return [...new Set(answers.flatMap((a) => a.values))].sort();
}

function item(name: string, checks: Map<CheckId, Check>): DoctorItem {
  const ordered = CHECK_IDS.map((id) => checks.get(id) ?? skip(id, 'because it was not asked'));
  return { name, ok: !ordered.some((c) => c.status === 'fail'), checks: ordered };
}

export function diagnose(host: HostFacts, facts: NameFacts): DoctorItem {
  const checks = new Map<CheckId, Check>();
  const put = (c: Check) => checks.set(c.id, c);
  const { check: binding, target } = judgeBinding(facts.name, facts.bindings, facts.context);
  put(binding);
  if (!target) {
    for (const id of CHECK_IDS) if (id !== 'binding') put(skip(id, `because ${facts.name} has no Ready mDNS binding (see binding)`));
    return item(facts.name, checks);
  }

  // mDNS and the resolver
  const mdns = facts.mdns ?? { links: [], timeoutMs: 0, answers: [] };
  put(judgeMdnsAnswer(facts.name, target.addresses, mdns));
  const values = mdnsValues(mdns.answers);
  const nobody = values.length === 0;
  if (nobody) put(skip('resolver', `because nobody answers ${facts.name} over mDNS (see mdns-answer)`));
  else if (facts.resolver) put(judgeResolver(facts.name, facts.resolver, values));
  else put(skip('resolver', 'because it was not asked'));

  // Why the resolver is (not) right
  const expected = nobody ? target.addresses : values;
  put(judgeHostsFile(facts.name, host.hosts, expected));
  if (host.platform === 'linux') {
    put(judgeNsswitch(facts.name, { nsswitch: host.nsswitch, mdnsAllow: host.mdnsAllow }, target.addresses));
    put(judgeNssMdns(host.nsswitch, host.nssLibraries));
    const avahi = facts.avahi ? judgeAvahi(facts.name, facts.avahi, !nobody) : skip('avahi', 'because it was not asked');
    put(avahi);
    const sources = 'text' in host.nsswitch ? parseHostsLine(host.nsswitch.text)?.sources : undefined;
    const holders = Array.isArray(host.port5353) ? host.port5353 : [];
    put(judgeResolved(host.resolved, sources, holders));
    put(judgePort5353(host.port5353, avahi.status !== 'fail'));
    put(judgeFirewall(host.firewall));
  } else if (host.platform === 'darwin' && host.mac) {
    put(judgeResolverDir(facts.name, host.mac.resolverFiles));
    put(skip('nss-mdns', 'because macOS resolves .local in mDNSResponder, not through an NSS module'));
    if (nobody) put(skip('avahi', `because nobody answers ${facts.name} over mDNS (see mdns-answer), so mDNSResponder has nothing to find`));
    else put(facts.dnsSd ? judgeMDNSResponder(facts.name, facts.dnsSd) : skip('avahi', 'because it was not asked'));
    put(judgeScutil(facts.name, host.mac.scutil));
    put(skip('port-5353', 'because mDNSResponder owns UDP 5353 on macOS'));
    put(macFirewallNote(host.mac.socketfilterfw));
  } else {
    for (const id of WHY_CHECKS)
      if (id !== 'hosts-file') put(skip(id, `because doctor reads Linux and macOS resolver settings only (this is ${host.platform})`));
  }
  const resolver = checks.get('resolver')!;
  if (resolver.status === 'pass' || resolver.status === 'warn') {
    for (const id of WHY_CHECKS) {
      const c = checks.get(id)!;
      if (c.status === 'fail') put({ ...c, status: 'warn', detail: `${c.detail} (the resolver still returns the mDNS answer for ${facts.name})` });
    }
  } else if (resolver.status === 'fail') {
    const cause = WHY_CHECKS.map((id) => checks.get(id)!).find((c) => c.status === 'fail');
    put({
      ...resolver,
      fix: cause
        ? `the ${cause.id} check below says why: ${cause.fix}`
        : `none of the checks below finds the cause: compare getent hosts ${facts.name} with avahi-resolve -n ${facts.name}`,
    });
  }

  // The way to the gateway
  const because = (id: CheckId, why: string) => put(skip(id, `because ${why}`));
  const route = facts.route ? judgeRoute(facts.route) : skip('route', 'because it was not asked');
  put(route);
  if (route.status === 'fail') {
    for (const id of ['tcp', 'tls', 'http'] as const) because(id, `this machine has no route to ${target.addresses.join(', ')} (see route)`);
    return item(facts.name, checks);
  }
  if (target.scheme === 'udp') {
    // UDP has no handshake to test without speaking the application's protocol.
    for (const id of ['tcp', 'tls', 'http'] as const) because(id, `${target.route} is UDP: there is no connection to open`);
    return item(facts.name, checks);
  }
  const tcp = facts.tcp ? judgeTcp(facts.tcp) : skip('tcp', 'because it was not asked');
  put(tcp);
  if (tcp.status === 'fail') {
    for (const id of ['tls', 'http'] as const) because(id, `nothing accepts a connection on port ${target.port} (see tcp)`);
    return item(facts.name, checks);
  }
  let tlsOk = true;
  if (target.scheme === 'tcp') because('tls', `${target.route} carries plain TCP (no TLS terminated at the gateway)`);
  else if (!usesTls(target)) because('tls', `listener ${target.listener || target.port} is plain HTTP`);
  else {
    const tls = facts.tls ? judgeTls(facts.name, facts.tls, target.listener || String(target.port)) : skip('tls', 'because it was not asked');
    put(tls);
    tlsOk = tls.status !== 'fail';
  }
  if (target.scheme === 'tls') because('http', `${target.route} passes TLS through; there is no HTTP to ask`);
  else if (target.scheme === 'grpc') because('http', `${target.route} is gRPC, not a page`);
  else if (target.scheme === 'tcp') because('http', `${target.route} carries plain TCP, not a page`);
  else if (!tlsOk) because('http', 'the browser stops at the certificate (see tls)');
  else put(facts.http ? judgeHttp(facts.name, facts.http) : skip('http', 'because it was not asked'));
  return item(facts.name, checks);
}
