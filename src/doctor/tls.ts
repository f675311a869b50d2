// The `tls` check (pure): the certificate the gateway serves for SNI = NAME covers the name
// (X509Certificate.checkHost: subjectAltName DNS entries, RFC 6125), is valid now, and chains
// to a root this machine trusts — Node's bundled store (tls.rootCertificates), the system
// store (e.g. Debian's /etc/ssl/certs/ca-certificates.crt) or NODE_EXTRA_CA_CERTS; the chain
// verdict is OpenSSL's, made while gathering against exactly those roots. When the
// certificate is issued by the local CA of `kubectl mdns tls` (a mkcert-layout rootCA.pem,
// read-only), the fix is to trust that CA.
import { X509Certificate } from 'node:crypto';
import { type Check, fail, pass } from './types.js';

export interface LocalCa {
  path: string;
  pem: string;
}

export interface TlsFacts {
  address: string;
  /** PEM of every certificate the server sent, leaf first. */
  chain: string[];
  /** OpenSSL's verdict against the trusted roots: undefined when it chains to one. */
  authorizationError?: string;
  /** The handshake itself failed. */
  error?: string;
  /** Where the trusted roots came from, for the detail line. */
  trustSources: string[];
  /** rootCA.pem files of the local CA folders that exist. */
  localCas: LocalCa[];
}

export const TRUST_LOCAL_CA = 'kubectl mdns tls ca --install';

function cn(dn: string): string {
  return /(?:^|\n)CN=([^\n]+)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');
}

/** The local CA that issued `leaf` (issuer name and signature both), if any. */
export function issuedByLocalCa(leaf: X509Certificate, cas: readonly LocalCa[]): LocalCa | undefined {
  for (const ca of cas) {
    try {
      const x = new X509Certificate(ca.pem);
      if (leaf.checkIssued(x) && leaf.verify(x.publicKey)) return ca;
    } catch {
      // not a certificate: ignore that file
    }
  }
  return undefined;
}

export function judgeTls(name: string, facts: TlsFacts, listener: string, now: Date = new Date()): Check {
  if (facts.error || facts.chain.length === 0) {
    return fail(
      'tls',
      `TLS handshake with ${facts.address} (SNI ${name}) failed: ${facts.error ?? 'no certificate'}`,
      `give listener ${listener} a certificate for ${name} (its certificateRefs Secret)`,
    );
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(facts.chain[0]!);
  } catch (err) {
    return fail(
      'tls',
      `the server sent a certificate that cannot be read (${(err as Error).message})`,
      `give listener ${listener} a valid certificate for ${name}`,
    );
  }
  const san = leaf.subjectAltName ?? 'no subjectAltName';
  const issuer = cn(leaf.issuer);
  const local = issuedByLocalCa(leaf, facts.localCas);
  const subject = `certificate CN=${cn(leaf.subject)} (${san}) issued by ${issuer}`;
  if (leaf.checkHost(name) === undefined) {
    return fail(
      'tls',
      `${subject} does not cover ${name}: the browser says NET::ERR_CERT_COMMON_NAME_INVALID`,
      `put a certificate whose subjectAltName has DNS:${name} in the Secret of listener ${listener}${local ? ` (kubectl mdns tls issues one from the local CA ${local.path})` : ''}`,
    );
  }
  const from = new Date(leaf.validFrom);
  const to = new Date(leaf.validTo);
  if (now < from || now > to) {
    return fail(
      'tls',
      `${subject} is valid from ${from.toISOString()} to ${to.toISOString()}, not now`,
      `renew the certificate in the Secret of listener ${listener}`,
    );
  }
  if (facts.authorizationError) {
    if (local) {
      return fail(
        'tls',
        `${subject}: issued by kubectl mdns's local CA (${local.path}), which this machine does not trust (${facts.authorizationError})`,
        TRUST_LOCAL_CA,
      );
    }
    const selfSigned = facts.authorizationError === 'DEPTH_ZERO_SELF_SIGNED_CERT' || leaf.checkIssued(leaf);
    if (selfSigned) {
      return fail(
        'tls',
        `${subject}: a self-signed certificate, trusted by no root this machine has (${facts.authorizationError})`,
        `issue the certificate from a CA this machine trusts — kubectl mdns tls does it with a local CA, then ${TRUST_LOCAL_CA} — or trust this one (NODE_EXTRA_CA_CERTS, /usr/local/share/ca-certificates + sudo update-ca-certificates)`,
      );
    }
    const incomplete =
      facts.authorizationError === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' && facts.chain.length === 1
        ? '; the server sends no intermediate certificate, so it may be a missing one'
        : '';
    return fail(
      'tls',
      `${subject}: its issuer is not trusted here (${facts.authorizationError})${incomplete}`,
      `trust the issuing CA ${issuer}: sudo cp ISSUER.pem /usr/local/share/ca-certificates/ISSUER.crt && sudo update-ca-certificates (and NODE_EXTRA_CA_CERTS for Node)`,
    );
  }
  return pass('tls', `${subject}, valid until ${to.toISOString().slice(0, 10)}, trusted (${facts.trustSources.join(', ')})`);
}
