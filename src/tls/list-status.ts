// For `list -o wide|json|yaml`: the TLS status of every HTTPS/TLS binding. Reads the Secrets
// the listeners name — from the cluster (a 403 makes the status "unknown", never an error),
// or, with -f, from the files.
import type { Binding } from '../bindings/types.js';
import type { ClusterObjects, KubeObject } from '../gateway-api/objects.js';
import type { ApiClient } from '../cluster/http.js';
import type { Secret } from '../cluster/secrets.js';
import { errorMessage } from '../util/errors.js';
import { bindingTlsStatus, referencedSecrets, type SecretLookup } from './status.js';
import { TrustAnchors } from './trust.js';
import type { BindingTls } from './types.js';

export interface ListSource {
  objects: ClusterObjects;
  /** -f: Secrets found in the files; undefined for a cluster. */
  tlsObjects?: KubeObject[];
  context: string;
}

export async function tlsStatuses(
  loaded: ListSource,
  bindings: readonly Binding[],
  /** The source's API client; undefined for -f files, whose Secrets are in `loaded.tlsObjects`. */
  apiClient: ApiClient | undefined,
  now = new Date(),
): Promise<Map<Binding, BindingTls>> {
  const out = new Map<Binding, BindingTls>();
  const refs = referencedSecrets(loaded.objects, bindings);
  const found = new Map<string, SecretLookup>();
  if (!apiClient) {
    for (const o of loaded.tlsObjects ?? []) if (o.kind === 'Secret') found.set(`${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`, o as Secret);
  } else if (refs.length > 0) {
    const { SecretClient } = await import('../cluster/secrets.js');
    const client = new SecretClient(apiClient);
    await Promise.all(
      refs.map(async (r) => {
        try {
          found.set(`${r.namespace}/${r.name}`, await client.get(r.namespace, r.name));
        } catch (err) {
          found.set(`${r.namespace}/${r.name}`, { error: errorMessage(err) });
        }
      }),
    );
  }
  const anchors = TrustAnchors.load();
  for (const b of bindings) {
    const t = bindingTlsStatus(loaded.objects, b, (r) => found.get(`${r.namespace}/${r.name}`), anchors, now);
    if (t) out.set(b, t);
  }
  return out;
}
