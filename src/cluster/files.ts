// -f PATH: the same kinds a cluster would give, read from YAML/JSON files, a directory (recursed,
// *.yaml/*.yml/*.json in sorted order) or stdin (`-`). Multi-document YAML, JSON and `kind: List`
// (or a typed `...List`) are understood. Things an API server would add are added here, so the
// binding rules see what they would see in a cluster: metadata.namespace defaults to "default",
// and every Namespace carries kubernetes.io/metadata.name (KEP-2161; Selector rules use it).

import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import yaml from 'js-yaml';
import { UserError, errorMessage } from '../util/errors.js';
import { EXPERIMENTAL_GATEWAY_GROUP, emptyClusterObjects, GATEWAY_GROUP, isRouteKind, type ClusterObjects, type KubeObject } from '../gateway-api/objects.js';

export interface LoadedManifests {
  objects: ClusterObjects;
  warnings: string[];
  /** Secrets and ReferenceGrants (for `tls --dry-run -f` and `list -o wide -f`); no part of bindings. */
  tlsObjects?: KubeObject[];
}

/** Kinds kept aside for src/tls: the certificates listeners name, and the grants that allow it. */
const TLS_KINDS = new Set(['Secret', 'ReferenceGrant']);

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

type Bucket = 'gateways' | 'listenerSets' | 'routes' | 'namespaces' | 'ingresses' | 'services';

/** Where a kind goes, checking the API group too: Istio's networking.istio.io Gateway is not ours. */
function bucketFor(kind: string, apiVersion: unknown): Bucket | undefined {
  const group = typeof apiVersion === 'string' ? (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '') : undefined;
  const groupIs = (...groups: string[]) => group === undefined || groups.includes(group);
  if (kind === 'Gateway') return groupIs(GATEWAY_GROUP) ? 'gateways' : undefined;
  if (isRouteKind(kind)) return groupIs(GATEWAY_GROUP) ? 'routes' : undefined;
  if (kind === 'ListenerSet' || kind === 'XListenerSet') return groupIs(GATEWAY_GROUP, EXPERIMENTAL_GATEWAY_GROUP) ? 'listenerSets' : undefined;
  if (kind === 'Namespace') return groupIs('') ? 'namespaces' : undefined;
  if (kind === 'Ingress') return groupIs('networking.k8s.io', 'extensions') ? 'ingresses' : undefined;
  if (kind === 'Service') return groupIs('') ? 'services' : undefined;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first line of a parser's message: js-yaml appends a code snippet we do not want on one line. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

function notManifest(path: string, why: string): UserError {
  return new UserError(`${path}: not a YAML or JSON manifest: ${why}`);
}

/** Parse one file's text into its documents. JSON is tried first when it looks like JSON. */
export function parseManifestText(path: string, text: string): unknown[] {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  const looksJson = extname(path).toLowerCase() === '.json' || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (looksJson) {
    try {
      return [JSON.parse(trimmed) as unknown];
    } catch (err) {
      // A .json file must be JSON. Other text starting with `{` may still be YAML flow style.
      if (extname(path).toLowerCase() === '.json') throw notManifest(path, firstLine(errorMessage(err)));
    }
  }
  try {
    // CORE_SCHEMA: like the API server, keep `2024-01-01` a string, not a Date.
    return yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA });
  } catch (err) {
    throw notManifest(path, firstLine(errorMessage(err)));
  }
}

class Collector {
  readonly objects = emptyClusterObjects();
  readonly warnings: string[] = [];
  readonly tlsObjects: KubeObject[] = [];
  private readonly where = new Map<string, string>();

  addDocuments(path: string, docs: unknown[]): void {
    let meaningful = 0;
    docs.forEach((doc, i) => {
      if (doc === null || doc === undefined) return;
      const at = docs.length > 1 ? `${path} (document ${i + 1})` : path;
      if (!isRecord(doc)) {
        // A plain string or number parses as YAML too: that is a text file, not a manifest.
        throw notManifest(
          path,
          `${docs.length > 1 ? `document ${i + 1} is` : 'it is'} ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}, not an object with apiVersion and kind`,
        );
      }
      meaningful++;
      this.addObject(at, doc);
    });
    if (meaningful === 0) this.warnings.push(`${path}: no objects in it`);
  }

