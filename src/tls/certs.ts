// Reading certificates back: the PEM blocks of a tls.crt, the leaf's names and validity.
// Node's X509Certificate parses and verifies; nothing here creates anything.
import { X509Certificate } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle, in order; unparsable blocks are dropped. */
export function parseCertificates(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.match(PEM_BLOCK) ?? []) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      // not a certificate: ignored, the caller reports a missing leaf
    }
  }
  return out;
}

/** DNS names in the subjectAltName, lower-case, in certificate order. */
export function dnsNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName ?? '';
  const out: string[] = [];
  // Node renders "DNS:a, DNS:b, IP Address:…"; quoted forms appear only for odd characters.
  for (const part of san.split(/,\s*/)) {
    const m = /^DNS:"?([^"]*)"?$/.exec(part.trim());
    if (m?.[1]) out.push(m[1].toLowerCase());
  }
  return out;
}

/** RFC 6125 §6.4.3 as browsers do it: `*` is a whole left-most label matching one label. */
export function certCovers(names: readonly string[], hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  for (const n of names) {
    if (n === host) return true;
    if (n.startsWith('*.')) {
      const rest = n.slice(1); // ".example.local"
      // a wildcard hostname (listener *.x.local) is covered by the same wildcard only
      if (host.startsWith('*.')) continue;
      const dot = host.indexOf('.');
      if (dot > 0 && host.slice(dot) === rest) return true;
    }
  }
  return false;
}

export function validity(cert: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/** The issuer's distinguished name on one line. */
export function oneLineName(name: string): string {
  return name.split('\n').join(', ');
}
