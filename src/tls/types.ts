// The public shapes of `kubectl mdns tls` (issue 12): its report items, and the TLS status the
// `list -o wide` column shows. Fields may be added, never renamed.

export interface ObjectRef {
  namespace: string;
  name: string;
}

/** What `tls` did (or, under --dry-run, would do) for one listener's Secret. */
export type TlsAction = 'created' | 'renewed' | 'unchanged' | 'foreign' | 'skipped' | 'would-create' | 'would-renew';

export interface TlsReportItem {
  gateway: ObjectRef;
  /** The listener name (`ListenerSet ns/name#listener` when it comes from a ListenerSet). */
  listener: string;
  secret: ObjectRef | null;
  action: TlsAction;
  hostnames: string[];
  /** RFC 3339; the certificate in the Secret after this run, if there is one. */
  notAfter: string | null;
  reason: string;
}

export interface TLSReport {
  apiVersion: 'kubectl-mdns/v1alpha1';
  kind: 'TLSReport';
  context: string;
  ca: { dir: string; fingerprintSHA256: string };
  items: TlsReportItem[];
}

/** `list -o wide`'s TLS column, for HTTPS/TLS bindings. */
export type TlsStatus = 'trusted' | 'untrusted' | 'wrong-name' | 'expired' | 'no-secret' | 'unknown';

export interface BindingTls {
  status: TlsStatus;
  issuer: string | null;
  notAfter: string | null;
  reason: string;
}

/** The label and annotations that make a Secret ours. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'kubectl-mdns';
export const CA_FINGERPRINT_ANNOTATION = 'kubectl-mdns/ca-fingerprint-sha256';
export const HOSTNAMES_ANNOTATION = 'kubectl-mdns/hostnames';
