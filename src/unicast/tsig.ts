// TSIG (RFC 8945): sign requests, verify responses, including multi-message zone transfers.
// The secret stays inside TsigKey (tsig-key.ts), which only ever hands out a MAC; no message
// built here mentions it.

import { timingSafeEqual } from 'node:crypto';
import { UserError } from '../util/errors.js';
import { TsigKey } from './tsig-key.js';
import { CLASS, TYPE, canonicalName, encodeName, parseMessage, rcodeName, readName } from './wire.js';

export { TsigKey };

export interface TsigAlgorithmInfo {
  /** What people type and what BIND's `algorithm` clause says. */
  name: string;
  /** The algorithm name on the wire (RFC 8945 §6). */
  wire: string;
  hash: string;
  macLength: number;
}

// RFC 8945 §6: hmac-md5 keeps its historic name; the SHA family is named by itself.
const ALGORITHMS: TsigAlgorithmInfo[] = [
  { name: 'hmac-md5', wire: 'hmac-md5.sig-alg.reg.int', hash: 'md5', macLength: 16 },
  { name: 'hmac-sha1', wire: 'hmac-sha1', hash: 'sha1', macLength: 20 },
  { name: 'hmac-sha224', wire: 'hmac-sha224', hash: 'sha224', macLength: 28 },
  { name: 'hmac-sha256', wire: 'hmac-sha256', hash: 'sha256', macLength: 32 },
  { name: 'hmac-sha384', wire: 'hmac-sha384', hash: 'sha384', macLength: 48 },
  { name: 'hmac-sha512', wire: 'hmac-sha512', hash: 'sha512', macLength: 64 },
];

export const TSIG_ALGORITHM_NAMES: readonly string[] = ALGORITHMS.map((a) => a.name);

export function tsigAlgorithm(name: string): TsigAlgorithmInfo {
  const n = name.toLowerCase().replace(/\.$/, '');
  const found = ALGORITHMS.find((a) => a.name === n || a.wire === n);
  if (!found) throw new UserError(`unknown TSIG algorithm "${name}": use one of ${TSIG_ALGORITHM_NAMES.join(', ')}`);
  return found;
}

/** Fudge: seconds of clock skew allowed either way; 300 is what RFC 8945 §10 recommends. */
export const DEFAULT_FUDGE = 300;

export type TsigProblem = 'BADSIG' | 'BADKEY' | 'BADTIME' | 'BADTRUNC' | 'UNSIGNED' | 'MALFORMED';

/**
 * A TSIG failure, either reported by the server in its TSIG record's Error field
 * (origin 'server', RFC 8945 §5.2) or found by us while verifying a reply (origin 'client').
 */
export class TsigError extends Error {
  constructor(
    readonly problem: TsigProblem,
    readonly origin: 'server' | 'client',
    message: string,
    /** BADTIME from the server: its clock (seconds since the epoch), from Other Data (§5.2.3). */
    readonly serverTime?: number,
  ) {
    super(message);
    this.name = 'TsigError';
  }
}

export interface TsigRecord {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
  /** Offset where the TSIG record starts: everything before it is what was signed. */
  start: number;
}

function uint48(seconds: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(Math.floor(seconds / 2 ** 32) & 0xffff, 0);
  b.writeUInt32BE(seconds % 2 ** 32, 2);
  return b;
}

function uint16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

/** RFC 8945 §4.3.1: a MAC enters the digest as MAC Size (2 octets) then MAC. */
function macField(mac: Buffer): Buffer {
  return Buffer.concat([uint16(mac.length), mac]);
}

/** RFC 8945 §4.3.3: the TSIG variables, in this order, names canonical and uncompressed. */
function tsigVariables(keyName: string, algWire: string, timeSigned: number, fudge: number, error: number, otherData: Buffer): Buffer {
  const classTtl = Buffer.alloc(6);
  classTtl.writeUInt16BE(CLASS.ANY, 0);
  classTtl.writeUInt32BE(0, 2);
  return Buffer.concat([
    encodeName(keyName),
    classTtl,
    encodeName(algWire),
    uint48(timeSigned),
    uint16(fudge),
    uint16(error),
    uint16(otherData.length),
    otherData,
  ]);
}

/** RFC 8945 §5.3.1: later messages of a stream digest only Time Signed and Fudge. */
function tsigTimers(timeSigned: number, fudge: number): Buffer {
  return Buffer.concat([uint48(timeSigned), uint16(fudge)]);
}

function hmac(key: TsigKey, parts: Buffer[]): Buffer {
  return key.hmac(tsigAlgorithm(key.algorithm).hash, parts);
}

export interface SignOptions {
  /** Seconds since the epoch; default now. */
  timeSigned?: number;
  fudge?: number;
  /** Signing a response: the request's MAC is digested first (§4.3.1). */
  requestMac?: Buffer;
  /**
   * Signing a later message of a multi-message response: the previous message's MAC; only
   * the timers are digested (§5.3.1). Used by tests to build streams.
   */
  priorMac?: Buffer;
  error?: number;
  otherData?: Buffer;
}

