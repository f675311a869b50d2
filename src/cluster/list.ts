// One full, paginated list of a resource (limit/continue, as kubectl does for large clusters).
// Items of a List often come without kind/apiVersion (the API server strips them for built-in
// types); the binding rules need the kind (HTTPRoute vs TLSRoute), so fill them in.

import type { KubeObject } from '../gateway-api/objects.js';
import type { ApiClient } from './http.js';
import { isGone } from './http.js';
import { apiVersionOf, resourcePath } from './discovery.js';
import type { ServedResource } from './discovery.js';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  /** Items per page (`limit`); 500 like client-go's pager. */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ListResult {
  items: KubeObject[];
  /** The collection's resourceVersion: where a watch continues from. */
  resourceVersion: string;
}

interface KubeList {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[] | null;
}

export async function listAll(client: ApiClient, resource: ServedResource, opts: ListOptions = {}): Promise<ListResult> {
  const base = resourcePath(resource, opts.namespace);
  for (let attempt = 0; ; attempt++) {
    try {
      return await listPages(client, resource, base, opts);
    } catch (err) {
      // A continue token expires when the server compacts past the list's snapshot: start over
      // from the first page (client-go's pager does the same), but not forever.
      if (isGone(err) && attempt < 2) continue;
      throw err;
    }
  }
}

async function listPages(client: ApiClient, resource: ServedResource, base: string, opts: ListOptions): Promise<ListResult> {
  const items: KubeObject[] = [];
  let resourceVersion = '';
  let cont: string | undefined;
  do {
    const q = new URLSearchParams();
    q.set('limit', String(opts.pageSize ?? 500));
    if (cont) q.set('continue', cont);
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    const page = await client.getJson<KubeList>(`${base}?${q.toString()}`, opts.signal ? { signal: opts.signal } : {});
    for (const item of page.items ?? []) items.push(normalizeObject(item, resource));
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return { items, resourceVersion };
}

/** Fills in kind and apiVersion when the server left them out. */
export function normalizeObject(obj: KubeObject, resource: ServedResource): KubeObject {
  if (!obj.kind) obj.kind = resource.servedKind;
  if (!obj.apiVersion) obj.apiVersion = apiVersionOf(resource);
  return obj;
}

/** The store key of an object: "namespace/name" ("/name" when cluster-scoped). */
export function objectKey(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}
