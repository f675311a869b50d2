// Server policies and read-only paths: wrong keys, refused updates, refused transfers,
// names outside the zones, and readUnicastState (for diff) never writing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../src/util/errors.js';
import { readUnicastState } from '../../../src/unicast/read-current.js';
import { transferZone } from '../../../src/unicast/axfr.js';
import { DnsClient } from '../../../src/unicast/client.js';
import { TYPE } from '../../../src/unicast/wire.js';
import { TsigKey } from '../../../src/unicast/tsig-key.js';
import { assertNoSecret, configFor, rs, transcript, txtFor, withNamed } from './helpers.js';

test('wrong secret: start fails with BADSIG, clearly, nothing written, secret nowhere in the output', () =>
  withNamed({}, async (named, sinkFor) => {
    const secret = Buffer.from('this-is-the-wrong-secret-0123456789');
    const config = configFor(named, { tsig: new TsigKey(named.key.name, named.key.algorithm, secret) });
    const sink = sinkFor(config);
    sink.sync([rs('a.dev.k8s', ['10.0.0.1'])]);
    const serial = await named.soaSerial('dev.k8s');
    await assert.rejects(sink.start(), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /rejected the TSIG signature \(BADSIG\): the secret of key "kubectl-mdns-test" does not match/);
      assertNoSecret(e.message + transcript(config.reporter), secret);
      return true;
    });
    assert.equal(await named.soaSerial('dev.k8s'), serial);
    assert.deepEqual(await named.lookup('a.dev.k8s', 'A'), []);
  }));

test('unknown key name: BADKEY, naming the key and algorithm', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named, { tsig: new TsigKey('nobody', 'hmac-sha256', named.secretBuffer) });
    const sink = sinkFor(config);
    await assert.rejects(sink.start(), /does not know TSIG key "nobody" with algorithm hmac-sha256 \(BADKEY\)/);
    assertNoSecret(transcript(config.reporter), named.secretBuffer);
  }));

test('a server whose policy allows no key to update: REFUSED, a clear error, nothing written', () =>
  withNamed({ allowUpdate: 'none' }, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    sink.sync([rs('a.dev.k8s', ['10.0.0.1'])]);
    const serial = await named.soaSerial('dev.k8s');
    await assert.rejects(sink.start(), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(
        e.message,
        new RegExp(
          `DNS server 127\\.0\\.0\\.1:${named.port} answered REFUSED to an update of zone dev\\.k8s: its policy does not let key "kubectl-mdns-test" update this zone`,
        ),
      );
      return true;
    });
    assert.ok(config.reporter.events.some((e) => e.kind === 'error' && /REFUSED/.test(e.message)));
    assert.equal(await named.soaSerial('dev.k8s'), serial);
    // Started before the first sync (as serve does): whenIdle rejects the same way.
    const later = sinkFor(configFor(named));
    await later.start();
    later.sync([rs('b.dev.k8s', ['10.0.0.2'])]);
    await assert.rejects(later.whenIdle(), /answered REFUSED to an update/);
    assertNoSecret(transcript(config.reporter), named.secretBuffer);
  }));

test('zone transfer refused: per-name queries, with the warning; creates and updates still work', () =>
  withNamed({ allowTransfer: 'none' }, async (named, sinkFor) => {
    const first = sinkFor(configFor(named));
    await first.start();
    first.sync([rs('a.dev.k8s', ['10.0.0.1']), rs('b.dev.k8s', ['10.0.0.2'])]);
    await first.whenIdle();

    // A new instance: a.dev.k8s is found by per-name query (ours: updated in place, no
    // conflict); b.dev.k8s is no longer wanted but cannot be found without AXFR.
    const config = configFor(named);
    const second = sinkFor(config);
    second.sync([rs('a.dev.k8s', ['10.0.0.9'])]);
    await second.start();
    const warned = config.reporter.events.find((e) => e.kind === 'warning');
    assert.match(
      warned!.message,
      /the server refused a zone transfer of dev\.k8s \(REFUSED\): owned records whose routes were deleted while serve was not running cannot be found/,
    );
    assert.deepEqual(await named.lookup('a.dev.k8s', 'A'), ['10.0.0.9']);
    assert.deepEqual(await named.lookup('a.dev.k8s', 'TXT'), [txtFor('a')]);
    assert.ok(!config.reporter.events.some((e) => e.kind === 'conflict'));
    assert.deepEqual(await named.lookup('b.dev.k8s', 'A'), ['10.0.0.2'], 'the orphan stays: it cannot be seen');
    const updates = config.reporter.debugLines.filter((l) => l.includes(': UPDATE '));
    assert.deepEqual(
      updates.map((l) => /UPDATE dev\.k8s: ([^(]*) \(/.exec(l)![1]),
      ['update a.dev.k8s'],
    );
  }));

test('a name outside every zone is never sent', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    const serial = await named.soaSerial('dev.k8s');
    const tooLong = `${'x'.repeat(64)}.dev.k8s`;
    sink.sync([rs('shop.example.org', ['10.0.0.1']), rs('app.notdev.k8s', ['10.0.0.2']), rs('x.mdns.local', ['10.0.0.3']), rs(tooLong, ['10.0.0.5'])]);
    await sink.whenIdle();
    assert.equal(config.reporter.debugLines.filter((l) => l.includes(': UPDATE ')).length, 0);
    assert.equal(await named.soaSerial('dev.k8s'), serial);
    const warnings = config.reporter.events.filter((e) => e.kind === 'warning').map((e) => e.fields?.hostname);
    assert.deepEqual(warnings, ['shop.example.org', 'app.notdev.k8s', 'x.mdns.local', tooLong]);
    // mDNS-target records are not this sink's business at all.
    sink.sync([{ ...rs('y.local', ['10.0.0.4']), target: 'mdns' }]);
    await sink.whenIdle();
    assert.equal(config.reporter.events.filter((e) => e.kind === 'warning').length, 4);
  }));

