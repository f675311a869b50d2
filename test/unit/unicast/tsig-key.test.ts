// The TSIG secret cannot be printed: not from the key, the unicast config, the client or the
// sink, whatever util.inspect is asked, nor by JSON.stringify or String(); and the copy made
// while decoding it does not stay in Node's shared Buffer pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { TsigKey } from '../../../src/unicast/tsig-key.js';
import { unicastConfigFromFlags, SECRET_ENV, type UnicastConfig } from '../../../src/unicast/config.js';
import { DnsClient } from '../../../src/unicast/client.js';
import { UnicastSink } from '../../../src/unicast/sink.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { assertNoSecretIn, leakedForms } from '../../support/secret.js';

// 64 bytes, as `tsig-keygen -a hmac-sha512` makes them; in memory of its own (Buffer.alloc),
// not in the shared pool the last test searches.
const SECRET = Buffer.alloc(64);
for (let i = 0; i < SECRET.length; i++) SECRET[i] = (i * 97 + 31) % 251;
const B64 = SECRET.toString('base64');

const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-tsig-key-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Every way a value gets printed. */
function prints(value: unknown): Record<string, string> {
  return {
    'inspect (showHidden, depth Infinity)': inspect(value, { showHidden: true, depth: Infinity }),
    'inspect (customInspect off, getters on)': inspect(value, { showHidden: true, depth: Infinity, customInspect: false, getters: true }),
    'JSON.stringify': String(JSON.stringify(value)),
    'String()': String(value),
    'template literal': `${value as string}`,
    'spread then inspect': inspect({ ...(value as object) }, { showHidden: true, depth: Infinity }),
  };
}

function assertNothingShows(value: unknown, what: string): void {
  for (const [how, text] of Object.entries(prints(value))) assertNoSecretIn(text, SECRET, `${how} of ${what}`);
}

test('the leak finder finds the secret when it is printed (so the checks below can fail)', () => {
  assert.ok(leakedForms(inspect(SECRET), SECRET).includes('spaced hex head'));
  assert.ok(leakedForms(JSON.stringify({ s: SECRET }), SECRET).includes('decimal head'));
  assert.ok(leakedForms(inspect(new Uint8Array(SECRET), { showHidden: true }), SECRET).includes('decimal head'));
  assert.ok(leakedForms(`secret "${B64}"`, SECRET).includes('base64'));
  assert.ok(leakedForms(SECRET.toString('hex').toUpperCase(), SECRET).includes('HEX head'));
  // What a plain {name, algorithm, secret} object (the old shape) gives away:
  const plain = { name: 'k', algorithm: 'hmac-sha512', secret: SECRET };
  for (const text of Object.values(prints(plain)).slice(0, 3)) assert.notDeepEqual(leakedForms(text, SECRET), []);
});

test('TsigKey shows its name and algorithm, and [redacted] for the secret', () => {
  const key = new TsigKey('update-key', 'hmac-sha512', SECRET);
  assertNothingShows(key, 'the key');
  assert.deepEqual(JSON.parse(JSON.stringify(key)), { name: 'update-key', algorithm: 'hmac-sha512', secret: '[redacted]' });
  assert.equal(inspect(key), 'TsigKey { name: "update-key", algorithm: "hmac-sha512", secret: [redacted] }');
  assert.equal(String(key), 'TSIG key "update-key" (hmac-sha512, secret [redacted])');
  assert.deepEqual(Object.keys(key), ['name', 'algorithm']);
  assert.deepEqual(Object.getOwnPropertyNames(key), ['name', 'algorithm']);
  assert.deepEqual(Object.getOwnPropertySymbols(key), []);
  assertNoSecretIn(JSON.stringify(structuredClone(key)), SECRET, 'a structured clone');
});

test("TsigKey MACs with its own copy of the secret: changing the caller's buffer changes nothing", () => {
  const mine = Buffer.from(SECRET);
  const key = new TsigKey('k', 'hmac-sha256', mine);
  mine.fill(0);
  const data = Buffer.from('message');
  assert.deepEqual(key.hmac('sha256', [data.subarray(0, 3), data.subarray(3)]), createHmac('sha256', SECRET).update(data).digest());
  assert.equal(key.secretLength, 64);
});

function configFrom(flags: Record<string, unknown>, env: Record<string, string> = {}): UnicastConfig {
  return unicastConfigFromFlags({ dnsServer: '127.0.0.1:5300', zone: ['dev.k8s'], ...flags }, env, 'kind-dev', new MemoryReporter())!;
}

test('the unicast config, a client and a sink made from it show no secret (key file, environment, argv)', () => {
  const clause = join(dir, 'k.key');
  writeFileSync(clause, `key "update-key" {\n\talgorithm hmac-sha512;\n\tsecret "${B64}";\n};\n`);
  const configs = [
    configFrom({ tsigSecretFile: clause }),
    configFrom({ tsigKeyName: 'update-key' }, { [SECRET_ENV]: B64 }),
    configFrom({ tsigKeyName: 'update-key', tsigSecret: B64 }),
  ];
  for (const config of configs) {
    assertNothingShows(config, 'the unicast config');
    assertNothingShows(new DnsClient(config.server, config.tsig), 'the DNS client');
    const sink = new UnicastSink(config);
    assertNothingShows(sink, 'the unicast sink');
    assert.match(inspect(sink, { depth: Infinity }), /secret: \[redacted\]/, 'the key is there, redacted');
    void sink.stop({ cleanup: false });
  }
  // The client does not even show the key.
  assert.doesNotMatch(inspect(new DnsClient(configs[0]!.server, configs[0]!.tsig), { showHidden: true, depth: Infinity }), /update-key/);
});

test('decoding the secret leaves no copy in the shared Buffer pool', () => {
  // Buffer.from(base64) of a short string is a slice of the current 8 KiB pool; a pooled
  // Buffer anywhere exposes the whole pool through .buffer.
  const poolBefore = Buffer.from('a').buffer;
  const config = configFrom({ tsigKeyName: 'update-key' }, { [SECRET_ENV]: B64 });
  const poolAfter = Buffer.from('b').buffer;
  const pools = [poolBefore, poolAfter].map((p) => Buffer.from(p));
  assert.ok(!pools.some((p) => p.includes(SECRET)), 'the decoded secret was wiped from the pool');
  assert.equal(config.tsig.secretLength, 64);
  // Control: without the wipe the secret would be found in those pools.
  const control = Buffer.from(B64, 'base64');
  assert.ok(
    [control.buffer, Buffer.from('c').buffer].some((p) => Buffer.from(p).includes(SECRET)),
    'the pool scan finds an unwiped copy',
  );
  control.fill(0);
});
