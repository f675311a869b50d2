// Which cluster to talk to and how, resolved the way kubectl resolves it (client-go's
// clientcmd loading rules), because a kubectl plugin that picks a different cluster than
// `kubectl` for the same flags would be dangerous:
// - `--kubeconfig FILE`: that one file, which must exist;
// - else `KUBECONFIG` (path-list): missing files ignored, first file to set a cluster, user or
//   context name wins, first file's current-context wins;
// - else `~/.kube/config`.
// Never fall back to http://localhost:8080 (client-node's loadFromDefault does: docs/decisions.md, @kubernetes/client-node).
//
// `readKubeconfig` is synchronous and does not load @kubernetes/client-node, so `list -f` and
// `version` stay fast; `resolveKubeconfig` adds the client-node KubeConfig (dynamic import)
// whose applyToHTTPSOptions does token, client certificates, CA, exec plugins, auth providers.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError, errorMessage } from '../util/errors.js';
import { parseDuration } from './duration.js';

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  /** kubectl duration syntax: "0" (no timeout), "30s", "1m", "1h30m", bare seconds "5". */
  requestTimeout?: string;
  env?: NodeJS.ProcessEnv;
}

/** The cluster/user/context entries in client-node's shape, ready for KubeConfig.loadFromOptions. */
export interface KubeConfigLoadOptions {
  clusters: ClientCluster[];
  users: ClientUser[];
  contexts: ClientContext[];
  currentContext: string;
}

export interface ClientCluster {
  name: string;
  server: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface ClientUser {
  name: string;
  token?: string;
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  exec?: unknown;
  authProvider?: unknown;
  username?: string;
  password?: string;
  impersonateUser?: string;
}

export interface ClientContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

/** Everything about the chosen context that does not need client-node. */
export interface KubeconfigSelection {
  contextName: string;
  clusterName: string;
  userName: string;
  /** Server URL without a trailing slash; may carry a path prefix (e.g. Rancher's proxy). */
  server: string;
  /** The context's default namespace, if it sets one. */
  namespace?: string;
  /** 0 = no timeout (kubectl's `--request-timeout=0`, its default). */
  requestTimeoutMs: number;
  /** The files that were read, in precedence order. */
  files: string[];
  loadOptions: KubeConfigLoadOptions;
}

export interface ResolvedConfig extends KubeconfigSelection {
  kubeConfig: KubeConfig;
}

/** A token-file user: read (and trimmed) at request time so that rotated tokens are picked up. */
export const TOKEN_FILE_PROVIDER = 'kubectl-mdns-token-file';

interface RawNamed {
  name?: unknown;
  [k: string]: unknown;
}

interface RawFile {
  path: string;
  clusters: Map<string, Record<string, unknown>>;
  users: Map<string, Record<string, unknown>>;
  contexts: Map<string, Record<string, unknown>>;
  currentContext?: string;
}

export async function resolveKubeconfig(opts: KubeconfigOptions): Promise<ResolvedConfig> {
  const selection = readKubeconfig(opts);
  return { ...selection, kubeConfig: await createKubeConfig(selection) };
}

/** Builds client-node's KubeConfig for a selection (loads client-node on first use). */
export async function createKubeConfig(selection: KubeconfigSelection): Promise<KubeConfig> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.addAuthenticator(tokenFileAuthenticator());
  kc.loadFromOptions(selection.loadOptions);
  kc.setCurrentContext(selection.contextName);
  return kc;
}

