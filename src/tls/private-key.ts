// A private key in PEM that cannot leak by accident: console.log, util.inspect, JSON.stringify,
// template strings and error messages all see "[private key redacted]". Only `pem()` gives the
// text, and only the code that writes key files or Secrets calls it (issue 12: keys never
// appear in output, logs or errors).
import { inspect } from 'node:util';

const REDACTED = '[private key redacted]';

export class PrivateKeyPem {
  readonly #pem: string;
  constructor(pem: string) {
    this.#pem = pem;
  }
  /** The PEM text: for key files and Secret data only. */
  pem(): string {
    return this.#pem;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}
