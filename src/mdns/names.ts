// DNS names as mDNS compares them: case-insensitively for ASCII only (RFC 6762 §16). The wire
// limits (RFC 1035 §2.3.4: labels ≤ 63 octets, names ≤ 255) are checked by src/dns.

export { checkName } from '../dns/index.js';

/** Lower-cases A–Z only: RFC 6762 §16 says non-ASCII bytes compare exactly. */
export function nameKey(name: string): string {
  let n = name.endsWith('.') ? name.slice(0, -1) : name;
  n = n.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return n;
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}
