// A signed DNS client for one server: every request carries TSIG, every reply is verified
// (RFC 8945 §5.3) before its rcode or records are believed.

import { randomInt } from 'node:crypto';
import { TsigError, TsigVerifier, signMessage, type TsigKey } from './tsig.js';
import { DEFAULT_TIMEOUT_MS, exchange, serverLabel, type DnsServer } from './transport.js';
import { RCODE, encodeQuery, parseMessage, type WireMessage } from './wire.js';
import { encodeUpdate, type UpdateRecord } from './update-message.js';

export interface SignedReply extends WireMessage {
  /**
   * A failure rcode that came back without TSIG (servers do that when they cannot even parse
   * the request). Believed only as a failure: an unsigned success is rejected.
   */
  unsigned: boolean;
}

/** A failure rcode to a query or update: says which, to whom, and what to do. */
export class DnsRcodeError extends Error {
  constructor(
    readonly rcode: number,
    message: string,
  ) {
    super(message);
    this.name = 'DnsRcodeError';
  }
}

export class DnsClient {
  readonly timeoutMs: number;
  /** Private, so that printing the client shows no key at all (the key itself is redacted too). */
  readonly #key: TsigKey;

  constructor(
    readonly server: DnsServer,
    key: TsigKey,
    timeoutMs?: number,
  ) {
    this.#key = key;
    this.timeoutMs = timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get label(): string {
    return serverLabel(this.server);
  }

  /** The key's name, for messages. */
  get keyName(): string {
    return this.#key.name;
  }

  /** Appends our TSIG record to `message` (RFC 8945 §4.2); the MAC is for verifying the reply. */
  sign(message: Buffer): { message: Buffer; mac: Buffer } {
    return signMessage(message, this.#key);
  }

  /** A verifier for the replies to a request signed with `requestMac` (RFC 8945 §5.3). */
  verifier(requestMac: Buffer): TsigVerifier {
    return new TsigVerifier(this.#key, requestMac);
  }

  /** Signs `message` (whose ID is replaced by a random one), sends it, verifies the reply. */
  async request(message: Buffer): Promise<SignedReply> {
    const withId = Buffer.from(message);
    withId.writeUInt16BE(randomInt(0, 0x10000), 0);
    const signed = this.sign(withId);
    const raw = await exchange(this.server, signed.message, this.timeoutMs);
    const reply = parseMessage(raw);
    try {
      this.verifier(signed.mac).verify(raw);
    } catch (err) {
      if (err instanceof TsigError && err.problem === 'UNSIGNED' && reply.rcode !== RCODE.NOERROR) return { ...reply, unsigned: true };
      throw err;
    }
    return { ...reply, unsigned: false };
  }

  /** A query to the authoritative server itself (RD clear). */
  query(name: string, type: number): Promise<SignedReply> {
    return this.request(encodeQuery(0, name, type));
  }

  /** RFC 2136 UPDATE; resolves with the reply's rcode, whatever it is. */
  async update(zone: string, prerequisites: UpdateRecord[], updates: UpdateRecord[]): Promise<number> {
    const reply = await this.request(encodeUpdate({ id: 0, zone, prerequisites, updates }));
    return reply.rcode;
  }
}
