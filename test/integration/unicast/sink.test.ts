// UnicastSink against a real BIND 9: what lands in the zone, checked with dig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, rs, txtFor, transcript, withNamed } from './helpers.js';

test('routes become A, AAAA and ownership TXT with the configured TTL; changes replace RRsets; deletes remove', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named, { ttl: 120 });
    const sink = sinkFor(config);
    await sink.start();
    sink.sync([rs('shop.dev.k8s', ['10.0.0.1'], ['fd00::1']), rs('multi.dev.k8s', ['10.0.0.3', '10.0.0.1', '10.0.0.2'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'A'), ['10.0.0.1']);
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'AAAA'), ['fd00::1']);
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'TXT'), [txtFor('shop')]);
    assert.deepEqual(await named.ttls('shop.dev.k8s', 'A'), [120]);
    assert.deepEqual(await named.ttls('shop.dev.k8s', 'AAAA'), [120]);
    assert.deepEqual(await named.ttls('shop.dev.k8s', 'TXT'), [120]);
    assert.deepEqual(await named.lookup('multi.dev.k8s', 'A'), ['10.0.0.1', '10.0.0.2', '10.0.0.3'], 'three addresses, three A records');

    // Address change: the A RRset is replaced, nothing of the old one stays; AAAA dropped.
    sink.sync([rs('shop.dev.k8s', ['10.0.0.9']), rs('multi.dev.k8s', ['10.0.0.3', '10.0.0.1', '10.0.0.2'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'A'), ['10.0.0.9']);
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'AAAA'), []);
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'TXT'), [txtFor('shop')]);

    // Route deleted: its name goes, the other stays.
    sink.sync([rs('multi.dev.k8s', ['10.0.0.1', '10.0.0.2', '10.0.0.3'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.zoneRecords('dev.k8s'), [
      'multi.dev.k8s A 10.0.0.1',
      'multi.dev.k8s A 10.0.0.2',
      'multi.dev.k8s A 10.0.0.3',
      `multi.dev.k8s TXT ${txtFor('multi')}`,
      'ns.dev.k8s A 127.0.0.1',
    ]);
    const kinds = config.reporter.events.filter((e) => e.kind !== 'info').map((e) => `${e.kind} ${e.fields?.hostname ?? ''}`);
    assert.deepEqual(kinds, ['added shop.dev.k8s', 'added multi.dev.k8s', 'changed shop.dev.k8s', 'removed shop.dev.k8s']);
    assert.deepEqual(
      sink
        .current()
        .filter((s) => !s.foreign)
        .map((s) => [s.name, s.a, s.ownerId]),
      [['multi.dev.k8s', ['10.0.0.1', '10.0.0.2', '10.0.0.3'], 'test-owner']],
    );
  }));

