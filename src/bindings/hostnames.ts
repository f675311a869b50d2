// Hostname rules of binding rule 4 (docs/design.md#rule-4-hostnames): normalisation, RFC 1123 validation, and the
// Gateway API route/listener hostname intersection (HTTPRoute spec.hostnames, GEP-2643 wording:
// `*.example.com` matches one or more labels before `.example.com`, never `example.com` itself).

import { isIP } from 'node:net';

export type HostnameCheck = { ok: true; name: string } | { ok: false; name: string; reason: string };

const LABEL = /^[a-z0-9-]+$/;
const MAX_NAME = 253;
const MAX_LABEL = 63;

/** Lower-case and strip one trailing dot: DNS names compare case-insensitively, `a.local.` is `a.local`. */
export function normalizeHostname(value: string): string {
  const lower = value.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Normalise and validate. A wildcard is allowed only as the whole first label (`*.a.local`),
 * as in the Gateway API Hostname type; IP literals are refused like the API server does.
 */
export function checkHostname(value: unknown): HostnameCheck {
  if (typeof value !== 'string') {
    return { ok: false, name: displayValue(value), reason: `hostname ${displayValue(value)} is not a string` };
  }
  const name = normalizeHostname(value);
  const bad = (why: string): HostnameCheck => ({ ok: false, name, reason: `invalid hostname "${shorten(name)}": ${why}` });
  if (name === '') return bad('it is empty');
  if (name.length > MAX_NAME) return bad(`it is ${name.length} characters long, more than ${MAX_NAME}`);
  if (isIP(name) !== 0) return bad('an IP address is not a hostname');
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as string;
    if (label === '*') {
      if (i !== 0) return bad("'*' is allowed only as the whole first label");
      if (labels.length === 1) return bad("'*' alone matches every name; use '*.domain'");
      continue;
    }
    if (label === '') return bad('it has an empty label');
    if (label.length > MAX_LABEL) return bad(`label "${shorten(label)}" is longer than ${MAX_LABEL} characters`);
    if (!LABEL.test(label)) {
      return bad(label.includes('*') ? "'*' is allowed only as the whole first label" : `label "${shorten(label)}" has characters other than a-z, 0-9 and '-'`);
    }
    if (label.startsWith('-') || label.endsWith('-')) return bad(`label "${shorten(label)}" starts or ends with '-'`);
  }
  return { ok: true, name };
}

export function isWildcard(name: string): boolean {
  return name.startsWith('*.');
}

/** The part a wildcard stands in front of: `*.a.local` → `a.local`. */
function wildcardSuffix(name: string): string {
  return name.slice(2);
}

/** True when `name` has at least one label in front of `.suffix`. */
function strictlyUnder(name: string, suffix: string): boolean {
  return name.length > suffix.length + 1 && name.endsWith(`.${suffix}`);
}

/**
 * Intersection of a route hostname with a listener hostname ('' = the listener takes every
 * name). Returns the more specific of the two, or null when they do not intersect.
 * Both arguments must already be normalised and valid.
 */
export function intersectHostnames(route: string, listener: string): string | null {
  if (listener === '') return route;
  const rw = isWildcard(route);
  const lw = isWildcard(listener);
  if (!rw && !lw) return route === listener ? route : null;
  if (!rw && lw) return strictlyUnder(route, wildcardSuffix(listener)) ? route : null;
  if (rw && !lw) return strictlyUnder(listener, wildcardSuffix(route)) ? listener : null;
  const rs = wildcardSuffix(route);
  const ls = wildcardSuffix(listener);
  if (rs === ls || strictlyUnder(rs, ls)) return route;
  if (strictlyUnder(ls, rs)) return listener;
  return null;
}

/** Higher is more specific: exact names beat wildcards, longer wildcards beat shorter, '' is last. */
export function hostnameSpecificity(name: string): number {
  if (name === '') return 0;
  if (isWildcard(name)) return 1 + name.length;
  return 1000 + name.length;
}

export function isLocalName(name: string): boolean {
  return name.endsWith('.local');
}

export function labelCount(name: string): number {
  return name === '' ? 0 : name.split('.').length;
}

/** True when `name` is `zone` or below it on a label boundary (`x.notk8s` is not in `k8s`). */
export function inZone(name: string, zone: string): boolean {
  if (zone === '') return false;
  const bare = isWildcard(name) ? wildcardSuffix(name) : name;
  return name === zone || bare === zone || bare.endsWith(`.${zone}`);
}

export function displayValue(value: unknown): string {
  if (typeof value === 'string') return `"${shorten(value)}"`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return shorten(text);
}

/** Keep messages one readable line even for 300-label names. */
export function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
