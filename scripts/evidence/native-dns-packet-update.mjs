#!/usr/bin/env node
// Evidence for docs/decisions.md (Unicast): can native-dns-packet (0.1.1, last release 2014)
// write the RFC 2136 UPDATE forms kubectl-mdns needs, and parse the replies BIND sends?
// It is not a dependency of this project. To reproduce:
//   mkdir -p /tmp/ndp && cd /tmp/ndp && npm init -y && npm i native-dns-packet
//   NDP_DIR=/tmp/ndp node scripts/evidence/native-dns-packet-update.mjs
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = process.env.NDP_DIR ?? '/tmp/ndp';
const require = createRequire(dir.replace(/\/?$/, '/'));
const Packet = require('native-dns-packet');
const { version } = require('native-dns-packet/package.json');
console.log(`native-dns-packet ${version}, node ${process.version}\n`);

const A = 1,
  SOA = 6,
  ANY = 255,
  IN = 1,
  NONE = 254;

function update(records) {
  const p = new Packet();
  p.header.opcode = 5;
  p.header.rd = 0;
  p.question.push({ name: 'dev.k8s', type: SOA, class: IN }); // RFC 2136 §2.3 zone section
  for (const [section, rr] of records) p[section].push(rr);
  return p;
}

function tryWrite(title, records) {
  const buf = Buffer.alloc(512);
  try {
    const n = Packet.write(buf, update(records));
    console.log(`${title}\n  -> wrote ${n} bytes: ${buf.subarray(0, n).toString('hex')}`);
    return buf.subarray(0, n);
  } catch (err) {
    console.log(`${title}\n  -> ${err.name}: ${err.message}`);
    return undefined;
  }
}

// RFC 2136 §2.5.2 Delete an RRset: class ANY, type A, TTL 0, RDLENGTH 0.
tryWrite('§2.5.2 delete the A RRset (class ANY, type A, no rdata)', [['authority', { name: 'shop.dev.k8s', type: A, class: ANY, ttl: 0 }]]);
tryWrite('§2.5.2 delete the A RRset, rdata given as empty data', [['authority', { name: 'shop.dev.k8s', type: A, class: ANY, ttl: 0, data: Buffer.alloc(0) }]]);
tryWrite('§2.5.2 delete the A RRset, address ""', [['authority', { name: 'shop.dev.k8s', type: A, class: ANY, ttl: 0, address: '' }]]);
// RFC 2136 §2.4.3 RRset does not exist: class NONE, type A, no rdata.
tryWrite('§2.4.3 prerequisite "A RRset does not exist" (class NONE, type A, no rdata)', [['answer', { name: 'shop.dev.k8s', type: A, class: NONE, ttl: 0 }]]);
// RFC 2136 §2.4.5 Name is not in use: class NONE, type ANY, no rdata.
tryWrite('§2.4.5 prerequisite "name is not in use" (class NONE, type ANY, no rdata)', [['answer', { name: 'shop.dev.k8s', type: ANY, class: NONE, ttl: 0 }]]);
const withBuffer = tryWrite('§2.4.5 "name is not in use", rdata given as an empty Buffer', [
  ['answer', { name: 'shop.dev.k8s', type: ANY, class: NONE, ttl: 0, data: Buffer.alloc(0) }],
]);
if (withBuffer) {
  const rdlength = withBuffer.readUInt16BE(withBuffer.length - 2);
  console.log(`  (RDLENGTH written: ${rdlength})`);
}
// For contrast, a form that does carry rdata: §2.5.4 delete one RR (class NONE, with address).
tryWrite('§2.5.4 delete one A RR (class NONE, with an address) - for contrast', [
  ['authority', { name: 'shop.dev.k8s', type: A, class: NONE, ttl: 0, address: '10.0.0.1' }],
]);

// Replies: BIND's zone transfer sends its second and later messages with QDCOUNT 0
// (captured in test/fixtures/tsig/axfr-multi.json).
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../test/fixtures/tsig/axfr-multi.json', import.meta.url)), 'utf8'));
for (const [i, hex] of fixture.messages.slice(0, 2).entries()) {
  const msg = Buffer.from(hex, 'hex');
  try {
    const p = Packet.parse(msg);
    console.log(`\nparse BIND AXFR message ${i + 1} (QDCOUNT ${msg.readUInt16BE(4)}) -> ok, ${p.answer.length} answers`);
  } catch (err) {
    console.log(`\nparse BIND AXFR message ${i + 1} (QDCOUNT ${msg.readUInt16BE(4)}) -> ${err.name}: ${err.message}`);
  }
}

// And dns-packet (a dependency here): used for names and A/AAAA/TXT rdata, not for UPDATE.
const dnsPacket = createRequire(import.meta.url)('dns-packet');
console.log(`\ndns-packet ${createRequire(import.meta.url)('dns-packet/package.json').version}`);
const zone = { name: 'dev.k8s', type: 'SOA', class: 'IN' };
const none = dnsPacket.encode({
  type: 'query',
  id: 0,
  flags: 5 << 11,
  questions: [zone],
  answers: [{ name: 'shop.dev.k8s', type: 'ANY', class: 'NONE', ttl: 0, data: Buffer.alloc(0) }],
});
console.log(`§2.4.5 "name is not in use" with class 'NONE' -> class written: ${none.readUInt16BE(none.length - 8)} (NONE is 254)`);
try {
  dnsPacket.encode({ type: 'query', id: 0, flags: 5 << 11, questions: [zone], authorities: [{ name: 'shop.dev.k8s', type: 'A', class: 'ANY', ttl: 0 }] });
} catch (err) {
  console.log(`§2.5.2 delete the A RRset (no data) -> ${err.name}: ${err.message}`);
}
const empty = dnsPacket.encode({
  type: 'query',
  id: 0,
  flags: 5 << 11,
  questions: [zone],
  authorities: [{ name: 'shop.dev.k8s', type: 'A', class: 'ANY', ttl: 0, data: '' }],
});
console.log(
  `§2.5.2 delete the A RRset (data '') -> RDLENGTH ${empty.readUInt16BE(empty.length - 6)}, rdata ${empty.subarray(empty.length - 4).toString('hex')} (a 0.0.0.0 record, not an RRset delete)`,
);