test('a foreign record is never changed: conflict reported, the other names of the batch land', () =>
  withNamed({ records: { 'dev.k8s': ['known A 10.8.8.8'] } }, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    // Added after our zone transfer: the sink does not know, sends it in one batch with the
    // others, gets YXDOMAIN, bisects, and finds it.
    await named.nsupdate('dev.k8s', ['update add shop.dev.k8s 3600 A 10.9.9.9']);
    await named.nsupdate('dev.k8s', [
      'update add theirs.dev.k8s 3600 A 10.7.7.7',
      'update add theirs.dev.k8s 3600 TXT "heritage=kubectl-mdns,owner=someone-else,resource=HTTPRoute/x/y"',
    ]);
    const names = ['a', 'b', 'shop', 'c', 'd', 'theirs', 'e', 'known'];
    sink.sync(names.map((n, i) => rs(`${n}.dev.k8s`, [`10.0.1.${i + 1}`])));
    await sink.whenIdle();

    assert.deepEqual(await named.lookup('shop.dev.k8s', 'A'), ['10.9.9.9']);
    assert.deepEqual(await named.lookup('shop.dev.k8s', 'TXT'), []);
    assert.deepEqual(await named.ttls('shop.dev.k8s', 'A'), [3600]);
    assert.deepEqual(await named.lookup('theirs.dev.k8s', 'A'), ['10.7.7.7']);
    assert.deepEqual(await named.lookup('known.dev.k8s', 'A'), ['10.8.8.8']);
    for (const [i, n] of names.entries()) {
      if (['shop', 'theirs', 'known'].includes(n)) continue;
      assert.deepEqual(await named.lookup(`${n}.dev.k8s`, 'A'), [`10.0.1.${i + 1}`], n);
    }
    const conflicts = config.reporter.events.filter((e) => e.kind === 'conflict');
    assert.deepEqual(conflicts.map((c) => c.fields?.hostname).sort(), ['known.dev.k8s', 'shop.dev.k8s', 'theirs.dev.k8s']);
    assert.match(conflicts.find((c) => c.fields?.hostname === 'shop.dev.k8s')!.message, /record not created by kubectl-mdns \(holds 10\.9\.9\.9\); left alone/);
    assert.match(conflicts.find((c) => c.fields?.hostname === 'theirs.dev.k8s')!.message, /owned by kubectl-mdns owner "someone-else"/);
    // The first message carried every name not known to be taken; the split came after YXDOMAIN.
    const updates = config.reporter.debugLines.filter((l) => l.includes('UPDATE dev.k8s'));
    assert.match(updates[0]!, /create a\.dev\.k8s, create b\.dev\.k8s, create shop\.dev\.k8s/);
    assert.ok(updates.length > 1);

    // Later syncs neither retry nor re-report the conflicts.
    const before = config.reporter.events.length;
    const debugBefore = config.reporter.debugLines.length;
    sink.sync(names.map((n, i) => rs(`${n}.dev.k8s`, [`10.0.1.${i + 1}`])));
    await sink.whenIdle();
    assert.equal(config.reporter.events.length, before);
    assert.equal(config.reporter.debugLines.length, debugBefore, 'no UPDATE sent');
  }));

test('wildcard names become wildcard records that answer for any name below', () =>
  withNamed({}, async (named, sinkFor) => {
    const sink = sinkFor(configFor(named));
    await sink.start();
    sink.sync([rs('*.apps.dev.k8s', ['10.0.2.1'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('anything.apps.dev.k8s', 'A'), ['10.0.2.1']);
    assert.ok((await named.zoneRecords('dev.k8s')).includes('*.apps.dev.k8s A 10.0.2.1'));
  }));

test('names are batched: batchSize names per UPDATE message, one zone per message', () =>
  withNamed({ zones: ['dev.k8s', 'prod.k8s'] }, async (named, sinkFor) => {
    const config = configFor(named, { batchSize: 2 });
    const sink = sinkFor(config);
    await sink.start();
    sink.sync([...['a', 'b', 'c', 'd', 'e'].map((n) => rs(`${n}.dev.k8s`, ['10.0.3.1'])), rs('p.prod.k8s', ['10.0.3.2'])]);
    await sink.whenIdle();
    const updates = config.reporter.debugLines.filter((l) => l.includes(': UPDATE '));
    assert.deepEqual(
      updates.map((l) => /UPDATE (\S+): (.*) \(/.exec(l)!.slice(1, 3).join(' | ')),
      [
        'dev.k8s | create a.dev.k8s, create b.dev.k8s',
        'dev.k8s | create c.dev.k8s, create d.dev.k8s',
        'dev.k8s | create e.dev.k8s',
        'prod.k8s | create p.prod.k8s',
      ],
    );
    assert.deepEqual(await named.lookup('p.prod.k8s', 'A'), ['10.0.3.2']);
    assert.equal((await named.zoneRecords('dev.k8s')).filter((l) => / A 10\.0\.3\.1$/.test(l)).length, 5);
  }));

for (const algorithm of ['hmac-md5', 'hmac-sha1', 'hmac-sha512']) {
  test(`works with ${algorithm} keys`, () =>
    withNamed({ algorithm }, async (named, sinkFor) => {
      const config = configFor(named);
      const sink = sinkFor(config);
      await sink.start();
      sink.sync([rs('alg.dev.k8s', ['10.0.4.1'])]);
      await sink.whenIdle();
      assert.deepEqual(await named.lookup('alg.dev.k8s', 'A'), ['10.0.4.1'], transcript(config.reporter));
    }));
}
