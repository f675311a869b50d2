import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planChanges, hasDifferences } from '../../../src/plan/plan.js';
import type { RecordSet } from '../../../src/records/types.js';

const route = { kind: 'HTTPRoute', namespace: 'shop', name: 'shop' };
function rs(name: string, a: string[], aaaa: string[] = [], extra: Partial<RecordSet> = {}): RecordSet {
  return { name, target: 'unicast', a, aaaa, services: [], owners: [route], ...extra };
}

const cases: { name: string; desired: RecordSet[]; current: RecordSet[]; summary: Record<string, number>; actions: string[] }[] = [
  {
    name: 'nothing there -> add per type',
    desired: [rs('shop.dev.k8s', ['10.0.0.1'], ['fd00::1'])],
    current: [],
    summary: { add: 1 },
    actions: ['add A', 'add AAAA'],
  },
  {
    name: 'same addresses -> unchanged',
    desired: [rs('shop.dev.k8s', ['10.0.0.1'])],
    current: [rs('shop.dev.k8s', ['10.0.0.1'])],
    summary: { unchanged: 1 },
    actions: [],
  },
  {
    name: 'same addresses other order -> unchanged',
    desired: [rs('a.k8s', ['10.0.0.1', '10.0.0.2'])],
    current: [rs('a.k8s', ['10.0.0.2', '10.0.0.1'])],
    summary: { unchanged: 1 },
    actions: [],
  },
  {
    name: 'names compare case-insensitively',
    desired: [rs('shop.dev.k8s', ['10.0.0.1'])],
    current: [rs('SHOP.dev.K8S', ['10.0.0.1'])],
    summary: { unchanged: 1 },
    actions: [],
  },
  {
    name: 'other addresses -> change',
    desired: [rs('a.k8s', ['10.0.0.2'])],
    current: [rs('a.k8s', ['10.0.0.1'])],
    summary: { change: 1 },
    actions: ['change A'],
  },
  {
    name: 'new family in a change -> add of that type',
    desired: [rs('a.k8s', ['10.0.0.1'], ['fd00::1'])],
    current: [rs('a.k8s', ['10.0.0.1'])],
    summary: { change: 1 },
    actions: ['add AAAA'],
  },
  {
    name: 'family dropped -> remove of that type',
    desired: [rs('a.k8s', ['10.0.0.1'])],
    current: [rs('a.k8s', ['10.0.0.1'], ['fd00::1'])],
    summary: { change: 1 },
    actions: ['remove AAAA'],
  },
  { name: 'owned, not desired -> remove', desired: [], current: [rs('old.k8s', ['10.0.0.3'])], summary: { remove: 1 }, actions: ['remove A'] },
  { name: 'foreign, not desired -> left alone', desired: [], current: [rs('x.k8s', ['10.9.9.9'], [], { foreign: 'not ours' })], summary: {}, actions: [] },
  {
    name: 'foreign at a desired name -> conflict, never an update',
    desired: [rs('shop.k8s', ['10.0.0.1'])],
    current: [rs('shop.k8s', ['10.9.9.9'], [], { foreign: 'record not created by kubectl-mdns' })],
    summary: { conflict: 1 },
    actions: ['conflict A'],
  },
  {
    name: 'foreign wins over ours for the same name (another responder answers too)',
    desired: [rs('s.local', ['10.0.0.1'])],
    current: [rs('s.local', ['10.0.0.1']), rs('s.local', ['10.0.0.7'], [], { foreign: 'answered by 192.168.1.20' })],
    summary: { conflict: 1 },
    actions: ['conflict A'],
  },
  { name: 'other target is ignored', desired: [rs('a.local', ['10.0.0.1'], [], { target: 'mdns' })], current: [], summary: {}, actions: [] },
];

for (const c of cases) {
  test(`plan: ${c.name}`, () => {
    const plan = planChanges('unicast', c.desired, c.current);
    const expected = { add: 0, remove: 0, change: 0, conflict: 0, unchanged: 0, ...c.summary };
    assert.deepEqual(plan.summary, expected);
    assert.deepEqual(
      plan.changes.map((x) => `${x.action} ${x.type}`),
      c.actions,
    );
    assert.equal(hasDifferences(plan), expected.add + expected.remove + expected.change + expected.conflict > 0);
  });
}

test('plan: name-level lists match the summary and carry the records', () => {
  const plan = planChanges(
    'unicast',
    [rs('new.k8s', ['10.0.0.1']), rs('moved.k8s', ['10.0.0.9'])],
    [rs('moved.k8s', ['10.0.0.8']), rs('gone.k8s', ['10.0.0.7'])],
  );
  assert.deepEqual(
    plan.creates.map((r) => r.name),
    ['new.k8s'],
  );
  assert.deepEqual(
    plan.updates.map((u) => [u.before.a, u.after.a]),
    [[['10.0.0.8'], ['10.0.0.9']]],
  );
  assert.deepEqual(
    plan.deletes.map((r) => r.name),
    ['gone.k8s'],
  );
  const change = plan.changes.find((x) => x.name === 'moved.k8s');
  assert.deepEqual(change, {
    target: 'unicast',
    action: 'change',
    name: 'moved.k8s',
    type: 'A',
    before: ['10.0.0.8'],
    after: ['10.0.0.9'],
    detail: '',
    routes: ['HTTPRoute/shop/shop'],
  });
});
