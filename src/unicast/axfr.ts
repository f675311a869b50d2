// Signed zone transfer (AXFR, RFC 5936) over TCP: the only way to find owned records whose
// routes were deleted while `serve` was not running. Every message of the reply is verified
// (RFC 8945 §5.3.1); the transfer ends with the second copy of the SOA (RFC 5936 §2.2).

import { randomInt } from 'node:crypto';
import { DnsRcodeError, type DnsClient } from './client.js';
import { TsigError } from './tsig.js';
import { DnsTransportError, streamTcp } from './transport.js';
import { RCODE, TYPE, encodeQuery, parseMessage, rcodeName, soaSerial } from './wire.js';

export interface ZoneRecord {
  name: string;
  type: number;
  ttl: number;
  /** A copy, safe to keep (names inside SOA rdata may be compressed: not used). */
  rdata: Buffer;
  /** CNAME only: the target, decompressed. */
  target?: string;
}

export interface ZoneTransfer {
  zone: string;
  serial: number;
  records: ZoneRecord[];
  /** How many DNS messages the reply took. */
  messages: number;
}

/** The server would not transfer the zone: fall back to per-name queries. */
export class ZoneTransferRefused extends Error {
  constructor(
    readonly zone: string,
    readonly reason: string,
  ) {
    super(`the server refused a zone transfer of ${zone} (${reason})`);
    this.name = 'ZoneTransferRefused';
  }
}

/** Rcodes that mean "not allowed here", not "broken": REFUSED, NOTAUTH, NOTIMP. */
const REFUSALS: ReadonlySet<number> = new Set([RCODE.REFUSED, RCODE.NOTAUTH, RCODE.NOTIMP]);

export async function transferZone(client: DnsClient, zone: string): Promise<ZoneTransfer> {
  const query = encodeQuery(randomInt(0, 0x10000), zone, TYPE.AXFR);
  const signed = client.sign(query);
  const verifier = client.verifier(signed.mac);
  const records: ZoneRecord[] = [];
  let soaCount = 0;
  let messages = 0;
  let serial = 0;
  let refusal: ZoneTransferRefused | undefined;
  try {
    await streamTcp(client.server, signed.message, client.timeoutMs, (raw) => {
      const msg = parseMessage(raw);
      messages++;
      try {
        verifier.verify(raw);
      } catch (err) {
        // A refusal may come unsigned (RFC 8945 §5.3.2 leaves that to the server); believe it
        // only as a refusal. TSIG errors from the server (BADKEY...) are real failures.
        if (err instanceof TsigError && err.problem === 'UNSIGNED' && REFUSALS.has(msg.rcode) && records.length === 0) {
          refusal = new ZoneTransferRefused(zone, rcodeName(msg.rcode));
          return true;
        }
        throw err;
      }
      if (msg.rcode !== RCODE.NOERROR) {
        if (REFUSALS.has(msg.rcode)) {
          refusal = new ZoneTransferRefused(zone, rcodeName(msg.rcode));
          return true;
        }
        throw new DnsRcodeError(msg.rcode, `zone transfer of ${zone} from ${client.label} failed: ${rcodeName(msg.rcode)}`);
      }
      for (const rec of msg.answers) {
        if (rec.type === TYPE.SOA) {
          soaCount++;
          if (soaCount === 1) serial = soaSerial(raw, rec);
          if (soaCount === 2) return true;
          continue;
        }
        if (soaCount === 0) throw new DnsTransportError('network', `zone transfer of ${zone} from ${client.label} did not start with the SOA (RFC 5936 §2.2)`);
        records.push({
          name: rec.name,
          type: rec.type,
          ttl: rec.ttl,
          rdata: Buffer.from(rec.rdata),
          ...(rec.target !== undefined ? { target: rec.target } : {}),
        });
      }
      return false;
    });
  } catch (err) {
    // BIND may simply close the connection on a refused transfer ("Transfer failed" in dig).
    if (err instanceof DnsTransportError && err.kind === 'closed') {
      throw new ZoneTransferRefused(zone, 'the server closed the connection before the transfer was complete');
    }
    throw err;
  }
  if (refusal) throw refusal;
  verifier.finish();
  return { zone, serial, records, messages };
}