/**
 * Appends a TSIG record to `message` (which must not have one) and bumps ARCOUNT (§4.2).
 * The MAC covers the message as given, with its own ID as Original ID (§4.3.2).
 */
export function signMessage(message: Buffer, key: TsigKey, opts: SignOptions = {}): { message: Buffer; mac: Buffer } {
  const alg = tsigAlgorithm(key.algorithm);
  const timeSigned = opts.timeSigned ?? Math.floor(Date.now() / 1000);
  const fudge = opts.fudge ?? DEFAULT_FUDGE;
  const error = opts.error ?? 0;
  const otherData = opts.otherData ?? Buffer.alloc(0);
  const parts: Buffer[] = [];
  if (opts.priorMac) {
    parts.push(macField(opts.priorMac), message, tsigTimers(timeSigned, fudge));
  } else {
    if (opts.requestMac) parts.push(macField(opts.requestMac));
    parts.push(message, tsigVariables(key.name, alg.wire, timeSigned, fudge, error, otherData));
  }
  const mac = hmac(key, parts);
  const rdata = Buffer.concat([
    encodeName(alg.wire),
    uint48(timeSigned),
    uint16(fudge),
    macField(mac),
    uint16(message.readUInt16BE(0)),
    uint16(error),
    uint16(otherData.length),
    otherData,
  ]);
  const owner = encodeName(key.name);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(TYPE.TSIG, 0);
  fixed.writeUInt16BE(CLASS.ANY, 2);
  fixed.writeUInt32BE(0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  const signed = Buffer.concat([message, owner, fixed, rdata]);
  signed.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message: signed, mac };
}

/** The TSIG record of a message, if its last additional record is one (§5.1: it must be last). */
export function readTsig(message: Buffer): TsigRecord | undefined {
  const parsed = parseMessage(message);
  const all = [...parsed.answers, ...parsed.authorities, ...parsed.additionals];
  const last = parsed.additionals[parsed.additionals.length - 1];
  const tsigs = all.filter((r) => r.type === TYPE.TSIG);
  if (tsigs.length === 0) return undefined;
  if (tsigs.length > 1 || !last || last.type !== TYPE.TSIG) {
    throw new TsigError('MALFORMED', 'client', 'the reply carries a TSIG record that is not the last record (RFC 8945 §5.1)');
  }
  // §4.2: class ANY and TTL 0 are fixed; they are not digested, so check them here.
  if (last.class !== CLASS.ANY || last.ttl !== 0) {
    throw new TsigError('MALFORMED', 'client', 'the reply carries a TSIG record with a class other than ANY or a TTL other than 0');
  }
  let o = last.rdataOffset;
  const alg = readName(message, o);
  o += alg.length;
  const timeSigned = message.readUInt16BE(o) * 2 ** 32 + message.readUInt32BE(o + 2);
  const fudge = message.readUInt16BE(o + 6);
  const macSize = message.readUInt16BE(o + 8);
  const mac = Buffer.from(message.subarray(o + 10, o + 10 + macSize));
  o += 10 + macSize;
  const originalId = message.readUInt16BE(o);
  const error = message.readUInt16BE(o + 2);
  const otherLen = message.readUInt16BE(o + 4);
  const otherData = Buffer.from(message.subarray(o + 6, o + 6 + otherLen));
  if (o + 6 + otherLen !== last.end || mac.length !== macSize) {
    throw new TsigError('MALFORMED', 'client', 'the reply carries a TSIG record whose fields do not fill its RDATA exactly');
  }
  return { keyName: last.name, algorithm: alg.name, timeSigned, fudge, mac, originalId, error, otherData, start: last.start };
}

/** §4.3.2: the message without its TSIG record, ARCOUNT minus one, the Original ID restored. */
function strippedMessage(message: Buffer, tsig: TsigRecord): Buffer {
  const out = Buffer.from(message.subarray(0, tsig.start));
  out.writeUInt16BE(tsig.originalId, 0);
  out.writeUInt16BE(out.readUInt16BE(10) - 1, 10);
  return out;
}

function macMatches(expected: Buffer, received: Buffer): boolean {
  // §5.2.2.1: a truncated MAC is acceptable down to max(10, half the hash length).
  const minimum = Math.max(10, Math.ceil(expected.length / 2));
  if (received.length > expected.length || received.length < minimum) return false;
  return timingSafeEqual(expected.subarray(0, received.length), received);
}