test('readUnicastState reads ours and foreign records and never changes the SOA serial', () =>
  withNamed({ records: { 'dev.k8s': ['shop A 10.9.9.9', 'alias CNAME shop'] } }, async (named, sinkFor) => {
    const sink = sinkFor(configFor(named));
    await sink.start();
    sink.sync([rs('mine.dev.k8s', ['10.0.0.1'], ['fd00::1'])]);
    await sink.whenIdle();
    const serial = await named.soaSerial('dev.k8s');
    const config = configFor(named);
    const state = await readUnicastState(config, ['mine.dev.k8s', 'shop.dev.k8s', 'alias.dev.k8s', 'new.dev.k8s', 'outside.example.org']);
    assert.equal(state.axfr, true);
    assert.deepEqual(state.warnings, []);
    assert.deepEqual(
      state.current.map((s) => [s.name, s.a, s.aaaa, s.foreign ?? 'ours', s.ownerId ?? '']),
      [
        ['alias.dev.k8s', [], [], 'name in use by CNAME records not created by kubectl-mdns', ''],
        ['mine.dev.k8s', ['10.0.0.1'], ['fd00::1'], 'ours', 'test-owner'],
        ['ns.dev.k8s', ['127.0.0.1'], [], 'record not created by kubectl-mdns', ''],
        ['shop.dev.k8s', ['10.9.9.9'], [], 'record not created by kubectl-mdns', ''],
      ],
    );
    assert.deepEqual(state.current.find((s) => s.name === 'mine.dev.k8s')!.owners, [{ kind: 'HTTPRoute', namespace: 'apps', name: 'mine' }]);
    assert.equal(await named.soaSerial('dev.k8s'), serial);
    assert.equal(config.reporter.events.length + config.reporter.debugLines.length, 0, 'reports nothing itself');
  }));

test('readUnicastState without AXFR: per-name, axfr false, the warning returned', () =>
  withNamed({ allowTransfer: 'none', records: { 'dev.k8s': ['shop A 10.9.9.9'] } }, async (named) => {
    const serial = await named.soaSerial('dev.k8s');
    const state = await readUnicastState(configFor(named), ['shop.dev.k8s', 'free.dev.k8s']);
    assert.equal(state.axfr, false);
    assert.match(state.warnings[0]!, /refused a zone transfer of dev\.k8s.*cannot be found/);
    assert.deepEqual(
      state.current.map((s) => [s.name, s.foreign]),
      [['shop.dev.k8s', 'record not created by kubectl-mdns']],
    );
    assert.equal(await named.soaSerial('dev.k8s'), serial);
  }));

test('readUnicastState with a wrong key: a UserError, no secret', () =>
  withNamed({}, async (named) => {
    const secret = Buffer.from('another-wrong-secret-abcdefghijkl');
    await assert.rejects(readUnicastState(configFor(named, { tsig: new TsigKey(named.key.name, 'hmac-sha256', secret) }), ['a.dev.k8s']), (e: unknown) => {
      assert.ok(e instanceof UserError && /BADSIG/.test(e.message));
      assertNoSecret(e.message, secret);
      return true;
    });
  }));

test('multi-message AXFR from named: every message verified, every record read', () =>
  withNamed(
    { transferMessageSize: 1024, records: { 'dev.k8s': Array.from({ length: 300 }, (_, i) => `h${i} A 10.1.${Math.floor(i / 200)}.${i % 200}`) } },
    async (named) => {
      const client = new DnsClient(named.server, new TsigKey(named.key.name, named.key.algorithm, named.secretBuffer));
      const xfr = await transferZone(client, 'dev.k8s');
      assert.equal(xfr.serial, await named.soaSerial('dev.k8s'));
      assert.ok(xfr.messages > 5, `${xfr.messages} messages`);
      const a = xfr.records.filter((r) => r.type === TYPE.A);
      assert.equal(a.length, 301, '300 hosts + ns');
      assert.equal(new Set(a.map((r) => r.name)).size, 301);
    },
  ));
