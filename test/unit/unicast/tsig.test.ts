// TSIG (RFC 8945) against known vectors captured from BIND's nsupdate, dig and named
// (test/fixtures/tsig/capture.mjs): our MAC must equal theirs byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signMessage, readTsig, verifyResponse, TsigVerifier, TsigError, tsigAlgorithm, TsigKey } from '../../../src/unicast/tsig.js';
import { encodeUpdate, update } from '../../../src/unicast/update-message.js';
import { rdataA, parseMessage } from '../../../src/unicast/wire.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/tsig/', import.meta.url));

interface Vector {
  key: { name: string; algorithm: string; secret: string };
  request: string;
  response?: string;
  messages?: string[];
}

function load(file: string): { key: TsigKey; vector: Vector } {
  const vector = JSON.parse(readFileSync(fixtures + file, 'utf8')) as Vector;
  return { vector, key: new TsigKey(vector.key.name, vector.key.algorithm, Buffer.from(vector.key.secret, 'base64')) };
}

/** The request without its TSIG record, as the signer saw it (RFC 8945 §4.3.2). */
function unsigned(message: Buffer): Buffer {
  const tsig = readTsig(message);
  assert.ok(tsig, 'vector carries a TSIG record');
  const out = Buffer.from(message.subarray(0, tsig.start));
  out.writeUInt16BE(out.readUInt16BE(10) - 1, 10);
  return out;
}

