// Binding rule 5 (docs/design.md#rule-5-port), the rule cloud-provider-mdns's README describes: a route that names its listener
// (sectionName or port) gets that listener's port; otherwise 443 if a listener that serves the
// name is on 443, else 80, else Skipped — or, with --any-port, the lowest port (Gateway API itself
// attaches the route to every listener that accepts it, so any of them is a right answer).

import { hostnameSpecificity } from './hostnames.js';
import type { UsableListener } from './listeners.js';

export interface PortChoice {
  port: number;
  /** The listener reported for the binding: on `port`, with the most specific hostname. */
  listener: UsableListener;
}

/** The exact Skipped message of rule 5 (docs/design.md#rule-5-port); `parent` is "gateway NS/NAME" (or "ListenerSet NS/NAME"). */
export function noStandardPortReason(parent: string): string {
  return `${parent} has no listener on 443 or 80; set sectionName or port in parentRefs, or use --any-port`;
}

/**
 * `listeners` are those that serve the name (rule 3 and 4 passed), never empty.
 * `pinned` is true when the parentRef has sectionName or port: then every listener given
 * is on the port the route asked for. Returns null when rule 5 skips the name.
 */
export function choosePort(listeners: readonly UsableListener[], pinned: boolean, anyPort: boolean): PortChoice | null {
  if (listeners.length === 0) return null;
  const ports = [...new Set(listeners.map((l) => l.port))].sort((a, b) => a - b);
  let port: number | undefined;
  if (pinned) port = ports[0];
  else if (ports.includes(443)) port = 443;
  else if (ports.includes(80)) port = 80;
  else if (anyPort) port = ports[0];
  if (port === undefined) return null;
  const onPort = listeners.filter((l) => l.port === port);
  // Several listeners on one port (e.g. `https` for every name and `https-shop` for shop.local):
  // report the one Gateway API routing would pick, the most specific hostname.
  const best = [...onPort].sort((a, b) => hostnameSpecificity(b.hostname) - hostnameSpecificity(a.hostname))[0] as UsableListener;
  return { port, listener: best };
}

/** Preference between ports when one name reaches a gateway several ways (many parentRefs): 443, 80, then lowest. */
export function portPreference(port: number | null): number {
  if (port === null) return Number.MAX_SAFE_INTEGER;
  if (port === 443) return -2;
  if (port === 80) return -1;
  return port;
}
