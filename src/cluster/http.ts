// A small HTTP(S) client for the few API calls we make (discovery GETs, lists, watch streams).
// Our own rather than client-node's generated clients because the list+watch loop needs the raw
// stream and exact control over errors (docs/decisions.md, @kubernetes/client-node). Credentials still come from client-node's
// KubeConfig.applyToHTTPSOptions (token, client certificates, CA, exec plugins, auth providers).
// Every failure becomes a UserError whose one-line message names the context and the server.

import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { UserError, errorMessage } from '../util/errors.js';
import { NdjsonDecoder } from './ndjson.js';

/** What the client needs from a resolved kubeconfig (ResolvedConfig satisfies it). */
export interface ApiTarget {
  contextName: string;
  clusterName: string;
  userName: string;
  server: string;
  /** Deadline for a whole non-watch request; 0 = none. */
  requestTimeoutMs: number;
  kubeConfig: KubeConfig;
}

export interface ApiClientOptions {
  /** A non-watch request fails after this long without any data (kubectl's dial timeout is 30 s). */
  idleTimeoutMs?: number;
  userAgent?: string;
}

/** The Kubernetes `Status` object the API server sends with errors. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** The API server could not be reached, or its certificate could not be verified. */
export class ApiUnreachableError extends UserError {
  constructor(
    message: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'ApiUnreachableError';
  }
}

/** The API server answered with an error status. */
export class ApiStatusError extends UserError {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | undefined,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

/** Credentials could not be obtained (exec plugin failed, unreadable token or key file). */
export class CredentialsError extends UserError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'CredentialsError';
  }
}

export function isStatus(err: unknown, status: number): err is ApiStatusError {
  return err instanceof ApiStatusError && err.status === status;
}
export const isForbidden = (err: unknown): err is ApiStatusError => isStatus(err, 403);
export const isNotFound = (err: unknown): err is ApiStatusError => isStatus(err, 404);
export const isGone = (err: unknown): err is ApiStatusError => isStatus(err, 410);

export interface WatchStreamOptions {
  signal: AbortSignal;
  /** Reconnect (reject with a timeout error) when the stream is silent this long; 0 = never. */
  idleTimeoutMs?: number;
  /** Called once the server has accepted the watch (200 and headers received). */
  onOpen?: () => void;
}

interface Prepared {
  headers: Record<string, string>;
  auth?: string;
  agent: http.Agent;
}

interface RequestOpts {
  signal?: AbortSignal | undefined;
  watch: boolean;
  idleTimeoutMs?: number;
  method?: 'GET' | 'POST' | 'PUT';
  body?: Buffer;
}

const REFRESH_CREDENTIALS_MS = 60_000;

export class ApiClient {
  private readonly base: URL;
  private readonly idleTimeoutMs: number;
  private readonly userAgent: string;
  private prepared?: Promise<Prepared>;
  private preparedAt = 0;
  private agent?: { fingerprint: string; agent: http.Agent };
  private readonly agents: http.Agent[] = [];

  constructor(
    readonly target: ApiTarget,
    options: ApiClientOptions = {},
  ) {
    this.base = new URL(target.server);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'kubectl-mdns';
  }

  get contextName(): string {
    return this.target.contextName;
  }
  get server(): string {
    return this.target.server;
  }

  /** GET a JSON document. `path` is relative to the server URL (its path prefix is kept). */
  async getJson<T = unknown>(path: string, opts: { signal?: AbortSignal } = {}): Promise<T> {
    const res = await this.send(path, { signal: opts.signal, watch: false });
    const body = await readBody(res, this);
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch {
      throw new ApiStatusError(
        `the API server of context "${this.contextName}" at ${this.server} sent a response that is not JSON for GET ${path}`,
        res.statusCode ?? 0,
        undefined,
        path,
      );
    }
  }

