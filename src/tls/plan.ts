// What to do with one listener's Secret (issue 12). Pure: the target, the Secret as it is (or
// undefined), the CA and the time in; a decision out. Ours = label
// app.kubernetes.io/managed-by=kubectl-mdns AND our CA-fingerprint annotation; anything else
// is someone else's (cert-manager, a person) and is never changed without --force.
import type { X509Certificate } from 'node:crypto';
import type { Secret } from '../cluster/secrets.js';
import { certCovers, dnsNames, parseCertificates, validity } from './certs.js';
import type { TlsTarget } from './targets.js';
import { CA_FINGERPRINT_ANNOTATION, HOSTNAMES_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './types.js';
import type { PrivateKeyPem } from './private-key.js';

export type SecretDecision =
  | { kind: 'create'; reason: string }
  | { kind: 'renew'; reason: string; notAfter: Date | null }
  | { kind: 'unchanged'; reason: string; notAfter: Date | null }
  | { kind: 'foreign'; reason: string; notAfter: Date | null };

export interface CaIdentity {
  fingerprintSHA256: string;
  cert: X509Certificate;
}

/** Re-issue past this fraction of the certificate's lifetime (as cert-manager's default renewBefore does with 2/3). */
export const RENEW_AFTER_FRACTION = 2 / 3;

export function isOurs(secret: Secret): boolean {
  return secret.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && typeof secret.metadata?.annotations?.[CA_FINGERPRINT_ANNOTATION] === 'string';
}

/** Who holds a Secret that is not ours, for the `foreign: owned by …` reason. */
export function ownerOf(secret: Secret): string {
  const labels = secret.metadata?.labels ?? {};
  const annotations = secret.metadata?.annotations ?? {};
  const refs = (secret.metadata as { ownerReferences?: { kind?: string; name?: string }[] } | undefined)?.ownerReferences ?? [];
  if (annotations['cert-manager.io/certificate-name']) return `cert-manager (Certificate ${annotations['cert-manager.io/certificate-name']})`;
  if (refs[0]?.kind) return `${refs[0].kind} ${refs[0].name ?? ''}`.trim();
  const managedBy = labels[MANAGED_BY_LABEL];
  if (managedBy && managedBy !== MANAGED_BY_VALUE) return managedBy;
  if (managedBy === MANAGED_BY_VALUE) return 'kubectl-mdns, but without the CA annotation';
  return 'someone else (no app.kubernetes.io/managed-by: kubectl-mdns label)';
}

/** The leaf (first certificate) of a Secret's tls.crt, or undefined. */
export function secretLeaf(secret: Secret): X509Certificate | undefined {
  const crt = secret.data?.['tls.crt'];
  if (typeof crt !== 'string') return undefined;
  return parseCertificates(Buffer.from(crt, 'base64').toString('utf8'))[0];
}

export function decideSecret(target: TlsTarget, existing: Secret | undefined, ca: CaIdentity, now: Date, opts: { force: boolean }): SecretDecision {
  if (!existing) return { kind: 'create', reason: 'no Secret yet' };
  const leaf = secretLeaf(existing);
  const notAfter = leaf ? validity(leaf).notAfter : null;
  if (!isOurs(existing)) {
    if (!opts.force) return { kind: 'foreign', reason: `owned by ${ownerOf(existing)}; not changed (use --force to replace it)`, notAfter };
    return { kind: 'renew', reason: `owned by ${ownerOf(existing)}; replaced (--force)`, notAfter };
  }
  if (existing.type !== 'kubernetes.io/tls') return { kind: 'renew', reason: `type is ${existing.type ?? 'unset'}, not kubernetes.io/tls`, notAfter };
  if (!leaf) return { kind: 'renew', reason: 'tls.crt holds no certificate', notAfter };
  if (typeof existing.data?.['tls.key'] !== 'string' || existing.data['tls.key'] === '') return { kind: 'renew', reason: 'tls.key is empty', notAfter };
  if (existing.metadata?.annotations?.[CA_FINGERPRINT_ANNOTATION] !== ca.fingerprintSHA256 || !issuedBy(leaf, ca.cert)) {
    return { kind: 'renew', reason: 'issued by another CA', notAfter };
  }
  const have = dnsNames(leaf);
  const missing = target.hostnames.filter((h) => !have.includes(h));
  const extra = have.filter((h) => !target.hostnames.includes(h));
  if (missing.length || extra.length) {
    const parts = [...missing.map((h) => `+${h}`), ...extra.map((h) => `-${h}`)];
    return { kind: 'renew', reason: `names changed: ${parts.join(' ')}`, notAfter };
  }
  const { notBefore } = validity(leaf);
  const renewAt = notBefore.getTime() + RENEW_AFTER_FRACTION * (notAfter!.getTime() - notBefore.getTime());
  if (now.getTime() >= notAfter!.getTime()) return { kind: 'renew', reason: 'expired', notAfter };
  if (now.getTime() >= renewAt) return { kind: 'renew', reason: 'past 2/3 of its lifetime', notAfter };
  return { kind: 'unchanged', reason: `covers ${target.hostnames.join(' ')}`, notAfter };
}

export function issuedBy(leaf: X509Certificate, ca: X509Certificate): boolean {
  try {
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** Does every hostname have a SAN that covers it? (For checks and `list -o wide`.) */
export function coversAll(leaf: X509Certificate, hostnames: readonly string[]): boolean {
  const names = dnsNames(leaf);
  return hostnames.every((h) => certCovers(names, h));
}

/**
 * The Secret to write: kubernetes.io/tls with tls.crt = leaf + CA and tls.key, our label and
 * annotations; an existing Secret keeps its other labels, annotations and resourceVersion
 * (so a concurrent change makes the update fail with 409 instead of being lost).
 */
export function buildSecret(
  target: TlsTarget,
  existing: Secret | undefined,
  issued: { certPem: string; key: PrivateKeyPem },
  ca: { chainPem(): string; fingerprintSHA256: string },
): Secret {
  const ref = target.secret!;
  const meta = existing?.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      ...(existing ? meta : {}),
      name: ref.name,
      namespace: ref.namespace,
      labels: { ...(meta.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        ...(meta.annotations ?? {}),
        [CA_FINGERPRINT_ANNOTATION]: ca.fingerprintSHA256,
        [HOSTNAMES_ANNOTATION]: target.hostnames.join(','),
      },
    },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(issued.certPem + ca.chainPem()).toString('base64'),
      'tls.key': Buffer.from(issued.key.pem()).toString('base64'),
    },
  };
}
