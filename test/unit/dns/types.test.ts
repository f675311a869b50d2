// The code tables (src/dns/types.ts): one of each, names for people.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RCODE, TYPE, rcodeName, typeName } from '../../../src/dns/index.js';

test('typeName: mnemonics from the one table, RFC 3597 TYPEnnn for the rest', () => {
  assert.deepEqual([TYPE.A, TYPE.PTR, TYPE.NSEC, TYPE.SOA, TYPE.TSIG, TYPE.ANY, TYPE.CAA, 4242].map(typeName), [
    'A',
    'PTR',
    'NSEC',
    'SOA',
    'TSIG',
    'ANY',
    'CAA',
    'TYPE4242',
  ]);
  for (const [name, code] of Object.entries(TYPE)) assert.equal(typeName(code), name, 'every code names itself once');
});

test('rcodeName: RFC 1035, 2136 and 8945 codes, RCODEnn for the rest', () => {
  assert.deepEqual([RCODE.NOERROR, RCODE.NOTAUTH, RCODE.BADSIG, 12].map(rcodeName), ['NOERROR', 'NOTAUTH', 'BADSIG', 'RCODE12']);
});