  private addObject(at: string, doc: Record<string, unknown>, listKind?: string): void {
    let kind = doc.kind;
    // Items of a typed list from the API (HTTPRouteList) carry no kind of their own.
    if (kind === undefined && listKind !== undefined) kind = listKind;
    if (typeof kind !== 'string' || kind === '') {
      this.warnings.push(`${at}: an object without kind; skipped`);
      return;
    }
    if (kind === 'List' || (kind.endsWith('List') && Array.isArray(doc.items))) {
      if (!Array.isArray(doc.items)) {
        this.warnings.push(`${at}: a List without items; skipped`);
        return;
      }
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      for (const item of doc.items as unknown[]) {
        if (isRecord(item))
          this.addObject(at, itemKind !== undefined && item.apiVersion === undefined ? { apiVersion: doc.apiVersion, ...item } : item, itemKind);
        else this.warnings.push(`${at}: a List item that is not an object; skipped`);
      }
      return;
    }
    const bucket = bucketFor(kind, doc.apiVersion);
    if (bucket === undefined) {
      if (TLS_KINDS.has(kind)) this.tlsObjects.push(withNamespace({ ...doc, kind } as KubeObject));
      return; // other kinds (Deployments, ConfigMaps...) play no part in bindings
    }
    const obj = { ...doc, kind } as KubeObject;
    const metadata = isRecord(obj.metadata) ? { ...obj.metadata } : {};
    if (bucket !== 'namespaces' && (typeof metadata.namespace !== 'string' || metadata.namespace === '')) metadata.namespace = 'default';
    obj.metadata = metadata;

    const name = typeof metadata.name === 'string' ? metadata.name : '';
    if (name !== '') {
      const id = bucket === 'namespaces' ? `Namespace ${name}` : `${bucket === 'listenerSets' ? 'ListenerSet' : kind} ${metadata.namespace}/${name}`;
      const earlier = this.where.get(id);
      if (earlier !== undefined) {
        this.warnings.push(`${at}: ${id} is also defined in ${earlier}; the later definition wins`);
        const list = this.objects[bucket] as KubeObject[];
        const i = list.findIndex((o) => sameObject(o, obj, bucket));
        if (i >= 0) list.splice(i, 1);
      }
      this.where.set(id, at);
    }
    (this.objects[bucket] as KubeObject[]).push(obj);
  }

  /** What the API server adds to Namespaces, and the Namespaces objects live in. */
  finish(): LoadedManifests {
    const declared = new Set<string>();
    this.objects.namespaces = this.objects.namespaces.map((ns) => {
      const name = ns.metadata?.name;
      if (typeof name !== 'string' || name === '') return ns;
      declared.add(name);
      const labels = isRecord(ns.metadata?.labels) ? (ns.metadata?.labels as Record<string, string>) : {};
      return { ...ns, metadata: { ...ns.metadata, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } } };
    });
    const used = new Set<string>();
    for (const list of [
      this.objects.gateways,
      this.objects.listenerSets,
      this.objects.routes,
      this.objects.ingresses,
      this.objects.services,
    ] as KubeObject[][]) {
      for (const o of list) used.add(o.metadata?.namespace ?? 'default');
    }
    for (const name of [...used].sort()) {
      if (declared.has(name)) continue;
      this.objects.namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [NAMESPACE_NAME_LABEL]: name } } });
    }
    return { objects: this.objects, warnings: this.warnings, tlsObjects: this.tlsObjects };
  }
}

function withNamespace(o: KubeObject): KubeObject {
  const metadata = isRecord(o.metadata) ? { ...o.metadata } : {};
  if (typeof metadata.namespace !== 'string' || metadata.namespace === '') metadata.namespace = 'default';
  return { ...o, metadata };
}

function sameObject(a: KubeObject, b: KubeObject, bucket: Bucket): boolean {
  if (a.metadata?.name !== b.metadata?.name) return false;
  if (bucket === 'namespaces') return true;
  if (a.metadata?.namespace !== b.metadata?.namespace) return false;
  return bucket !== 'routes' || a.kind === b.kind;
}

/** Files under a directory, recursively, manifests only, in sorted order (so output never depends on the file system). */
async function manifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await manifestFiles(full)));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`${path}: cannot read it: ${firstLine(errorMessage(err))}`);
  }
}

export function readProcessStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/**
 * Read every path (a file, a directory, or `-` for stdin) into one ClusterObjects.
 * Throws UserError for a missing path or a file that is not YAML/JSON; other problems
 * (objects without kind, duplicates, empty files) come back as warnings.
 */
export async function loadManifests(paths: string[], readStdin: () => Promise<string> = readProcessStdin): Promise<LoadedManifests> {
  const collector = new Collector();
  let stdin: string | undefined;
  for (const path of paths) {
    if (path === '-') {
      if (stdin === undefined) {
        try {
          stdin = await readStdin();
        } catch (err) {
          throw new UserError(`-: cannot read standard input: ${firstLine(errorMessage(err))}`);
        }
        collector.addDocuments('<stdin>', parseManifestText('<stdin>', stdin));
      }
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(
        code === 'ENOENT' ? `${path}: no such file or directory; check the -f path` : `${path}: cannot read it: ${firstLine(errorMessage(err))}`,
      );
    }
    if (info.isDirectory()) {
      const files = await manifestFiles(path);
      if (files.length === 0) collector.warnings.push(`${path}: no *.yaml, *.yml or *.json files in it`);
      for (const file of files) collector.addDocuments(file, parseManifestText(file, await readText(file)));
    } else {
      collector.addDocuments(path, parseManifestText(path, await readText(path)));
    }
  }
  return collector.finish();
}
