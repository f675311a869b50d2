// The writes `kubectl mdns tls` needs: get, create and update of Secrets, and a list of
// ReferenceGrants (Gateway API: a certificateRef to another namespace needs one there).
// A 403 becomes one line naming the verb, the resource and the namespace, so the person
// knows which RBAC rule is missing.
import type { KubeObject } from '../gateway-api/objects.js';
import { GATEWAY_GROUP } from '../gateway-api/objects.js';
import { type ApiClient, type ApiStatusError, isForbidden, isNotFound } from './http.js';
import { UserError } from '../util/errors.js';

export interface Secret extends KubeObject {
  type?: string;
  /** Base64 values, as the API serves them. */
  data?: Record<string, string>;
}

export interface ReferenceGrant extends KubeObject {
  spec?: {
    from?: { group?: string; kind?: string; namespace?: string }[];
    to?: { group?: string; kind?: string; name?: string }[];
  };
}

/** A 403 on one verb: `cannot create secrets in namespace "infra"`. */
export class ForbiddenError extends UserError {
  constructor(
    readonly verb: string,
    readonly resource: string,
    readonly namespace: string | undefined,
    context: string,
  ) {
    super(
      `forbidden: cannot ${verb} ${resource}${namespace ? ` in namespace "${namespace}"` : ' at the cluster scope'} (context "${context}"): ` +
        `grant "${verb}" on "${resource}" to this user (Role/RoleBinding), or use --dry-run`,
    );
    this.name = 'ForbiddenError';
  }
}

function secretsPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export class SecretClient {
  constructor(readonly client: ApiClient) {}

  /** The Secret, or undefined when it does not exist. */
  async get(namespace: string, name: string): Promise<Secret | undefined> {
    try {
      return await this.client.getJson<Secret>(secretsPath(namespace, name));
    } catch (err) {
      if (isNotFound(err) && isObjectNotFound(err)) return undefined;
      throw this.mapError(err, 'get', namespace);
    }
  }

  async create(secret: Secret): Promise<Secret> {
    const ns = secret.metadata?.namespace ?? 'default';
    try {
      return await this.client.sendJson<Secret>('POST', secretsPath(ns), secret);
    } catch (err) {
      throw this.mapError(err, 'create', ns);
    }
  }

  /** Replaces the Secret; metadata.resourceVersion makes it fail (409) if it changed meanwhile. */
  async update(secret: Secret): Promise<Secret> {
    const ns = secret.metadata?.namespace ?? 'default';
    try {
      return await this.client.sendJson<Secret>('PUT', secretsPath(ns, secret.metadata?.name ?? ''), secret);
    } catch (err) {
      throw this.mapError(err, 'update', ns);
    }
  }

  /**
   * Every ReferenceGrant the user may list (all namespaces): v1 where served, else v1beta1.
   * Not served or forbidden → [] and a warning: cross-namespace refs are then skipped.
   */
  async listReferenceGrants(): Promise<{ items: ReferenceGrant[]; warning?: string }> {
    for (const version of ['v1', 'v1beta1']) {
      try {
        const list = await this.client.getJson<{ items?: ReferenceGrant[] }>(`/apis/${GATEWAY_GROUP}/${version}/referencegrants`);
        return { items: (list.items ?? []).map((g) => ({ ...g, kind: 'ReferenceGrant' })) };
      } catch (err) {
        if (isNotFound(err)) continue;
        if (isForbidden(err)) return { items: [], warning: `cannot list referencegrants (403): certificateRefs to other namespaces are skipped` };
        throw err;
      }
    }
    return { items: [], warning: 'the cluster serves no ReferenceGrant: certificateRefs to other namespaces are skipped' };
  }

  private mapError(err: unknown, verb: string, namespace: string): unknown {
    if (isForbidden(err)) return new ForbiddenError(verb, 'secrets', namespace, this.client.contextName);
    return err;
  }
}

/** A 404 for the object (reason NotFound), not for the whole resource path. */
function isObjectNotFound(err: ApiStatusError): boolean {
  return err.reason === 'NotFound' || err.reason === undefined;
}