function serverErrorMessage(key: TsigKey, tsig: TsigRecord, now: number): TsigError {
  const alg = tsigAlgorithm(key.algorithm).name;
  switch (tsig.error) {
    case 16:
      return new TsigError(
        'BADSIG',
        'server',
        `the DNS server rejected the TSIG signature (BADSIG): the secret of key "${key.name}" does not match the server's; check --tsig-secret-file or KUBECTL_MDNS_TSIG_SECRET`,
      );
    case 17:
      return new TsigError(
        'BADKEY',
        'server',
        `the DNS server does not know TSIG key "${key.name}" with algorithm ${alg} (BADKEY); check --tsig-key-name and --tsig-algorithm against the server's key clause`,
      );
    case 18: {
      const serverTime = tsig.otherData.length === 6 ? tsig.otherData.readUInt16BE(0) * 2 ** 32 + tsig.otherData.readUInt32BE(2) : undefined;
      const skew =
        serverTime === undefined
          ? ''
          : `: the server's clock says ${new Date(serverTime * 1000).toISOString()}, ours ${new Date(now * 1000).toISOString()} (${Math.round(serverTime - now)} s apart, ${tsig.fudge} s allowed)`;
      return new TsigError('BADTIME', 'server', `the DNS server rejected the TSIG time (BADTIME)${skew}; fix the clock on one side`, serverTime);
    }
    case 22:
      return new TsigError('BADTRUNC', 'server', 'the DNS server rejected a truncated TSIG MAC (BADTRUNC)');
    default:
      return new TsigError('MALFORMED', 'server', `the DNS server reported TSIG error ${rcodeName(tsig.error)}`);
  }
}

/**
 * Verifies the replies to one signed request: a single reply, or every message of a
 * multi-message answer such as AXFR over TCP (RFC 8945 §5.3.1). The first reply must be
 * signed and digests the request MAC; a later signed message digests the prior MAC, the
 * unsigned messages since (at most 99) and itself, then only the timers. BIND signs every
 * message; the unsigned-intermediate path is for servers that do not.
 */
export class TsigVerifier {
  private priorMac: Buffer;
  private first = true;
  private unsigned: Buffer[] = [];

  constructor(
    private readonly key: TsigKey,
    requestMac: Buffer,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.priorMac = requestMac;
  }

  /** Throws TsigError unless `message` verifies; returns whether it carried a TSIG record. */
  verify(message: Buffer): { signed: boolean } {
    const tsig = readTsig(message);
    if (!tsig) {
      if (this.first) throw new TsigError('UNSIGNED', 'client', 'the DNS server answered a signed request without a TSIG signature');
      if (this.unsigned.length >= 99)
        throw new TsigError('UNSIGNED', 'client', 'the DNS server sent more than 99 unsigned messages in a row (RFC 8945 §5.3.1)');
      this.unsigned.push(message);
      return { signed: false };
    }
    const now = this.now();
    const alg = tsigAlgorithm(this.key.algorithm);
    if (tsig.keyName !== canonicalName(this.key.name)) {
      throw new TsigError('BADKEY', 'client', `the reply is signed with key "${tsig.keyName}", not "${this.key.name}"`);
    }
    if (tsig.error !== 0) throw serverErrorMessage(this.key, tsig, now);
    if (tsig.algorithm !== alg.wire) throw new TsigError('BADKEY', 'client', `the reply is signed with algorithm ${tsig.algorithm}, not ${alg.wire}`);
    const stripped = strippedMessage(message, tsig);
    const parts = this.first
      ? [macField(this.priorMac), stripped, tsigVariables(this.key.name, alg.wire, tsig.timeSigned, tsig.fudge, tsig.error, tsig.otherData)]
      : [macField(this.priorMac), ...this.unsigned, stripped, tsigTimers(tsig.timeSigned, tsig.fudge)];
    const expected = hmac(this.key, parts);
    if (!macMatches(expected, tsig.mac)) {
      throw new TsigError(
        'BADSIG',
        'client',
        'the reply failed TSIG verification (its MAC does not match): it was changed on the way or signed with another secret',
      );
    }
    // §5.2.3: the time is checked after the MAC, so a forged time cannot be used to probe.
    if (Math.abs(now - tsig.timeSigned) > tsig.fudge) {
      throw new TsigError(
        'BADTIME',
        'client',
        `the reply's TSIG time is ${Math.round(tsig.timeSigned - now)} s from our clock (${tsig.fudge} s allowed); fix the clock on one side`,
        tsig.timeSigned,
      );
    }
    this.priorMac = tsig.mac;
    this.unsigned = [];
    this.first = false;
    return { signed: true };
  }

  /** §5.3.1: the last message of a stream must be signed. */
  finish(): void {
    if (this.first || this.unsigned.length > 0) throw new TsigError('UNSIGNED', 'client', 'the last message of the reply was not signed');
  }
}

/** Verifies a single reply to a request signed with `requestMac`. */
export function verifyResponse(response: Buffer, key: TsigKey, requestMac: Buffer, now?: () => number): void {
  new TsigVerifier(key, requestMac, now).verify(response);
}
