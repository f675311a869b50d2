// DNS names as mDNS compares them: case-insensitively for ASCII only (RFC 6762 §16), with the
// wire limits dns-packet does not check (RFC 1035 §2.3.4: labels ≤ 63 octets, names ≤ 255).

export const MAX_LABEL_BYTES = 63;
export const MAX_NAME_BYTES = 255;

/** Lower-cases A–Z only: RFC 6762 §16 says non-ASCII bytes compare exactly. */
export function nameKey(name: string): string {
  let n = name.endsWith('.') ? name.slice(0, -1) : name;
  n = n.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return n;
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** Wire length of the uncompressed name (length octets + labels + root), or an error. */
export function checkName(name: string): string | null {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n === '') return null;
  let total = 1;
  for (const label of n.split('.')) {
    const bytes = Buffer.byteLength(label);
    if (bytes === 0) return `empty label in ${JSON.stringify(name)}`;
    if (bytes > MAX_LABEL_BYTES) return `label longer than ${MAX_LABEL_BYTES} bytes in ${JSON.stringify(name)}`;
    total += bytes + 1;
  }
  if (total > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes: ${JSON.stringify(name)}`;
  return null;
}