  /**
   * POST or PUT a JSON body (creating or updating an object: `src/cluster/secrets.ts`) and
   * return the JSON answer. Errors as for getJson; a 403 names the verb the server refused.
   */
  async sendJson<T = unknown>(method: 'POST' | 'PUT', path: string, body: unknown, opts: { signal?: AbortSignal } = {}): Promise<T> {
    const res = await this.send(path, { signal: opts.signal, watch: false, method, body: Buffer.from(JSON.stringify(body)) });
    const text = (await readBody(res, this)).toString('utf8');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiStatusError(`${this.where()} sent a response that is not JSON for ${method} ${pathOnly(path)}`, res.statusCode ?? 0, undefined, path);
    }
  }

  /**
   * GET a watch stream, calling `onEvent` with each decoded JSON value. Resolves when the server
   * ends the stream, when `onEvent` returns false, or when `signal` aborts; rejects on errors
   * (including an idle stream, when idleTimeoutMs is set).
   */
  async watch(path: string, onEvent: (event: unknown) => boolean | void, opts: WatchStreamOptions): Promise<void> {
    if (opts.signal.aborted) return;
    const res = await this.send(path, { signal: opts.signal, watch: true, idleTimeoutMs: opts.idleTimeoutMs ?? 0 });
    opts.onOpen?.();
    const decoder = new NdjsonDecoder();
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        opts.signal.removeEventListener('abort', onAbort);
        if (err === undefined || opts.signal.aborted) resolve();
        else reject(err);
      };
      const stop = () => {
        res.destroy();
        finish();
      };
      const onAbort = () => stop();
      if (opts.signal.aborted) return stop();
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const deliver = (values: unknown[]): boolean => {
        for (const v of values) {
          if (settled) return false;
          if (onEvent(v) === false) {
            stop();
            return false;
          }
        }
        return true;
      };
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        try {
          deliver(decoder.push(chunk));
        } catch (err) {
          res.destroy();
          finish(this.networkError(err));
        }
      });
      res.on('end', () => {
        if (settled) return;
        try {
          if (deliver(decoder.end())) finish();
        } catch (err) {
          finish(this.networkError(err));
        }
      });
      res.on('error', (err) => finish(this.networkError(err)));
      // A connection cut mid-stream ends with 'close' and no 'end'.
      res.on('close', () => finish(res.complete ? undefined : this.networkError(new ConnectionClosed())));
    });
  }

  /** Forgets cached credentials, so the next request runs exec plugins / reads token files again. */
  refreshCredentials(): void {
    this.prepared = undefined;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    for (const a of this.agents) a.destroy();
    this.agents.length = 0;
    this.agent = undefined;
    this.prepared = undefined;
  }

  private async send(path: string, opts: RequestOpts, retried = false): Promise<http.IncomingMessage> {
    const prepared = await this.credentials();
    const res = await this.rawRequest(path, prepared, opts);
    const code = res.statusCode ?? 0;
    if (code >= 200 && code < 300) return res;
    const body = await readBody(res, this).catch(() => Buffer.alloc(0));
    if (code === 401 && !retried) {
      // Credentials may have expired or rotated (exec plugins, token files): fetch them once more.
      this.refreshCredentials();
      return this.send(path, opts, true);
    }
    throw this.statusError(code, res.statusMessage, body, path);
  }

  private rawRequest(path: string, prepared: Prepared, opts: RequestOpts): Promise<http.IncomingMessage> {
    const url = new URL(this.base.toString());
    const q = path.indexOf('?');
    url.pathname = url.pathname.replace(/\/+$/, '') + (q >= 0 ? path.slice(0, q) : path);
    url.search = q >= 0 ? path.slice(q) : '';
    const isHttps = url.protocol === 'https:';
    const headers: Record<string, string> = {
      ...prepared.headers,
      Accept: 'application/json',
      'User-Agent': this.userAgent,
    };
    if (opts.body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(opts.body.length);
    }
    const reqOpts: https.RequestOptions = {
      method: opts.method ?? 'GET',
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || (isHttps ? 443 : 80),
      path: url.pathname + url.search,
      headers,
      agent: prepared.agent,
    };
    if (prepared.auth) reqOpts.auth = prepared.auth;
    if (opts.signal) reqOpts.signal = opts.signal;
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(reqOpts, (res) => {
        if (deadline) clearTimeout(deadline);
        resolve(res);
      });
      let deadline: NodeJS.Timeout | undefined;
      const idle = opts.watch ? (opts.idleTimeoutMs ?? 0) : this.idleTimeoutMs;
      if (idle > 0) {
        // Socket inactivity: for a watch this is the watchdog against half-open connections.
        req.setTimeout(idle, () => req.destroy(new IdleTimeout(idle)));
      }
      if (!opts.watch && this.target.requestTimeoutMs > 0) {
        const ms = this.target.requestTimeoutMs;
        deadline = setTimeout(() => req.destroy(new RequestTimeout(ms)), ms);
      }
      req.on('error', (err) => {
        if (deadline) clearTimeout(deadline);
        reject(this.networkError(err));
      });
      req.end(opts.body);
    });
  }

  private credentials(): Promise<Prepared> {
    if (this.prepared && Date.now() - this.preparedAt < REFRESH_CREDENTIALS_MS) return this.prepared;
    this.preparedAt = Date.now();
    const p = this.prepareCredentials();
    this.prepared = p;
    p.catch(() => {
      if (this.prepared === p) this.prepared = undefined;
    });
    return p;
  }

  private async prepareCredentials(): Promise<Prepared> {
    if (this.base.protocol === 'http:') {
      // Like kubectl: no credentials over plain HTTP (e.g. `kubectl proxy`).
      return { headers: {}, agent: this.agentFor({}, false) };
    }
    const opts: https.RequestOptions = { headers: {} };
    try {
      await this.target.kubeConfig.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new CredentialsError(
        `cannot get credentials for user "${this.target.userName}" of context "${this.contextName}": ${oneLine(errorMessage(err))}`,
        err,
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
      else if (Array.isArray(v)) headers[k] = v.join(', ');
    }
    const out: Prepared = { headers, agent: this.agentFor(opts, true) };
    if (typeof opts.auth === 'string') out.auth = opts.auth;
    return out;
  }

  // One keep-alive agent per set of TLS material: lists and watches share connections, and a
  // refresh that yields the same material (the usual case) reuses it.
  private agentFor(opts: https.RequestOptions, tls: boolean): http.Agent {
    const cluster = this.target.kubeConfig.getCurrentCluster?.();
    if (tls && cluster?.proxyUrl && opts.agent) {
      this.agents.push(opts.agent as http.Agent);
      return opts.agent as http.Agent; // client-node built a proxy agent for proxy-url
    }
    const tlsOpts: https.AgentOptions = {};
    if (opts.ca) tlsOpts.ca = opts.ca;
    if (opts.cert) tlsOpts.cert = opts.cert;
    if (opts.key) tlsOpts.key = opts.key;
    if (opts.pfx) tlsOpts.pfx = opts.pfx;
    if (opts.passphrase) tlsOpts.passphrase = opts.passphrase;
    if (opts.rejectUnauthorized !== undefined) tlsOpts.rejectUnauthorized = opts.rejectUnauthorized;
    if (opts.servername) tlsOpts.servername = opts.servername;
    const h = createHash('sha256');
    for (const v of [tlsOpts.ca, tlsOpts.cert, tlsOpts.key, tlsOpts.pfx, tlsOpts.passphrase, tlsOpts.servername]) {
      h.update(v === undefined ? '-' : Buffer.isBuffer(v) ? v : String(v));
      h.update('\0');
    }
    h.update(String(tlsOpts.rejectUnauthorized) + String(tls));
    const fingerprint = h.digest('hex');
    if (this.agent?.fingerprint === fingerprint) return this.agent.agent;
    const agent = tls ? new https.Agent({ ...tlsOpts, keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.agent = { fingerprint, agent };
    this.agents.push(agent);
    return agent;
  }

  private where(): string {
    return `the API server of context "${this.contextName}" at ${this.server}`;
  }

  /** Maps a socket/TLS/timeout error to a UserError naming context and server. */
  networkError(err: unknown): UserError {
    if (err instanceof UserError) return err;
    const e = err as NodeJS.ErrnoException & { errors?: NodeJS.ErrnoException[] };
    const code = e?.code ?? e?.errors?.[0]?.code;
    if (err instanceof RequestTimeout) {
      return new ApiUnreachableError(`${this.where()} did not answer within ${fmtMs(err.ms)} (--request-timeout)`, 'ETIMEDOUT', err);
    }
    if (err instanceof IdleTimeout) {
      return new ApiUnreachableError(`cannot reach ${this.where()}: no data for ${fmtMs(err.ms)}`, 'ETIMEDOUT', err);
    }
    if (err instanceof ConnectionClosed) {
      return new ApiUnreachableError(`lost the connection to ${this.where()}: the stream was cut`, 'ECONNRESET', err);
    }
    if (code && TLS_CODES.has(code)) {
      return new ApiUnreachableError(
        `cannot verify ${this.where()}: ${oneLine(errorMessage(err))}: check the certificate-authority of cluster "${this.target.clusterName}"`,
        code,
        err,
      );
    }
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
      return new ApiUnreachableError(`cannot reach ${this.where()}: TLS handshake failed (is it an https server?)`, code, err);
    }
    const syscall = e?.syscall ?? e?.errors?.[0]?.syscall;
    if (code) {
      const what = code === 'ECONNRESET' ? 'connection reset' : syscall ? `${syscall} ${code}` : code;
      return new ApiUnreachableError(`cannot reach ${this.where()}: ${what}`, code, err);
    }
    return new ApiUnreachableError(`cannot reach ${this.where()}: ${oneLine(errorMessage(err))}`, undefined, err);
  }

  private statusError(code: number, statusText: string | undefined, body: Buffer, path: string): ApiStatusError {
    let status: ApiStatus = {};
    try {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      if (parsed && typeof parsed === 'object') status = parsed as ApiStatus;
    } catch {
      // not a Status object: keep the HTTP status line
    }
    const detail = oneLine(status.message || statusText || `HTTP ${code}`);
    let message: string;
    if (code === 401) {
      message =
        `unauthorized: ${this.where()} rejected the credentials of user "${this.target.userName}" (401): ` +
        'check the token, client certificate or exec plugin in the kubeconfig';
    } else if (code === 403) {
      // The server's message already reads "X is forbidden: User ... cannot list ...".
      message = `${status.message ? detail : 'forbidden (403)'} (context "${this.contextName}")`;
    } else if (code === 404) {
      message = `not found: ${this.where()} does not serve ${pathOnly(path)}`;
    } else {
      message = `${this.where()} answered ${code} ${status.reason ?? statusText ?? ''} for ${pathOnly(path)}: ${detail}`.replace(/ {2,}/g, ' ');
    }
    return new ApiStatusError(message, code, status.reason, path);
  }
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

class IdleTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no data for ${ms} ms`);
  }
}
class RequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`request timed out after ${ms} ms`);
  }
}
class ConnectionClosed extends Error {
  constructor() {
    super('connection closed before the end of the response');
  }
}

function readBody(res: http.IncomingMessage, client: ApiClient): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (err) => reject(client.networkError(err)));
    res.on('close', () => {
      if (!res.complete) reject(client.networkError(new ConnectionClosed()));
    });
  });
}

function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q >= 0 ? path.slice(0, q) : path;
}

function oneLine(s: string): string {
  const line = s
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line ?? s.trim();
}

function fmtMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