export function readKubeconfig(opts: KubeconfigOptions): KubeconfigSelection {
  const env = opts.env ?? process.env;
  const requestTimeoutMs = parseRequestTimeout(opts.requestTimeout);
  const paths = kubeconfigPaths(opts.kubeconfig, env);
  const files: RawFile[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      if (opts.kubeconfig !== undefined) throw new UserError(`kubeconfig file "${p}" (--kubeconfig) does not exist`);
      continue; // kubectl ignores missing KUBECONFIG entries
    }
    files.push(readRawFile(p));
  }

  // kubectl's merge: the first file to set a name wins; the first current-context wins.
  const clusters = new Map<string, { file: string; value: Record<string, unknown> }>();
  const users = new Map<string, { file: string; value: Record<string, unknown> }>();
  const contexts = new Map<string, { file: string; value: Record<string, unknown> }>();
  let currentContext: string | undefined;
  let currentContextFile: string | undefined;
  for (const f of files) {
    for (const [n, v] of f.clusters) if (!clusters.has(n)) clusters.set(n, { file: f.path, value: v });
    for (const [n, v] of f.users) if (!users.has(n)) users.set(n, { file: f.path, value: v });
    for (const [n, v] of f.contexts) if (!contexts.has(n)) contexts.set(n, { file: f.path, value: v });
    if (currentContext === undefined && f.currentContext) {
      currentContext = f.currentContext;
      currentContextFile = f.path;
    }
  }

  let contextName = opts.context || currentContext || '';
  const ctx = contextName ? contexts.get(contextName) : undefined;
  if (contextName && !ctx) {
    const where = opts.context ? '--context' : `current-context in ${currentContextFile}`;
    throw new UserError(`context "${contextName}" (${where}) does not exist in the kubeconfig (${describeFiles(files, paths)})`);
  }
  if (!ctx && !opts.cluster) {
    if (files.length === 0) {
      throw new UserError(`no context is set: no kubeconfig found (${describeFiles(files, paths)}); use --kubeconfig or set KUBECONFIG`);
    }
    throw new UserError('no context is set: use --context or `kubectl config use-context`');
  }

  const clusterName = opts.cluster || str(ctx?.value.cluster) || '';
  const cluster = clusters.get(clusterName);
  if (!cluster) {
    const why = opts.cluster ? '--cluster' : `cluster of context "${contextName}"`;
    throw new UserError(`cluster "${clusterName}" (${why}) does not exist in the kubeconfig (${describeFiles(files, paths)})`);
  }
  // A context without a user means no credentials (anonymous); a user it names must exist
  // (client-go: "user %q was not found for context %q").
  const userName = opts.user || str(ctx?.value.user) || '';
  const user = userName ? users.get(userName) : undefined;
  if (userName && !user) {
    const why = opts.user ? '--user' : `user of context "${contextName}"`;
    throw new UserError(`user "${userName}" (${why}) does not exist in the kubeconfig (${describeFiles(files, paths)})`);
  }
  if (!contextName) contextName = clusterName; // --cluster without any context: name errors after the cluster

  const clientCluster = toClientCluster(clusterName, cluster.value, cluster.file, contextName);
  // client-node applies the cluster's CA only when there is a current user, so always have one.
  const clientUser = user ? toClientUser(userName, user.value, user.file, clientCluster) : { name: userName || '(anonymous)' };
  const namespace = str(ctx?.value.namespace) || undefined;
  const clientContext: ClientContext = { name: contextName, cluster: clusterName, user: clientUser.name };
  if (namespace) clientContext.namespace = namespace;

  const selection: KubeconfigSelection = {
    contextName,
    clusterName,
    userName: clientUser.name,
    server: clientCluster.server,
    requestTimeoutMs,
    files: files.map((f) => f.path),
    loadOptions: { clusters: [clientCluster], users: [clientUser], contexts: [clientContext], currentContext: contextName },
  };
  if (namespace) selection.namespace = namespace;
  return selection;
}

export function parseRequestTimeout(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new UserError(`invalid --request-timeout "${value}": use a duration such as 30s, 1m or 0 (no timeout)`);
  }
  return ms;
}

function kubeconfigPaths(explicit: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (explicit !== undefined && explicit !== '') return [resolve(explicit)];
  const list = env.KUBECONFIG;
  if (list) {
    const out: string[] = [];
    for (const p of list.split(delimiter)) {
      if (p === '') continue;
      const abs = resolve(p);
      if (!out.includes(abs)) out.push(abs); // kubectl de-duplicates the list
    }
    return out;
  }
  const home = env.HOME || homedir();
  return [join(home, '.kube', 'config')];
}

function describeFiles(files: RawFile[], paths: string[]): string {
  if (files.length > 0) return files.map((f) => f.path).join(delimiter);
  return `looked at ${paths.join(delimiter) || 'nothing'}`;
}

function readRawFile(path: string): RawFile {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read kubeconfig file "${path}": ${firstLine(errorMessage(err))}`);
  }
  const file: RawFile = { path, clusters: new Map(), users: new Map(), contexts: new Map() };
  if (doc === null || doc === undefined) return file; // an empty file is a valid, empty config
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`cannot read kubeconfig file "${path}": not a kubeconfig (expected a YAML mapping)`);
  }
  const d = doc as Record<string, unknown>;
  collect(d.clusters, 'cluster', file.clusters, path);
  collect(d.users, 'user', file.users, path);
  collect(d.contexts, 'context', file.contexts, path);
  const cc = d['current-context'];
  if (typeof cc === 'string' && cc !== '') file.currentContext = cc;
  return file;
}

function collect(list: unknown, field: string, into: Map<string, Record<string, unknown>>, path: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new UserError(`cannot read kubeconfig file "${path}": ${field}s is not a list`);
  for (const entry of list as RawNamed[]) {
    if (!entry || typeof entry !== 'object') continue;
    const name = entry.name;
    if (typeof name !== 'string' || name === '') {
      throw new UserError(`cannot read kubeconfig file "${path}": a ${field} entry has no name`);
    }
    const value = entry[field];
    if (!into.has(name)) into.set(name, value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
  }
}

function toClientCluster(name: string, c: Record<string, unknown>, file: string, contextName: string): ClientCluster {
  let server = str(c.server);
  if (!server) throw new UserError(`cluster "${name}" of context "${contextName}" has no server (in ${file})`);
  // client-go defaults a scheme-less server to https.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(server)) server = `https://${server}`;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UserError(`cluster "${name}" of context "${contextName}" has an invalid server "${server}" (in ${file})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`cluster "${name}" of context "${contextName}" has an unsupported server "${server}": use https:// or http://`);
  }
  const out: ClientCluster = {
    name,
    server: server.replace(/\/+$/, ''),
    skipTLSVerify: c['insecure-skip-tls-verify'] === true,
  };
  const caData = str(c['certificate-authority-data']);
  const caFile = str(c['certificate-authority']);
  if (caData) out.caData = caData;
  else if (caFile) out.caFile = relativeTo(file, caFile); // kubectl: -data wins over the file
  const tlsServerName = str(c['tls-server-name']);
  if (tlsServerName) out.tlsServerName = tlsServerName;
  const proxyUrl = str(c['proxy-url']);
  if (proxyUrl) out.proxyUrl = proxyUrl;
  return out;
}

