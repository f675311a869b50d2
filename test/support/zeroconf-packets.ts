// Packets other mDNS implementations really sent (test/fixtures/zeroconf/), for the coder's
// tests and the responder's.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../../test/fixtures/zeroconf/', import.meta.url));

/**
 * python3-zeroconf 0.47.3 (Debian 12) claiming shop.local at 192.168.7.99, captured for real
 * by test/fixtures/zeroconf/capture.sh: its multicast answer to "shop.local A" holds the A
 * record (cache-flush set) and, in the additional section, an NSEC for AAAA whose bitmap
 * window and length are 16-bit fields (window 0, length 0, then 00 04 and 4 bitmap bytes):
 * RFC 4034 §4.1.2 has one octet each, and a bitmap length of 0 is invalid.
 */
export const ZEROCONF_CLAIM = Buffer.from((JSON.parse(readFileSync(dir + 'claim.json', 'utf8')) as { reply: string }).reply, 'hex');

/** Byte offsets in ZEROCONF_CLAIM: header (12 bytes, no question), the A record (26), the NSEC. */
export const ZEROCONF_CLAIM_LAYOUT = { aRecord: 12, nsecRecord: 38, nsecRdata: 50 };
