// A Kubernetes API server double that speaks real HTTP(S) — not a stub client. There is no
// kube-apiserver on these machines (docs/testing.md#kubernetes), so the cluster side is tested against
// this: an in-memory object store with a monotonically increasing resourceVersion, discovery
// documents, paginated lists, chunked watch streams, compaction (410 Gone), 403s, missing
// kinds, dropped connections and restarts on the same port, bearer-token and client
// certificate auth over TLS.
//
// In-process use (from a test):
//   import { ApiServerDouble } from '../../support/apiserver.js';
//   const api = await ApiServerDouble.start();             // TLS on 127.0.0.1, random port, token auth
//   api.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {...}, spec: {...} });
//   const kubeconfig = api.writeKubeconfig();               // token + CA data; context "double"
//   // ... run the code under test (or the CLI with --kubeconfig) ...
//   api.delete('Gateway', 'infra', 'gw'); api.compact(); api.forbid('TLSRoute'); api.unserve('TLSRoute');
//   api.dropWatches(); await api.stop(); await api.restart(); await api.close();
// Options: see ApiServerOptions. `api.requests` logs every request (path, query, user, token).
//
// Standalone (for end-to-end tests in network namespaces):
//   node dist/test/support/apiserver.js [--host 127.0.0.1] [--port 0] [--tls] [--token T]...
//        [--state FILE.json|yaml] [--kubeconfig-out FILE] [--unserve WHAT]... [--serve WHAT]... [--forbid KIND]...
//        [--bookmark-interval MS] [--gone-as event|status] [--dir CERTDIR] [--san IP-OR-NAME]...
//   prints one JSON line on stdout once listening (kubeconfig: --kubeconfig-out or DIR/kubeconfig,
//   context "double"; caFile and token are null without --tls / --token):
//     {"ready":true,"url":"https://127.0.0.1:PORT","caFile":"...","kubeconfig":"...","token":"T","pid":N}
//   Served by default: core v1 namespaces (and services: issue 13), networking.k8s.io/v1 ingresses, and in
//   gateway.networking.k8s.io gateways+httproutes (v1, v1beta1), grpcroutes (v1), tlsroutes
//   (v1, v1alpha2), tcproutes+udproutes (v1alpha2: issue 13), listenersets (v1); gateway.networking.x-k8s.io/v1alpha1 xlistenersets only
//   with --serve gateway.networking.x-k8s.io. --unserve/--serve take what unserve() takes.
//   --state: objects to start with (a JSON array, a List, or YAML documents); when the file is
//   JSON it is rewritten after every change, so a restarted process keeps its objects.
//   Without --tls it serves plain HTTP; without --token it asks for no credentials.
//   SIGTERM/SIGINT stop it (exit 0).
//   Admin endpoints on the same port, same auth, JSON bodies:
//     POST /_admin/apply        an object, an array of objects or a List
//     POST /_admin/delete       {"kind":"HTTPRoute","namespace":"shop","name":"shop"}
//     POST /_admin/compact      watches from older resourceVersions now get 410 Gone
//     POST /_admin/forbid       {"kind":"TLSRoute"}        (403 on list/watch/get)
//     POST /_admin/allow        {"kind":"TLSRoute"}
//     POST /_admin/forbid-in    {"kind":"Secret","namespace":"infra"}   (403 on every verb there)
//   Writes: POST (create) and PUT (update) of namespaced objects, e.g. Secrets (kubectl mdns tls).
//     POST /_admin/unserve      {"what":"TLSRoute" | "gateway.networking.k8s.io/v1" | "gateway.networking.k8s.io/v1/tlsroutes" | "gateway.networking.k8s.io"}
//     POST /_admin/serve        {"what": ...}              (undo unserve)
//     POST /_admin/drop-watches (cut every watch connection) /_admin/end-watches (end them cleanly)
//     POST /_admin/bookmark     (send a BOOKMARK on every watch that allows them)
//     POST /_admin/fail         {"status":500,"count":2,"path":"/apis/..."}  (next matching requests fail)
//     POST /_admin/restart      {"downMs":500}  (stop listening for downMs, then listen on the same port)
//     GET  /_admin/objects      {"resourceVersion":"N","items":[...]}
//     GET  /_admin/requests     the request log
//     GET  /_admin/watches      {"open":N}

import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { generatePki } from './apiserver-certs.js';
import type { TestPki } from './apiserver-certs.js';

export interface ResourceDef {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const GW = 'gateway.networking.k8s.io';
const XGW = 'gateway.networking.x-k8s.io';

/** Every resource the double knows; UNSERVED_BY_DEFAULT lists those off at start. */
export const KNOWN_RESOURCES: readonly ResourceDef[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress', namespaced: true },
  { group: GW, version: 'v1', plural: 'gateways', kind: 'Gateway', namespaced: true },
  { group: GW, version: 'v1beta1', plural: 'gateways', kind: 'Gateway', namespaced: true },
  { group: GW, version: 'v1', plural: 'httproutes', kind: 'HTTPRoute', namespaced: true },
  { group: GW, version: 'v1beta1', plural: 'httproutes', kind: 'HTTPRoute', namespaced: true },
  { group: GW, version: 'v1', plural: 'grpcroutes', kind: 'GRPCRoute', namespaced: true },
  { group: GW, version: 'v1', plural: 'tlsroutes', kind: 'TLSRoute', namespaced: true },
  { group: GW, version: 'v1alpha2', plural: 'tlsroutes', kind: 'TLSRoute', namespaced: true },
  // ---- issue 13 (branch sources): LoadBalancer Services and the experimental-channel
  // TCPRoute/UDPRoute (v1alpha2 only). Served by default; unserve('Service'), unserve('TCPRoute'),
  // unserve('UDPRoute') give a cluster without them. ----
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: GW, version: 'v1alpha2', plural: 'tcproutes', kind: 'TCPRoute', namespaced: true },
  { group: GW, version: 'v1alpha2', plural: 'udproutes', kind: 'UDPRoute', namespaced: true },
  // ---- end issue 13 ----
  { group: GW, version: 'v1', plural: 'listenersets', kind: 'ListenerSet', namespaced: true },
  { group: XGW, version: 'v1alpha1', plural: 'xlistenersets', kind: 'XListenerSet', namespaced: true },
  // ---- TLS (issue 12): Secrets and ReferenceGrants ----
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: GW, version: 'v1beta1', plural: 'referencegrants', kind: 'ReferenceGrant', namespaced: true },
  // ---- end TLS ----
];