function toClientUser(name: string, u: Record<string, unknown>, file: string, cluster: ClientCluster): ClientUser {
  const out: ClientUser = { name };
  const token = str(u.token);
  const tokenFile = str(u['token-file']);
  if (token) out.token = token;
  else if (tokenFile) {
    // Not config.tokenFile: client-node's own FileAuth claims that key and would send the
    // file's trailing newline along.
    out.authProvider = { name: TOKEN_FILE_PROVIDER, config: { file: relativeTo(file, tokenFile) } };
  }
  const certData = str(u['client-certificate-data']);
  const certFile = str(u['client-certificate']);
  if (certData) out.certData = certData;
  else if (certFile) out.certFile = relativeTo(file, certFile);
  const keyData = str(u['client-key-data']);
  const keyFile = str(u['client-key']);
  if (keyData) out.keyData = keyData;
  else if (keyFile) out.keyFile = relativeTo(file, keyFile);
  const username = str(u.username);
  if (username) {
    out.username = username;
    out.password = str(u.password) ?? '';
  }
  const as = str(u.as);
  if (as) out.impersonateUser = as;
  if (u.exec && typeof u.exec === 'object') out.exec = execConfig(u.exec as Record<string, unknown>, file, cluster);
  else if (u['auth-provider'] && typeof u['auth-provider'] === 'object') out.authProvider = u['auth-provider'];
  return out;
}

// client-go resolves an exec command relative to the kubeconfig file only when it contains a
// path separator (a bare name is looked up on PATH), and tells the plugin about the call in
// KUBERNETES_EXEC_INFO; client-node does neither, so do it here.
function execConfig(exec: Record<string, unknown>, file: string, cluster: ClientCluster): Record<string, unknown> {
  const command = str(exec.command);
  const apiVersion = str(exec.apiVersion) || 'client.authentication.k8s.io/v1';
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo === true) {
    const info: Record<string, unknown> = { server: cluster.server, 'insecure-skip-tls-verify': cluster.skipTLSVerify };
    if (cluster.caData) info['certificate-authority-data'] = cluster.caData;
    else if (cluster.caFile && existsSync(cluster.caFile)) {
      info['certificate-authority-data'] = readFileSync(cluster.caFile).toString('base64');
    }
    if (cluster.tlsServerName) info['tls-server-name'] = cluster.tlsServerName;
    spec.cluster = info;
  }
  const env = Array.isArray(exec.env) ? [...(exec.env as unknown[])] : [];
  env.push({ name: 'KUBERNETES_EXEC_INFO', value: JSON.stringify({ apiVersion, kind: 'ExecCredential', spec }) });
  return {
    ...exec,
    command: command?.includes(sep) && !isAbsolute(command) ? join(dirname(file), command) : command,
    args: Array.isArray(exec.args) ? exec.args : [],
    env,
  };
}

function tokenFileAuthenticator() {
  // Re-read at most once a minute, as client-go does; trimmed because files end with a newline
  // and a newline in a header makes Node refuse the request.
  let cached: { file: string; token: string; at: number } | undefined;
  return {
    isAuthProvider(user: { authProvider?: { name?: string } }): boolean {
      return user?.authProvider?.name === TOKEN_FILE_PROVIDER;
    },
    async applyAuthentication(user: { authProvider?: { config?: { file?: string } } }, opts: { headers?: Record<string, unknown> }): Promise<void> {
      const file = user.authProvider?.config?.file ?? '';
      if (!cached || cached.file !== file || Date.now() - cached.at > 60_000) {
        let token: string;
        try {
          token = readFileSync(file, 'utf8').trim();
        } catch (err) {
          throw new Error(`cannot read token-file "${file}": ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`);
        }
        cached = { file, token, at: Date.now() };
      }
      if (cached.token) {
        opts.headers ??= {};
        opts.headers.Authorization = `Bearer ${cached.token}`;
      }
    },
  };
}

function relativeTo(file: string, p: string): string {
  return isAbsolute(p) ? p : join(dirname(file), p);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
