import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createHmac } from 'node:crypto';
import { parseServer, unicastConfigFromFlags, SECRET_ENV, DEFAULT_OWNER_ID } from '../../../src/unicast/config.js';
import type { TsigKey } from '../../../src/unicast/tsig-key.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { UserError } from '../../../src/util/errors.js';

const SECRET = 'q7Xy3Zk1uR9vBn2mLp4sTw8eHj6cVa0dFg5hKo3iUy0=';
const dir = mkdtempSync(join(tmpdir(), 'unicast-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The key holds exactly `secret`: it MACs like a key made of those bytes (it never shows them). */
function assertKeySecret(key: TsigKey, secret: Buffer): void {
  const probe = Buffer.from('probe');
  assert.deepEqual(key.hmac('sha256', [probe]), createHmac('sha256', secret).update(probe).digest());
}

const base = { dnsServer: '127.0.0.1:5300', zone: ['dev.k8s'], tsigKeyName: 'update-key' };

/** Runs fn; any error must be a UserError whose message leaks no part of `secret`. */
function rejects(fn: () => unknown, pattern: RegExp, secret = SECRET): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `UserError expected, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes(secret), 'the secret is not in the message');
    assert.ok(!e.message.includes(secret.slice(0, 12)), 'no part of the secret is in the message');
    return true;
  });
}

test('parseServer: HOST[:PORT], IPv6 in brackets, default port 53', () => {
  assert.deepEqual(parseServer('127.0.0.1'), { host: '127.0.0.1', port: 53 });
  assert.deepEqual(parseServer('127.0.0.1:5300'), { host: '127.0.0.1', port: 5300 });
  assert.deepEqual(parseServer('[::1]:5353'), { host: '::1', port: 5353 });
  assert.deepEqual(parseServer('[fd00::53]'), { host: 'fd00::53', port: 53 });
  assert.deepEqual(parseServer('fd00::53'), { host: 'fd00::53', port: 53 });
  assert.deepEqual(parseServer('ns1.home.arpa:54'), { host: 'ns1.home.arpa', port: 54 });
  for (const bad of ['127.0.0.1:0', '127.0.0.1:65536', '[::1', '[nothost]:53', 'a:b:c', 'host:port', '']) {
    assert.throws(() => parseServer(bad), /is not HOST\[:PORT\]/, bad);
  }
});

test('no --dns-server: unicast off; stray key flags get a warning', () => {
  const r = new MemoryReporter();
  assert.equal(unicastConfigFromFlags({ zone: ['dev.k8s'] }, {}, 'ctx', r), undefined);
  assert.equal(r.events.length, 0);
  assert.equal(unicastConfigFromFlags({ tsigKeyName: 'k' }, {}, 'ctx', r), undefined);
  assert.match(r.events[0]!.message, /--tsig-key-name ignored: unicast updates need --dns-server/);
});

test('--dns-server without key material is an error: never an unsigned update', () => {
  rejects(() => unicastConfigFromFlags(base, {}, 'ctx', new MemoryReporter()), /updates are never sent unsigned/);
  rejects(() => unicastConfigFromFlags(base, { [SECRET_ENV]: '' }, 'ctx', new MemoryReporter()), /never sent unsigned/);
});

test('secret from a file of base64, from a BIND key clause, or from the environment', () => {
  const r = new MemoryReporter();
  const a = unicastConfigFromFlags({ ...base, tsigSecretFile: file('plain', SECRET + '\n') }, {}, 'kind-dev', r)!;
  assertKeySecret(a.tsig, Buffer.from(SECRET, 'base64'));
  assert.equal(a.tsig.name, 'update-key');
  assert.equal(a.tsig.algorithm, 'hmac-sha256');
  assert.deepEqual([a.server, a.zones, a.ttl, a.batchSize, a.ownerId], [{ host: '127.0.0.1', port: 5300 }, ['dev.k8s'], 300, 50, 'kind-dev']);

  const clause = file('clause', `key "lab-key" {\n\talgorithm hmac-sha512;\n\tsecret "${SECRET}";\n};\n`);
  const b = unicastConfigFromFlags({ dnsServer: '::1', zone: ['lab.home.arpa'], tsigSecretFile: clause }, {}, 'ctx', r)!;
  assert.deepEqual([b.tsig.name, b.tsig.algorithm, b.server.port], ['lab-key', 'hmac-sha512', 53]);

  const c = unicastConfigFromFlags(base, { [SECRET_ENV]: SECRET }, 'ctx', r)!;
  assertKeySecret(c.tsig, Buffer.from(SECRET, 'base64'));
  assert.equal(r.events.length, 0, 'no warnings for file or environment');
});

test('a secret on argv works but warns that ps shows it (without showing it)', () => {
  const r = new MemoryReporter();
  const c = unicastConfigFromFlags({ ...base, tsigSecret: SECRET }, {}, 'ctx', r)!;
  assertKeySecret(c.tsig, Buffer.from(SECRET, 'base64'));
  assert.equal(r.events[0]!.kind, 'warning');
  assert.match(r.events[0]!.message, /visible to every user of this machine \(ps/);
  assert.ok(!JSON.stringify(r.events).includes(SECRET));
});

test('invalid base64 is an error that does not echo the value', () => {
  const bad = 'not*base64!' + SECRET.slice(0, 20);
  rejects(
    () => unicastConfigFromFlags({ ...base, tsigSecretFile: file('bad', bad) }, {}, 'ctx', new MemoryReporter()),
    /from --tsig-secret-file .*bad is not valid base64/,
    bad,
  );
  rejects(() => unicastConfigFromFlags(base, { [SECRET_ENV]: bad }, 'ctx', new MemoryReporter()), /from KUBECTL_MDNS_TSIG_SECRET is not valid base64/, bad);
  rejects(() => unicastConfigFromFlags({ ...base, tsigSecret: bad }, {}, 'ctx', new MemoryReporter()), /from --tsig-secret is not valid base64/, bad);
  rejects(
    () =>
      unicastConfigFromFlags(
        { ...base, tsigSecretFile: file('clausebad', `key "k" { algorithm hmac-sha256; secret "${bad}"; };`) },
        {},
        'ctx',
        new MemoryReporter(),
      ),
    /not valid base64/,
    bad,
  );
});

test('key problems are named without the secret', () => {
  const r = new MemoryReporter();
  rejects(
    () => unicastConfigFromFlags({ ...base, tsigSecretFile: join(dir, 'missing') }, {}, 'ctx', r),
    /cannot read --tsig-secret-file .*missing: no such file/,
  );
  rejects(() => unicastConfigFromFlags({ ...base, tsigKeyName: undefined }, { [SECRET_ENV]: SECRET }, 'ctx', r), /--tsig-key-name is required/);
  const clause = file('clause2', `key "lab-key" { algorithm hmac-sha256; secret "${SECRET}"; };`);
  rejects(() => unicastConfigFromFlags({ ...base, tsigSecretFile: clause }, {}, 'ctx', r), /--tsig-key-name update-key does not match the key "lab-key"/);
  rejects(
    () => unicastConfigFromFlags({ ...base, tsigKeyName: 'lab-key', tsigAlgorithm: 'hmac-sha1', tsigSecretFile: clause }, {}, 'ctx', r),
    /does not match algorithm hmac-sha256/,
  );
  rejects(() => unicastConfigFromFlags({ ...base, tsigAlgorithm: 'hmac-sha3' }, { [SECRET_ENV]: SECRET }, 'ctx', r), /unknown TSIG algorithm "hmac-sha3"/);
  rejects(() => unicastConfigFromFlags({ ...base, tsigSecret: SECRET, tsigSecretFile: clause }, {}, 'ctx', r), /one way/);
  const md5 = unicastConfigFromFlags({ ...base, tsigAlgorithm: 'HMAC-MD5.SIG-ALG.REG.INT' }, { [SECRET_ENV]: SECRET }, 'ctx', r)!;
  assert.equal(md5.tsig.algorithm, 'hmac-md5');
});

test('zones: required with --dns-server, .local refused', () => {
  const env = { [SECRET_ENV]: SECRET };
  rejects(() => unicastConfigFromFlags({ ...base, zone: [] }, env, 'ctx', new MemoryReporter()), /needs at least one --zone/);
  rejects(() => unicastConfigFromFlags({ ...base, zone: ['lab.local'] }, env, 'ctx', new MemoryReporter()), /RFC 6762.*home\.arpa \(RFC 8375\)/);
});

test('owner id defaults to the context; must fit in the TXT; TTL and batch size checked', () => {
  const env = { [SECRET_ENV]: SECRET };
  const r = new MemoryReporter();
  assert.equal(unicastConfigFromFlags({ ...base, ownerId: 'team-a' }, env, 'ctx', r)!.ownerId, 'team-a');
  rejects(
    () => unicastConfigFromFlags(base, env, 'user@cluster,x', r),
    /owner id "user@cluster,x" \(the context name\) cannot go in the ownership TXT.*set --owner-id/,
  );
  // No context (-f manifests): the documented default, not an error.
  assert.equal(unicastConfigFromFlags(base, env, undefined, r)!.ownerId, DEFAULT_OWNER_ID);
  assert.equal(DEFAULT_OWNER_ID, 'kubectl-mdns');
  rejects(() => unicastConfigFromFlags({ ...base, unicastTtl: -1 }, env, 'ctx', r), /--unicast-ttl -1/);
  rejects(() => unicastConfigFromFlags({ ...base, batchSize: 0 }, env, 'ctx', r), /--batch-size 0/);
  const zero = new MemoryReporter();
  assert.equal(unicastConfigFromFlags({ ...base, unicastTtl: 0 }, env, 'ctx', zero)!.ttl, 0);
  assert.match(zero.events[0]!.message, /--unicast-ttl 0/);
});

test('printing the config (inspect, JSON) never shows the secret', () => {
  const c = unicastConfigFromFlags(base, { [SECRET_ENV]: SECRET }, 'ctx', new MemoryReporter())!;
  const hex = Buffer.from(SECRET, 'base64').toString('hex');
  for (const text of [JSON.stringify(c), inspect(c, { depth: 5 }), JSON.stringify(c.tsig), inspect(c.tsig)]) {
    assert.ok(!text.includes(SECRET) && !text.includes(hex.slice(0, 16)), text);
    assert.ok(text.includes('[redacted]'));
  }
  // Still the whole key.
  assert.equal(c.tsig.secretLength, 32);
});
