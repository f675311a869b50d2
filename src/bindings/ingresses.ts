// Ingress (networking.k8s.io/v1, docs/design.md#ingress): hosts from spec.rules[].host and
// spec.tls[].hosts; addresses from status.loadBalancer.ingress[].ip (or the
// kubectl-mdns/addresses annotation on the Ingress, as on a Gateway); port 443 when a tls entry
// covers the host, else 80. No gateway and no listener. Rule 7 (where it goes) applies as is.

import type { Ingress } from '../gateway-api/objects.js';
import type { Binding, BindingOptions, ResourceRef } from './types.js';
import { checkHostname, intersectHostnames } from './hostnames.js';
import { ingressAddresses } from './addresses.js';
import { nameOf, namespaceOf, type BindingIndex } from './object-index.js';
import { named, placedBinding, skippedBinding, type BindingBase } from './verdict.js';
import { compareBindings } from './order.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

/** `index` is unused today; the signature matches bindRoute so `serve` treats both alike. */
export function bindIngress(ingress: Ingress, _index: BindingIndex, options: BindingOptions): Binding[] {
  const name = nameOf(ingress);
  if (name === undefined) return [];
  const namespace = namespaceOf(ingress);
  const ref: ResourceRef = { kind: 'Ingress', namespace, name };
  const base: BindingBase = { route: ref, gateway: null };
  const owner = `ingress ${namespace}/${name}`;
  const spec = isRecord(ingress.spec) ? ingress.spec : {};

  const rawHosts: unknown[] = [];
  for (const rule of list(spec.rules)) if (isRecord(rule) && rule.host !== undefined && rule.host !== '') rawHosts.push(rule.host);
  const tlsHosts: string[] = [];
  for (const tls of list(spec.tls)) {
    if (!isRecord(tls)) continue;
    for (const h of list(tls.hosts)) {
      rawHosts.push(h);
      const check = checkHostname(h);
      if (check.ok) tlsHosts.push(check.name);
    }
  }
  if (rawHosts.length === 0) {
    return [skippedBinding(base, '', `${owner} has no host in spec.rules or spec.tls; add spec.rules[].host`)];
  }

  const addresses = ingressAddresses(ingress, owner);
  const seen = new Set<string>();
  const out: Binding[] = [];
  for (const raw of rawHosts) {
    const check = checkHostname(raw);
    if (seen.has(check.name)) continue;
    seen.add(check.name);
    if (!check.ok) {
      out.push(named(skippedBinding(base, check.name, `${check.reason}; fix the Ingress host`), { sources: ['spec'] }));
      continue;
    }
    // A tls entry covers the host when its name (possibly a wildcard) takes it.
    const secure = tlsHosts.some((t) => intersectHostnames(check.name, t) === check.name);
    const port = secure ? 443 : 80;
    out.push(
      named(
        placedBinding(base, {
          hostname: check.name,
          listener: '',
          port,
          protocol: secure ? 'HTTPS' : 'HTTP',
          addresses,
          addressOwner: owner,
          annotations: [{ owner: `Ingress ${namespace}/${name}`, annotations: ingress.metadata?.annotations }],
          zones: options.zones,
        }),
        { sources: ['spec'] },
      ),
    );
  }
  return out.sort(compareBindings);
}
