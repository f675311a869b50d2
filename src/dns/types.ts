// The code tables of the DNS header and records, one of each: record types (RFC 1035 §3.2.2
// and the IANA registry), classes (RFC 1035 §3.2.4; NONE from RFC 2136 §1.3), opcodes and
// rcodes (RFC 1035 §4.1.1, RFC 2136 §2.2; the TSIG errors of RFC 8945 §3 share the space).

export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  CAA: 257,
} as const;

export type TypeMnemonic = keyof typeof TYPE;

const TYPE_NAMES = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));

/** Mnemonic for people; RFC 3597 §5 `TYPEnnn` for the rest. */
export function typeName(code: number): string {
  return TYPE_NAMES.get(code) ?? `TYPE${code}`;
}

// RFC 2136 §1.3 gives NONE (254) and ANY (255) their meanings inside UPDATE.
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;

export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADSIG: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADTRUNC: 22,
} as const;

const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([k, v]) => [v, k]));

export function rcodeName(code: number): string {
  return RCODE_NAMES.get(code) ?? `RCODE${code}`;
}
