// `mdns-answer` and `resolver` (pure). mdns-answer reads the legacy-unicast answers doctor
// collected itself (src/mdns/query.ts: asked from an ephemeral port, RFC 6762 §6.7, so a
// firewall on 5353 does not hide them); resolver reads what getaddrinfo returned, as a browser
// asks it (AF_UNSPEC: both families).
import type { ObservedAnswer } from '../mdns/query.js';
import { type Check, fail, pass, warn } from './types.js';

export interface MdnsFacts {
  links: string[];
  timeoutMs: number;
  /** Answers for this name. */
  answers: ObservedAnswer[];
}

export interface ResolverFacts {
  addresses: string[];
  error?: string;
  ms: number;
}

/** A slower answer is a `warn`: browsers wait for it on every new connection. */
export const SLOW_RESOLVER_MS = 1000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

interface Responder {
  address: string;
  local: boolean;
  values: string[];
}

export function responders(answers: readonly ObservedAnswer[]): Responder[] {
  const by = new Map<string, Responder>();
  for (const a of answers) {
    const r = by.get(a.responder) ?? { address: a.responder, local: a.local, values: [] };
    by.set(a.responder, r);
    for (const v of a.values) if (!r.values.includes(v)) r.values.push(v);
  }
  return [...by.values()].map((r) => ({ ...r, values: r.values.sort() }));
}

export function judgeMdnsAnswer(name: string, expected: readonly string[], facts: MdnsFacts): Check {
  if (facts.links.length === 0)
    return fail(
      'mdns-answer',
      'no interface is up and multicast-capable, so nothing can be asked',
      'bring a network interface up, or choose one with --interface',
    );
  const all = responders(facts.answers);
  const on = `on ${facts.links.join(', ')}`;
  if (all.length === 0) {
    return fail(
      'mdns-answer',
      `nobody answered ${name} ${on} within ${seconds(facts.timeoutMs)}: no mDNS responder publishes it`,
      `start the responder on a machine on this link: kubectl mdns serve (same context and flags; it prints "serving N names")`,
    );
  }
  const good = all.filter((r) => same(r.values, expected));
  const bad = all.filter((r) => !same(r.values, expected));
  const who = (rs: Responder[]) => rs.map((r) => `${r.address}${r.local ? ' (this host)' : ''} with ${r.values.join(' ') || 'no address'}`).join('; ');
  if (bad.length === 0) return pass('mdns-answer', `answered ${on} by ${who(good)}`);
  if (good.length > 0) {
    return fail(
      'mdns-answer',
      `conflict: ${who(bad)} answers ${name} too, besides ${good.map((r) => r.address).join(', ')} with ${expected.join(' ')} (RFC 6762 §9: two hosts claim the name)`,
      `find the other device at ${bad.map((r) => r.address).join(', ')} (avahi-resolve -a ${bad[0]!.address}) and rename it or stop it publishing ${name}`,
    );
  }
  if (bad.every((r) => r.local)) {
    return fail(
      'mdns-answer',
      `this host's responder answers ${name} with ${bad[0]!.values.join(' ')}, the binding says ${expected.join(' ')}`,
      'restart kubectl mdns serve with the same context and flags as doctor',
    );
  }
  return fail(
    'mdns-answer',
    `answered by ${who(bad)}, but the binding says ${expected.join(' ')}: a responder with other data (another device, or a serve with an older state)`,
    `if ${bad[0]!.address} runs kubectl mdns serve, restart it with the same context and flags; otherwise another device claims ${name}: rename it or stop it`,
  );
}

export function judgeResolver(name: string, facts: ResolverFacts, mdnsValues: readonly string[]): Check {
  const took = seconds(facts.ms);
  // getaddrinfo gives link-local IPv6 addresses with their %zone; mDNS records carry none.
  const unzoned = mdnsValues.map((v) => v.replace(/%.*$/, '').toLowerCase());
  if (facts.addresses.length === 0) {
    return fail(
      'resolver',
      `getaddrinfo("${name}") returned nothing after ${took} (${facts.error ?? 'no address'}), though mDNS answers ${mdnsValues.join(' ')}`,
      'see the first failing check below',
    );
  }
  const other = facts.addresses.filter((a) => !unzoned.includes(a.replace(/%.*$/, '').toLowerCase()));
  if (other.length > 0) {
    return fail(
      'resolver',
      `getaddrinfo("${name}") returns ${facts.addresses.join(' ')} in ${took}, but mDNS answers ${mdnsValues.join(' ')}`,
      'see the first failing check below',
    );
  }
  if (facts.ms > SLOW_RESOLVER_MS) {
    return warn(
      'resolver',
      `getaddrinfo("${name}") returns ${facts.addresses.join(' ')} but takes ${took} (e.g. waiting for an AAAA answer that never comes); a browser waits that long too`,
      'use mdns4_minimal [NOTFOUND=return] on the hosts: line of /etc/nsswitch.conf when the name has only IPv4 addresses',
    );
  }
  return pass('resolver', `getaddrinfo("${name}") returns ${facts.addresses.join(' ')} in ${facts.ms} ms`);
}
