// The local CA: load it from its folder (ours or mkcert's, same file names), or create it.
// Creating never replaces anything: an existing rootCA.pem is reused as it is, byte for byte.
import { X509Certificate } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { UserError, errorMessage } from '../util/errors.js';
import { CA_CERT_FILE, CA_KEY_FILE } from './ca-dir.js';
import { PrivateKeyPem } from './private-key.js';

/** `user@host`, as mkcert puts in its subjects. */
export function whoami(): string {
  let user = 'user';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep the placeholder
  }
  return `${user}@${hostname()}`;
}

export class LocalCA {
  readonly cert: X509Certificate;
  /** SHA-256 of the DER certificate, `AB:CD:…` (as openssl and Node print it). */
  readonly fingerprintSHA256: string;
  readonly #key: PrivateKeyPem | undefined;

  constructor(
    readonly dir: string,
    readonly certPem: string,
    key: PrivateKeyPem | undefined,
  ) {
    this.cert = new X509Certificate(certPem);
    this.fingerprintSHA256 = this.cert.fingerprint256;
    this.#key = key;
  }

  get certFile(): string {
    return join(this.dir, CA_CERT_FILE);
  }
  get subject(): string {
    return this.cert.subject.split('\n').join(', ');
  }
  get notAfter(): Date {
    return new Date(this.cert.validTo);
  }
  get canIssue(): boolean {
    return this.#key !== undefined;
  }
  /** The signing key; a clear error when the folder holds only the certificate. */
  key(): PrivateKeyPem {
    if (!this.#key) throw new UserError(`the CA in ${this.dir} has no ${CA_KEY_FILE}: it can be trusted, but cannot issue certificates`);
    return this.#key;
  }
  /** The CA certificate (PEM, one block) — first in the chain after the leaf. */
  chainPem(): string {
    return this.certPem.endsWith('\n') ? this.certPem : this.certPem + '\n';
  }
}

/** Loads the CA in `dir`; undefined when there is no rootCA.pem. */
export function loadCA(dir: string): LocalCA | undefined {
  const certPath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  if (!existsSync(certPath)) {
    if (existsSync(keyPath)) throw new UserError(`${dir} has ${CA_KEY_FILE} but no ${CA_CERT_FILE}: restore it, or point --ca-dir at an empty folder`);
    return undefined;
  }
  let certPem: string;
  try {
    certPem = readFileSync(certPath, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${certPath}: ${errorMessage(err)}`);
  }
  let key: PrivateKeyPem | undefined;
  if (existsSync(keyPath)) {
    try {
      key = new PrivateKeyPem(readFileSync(keyPath, 'utf8'));
    } catch (err) {
      // The message names the file and the errno, never the content.
      throw new UserError(`cannot read ${keyPath}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  let ca: LocalCA;
  try {
    ca = new LocalCA(dir, certPem, key);
  } catch (err) {
    throw new UserError(`${certPath} is not a PEM certificate: ${errorMessage(err)}`);
  }
  if (!ca.cert.ca) throw new UserError(`${certPath} is not a CA certificate (basicConstraints CA:FALSE)`);
  return ca;
}

export interface EnsuredCA {
  ca: LocalCA;
  created: boolean;
}

/** Loads the CA in `dir`, or creates one there (folder 0700, key 0600, certificate 0644). */
export async function ensureCA(dir: string, opts: { now?: Date; who?: string } = {}): Promise<EnsuredCA> {
  const existing = loadCA(dir);
  if (existing) return { ca: existing, created: false };
  const { createRootCA } = await import('./x509.js');
  const made = await createRootCA({ who: opts.who ?? whoami(), ...(opts.now ? { now: opts.now } : {}) });
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new UserError(`cannot create the CA folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`);
  }
  const keyPath = join(dir, CA_KEY_FILE);
  const certPath = join(dir, CA_CERT_FILE);
  // Key first, certificate last: a folder with rootCA.pem is always complete. Temp files and
  // rename, so a crash never leaves half a file under the real name.
  writeNew(keyPath, made.key.pem(), 0o600);
  writeNew(certPath, made.certPem, 0o644);
  return { ca: new LocalCA(dir, made.certPem, made.key), created: true };
}

function writeNew(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode); // the umask may have narrowed it further; never wider
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