/** The experimental group is not installed by default (as on a standard-channel cluster). */
const UNSERVED_BY_DEFAULT = [XGW];

export interface ApiServerOptions {
  /** Serve HTTPS (default true). */
  tls?: boolean;
  /** Accepted bearer tokens (default ["test-token"] with TLS, [] without: like kubectl, our
   *  client sends no token over plain HTTP). [] = no credentials needed. */
  tokens?: string[];
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Extra names/IPs for the server certificate. */
  sans?: string[];
  /** What is unserved at start, in unserve() syntax (default: the x-k8s.io group). */
  unserved?: string[];
  /** Send a BOOKMARK on every watch that allows them this often (default 0 = only bookmark()). */
  bookmarkIntervalMs?: number;
  /** How a watch from a compacted resourceVersion is refused: an ERROR event in a 200 stream (as
   *  kube-apiserver does, default) or an HTTP 410 status. */
  goneAs?: 'event' | 'status';
  /** Write each watch event in small pieces with pauses, so they cross chunk boundaries. */
  splitEvents?: boolean;
  /** Where certificates and kubeconfigs go (default a new temp dir, removed by close()). */
  dir?: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Authenticated user name ('' when anonymous). */
  user: string;
  /** The bearer token presented, if any (a test double: tests check credentials arrive). */
  token?: string;
}

interface StoredEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  store: string;
  object: Obj;
  prev?: Obj;
}

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    generation?: number;
    creationTimestamp?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

interface Watcher {
  def: ResourceDef;
  namespace?: string;
  matches: (o: Obj) => boolean;
  bookmarks: boolean;
  res: http.ServerResponse;
  queue: Promise<void>;
  timers: NodeJS.Timeout[];
  closed: boolean;
}

interface Failure {
  status: number;
  count: number;
  path?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The line the standalone double prints on stdout once it listens. */
export interface ReadyLine {
  ready: true;
  url: string;
  caFile: string | null;
  kubeconfig: string;
  token: string | null;
  pid: number;
}

export class ApiServerDouble {
  readonly requests: RequestRecord[] = [];
  readonly tls: boolean;
  readonly tokens: string[];
  readonly host: string;
  readonly dir: string;
  readonly pki?: TestPki;
  goneAs: 'event' | 'status';
  splitEvents: boolean;
  /** Called after every change (the standalone mode persists state with it). */
  onChange?: () => void;
  /** Called for every request before it is served (tests use it to change state mid-list). */
  beforeRequest?: (rec: RequestRecord) => void;

  private port: number;
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly stores = new Map<string, Map<string, Obj>>();
  private log: StoredEvent[] = [];
  private rv = 0;
  private compactedRv = 0;
  private readonly unserved = new Set<string>();
  private readonly forbidden = new Set<string>();
  // ---- TLS (issue 12): per-namespace 403s, e.g. forbidIn('Secret', 'infra') ----
  private readonly forbiddenIn = new Set<string>();
  // ---- end TLS ----
  private readonly watchers = new Set<Watcher>();
  private readonly snapshots = new Map<string, { rv: number; items: Obj[] }>();
  private failures: Failure[] = [];
  private readonly bookmarkIntervalMs: number;
  private readonly ownDir: boolean;
  private closed = false;
  private muted = false;

  constructor(opts: ApiServerOptions = {}) {
    this.tls = opts.tls ?? true;
    this.tokens = opts.tokens ?? (this.tls ? ['test-token'] : []);
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.goneAs = opts.goneAs ?? 'event';
    this.splitEvents = opts.splitEvents ?? false;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 0;
    this.ownDir = !opts.dir;
    this.dir = opts.dir ? resolve(opts.dir) : mkdtempSync(join(tmpdir(), 'apiserver-double-'));
    if (this.tls) this.pki = generatePki(join(this.dir, 'pki'), { sans: [this.host, ...(opts.sans ?? [])] });
    for (const w of opts.unserved ?? UNSERVED_BY_DEFAULT) this.unserve(w);
  }

