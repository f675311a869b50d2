// A TSIG key (RFC 8945 §4.3.3: key name, algorithm, shared secret) that cannot show its
// secret. The secret sits in a #private field, which neither util.inspect (whatever its
// options: showHidden, getters, customInspect false) nor JSON.stringify nor a spread can
// reach; toJSON, toString and util.inspect print the name and algorithm with `[redacted]`.
// Code that needs the secret gets a MAC from it (hmac), never the bytes. The key is made once,
// from the flags (config.ts), and handed unchanged to the client and the signer (tsig.ts).

import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

export class TsigKey {
  /** Key name as configured on the server (e.g. `update-key`). */
  readonly name: string;
  /** Any spelling tsigAlgorithm() accepts: `hmac-sha256`, `HMAC-SHA256.`, `hmac-md5.sig-alg.reg.int`. */
  readonly algorithm: string;
  readonly #secret: Buffer;

  /**
   * Keeps its own copy of `secret`, in memory of its own: Buffer.from() of a short string is a
   * slice of Node's shared 8 KiB pool, which any other pooled Buffer exposes (`.buffer`). The
   * caller may wipe its copy afterwards (config.ts does).
   */
  constructor(name: string, algorithm: string, secret: Uint8Array) {
    this.name = name;
    this.algorithm = algorithm;
    const own = Buffer.alloc(secret.length);
    own.set(secret);
    this.#secret = own;
  }

  /** Length of the secret in bytes (RFC 8945 §6: at least the hash length is recommended). */
  get secretLength(): number {
    return this.#secret.length;
  }

  /** HMAC-`hash` over `parts`, in order, keyed with the secret (the MAC of RFC 8945 §4.3). */
  hmac(hash: string, parts: readonly Uint8Array[]): Buffer {
    const h = createHmac(hash, this.#secret);
    for (const p of parts) h.update(p);
    return h.digest();
  }

  toJSON(): { name: string; algorithm: string; secret: string } {
    return { name: this.name, algorithm: this.algorithm, secret: REDACTED };
  }

  toString(): string {
    return `TSIG key "${this.name}" (${this.algorithm}, secret ${REDACTED})`;
  }

  [inspect.custom](): string {
    return `TsigKey { name: ${JSON.stringify(this.name)}, algorithm: ${JSON.stringify(this.algorithm)}, secret: ${REDACTED} }`;
  }
}