for (const alg of ['hmac-md5', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
  test(`signing reproduces nsupdate's ${alg} request byte for byte`, () => {
    const { key, vector } = load(`update-${alg}.json`);
    const request = Buffer.from(vector.request, 'hex');
    const tsig = readTsig(request)!;
    assert.equal(tsig.algorithm, tsigAlgorithm(alg).wire);
    const ours = signMessage(unsigned(request), key, { timeSigned: tsig.timeSigned, fudge: tsig.fudge });
    assert.equal(ours.message.toString('hex'), request.toString('hex'));
    assert.deepEqual(ours.mac, tsig.mac);
  });
}

test('hmac-md5 uses its historic wire name (RFC 8945 §6)', () => {
  assert.equal(tsigAlgorithm('hmac-md5').wire, 'hmac-md5.sig-alg.reg.int');
  assert.equal(tsigAlgorithm('HMAC-MD5.SIG-ALG.REG.INT.').name, 'hmac-md5');
  assert.equal(tsigAlgorithm('hmac-sha256.').wire, 'hmac-sha256');
  assert.throws(() => tsigAlgorithm('hmac-sha3'), /unknown TSIG algorithm "hmac-sha3": use one of hmac-md5/);
});

test('a different time or secret gives a different MAC', () => {
  const { key, vector } = load('update-hmac-sha256.json');
  const request = Buffer.from(vector.request, 'hex');
  const tsig = readTsig(request)!;
  const later = signMessage(unsigned(request), key, { timeSigned: tsig.timeSigned + 1, fudge: tsig.fudge });
  assert.notDeepEqual(later.mac, tsig.mac);
  const otherKey = new TsigKey(key.name, key.algorithm, Buffer.from('not the secret'));
  assert.notDeepEqual(signMessage(unsigned(request), otherKey, { timeSigned: tsig.timeSigned, fudge: tsig.fudge }).mac, tsig.mac);
});

for (const alg of ['hmac-md5', 'hmac-sha256']) {
  test(`named's ${alg} reply verifies with the request MAC as prefix; a tampered one does not`, () => {
    const { key, vector } = load(`exchange-${alg}.json`);
    const request = Buffer.from(vector.request, 'hex');
    const response = Buffer.from(vector.response!, 'hex');
    const requestMac = readTsig(request)!.mac;
    const at = readTsig(response)!.timeSigned;
    verifyResponse(response, key, requestMac, () => at);

    // Every byte matters: the header, the zone section, the TSIG record's own fields. Not the
    // header ID (bytes 0-1): the MAC covers the Original ID instead (RFC 8945 §4.3.2), and the
    // transport matches the ID against the request.
    for (let offset = 2; offset < response.length; offset++) {
      const tampered = Buffer.from(response);
      tampered[offset] = (tampered[offset] ?? 0) ^ 0x01;
      assert.throws(() => verifyResponse(tampered, key, requestMac, () => at), Error, `byte ${offset} changed`);
    }
    const bodyTampered = Buffer.from(response);
    bodyTampered[3] = (bodyTampered[3] ?? 0) ^ 0x01; // a header flag bit: still parses
    assert.throws(
      () => verifyResponse(bodyTampered, key, requestMac, () => at),
      (e: unknown) => e instanceof TsigError && e.problem === 'BADSIG' && e.origin === 'client',
    );
    // The same reply to another request (another request MAC) is not accepted either.
    assert.throws(
      () => verifyResponse(response, key, Buffer.alloc(requestMac.length, 7), () => at),
      (e: unknown) => e instanceof TsigError && e.problem === 'BADSIG',
    );
    // Outside the fudge window: BADTIME, reported with the time found.
    assert.throws(
      () => verifyResponse(response, key, requestMac, () => at + 301),
      (e: unknown) => e instanceof TsigError && e.problem === 'BADTIME',
    );
  });
}

test("named's multi-message AXFR verifies message by message (RFC 8945 §5.3.1)", () => {
  const { key, vector } = load('axfr-multi.json');
  const request = Buffer.from(vector.request, 'hex');
  const messages = vector.messages!.map((m) => Buffer.from(m, 'hex'));
  assert.ok(messages.length >= 3, 'the vector spans several messages');
  const at = readTsig(messages[0]!)!.timeSigned;
  const verifier = new TsigVerifier(key, readTsig(request)!.mac, () => at);
  for (const m of messages) assert.deepEqual(verifier.verify(m), { signed: true }, 'BIND signs every message');
  verifier.finish();

  // Tamper with a record in the middle message: that message fails.
  const bad = new TsigVerifier(key, readTsig(request)!.mac, () => at);
  bad.verify(messages[0]!);
  const middle = Buffer.from(messages[1]!);
  const rec = parseMessage(middle).answers[0]!;
  middle[rec.rdataOffset] = (middle[rec.rdataOffset] ?? 0) ^ 0xff;
  assert.throws(
    () => bad.verify(middle),
    (e: unknown) => e instanceof TsigError && e.problem === 'BADSIG',
  );

  // Messages out of order break the MAC chain.
  const reordered = new TsigVerifier(key, readTsig(request)!.mac, () => at);
  reordered.verify(messages[0]!);
  assert.throws(
    () => reordered.verify(messages[2]!),
    (e: unknown) => e instanceof TsigError && e.problem === 'BADSIG',
  );
});

test('unsigned intermediate messages are digested into the next signed one', () => {
  const key = new TsigKey('k', 'hmac-sha256', Buffer.from('0123456789abcdef'));
  const msg = (id: number, ip: string) => encodeUpdate({ id, zone: 'dev.k8s', prerequisites: [], updates: [update.add('a.dev.k8s', 'A', 300, rdataA(ip))] });
  const requestMac = Buffer.alloc(32, 1);
  const t = 1_700_000_000;
  const first = signMessage(msg(1, '10.0.0.1'), key, { timeSigned: t, requestMac });
  const middle = msg(1, '10.0.0.2');
  // §5.3.1: prior MAC, the unsigned messages since, this message, timers.
  const lastBody = msg(1, '10.0.0.3');
  const last = signMessage(Buffer.concat([middle, lastBody]), key, { timeSigned: t, priorMac: first.mac });
  // signMessage digested middle+lastBody as one run; rebuild the real last message with that MAC.
  const lastMessage = Buffer.concat([lastBody, last.message.subarray(middle.length + lastBody.length)]);
  lastMessage.writeUInt16BE(1, 10); // ARCOUNT: the TSIG record
  const v = new TsigVerifier(key, requestMac, () => t);
  assert.deepEqual(v.verify(first.message), { signed: true });
  assert.deepEqual(v.verify(middle), { signed: false });
  assert.throws(() => v.finish(), /last message of the reply was not signed/);
  assert.deepEqual(v.verify(lastMessage), { signed: true });
  v.finish();
  // Leaving the unsigned message out breaks the chain.
  const skip = new TsigVerifier(key, requestMac, () => t);
  skip.verify(first.message);
  assert.throws(
    () => skip.verify(lastMessage),
    (e: unknown) => e instanceof TsigError && e.problem === 'BADSIG',
  );
});

test('an unsigned first reply to a signed request is rejected', () => {
  const key = new TsigKey('k', 'hmac-sha256', Buffer.from('s3cr3t-value'));
  const reply = encodeUpdate({ id: 9, zone: 'dev.k8s', prerequisites: [], updates: [] });
  assert.throws(
    () => verifyResponse(reply, key, Buffer.alloc(32)),
    (e: unknown) => e instanceof TsigError && e.problem === 'UNSIGNED',
  );
});

test('server TSIG errors are reported by name, BADTIME with the server clock, never with the secret', () => {
  const secret = Buffer.from('c2VjcmV0LXNob3VsZC1uZXZlci1sZWFr', 'base64');
  const key = new TsigKey('update-key', 'hmac-sha256', secret);
  const base = encodeUpdate({ id: 77, zone: 'dev.k8s', prerequisites: [], updates: [] });
  base.writeUInt16BE(base.readUInt16BE(2) | 0x8000 | 9, 2); // QR, NOTAUTH
  const cases: Array<[number, string, RegExp]> = [
    [16, 'BADSIG', /BADSIG.*secret of key "update-key" does not match/],
    [17, 'BADKEY', /does not know TSIG key "update-key" with algorithm hmac-sha256 \(BADKEY\)/],
  ];
  for (const [code, problem, text] of cases) {
    // BADSIG/BADKEY replies carry an empty MAC (RFC 8945 §5.3.2): build one by hand.
    const signed = signMessage(base, key, { timeSigned: 1_700_000_000, error: code });
    const tsig = readTsig(signed.message)!;
    const noMac = Buffer.concat([signed.message.subarray(0, tsig.start), rebuildWithoutMac(signed.message, tsig.start)]);
    assert.throws(
      () => verifyResponse(noMac, key, Buffer.alloc(32)),
      (e: unknown) => {
        assert.ok(e instanceof TsigError);
        assert.equal(e.problem, problem);
        assert.equal(e.origin, 'server');
        assert.match(e.message, text);
        assert.ok(!e.message.includes(secret.toString('base64')) && !e.message.includes(secret.toString()));
        return true;
      },
    );
  }
  const serverTime = 1_700_000_900;
  const other = Buffer.alloc(6);
  other.writeUInt32BE(serverTime, 2);
  const badtime = signMessage(base, key, { timeSigned: 1_700_000_000, error: 18, otherData: other });
  assert.throws(
    () => verifyResponse(badtime.message, key, Buffer.alloc(32), () => 1_700_000_000),
    (e: unknown) => {
      assert.ok(e instanceof TsigError && e.problem === 'BADTIME' && e.serverTime === serverTime);
      assert.match(e.message, /BADTIME.*2023-11-14T22:28:20.000Z.*900 s apart/);
      return true;
    },
  );
});

/** Re-encode a TSIG record with MAC size 0, as servers send with BADSIG and BADKEY. */
function rebuildWithoutMac(message: Buffer, start: number): Buffer {
  const tsig = readTsig(message)!;
  const parsed = parseMessage(message);
  const rec = parsed.additionals[parsed.additionals.length - 1]!;
  const head = Buffer.from(message.subarray(start, rec.rdataOffset - 2));
  const algEnd = rec.rdataOffset + (rec.rdata.indexOf(0) + 1);
  const alg = message.subarray(rec.rdataOffset, algEnd);
  const tail = Buffer.alloc(6 + 2 + 2 + 2 + 2 + 2);
  tail.writeUInt16BE(Math.floor(tsig.timeSigned / 2 ** 32), 0);
  tail.writeUInt32BE(tsig.timeSigned % 2 ** 32, 2);
  tail.writeUInt16BE(tsig.fudge, 6);
  tail.writeUInt16BE(0, 8);
  tail.writeUInt16BE(tsig.originalId, 10);
  tail.writeUInt16BE(tsig.error, 12);
  tail.writeUInt16BE(0, 14);
  const rdata = Buffer.concat([alg, tail]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(rdata.length, 0);
  return Buffer.concat([head, len, rdata]);
}
