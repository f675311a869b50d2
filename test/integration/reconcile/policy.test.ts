// The unicast safety policy against a real BIND 9 (docs/design.md#unicast-safety): --policy
// upsert-only never deletes, create-only never changes what exists, and the mass-delete guard
// holds a plan that would empty the zone (the source returned nothing) until the next full
// list agrees — or at once with --allow-mass-delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, rs, withNamed } from '../unicast/helpers.js';

const OURS = ['a', 'b', 'c', 'd'].map((n, i) => rs(`${n}.dev.k8s`, [`10.0.2.${i + 1}`]));

test('--policy upsert-only: names no longer desired stay; changes and new names land', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config, { policy: 'upsert-only' });
    await sink.start();
    sink.sync(OURS);
    await sink.whenIdle();
    sink.sync([rs('a.dev.k8s', ['10.0.2.99']), rs('new.dev.k8s', ['10.0.3.1'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('a.dev.k8s', 'A'), ['10.0.2.99'], 'an update lands');
    assert.deepEqual(await named.lookup('new.dev.k8s', 'A'), ['10.0.3.1'], 'a create lands');
    for (const n of ['b', 'c', 'd']) assert.equal((await named.lookup(`${n}.dev.k8s`, 'A')).length, 1, `${n}.dev.k8s is not deleted`);
    sink.sync([]);
    await sink.whenIdle();
    assert.equal((await named.lookup('a.dev.k8s', 'A')).length, 1, 'an empty source deletes nothing either');
    assert.ok(!config.reporter.events.some((e) => e.kind === 'removed'), 'no delete was ever sent');
  }));

test('--policy create-only: an existing name keeps its addresses', () =>
  withNamed({}, async (named, sinkFor) => {
    const sink = sinkFor(configFor(named), { policy: 'create-only' });
    await sink.start();
    sink.sync([rs('a.dev.k8s', ['10.0.2.1'])]);
    await sink.whenIdle();
    sink.sync([rs('a.dev.k8s', ['10.0.2.2']), rs('b.dev.k8s', ['10.0.2.3'])]);
    await sink.whenIdle();
    assert.deepEqual(await named.lookup('a.dev.k8s', 'A'), ['10.0.2.1']);
    assert.deepEqual(await named.lookup('b.dev.k8s', 'A'), ['10.0.2.3']);
  }));

test('mass-delete guard: an empty source is held, the next full list that agrees lets it through', () =>
  withNamed({}, async (named, sinkFor) => {
    const config = configFor(named);
    const sink = sinkFor(config);
    await sink.start();
    sink.sync(OURS);
    await sink.whenIdle();
    sink.sync([]); // the source returned nothing, as after a permission error
    await sink.whenIdle();
    for (const r of OURS) assert.equal((await named.lookup(r.name, 'A')).length, 1, `${r.name} is held, not deleted`);
    const held = config.reporter.events.find((e) => e.kind === 'warning' && /holding 4 deletes of the 4 names we own \(all of them\)/.test(e.message));
    assert.ok(held, config.reporter.events.map((e) => e.message).join('\n'));
    assert.match(held.message, /--allow-mass-delete/);

    // Three of four deleted is more than half too; the guard holds that plan as well.
    sink.sync([OURS[0]!]);
    await sink.whenIdle();
    assert.equal((await named.lookup('d.dev.k8s', 'A')).length, 1, 'three of four: held');

    // A full list that wants the names back ends the hold: nothing was lost.
    sink.fullList();
    sink.sync(OURS);
    await sink.whenIdle();
    for (const r of OURS) assert.equal((await named.lookup(r.name, 'A')).length, 1);

    // Empty again, and the next full list agrees: now the deletes go.
    sink.sync([]);
    await sink.whenIdle();
    assert.equal((await named.lookup('a.dev.k8s', 'A')).length, 1, 'held again');
    sink.fullList();
    await new Promise((r) => setTimeout(r, 0));
    await sink.whenIdle();
    for (const r of OURS) assert.deepEqual(await named.lookup(r.name, 'A'), [], `${r.name} deleted once the full list agreed`);
  }));

test('mass-delete guard: --allow-mass-delete lets an emptying plan through at once; one name going is never held', () =>
  withNamed({}, async (named, sinkFor) => {
    const sink = sinkFor(configFor(named), { allowMassDelete: true });
    await sink.start();
    sink.sync(OURS);
    await sink.whenIdle();
    sink.sync([]);
    await sink.whenIdle();
    for (const r of OURS) assert.deepEqual(await named.lookup(r.name, 'A'), [], `${r.name} deleted`);

    const guarded = sinkFor(configFor(named));
    await guarded.start();
    guarded.sync(OURS);
    await guarded.whenIdle();
    guarded.sync(OURS.slice(1));
    await guarded.whenIdle();
    assert.deepEqual(await named.lookup('a.dev.k8s', 'A'), [], 'one of four is an ordinary delete');
  }));