  static async start(opts: ApiServerOptions = {}): Promise<ApiServerDouble> {
    const api = new ApiServerDouble(opts);
    await api.listen();
    return api;
  }

  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this.tls ? 'https' : 'http'}://${h}:${this.port}`;
  }
  get listeningPort(): number {
    return this.port;
  }
  /** The first accepted token. */
  get token(): string | undefined {
    return this.tokens[0];
  }
  get caFile(): string | undefined {
    return this.pki?.caFile;
  }
  get resourceVersion(): string {
    return String(this.rv);
  }
  /** Open watch streams (optionally of one kind). */
  openWatches(kind?: string): number {
    let n = 0;
    for (const w of this.watchers) if (!w.closed && (!kind || w.def.kind === kind)) n++;
    return n;
  }

  // ---- state changes (work while stopped, too) ----

  /** Creates or updates an object (kind from obj.kind); returns the stored copy. */
  apply(input: Obj): Obj {
    const def = this.defForKind(input.kind ?? '');
    const obj = structuredClone(input);
    obj.metadata ??= {};
    if (!obj.metadata.name) throw new Error('apply: metadata.name is required');
    if (def.namespaced) obj.metadata.namespace ||= 'default';
    else delete obj.metadata.namespace;
    const store = this.storeOf(def);
    const k = objKey(obj);
    const prev = store.get(k);
    obj.metadata.uid = prev?.metadata?.uid ?? obj.metadata.uid ?? randomUUID();
    obj.metadata.creationTimestamp = prev?.metadata?.creationTimestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'); // RFC 3339, seconds
    const specChanged = !prev || JSON.stringify(prev.spec) !== JSON.stringify(obj.spec);
    obj.metadata.generation = (prev?.metadata?.generation ?? 0) + (specChanged ? 1 : 0);
    obj.metadata.resourceVersion = String(++this.rv);
    obj.kind = def.kind;
    store.set(k, obj);
    this.record({ rv: this.rv, type: prev ? 'MODIFIED' : 'ADDED', store: storeKey(def), object: obj, ...(prev ? { prev } : {}) });
    return structuredClone(obj);
  }

  /** Deletes an object; false when it did not exist. */
  delete(kind: string, namespace: string | undefined, name: string): boolean {
    const def = this.defForKind(kind);
    const store = this.storeOf(def);
    const k = `${def.namespaced ? (namespace ?? 'default') : ''}/${name}`;
    const prev = store.get(k);
    if (!prev) return false;
    store.delete(k);
    const gone = structuredClone(prev);
    gone.metadata!.resourceVersion = String(++this.rv);
    this.record({ rv: this.rv, type: 'DELETED', store: storeKey(def), object: gone, prev });
    return true;
  }

  get(kind: string, namespace: string | undefined, name: string): Obj | undefined {
    const def = this.defForKind(kind);
    const o = this.storeOf(def).get(`${def.namespaced ? (namespace ?? 'default') : ''}/${name}`);
    return o && structuredClone(o);
  }

  /** All objects (of one kind), sorted by namespace/name. */
  objects(kind?: string): Obj[] {
    const out: Obj[] = [];
    for (const [sk, store] of this.stores) {
      if (kind && sk !== storeKey(this.defForKind(kind))) continue;
      for (const o of store.values()) out.push(structuredClone(o));
    }
    return out.sort((a, b) => objKey(a).localeCompare(objKey(b)));
  }

  /**
   * Runs `fn` (apply/delete calls) without telling open watches and without keeping the events
   * for watch resumption: changes a watch misses, which only a (periodic) relist can repair.
   */
  withoutEvents(fn: () => void): void {
    this.muted = true;
    try {
      fn();
    } finally {
      this.muted = false;
    }
  }

  /** Forgets history: watches from an older resourceVersion (and old continue tokens) get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.log = [];
    for (const [id, s] of this.snapshots) if (s.rv < this.compactedRv) this.snapshots.delete(id);
  }

  /** list/watch/get of this kind answer 403 until allow(). */
  forbid(kind: string): void {
    this.forbidden.add(kind);
  }
  allow(kind: string): void {
    this.forbidden.delete(kind);
  }

  /**
   * Stops serving resources, as if a CRD (version) were not installed. `what`: a kind
   * ("TLSRoute", all versions), a group version ("gateway.networking.k8s.io/v1alpha2", "v1"),
   * one resource at one version ("gateway.networking.k8s.io/v1/tlsroutes") or a group.
   * Open watches on them are ended.
   */
  unserve(what: string): void {
    for (const d of this.matchDefs(what)) this.unserved.add(defId(d));
    for (const w of this.watchers) if (this.unserved.has(defId(w.def))) this.endWatcher(w, false);
  }
  serve(what: string): void {
    for (const d of this.matchDefs(what)) this.unserved.delete(defId(d));
  }

  // ---- TLS (issue 12): Secrets and ReferenceGrants ----

  /** Every verb on `kind` in `namespace` answers 403 until allowIn(). */
  forbidIn(kind: string, namespace: string): void {
    this.forbiddenIn.add(`${kind}/${namespace}`);
  }
  allowIn(kind: string, namespace: string): void {
    this.forbiddenIn.delete(`${kind}/${namespace}`);
  }

  /**
   * POST /api/v1/namespaces/NS/secrets (create: 409 if it exists) and PUT .../secrets/NAME
   * (update: 404 if missing, 409 on a stale metadata.resourceVersion), as kube-apiserver does;
   * `stringData` is folded into base64 `data`. Any served namespaced kind works the same way.
   */
  private async writeObject(req: http.IncomingMessage, res: http.ServerResponse, url: URL, user: string): Promise<void> {
    try {
      const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(url.pathname);
      if (!m) throw notFound();
      const group = m[2] ?? '';
      const version = m[1] ?? m[3]!;
      const namespace = decodeURIComponent(m[4]!);
      const plural = m[5]!;
      const name = m[6] === undefined ? undefined : decodeURIComponent(m[6]);
      const def = this.servedDefs().find((d) => d.group === group && d.version === version && d.plural === plural && d.namespaced);
      if (!def) throw notFound();
      const verb = req.method === 'POST' ? 'create' : 'update';
      if ((req.method === 'POST') !== (name === undefined)) throw new HttpError(405, 'MethodNotAllowed', `${req.method} ${url.pathname}`);
      if (this.forbidden.has(def.kind) || this.forbiddenIn.has(`${def.kind}/${namespace}`)) throw forbiddenError(def, verb, user, namespace, name);
      const body = (await readJson(req)) as Obj | undefined;
      if (!body || typeof body !== 'object') throw new HttpError(400, 'BadRequest', 'the body is not an object');
      const obj = structuredClone(body);
      obj.metadata ??= {};
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw new HttpError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace;
      if (name !== undefined && obj.metadata.name !== name) throw new HttpError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
      if (!obj.metadata.name) throw new HttpError(422, 'Invalid', `${def.kind} is invalid: metadata.name: Required value`);
      obj.kind = def.kind;
      if (def.kind === 'Secret' && obj.stringData && typeof obj.stringData === 'object') {
        const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
        for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString('base64');
        obj.data = data;
        delete obj.stringData;
      }
      const prev = this.storeOf(def).get(`${namespace}/${obj.metadata.name}`);
      if (verb === 'create' && prev) throw new HttpError(409, 'AlreadyExists', `${def.plural} "${obj.metadata.name}" already exists`);
      if (verb === 'update') {
        if (!prev) throw new HttpError(404, 'NotFound', `${def.plural} "${name}" not found`);
        const rv = obj.metadata.resourceVersion;
        if (rv && rv !== prev.metadata?.resourceVersion) {
          throw new HttpError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${def.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          );
        }
        if (def.kind === 'Secret' && prev.type !== undefined && obj.type !== prev.type) {
          throw new HttpError(422, 'Invalid', `Secret "${name}" is invalid: type: Invalid value: "${String(obj.type)}": field is immutable`);
        }
      }
      delete obj.metadata.resourceVersion;
      const stored = this.apply(obj);
      sendJson(res, verb === 'create' ? 201 : 200, present(stored, def));
    } catch (err) {
      this.sendError(res, err);
    }
  }

  // ---- end TLS ----

  /** Cuts every watch connection without ending the HTTP response (a network failure). */
  dropWatches(): void {
    for (const w of this.watchers) this.endWatcher(w, true);
  }
  /** Ends every watch stream cleanly (as the server does when timeoutSeconds is reached). */
  endWatches(): void {
    for (const w of this.watchers) this.endWatcher(w, false);
  }
  /** Sends a BOOKMARK with the current resourceVersion on every watch that allows bookmarks. */
  bookmark(): void {
    for (const w of this.watchers) if (w.bookmarks) this.sendBookmark(w);
  }
  /** The next `count` requests (whose path starts with `path`, if given) fail with `status`. */
  failNext(status: number, count = 1, path?: string): void {
    this.failures.push({ status, count, ...(path ? { path } : {}) });
  }

  // ---- lifecycle ----

  /** Stops listening and cuts every connection; state is kept for restart(). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const w of this.watchers) this.endWatcher(w, true);
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    if (this.closed) throw new Error('restart after close');
    await this.stop();
    await this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    if (this.ownDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Writes a kubeconfig pointing at this server; returns its path. Defaults: context, cluster
   * "double", user "double-user", the first token, CA as certificate-authority-data.
   */
  writeKubeconfig(
    opts: {
      path?: string;
      context?: string;
      cluster?: string;
      user?: string;
      namespace?: string;
      /** 'token' (default), 'cert' (client certificate files), 'cert-data', 'none', or an exec block. */
      auth?: 'token' | 'cert' | 'cert-data' | 'none' | { exec: Record<string, unknown> };
      token?: string;
      ca?: 'data' | 'file' | 'insecure' | 'none';
      server?: string;
    } = {},
  ): string {
    const path = opts.path ?? join(this.dir, `kubeconfig-${randomUUID().slice(0, 8)}`);
    writeFileSync(path, yaml.dump(this.kubeconfigObject(opts)));
    return path;
  }

  kubeconfigObject(opts: Parameters<ApiServerDouble['writeKubeconfig']>[0] = {}): Record<string, unknown> {
    const context = opts.context ?? 'double';
    const clusterName = opts.cluster ?? 'double';
    const userName = opts.user ?? 'double-user';
    const cluster: Record<string, unknown> = { server: opts.server ?? this.url };
    const ca = opts.ca ?? 'data';
    if (this.pki && ca === 'data') cluster['certificate-authority-data'] = Buffer.from(this.pki.caPem).toString('base64');
    if (this.pki && ca === 'file') cluster['certificate-authority'] = this.pki.caFile;
    if (ca === 'insecure') cluster['insecure-skip-tls-verify'] = true;
    const user: Record<string, unknown> = {};
    const auth = opts.auth ?? 'token';
    if (auth === 'token') user.token = opts.token ?? this.token ?? '';
    else if (auth === 'cert' && this.pki) {
      user['client-certificate'] = this.pki.clientCertFile;
      user['client-key'] = this.pki.clientKeyFile;
    } else if (auth === 'cert-data' && this.pki) {
      user['client-certificate-data'] = readFileSync(this.pki.clientCertFile).toString('base64');
      user['client-key-data'] = readFileSync(this.pki.clientKeyFile).toString('base64');
    } else if (typeof auth === 'object') user.exec = auth.exec;
    const ctx: Record<string, unknown> = { cluster: clusterName, user: userName };
    if (opts.namespace) ctx.namespace = opts.namespace;
    return {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: clusterName, cluster }],
      users: [{ name: userName, user }],
      contexts: [{ name: context, context: ctx }],
      'current-context': context,
    };
  }

  // ---- HTTP ----

  /** Starts listening (start() does this; for a double made with `new`, e.g. standalone). */
  async listen(): Promise<void> {
    if (this.server) return;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    const server = this.pki
      ? https.createServer(
          {
            key: readFileSync(this.pki.serverKeyFile),
            cert: readFileSync(this.pki.serverCertFile),
            ca: this.pki.caPem,
            requestCert: true, // client certificates are optional: tokens work too
            rejectUnauthorized: false,
          },
          handler,
        )
      : http.createServer(handler);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.server = server;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://double');
    const query = Object.fromEntries(url.searchParams);
    const auth = this.authenticate(req);
    const record: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, query, user: auth.user };
    if (auth.token !== undefined) record.token = auth.token;
    this.requests.push(record);
    if (this.requests.length > 10_000) this.requests.splice(0, 5_000);
    try {
      this.beforeRequest?.(record);
      if (!auth.ok) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
      const failure = this.failures.find((f) => f.count > 0 && (!f.path || url.pathname.startsWith(f.path)));
      if (failure) {
        failure.count--;
        this.failures = this.failures.filter((f) => f.count > 0);
        throw new HttpError(failure.status, failure.status === 410 ? 'Expired' : 'InternalError', `injected failure ${failure.status}`);
      }
      if (url.pathname.startsWith('/_admin/')) {
        void this.admin(req, res, url.pathname.slice('/_admin/'.length));
        return;
      }
      // ---- TLS (issue 12): create (POST) and update (PUT) ----
      if (req.method === 'POST' || req.method === 'PUT') {
        void this.writeObject(req, res, url, auth.user);
        return;
      }
      // ---- end TLS ----
      if (req.method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', `the double only serves GET (got ${req.method})`);
      this.route(url, auth.user, res);
    } catch (err) {
      this.sendError(res, err);
    }
  }

  private authenticate(req: http.IncomingMessage): { ok: boolean; user: string; token?: string } {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(header);
    const token = m?.[1];
    if (token !== undefined && this.tokens.includes(token)) return { ok: true, user: 'token-user', token };
    const sock = req.socket as TLSSocket;
    if (this.pki && sock.authorized) {
      const cn = sock.getPeerCertificate()?.subject?.CN;
      if (cn) return { ok: token === undefined, user: String(cn), ...(token !== undefined ? { token } : {}) };
    }
    if (this.tokens.length === 0) return { ok: true, user: '', ...(token !== undefined ? { token } : {}) };
    return { ok: false, user: '', ...(token !== undefined ? { token } : {}) };
  }

  private route(url: URL, user: string, res: http.ServerResponse): void {
    const parts = url.pathname.split('/').filter(Boolean);
    const p = url.pathname.replace(/\/+$/, '');
    if (p === '/version') return sendJson(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-double', platform: 'linux/amd64' });
    if (p === '/healthz' || p === '/readyz' || p === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (p === '/api') {
      return sendJson(res, 200, {
        kind: 'APIVersions',
        versions: this.servedDefs().some((d) => d.group === '') ? ['v1'] : [],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${this.host}:${this.port}` }],
      });
    }
    if (p === '/apis') {
      const groups = [
        ...new Set(
          this.servedDefs()
            .filter((d) => d.group !== '')
            .map((d) => d.group),
        ),
      ];
      return sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => this.groupDoc(g)) });
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts.length >= 2) {
      group = '';
      version = parts[1]!;
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length === 2) {
      const g = parts[1]!;
      if (!this.servedDefs().some((d) => d.group === g)) throw notFound();
      return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...this.groupDoc(g) });
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1]!;
      version = parts[2]!;
      rest = parts.slice(3);
    } else {
      throw notFound();
    }
    const served = this.servedDefs().filter((d) => d.group === group && d.version === version);
    if (served.length === 0) throw notFound();
    if (rest.length === 0) {
      const resources = served.flatMap((d) => [
        { name: d.plural, singularName: d.kind.toLowerCase(), namespaced: d.namespaced, kind: d.kind, verbs: VERBS },
        { name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] },
      ]);
      return sendJson(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/${version}` : version,
        resources,
      });
    }
    // /namespaces/NS/PLURAL[/NAME] or /PLURAL[/NAME]
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    const nsScoped = rest[0] === 'namespaces' && rest.length >= 3 && served.some((d) => d.plural === rest[2] && d.namespaced);
    if (nsScoped) {
      namespace = rest[1];
      plural = rest[2]!;
      name = rest[3];
      if (rest.length > 4) throw notFound();
    } else {
      plural = rest[0]!;
      name = rest[1];
      if (rest.length > 2) throw notFound();
    }
    const def = served.find((d) => d.plural === plural);
    if (!def) throw notFound();
    const q = url.searchParams;
    const watch = q.get('watch') === '1' || q.get('watch') === 'true';
    if (this.forbidden.has(def.kind)) {
      const verb = name ? 'get' : watch ? 'watch' : 'list';
      const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
      throw new HttpError(
        403,
        'Forbidden',
        `${def.plural}${def.group ? '.' + def.group : ''} is forbidden: User "${user || 'system:anonymous'}" cannot ${verb} resource "${def.plural}" in API group "${def.group}" ${scope}`,
      );
    }
    if (namespace !== undefined && this.forbiddenIn.has(`${def.kind}/${namespace}`))
      throw forbiddenError(def, name ? 'get' : watch ? 'watch' : 'list', user, namespace); // TLS (issue 12)
    if (name !== undefined) {
      const o = this.storeOf(def).get(`${def.namespaced ? (namespace ?? '') : ''}/${name}`);
      if (!o || (def.namespaced && !namespace)) {
        throw new HttpError(404, 'NotFound', `${def.plural}${def.group ? '.' + def.group : ''} "${name}" not found`);
      }
      return sendJson(res, 200, present(o, def));
    }
    const matches = this.selectorFor(q, namespace);
    if (watch) return this.startWatch(def, namespace, matches, q, res);
    return this.list(def, matches, q, res);
  }

  private list(def: ResourceDef, matches: (o: Obj) => boolean, q: URLSearchParams, res: http.ServerResponse): void {
    const limit = Number(q.get('limit') ?? '0');
    const cont = q.get('continue');
    let snap: { rv: number; items: Obj[] };
    let offset = 0;
    let id: string;
    if (cont) {
      let token: { id?: string; rv?: number; offset?: number };
      try {
        token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as typeof token;
      } catch {
        throw new HttpError(400, 'BadRequest', 'invalid continue token');
      }
      const s = token.id ? this.snapshots.get(token.id) : undefined;
      if (!s || (token.rv ?? 0) < this.compactedRv) {
        throw new HttpError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      snap = s;
      id = token.id!;
      offset = token.offset ?? 0;
    } else {
      const items = [...this.storeOf(def).values()].filter(matches).sort((a, b) => objKey(a).localeCompare(objKey(b)));
      snap = { rv: this.rv, items };
      id = randomUUID();
    }
    const end = limit > 0 ? Math.min(offset + limit, snap.items.length) : snap.items.length;
    const page = snap.items.slice(offset, end).map((o) => present(o, def));
    const metadata: Record<string, unknown> = { resourceVersion: String(snap.rv) };
    if (end < snap.items.length) {
      this.snapshots.set(id, snap);
      metadata.continue = Buffer.from(JSON.stringify({ id, rv: snap.rv, offset: end })).toString('base64url');
      metadata.remainingItemCount = snap.items.length - end;
    } else {
      this.snapshots.delete(id);
    }
    sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersion(def), metadata, items: page });
  }

  private startWatch(def: ResourceDef, namespace: string | undefined, matches: (o: Obj) => boolean, q: URLSearchParams, res: http.ServerResponse): void {
    const rvParam = q.get('resourceVersion') ?? '';
    const from = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    if (from !== undefined && !Number.isFinite(from)) throw new HttpError(400, 'BadRequest', `invalid resourceVersion "${rvParam}"`);
    const tooOld = from !== undefined && from < this.compactedRv;
    if (tooOld && this.goneAs === 'status') throw new HttpError(410, 'Expired', `too old resource version: ${from} (${this.compactedRv})`);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    const w: Watcher = {
      def,
      matches,
      bookmarks: q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1',
      res,
      queue: Promise.resolve(),
      timers: [],
      closed: false,
      ...(namespace ? { namespace } : {}),
    };
    res.on('close', () => this.forgetWatcher(w));
    if (tooOld) {
      this.write(w, {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${from} (${this.compactedRv})`,
          reason: 'Expired',
          code: 410,
        },
      });
      w.queue = w.queue.then(() => void res.end());
      return;
    }
    this.watchers.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? '0');
    if (timeout > 0) w.timers.push(setTimeout(() => this.endWatcher(w, false), timeout * 1000));
    if (w.bookmarks && this.bookmarkIntervalMs > 0) {
      w.timers.push(setInterval(() => this.sendBookmark(w), this.bookmarkIntervalMs));
    }
    const sk = storeKey(def);
    if (from === undefined) {
      // resourceVersion "" or "0": the current state as synthetic ADDED events, then changes.
      const items = [...this.storeOf(def).values()].filter(matches).sort((a, b) => objKey(a).localeCompare(objKey(b)));
      for (const o of items) this.write(w, { type: 'ADDED', object: present(o, def) });
    } else {
      for (const ev of this.log) if (ev.store === sk && ev.rv > from) this.deliver(w, ev);
    }
  }

  private deliver(w: Watcher, ev: StoredEvent): void {
    const now = w.matches(ev.object);
    const before = ev.prev ? w.matches(ev.prev) : false;
    let type: string | undefined;
    if (ev.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (ev.type === 'DELETED') type = before ? 'DELETED' : undefined;
    else if (before && now) type = 'MODIFIED';
    else if (now)
      type = 'ADDED'; // moved into the selector
    else if (before) type = 'DELETED'; // moved out of it
    if (type) this.write(w, { type, object: present(ev.object, w.def) });
  }

  private sendBookmark(w: Watcher): void {
    this.write(w, {
      type: 'BOOKMARK',
      object: { kind: w.def.kind, apiVersion: apiVersion(w.def), metadata: { resourceVersion: String(this.rv) } },
    });
  }

  private write(w: Watcher, event: unknown): void {
    if (w.closed) return;
    const line = Buffer.from(JSON.stringify(event) + '\n');
    if (!this.splitEvents) {
      w.res.write(line);
      return;
    }
    // Pieces of 7 bytes, a pause between them: events (and UTF-8 characters) cross chunks.
    w.queue = w.queue.then(async () => {
      for (let i = 0; i < line.length && !w.closed; i += 7) {
        w.res.write(line.subarray(i, i + 7));
        await new Promise((r) => setTimeout(r, 1));
      }
    });
  }

  private record(ev: StoredEvent): void {
    if (this.muted) {
      // A gap in history: what a watch misses when etcd events are lost; only a relist sees it.
      this.onChange?.();
      return;
    }
    this.log.push(ev);
    for (const w of this.watchers) if (storeKey(w.def) === ev.store) this.deliver(w, ev);
    this.onChange?.();
  }

  private endWatcher(w: Watcher, abrupt: boolean): void {
    if (w.closed) return;
    if (abrupt) {
      w.closed = true;
      w.res.socket?.destroy();
      this.forgetWatcher(w);
      return;
    }
    w.queue = w.queue.then(() => {
      if (!w.res.writableEnded) w.res.end();
    });
    this.forgetWatcher(w);
  }

  private forgetWatcher(w: Watcher): void {
    for (const t of w.timers) clearTimeout(t);
    w.timers = [];
    this.watchers.delete(w);
    if (w.res.writableEnded || w.res.destroyed) w.closed = true;
    void w.queue.then(() => (w.closed = true));
  }

  private selectorFor(q: URLSearchParams, namespace: string | undefined): (o: Obj) => boolean {
    const labels = parseSelector(q.get('labelSelector') ?? '');
    const fields = parseFieldSelector(q.get('fieldSelector') ?? '');
    return (o) => (namespace === undefined || o.metadata?.namespace === namespace) && labels(o.metadata?.labels ?? {}) && fields(o);
  }

  private async admin(req: http.IncomingMessage, res: http.ServerResponse, op: string): Promise<void> {
    try {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const b = (body ?? {}) as Record<string, unknown>;
      switch (`${req.method} ${op}`) {
        case 'POST apply': {
          const list = Array.isArray(body) ? body : Array.isArray(b.items) ? (b.items as Obj[]) : [body as Obj];
          const applied = list.map((o) => this.apply(o as Obj));
          return sendJson(res, 200, { resourceVersion: this.resourceVersion, applied: applied.length });
        }
        case 'POST delete':
          return sendJson(res, 200, { deleted: this.delete(String(b.kind), b.namespace as string | undefined, String(b.name)) });
        case 'POST compact':
          this.compact();
          return sendJson(res, 200, { compactedResourceVersion: this.resourceVersion });
        case 'POST forbid':
          this.forbid(String(b.kind));
          return sendJson(res, 200, {});
        case 'POST allow':
          this.allow(String(b.kind));
          return sendJson(res, 200, {});
        case 'POST forbid-in': // TLS (issue 12)
          this.forbidIn(String(b.kind), String(b.namespace));
          return sendJson(res, 200, {});
        case 'POST unserve':
          this.unserve(String(b.what));
          return sendJson(res, 200, {});
        case 'POST serve':
          this.serve(String(b.what));
          return sendJson(res, 200, {});
        case 'POST drop-watches':
          this.dropWatches();
          return sendJson(res, 200, {});
        case 'POST end-watches':
          this.endWatches();
          return sendJson(res, 200, {});
        case 'POST bookmark':
          this.bookmark();
          return sendJson(res, 200, {});
        case 'POST fail':
          this.failNext(Number(b.status ?? 500), Number(b.count ?? 1), b.path as string | undefined);
          return sendJson(res, 200, {});
        case 'POST restart': {
          const downMs = Number(b.downMs ?? 500);
          sendJson(res, 200, { downMs });
          res.on('finish', () => {
            void this.stop().then(() => setTimeout(() => void this.listen(), downMs));
          });
          return;
        }
        case 'GET objects':
          return sendJson(res, 200, { resourceVersion: this.resourceVersion, items: this.objects() });
        case 'GET requests':
          return sendJson(res, 200, { items: this.requests });
        case 'GET watches':
          return sendJson(res, 200, { open: this.openWatches() });
        default:
          throw new HttpError(404, 'NotFound', `no admin operation ${req.method} ${op}`);
      }
    } catch (err) {
      this.sendError(res, err instanceof HttpError ? err : new HttpError(400, 'BadRequest', (err as Error).message));
    }
  }

  private sendError(res: http.ServerResponse, err: unknown): void {
    const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', (err as Error)?.message ?? String(err));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, e.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.status });
  }

  // ---- helpers ----

  private servedDefs(): ResourceDef[] {
    return KNOWN_RESOURCES.filter((d) => !this.unserved.has(defId(d)));
  }

  private groupDoc(group: string): Record<string, unknown> {
    const order = ['v1', 'v1beta1', 'v1alpha3', 'v1alpha2', 'v1alpha1'];
    const versions = [
      ...new Set(
        this.servedDefs()
          .filter((d) => d.group === group)
          .map((d) => d.version),
      ),
    ].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
    return { name: group, versions: vs, preferredVersion: vs[0] };
  }

  private defForKind(kind: string): ResourceDef {
    const d = KNOWN_RESOURCES.find((x) => x.kind === kind);
    if (!d) throw new Error(`the API server double does not know kind "${kind}"`);
    return d;
  }

  private storeOf(def: ResourceDef): Map<string, Obj> {
    const k = storeKey(def);
    let s = this.stores.get(k);
    if (!s) this.stores.set(k, (s = new Map()));
    return s;
  }

  private matchDefs(what: string): ResourceDef[] {
    const parts = what.split('/');
    let m: ResourceDef[];
    if (parts.length === 1) {
      const byKind = KNOWN_RESOURCES.filter((d) => d.kind === what);
      m = byKind.length
        ? byKind
        : /^v\d/.test(what)
          ? KNOWN_RESOURCES.filter((d) => d.group === '' && d.version === what)
          : KNOWN_RESOURCES.filter((d) => d.group === what);
    } else if (/^v\d/.test(parts[0]!)) {
      m = KNOWN_RESOURCES.filter((d) => d.group === '' && d.version === parts[0] && (!parts[1] || d.plural === parts[1]));
    } else {
      m = KNOWN_RESOURCES.filter((d) => d.group === parts[0] && d.version === parts[1] && (!parts[2] || d.plural === parts[2]));
    }
    if (m.length === 0) throw new Error(`the API server double serves nothing matching "${what}"`);
    return m;
  }
}

const VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

function notFound(): HttpError {
  return new HttpError(404, 'NotFound', 'the server could not find the requested resource');
}

// TLS (issue 12): kube-apiserver's 403 wording, naming verb, resource and namespace.
function forbiddenError(def: ResourceDef, verb: string, user: string, namespace: string, name?: string): HttpError {
  const resource = `${def.plural}${def.group ? '.' + def.group : ''}`;
  return new HttpError(
    403,
    'Forbidden',
    `${resource}${name ? ` "${name}"` : ''} is forbidden: User "${user || 'system:anonymous'}" cannot ${verb} resource "${def.plural}" in API group "${def.group}" in the namespace "${namespace}"`,
  );
}

function storeKey(d: ResourceDef): string {
  return `${d.group}/${d.plural}`;
}
function defId(d: ResourceDef): string {
  return `${d.group}/${d.version}/${d.plural}`;
}
function apiVersion(d: ResourceDef): string {
  return d.group ? `${d.group}/${d.version}` : d.version;
}
function objKey(o: Obj): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}
/** The object as served at the requested version. */
function present(o: Obj, d: ResourceDef): Obj {
  return { ...structuredClone(o), apiVersion: apiVersion(d), kind: d.kind };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      try {
        resolveBody(text === '' ? undefined : JSON.parse(text));
      } catch {
        reject(new Error('request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

// An independent label-selector implementation (not the one in src/): the double should filter
// the way an API server does, not the way our code thinks it does.
// Written separately from src/util/label-selector.ts on purpose: the double filters as an API
// server would, so -l through the cluster and -l over -f files are checked against each other.
function parseSelector(sel: string): (labels: Record<string, string>) => boolean {
  const reqs: ((l: Record<string, string>) => boolean)[] = [];
  let depth = 0;
  let cur = '';
  const parts: string[] = [];
  for (const ch of sel) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts.map((s) => s.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = list.split(',').map((v) => v.trim());
      reqs.push(op === 'in' ? (l) => key in l && values.includes(l[key]!) : (l) => !(key in l) || !values.includes(l[key]!));
    } else if ((m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(raw))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      reqs.push(op === '!=' ? (l) => l[key] !== value : (l) => key in l && l[key] === value);
    } else if ((m = /^!\s*([\w./-]+)$/.exec(raw))) {
      const key = m[1]!;
      reqs.push((l) => !(key in l));
    } else if (/^[\w./-]+$/.test(raw)) {
      reqs.push((l) => raw in l);
    } else {
      throw new HttpError(400, 'BadRequest', `unable to parse requirement: "${raw}"`);
    }
  }
  return (l) => reqs.every((r) => r(l));
}

function parseFieldSelector(sel: string): (o: Obj) => boolean {
  const reqs: ((o: Obj) => boolean)[] = [];
  for (const raw of sel
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(metadata\.name|metadata\.namespace)\s*(==|=|!=)\s*(.*)$/.exec(raw);
    if (!m) throw new HttpError(400, 'BadRequest', `field label not supported: ${raw}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const get = (o: Obj) => (field === 'metadata.name' ? o.metadata?.name : o.metadata?.namespace) ?? '';
    reqs.push(op === '!=' ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (o) => reqs.every((r) => r(o));
}

// ---- standalone process ----

function loadState(file: string): Obj[] {
  const text = readFileSync(file, 'utf8');
  const docs: unknown[] = file.endsWith('.json') ? [JSON.parse(text)] : (yaml.loadAll(text) as unknown[]);
  const out: Obj[] = [];
  for (const d of docs) {
    if (!d) continue;
    if (Array.isArray(d)) out.push(...(d as Obj[]));
    else if (Array.isArray((d as { items?: unknown }).items)) out.push(...(d as { items: Obj[] }).items);
    else out.push(d as Obj);
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      tls: { type: 'boolean', default: false },
      token: { type: 'string', multiple: true },
      state: { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      unserve: { type: 'string', multiple: true },
      serve: { type: 'string', multiple: true },
      forbid: { type: 'string', multiple: true },
      'bookmark-interval': { type: 'string' },
      'gone-as': { type: 'string' },
      dir: { type: 'string' },
      san: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const opts: ApiServerOptions = {
    host: values.host!,
    port: Number(values.port),
    tls: values.tls!,
    tokens: values.token ?? [],
    sans: values.san ?? [],
  };
  if (values.dir) opts.dir = values.dir;
  if (values['bookmark-interval']) opts.bookmarkIntervalMs = Number(values['bookmark-interval']);
  if (values['gone-as'] === 'status' || values['gone-as'] === 'event') opts.goneAs = values['gone-as'];
  const api = new ApiServerDouble(opts);
  for (const w of values.serve ?? []) api.serve(w);
  for (const w of values.unserve ?? []) api.unserve(w);
  for (const k of values.forbid ?? []) api.forbid(k);
  const stateFile = values.state ? resolve(values.state) : undefined;
  if (stateFile && existsSync(stateFile)) for (const o of loadState(stateFile)) api.apply(o);
  if (stateFile?.endsWith('.json')) {
    let scheduled = false;
    api.onChange = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        writeFileSync(stateFile, JSON.stringify(api.objects(), null, 1));
      });
    };
  }
  await api.listen();
  const kubeconfig = api.writeKubeconfig({ path: resolve(values['kubeconfig-out'] ?? join(api.dir, 'kubeconfig')) });
  const ready: ReadyLine = { ready: true, url: api.url, caFile: api.caFile ?? null, kubeconfig, token: api.token ?? null, pid: process.pid };
  process.stdout.write(JSON.stringify(ready) + '\n');
  const shutdown = () => {
    void api.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

// Standalone only when run directly, not when imported by a test.
if (process.argv[1] && resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`apiserver double: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(2);
  });
}
