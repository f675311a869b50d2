// The TLS column of `list -o wide` and `tls` in list's JSON items (issue 12): for each
// HTTPS/TLS binding, is the certificate in its listener's Secret valid now, for this name,
// and trusted here? Pure given the Secrets and the trust anchors.
import type { Binding } from '../bindings/types.js';
import type { ClusterObjects } from '../gateway-api/objects.js';
import type { Secret } from '../cluster/secrets.js';
import { certCovers, dnsNames, oneLineName, parseCertificates, validity } from './certs.js';
import { certificateRef, tlsListenerOf } from './targets.js';
import { chainsToTrusted, type TrustAnchors } from './trust.js';
import type { BindingTls, ObjectRef } from './types.js';

/** What a Secret lookup gave: the Secret, none, or an error line (403). */
export type SecretLookup = Secret | undefined | { error: string };

/** The Secrets (namespace/name) that the TLS bindings' listeners name. */
export function referencedSecrets(objects: ClusterObjects, bindings: readonly Binding[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const b of bindings) {
    const found = tlsListenerOf(objects, b);
    if (!found) continue;
    const ref = certificateRef(found.owner, found.listener);
    if ('secret' in ref) seen.set(`${ref.secret.namespace}/${ref.secret.name}`, ref.secret);
  }
  return [...seen.values()];
}

export function bindingTlsStatus(
  objects: ClusterObjects,
  b: Binding,
  lookup: (ref: ObjectRef) => SecretLookup,
  anchors: TrustAnchors,
  now: Date,
): BindingTls | undefined {
  const found = tlsListenerOf(objects, b);
  if (!found) return undefined;
  const ref = certificateRef(found.owner, found.listener);
  const none = (reason: string): BindingTls => ({ status: 'no-secret', issuer: null, notAfter: null, reason });
  if ('problem' in ref) return none(ref.problem);
  const secret = lookup(ref.secret);
  const name = `${ref.secret.namespace}/${ref.secret.name}`;
  if (secret && 'error' in secret) return { status: 'unknown', issuer: null, notAfter: null, reason: secret.error };
  if (!secret) return none(`Secret ${name} not found (kubectl mdns tls creates it)`);
  const crt = secret.data?.['tls.crt'];
  const certs = typeof crt === 'string' ? parseCertificates(Buffer.from(crt, 'base64').toString('utf8')) : [];
  const leaf = certs[0];
  if (!leaf) return none(`Secret ${name} holds no certificate in tls.crt`);
  const { notBefore, notAfter } = validity(leaf);
  const base = { issuer: oneLineName(leaf.issuer), notAfter: notAfter.toISOString() };
  if (now < notBefore) return { status: 'expired', ...base, reason: `not valid before ${notBefore.toISOString()}` };
  if (now > notAfter) return { status: 'expired', ...base, reason: `expired ${notAfter.toISOString()}` };
  if (b.hostname === '' || !certCovers(dnsNames(leaf), b.hostname)) {
    return { status: 'wrong-name', ...base, reason: `certificate is for ${dnsNames(leaf).join(', ') || 'no DNS names'}` };
  }
  const chain = chainsToTrusted(leaf, certs.slice(1), anchors);
  if (!chain.trusted) return { status: 'untrusted', ...base, reason: `${chain.reason} (kubectl mdns tls ca --install)` };
  return { status: 'trusted', ...base, reason: '' };
}

/** The column text: `trusted`, `untrusted: <why>`, `wrong name`, `expired`, `no secret`. */
export function tlsColumnText(t: BindingTls | undefined): string {
  if (!t) return '-';
  switch (t.status) {
    case 'trusted':
      return 'trusted';
    case 'untrusted':
      return `untrusted: ${t.reason}`;
    case 'wrong-name':
      return 'wrong name';
    case 'expired':
      return 'expired';
    case 'no-secret':
      return 'no secret';
    case 'unknown':
      return `unknown: ${t.reason}`;
  }
}
