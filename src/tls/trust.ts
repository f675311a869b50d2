// "Trusted here" for the TLS column (issue 12): the certificate chains to a root in Node's own
// store (tls.rootCertificates, Mozilla's list bundled with Node), the system store (the bundle
// file OpenSSL and curl read), or NODE_EXTRA_CA_CERTS. A CA that exists but was never
// installed is therefore untrusted. Name constraints and revocation are not evaluated here.
import type { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { parseCertificates } from './certs.js';

/** The system bundles Go's crypto/x509 reads on Linux (root_linux.go), then macOS/BSD's. */
export const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

export class TrustAnchors {
  private readonly byFingerprint = new Map<string, X509Certificate>();

  constructor(roots: Iterable<X509Certificate>) {
    for (const r of roots) this.byFingerprint.set(r.fingerprint256, r);
  }

  /** Node's store + the first system bundle found (or SSL_CERT_FILE) + NODE_EXTRA_CA_CERTS. */
  static load(env: Readonly<Record<string, string | undefined>> = process.env, bundles: readonly string[] = SYSTEM_BUNDLES): TrustAnchors {
    const roots: X509Certificate[] = [];
    for (const pem of rootCertificates) roots.push(...parseCertificates(pem));
    const files = [env.SSL_CERT_FILE, ...bundles].filter((f): f is string => Boolean(f));
    for (const f of files) {
      const text = readQuietly(f);
      if (text !== undefined) {
        roots.push(...parseCertificates(text));
        break;
      }
    }
    if (env.NODE_EXTRA_CA_CERTS) roots.push(...parseCertificates(readQuietly(env.NODE_EXTRA_CA_CERTS) ?? ''));
    return new TrustAnchors(roots);
  }

  get size(): number {
    return this.byFingerprint.size;
  }

  has(cert: X509Certificate): boolean {
    return this.byFingerprint.has(cert.fingerprint256);
  }

  /** A trusted root that issued `cert`, if any. */
  issuerOf(cert: X509Certificate): X509Certificate | undefined {
    for (const root of this.byFingerprint.values()) if (signedBy(cert, root)) return root;
    return undefined;
  }
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Walks leaf → chain → a trusted root; says why not when it cannot. */
export function chainsToTrusted(
  leaf: X509Certificate,
  chain: readonly X509Certificate[],
  anchors: TrustAnchors,
): { trusted: true } | { trusted: false; reason: string } {
  let cur = leaf;
  for (let depth = 0; depth < 8; depth++) {
    if (anchors.has(cur)) return { trusted: true };
    if (anchors.issuerOf(cur)) return { trusted: true };
    const next = chain.find((c) => c !== cur && c.fingerprint256 !== cur.fingerprint256 && signedBy(cur, c));
    if (!next) {
      const issuer = cur.issuer.split('\n').find((l) => l.startsWith('CN=')) ?? cur.issuer.split('\n').join(', ');
      return { trusted: false, reason: `issuer ${issuer.replace(/^CN=/, '')} is not trusted here` };
    }
    cur = next;
  }
  return { trusted: false, reason: 'chain too long' };
}
