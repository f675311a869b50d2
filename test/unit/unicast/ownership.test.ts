// The ownership layer: the TXT format, how observed names are classified, and the guarded
// RFC 2136 sections for create / update / delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  guardedChange,
  ownershipRdata,
  ownershipStrings,
  parseOwnership,
  recordSetFromState,
  stateAfter,
  ownerIdProblem,
  type NameState,
} from '../../../src/unicast/ownership.js';
import type { RecordSet } from '../../../src/records/types.js';
import { rdataTxt } from '../../../src/unicast/wire.js';

const route = { kind: 'HTTPRoute', namespace: 'shop', name: 'web' };

function desired(name: string, a: string[], aaaa: string[] = []): RecordSet {
  return { name, target: 'unicast', zone: 'dev.k8s', a, aaaa, services: [], owners: [route] };
}

function state(name: string, over: Partial<NameState> = {}): NameState {
  return { name, zone: 'dev.k8s', a: [], aaaa: [], txt: [], other: [], ...over };
}

test('the TXT is "heritage=kubectl-mdns,owner=<id>,resource=<kind>/<ns>/<name>" (docs/design.md#unicast-sink)', () => {
  assert.deepEqual(ownershipStrings('kind-dev', [route]), ['heritage=kubectl-mdns,owner=kind-dev,resource=HTTPRoute/shop/web']);
  assert.deepEqual(parseOwnership(['heritage=kubectl-mdns,owner=kind-dev,resource=HTTPRoute/shop/web']), { ownerId: 'kind-dev', owners: [route] });
  assert.equal(parseOwnership(['heritage=external-dns,external-dns/owner=x']), undefined);
  assert.equal(parseOwnership(['v=spf1 -all']), undefined);
  assert.equal(parseOwnership(['heritage=kubectl-mdns']), undefined, 'no owner: not ours to judge');
});

test('many routes: split into 255-byte character-strings between items, and parsed back', () => {
  const owners = Array.from({ length: 20 }, (_, i) => ({ kind: 'HTTPRoute', namespace: 'team-' + i, name: 'route-with-a-long-name-' + i }));
  const strings = ownershipStrings('me', owners);
  assert.ok(strings.length > 1);
  for (const s of strings) assert.ok(Buffer.byteLength(s) <= 255);
  assert.deepEqual(parseOwnership(strings), { ownerId: 'me', owners });
});

test('owner ids must not break the TXT', () => {
  assert.equal(ownerIdProblem('kind-dev'), undefined);
  assert.equal(ownerIdProblem('arn:aws:eks:eu-west-1:123:cluster/dev'), undefined);
  assert.match(ownerIdProblem('a,b')!, /contains one of/);
  assert.match(ownerIdProblem('a b')!, /spaces/);
  assert.match(ownerIdProblem('')!, /empty/);
});

test('classification: ours, another owner, foreign A, in use by other types', () => {
  const ours = state('a.dev.k8s', { a: ['10.0.0.1'], txt: [ownershipRdata('me', [route])] });
  assert.deepEqual(recordSetFromState(ours, 'me', false), {
    name: 'a.dev.k8s',
    target: 'unicast',
    zone: 'dev.k8s',
    a: ['10.0.0.1'],
    aaaa: [],
    services: [],
    owners: [route],
    ownerId: 'me',
  });

  const theirs = recordSetFromState(state('b.dev.k8s', { a: ['10.0.0.2'], txt: [ownershipRdata('other', [route])] }), 'me', false)!;
  assert.equal(theirs.foreign, 'owned by kubectl-mdns owner "other"');
  assert.equal(theirs.ownerId, 'other');

  assert.equal(recordSetFromState(state('c.dev.k8s', { a: ['10.9.9.9'] }), 'me', false)!.foreign, 'record not created by kubectl-mdns');
  assert.equal(
    recordSetFromState(state('d.dev.k8s', { aaaa: ['fd00::9'], txt: [rdataTxt(['v=spf1 -all'])] }), 'me', false)!.foreign,
    'record not created by kubectl-mdns',
  );

  const cname = state('e.dev.k8s', { other: ['CNAME'] });
  assert.equal(recordSetFromState(cname, 'me', false), undefined, 'not wanted: nothing to say');
  assert.equal(recordSetFromState(cname, 'me', true)!.foreign, 'name in use by CNAME records not created by kubectl-mdns');
  assert.equal(recordSetFromState(state('f.dev.k8s'), 'me', true), undefined);
});

test('create: "name is not in use" (NONE ANY), then A, AAAA and the TXT in one message', () => {
  const c = guardedChange({ kind: 'create', desired: desired('new.dev.k8s', ['10.0.0.1', '10.0.0.2'], ['fd00::1']) }, 'me', 300);
  assert.deepEqual(c.prerequisites, [{ name: 'new.dev.k8s', type: 'ANY', class: 'NONE', ttl: 0 }]);
  assert.deepEqual(
    c.updates.map((u) => [u.type, u.class, u.ttl]),
    [
      ['A', 'IN', 300],
      ['A', 'IN', 300],
      ['AAAA', 'IN', 300],
      ['TXT', 'IN', 300],
    ],
  );
  assert.deepEqual(c.updates[3]!.rdata, ownershipRdata('me', [route]));
});

test('update: guarded by the whole observed TXT RRset; replaces only the RRsets that changed', () => {
  const mine = ownershipRdata('me', [route]);
  const spf = rdataTxt(['v=spf1 -all']);
  const observed = state('a.dev.k8s', { a: ['10.0.0.1'], aaaa: ['fd00::1'], txt: [spf, mine] });
  const c = guardedChange({ kind: 'update', desired: desired('a.dev.k8s', ['10.0.0.2', '10.0.0.3'], ['fd00::1']), observed }, 'me', 60);
  assert.deepEqual(c.prerequisites, [
    { name: 'a.dev.k8s', type: 'TXT', class: 'IN', ttl: 0, rdata: spf },
    { name: 'a.dev.k8s', type: 'TXT', class: 'IN', ttl: 0, rdata: mine },
  ]);
  assert.deepEqual(
    c.updates.map((u) => [u.type, u.class, u.ttl, u.rdata?.toString('hex') ?? '']),
    [
      ['A', 'ANY', 0, ''],
      ['A', 'IN', 60, '0a000002'],
      ['A', 'IN', 60, '0a000003'],
    ],
  );
  // Routes changed, addresses did not: only our TXT RR is swapped; the SPF TXT stays.
  const other = { ...route, name: 'web2' };
  const t = guardedChange({ kind: 'update', desired: { ...desired('a.dev.k8s', ['10.0.0.1'], ['fd00::1']), owners: [route, other] }, observed }, 'me', 60);
  assert.deepEqual(
    t.updates.map((u) => [u.type, u.class]),
    [
      ['TXT', 'NONE'],
      ['TXT', 'IN'],
    ],
  );
  assert.deepEqual(t.updates[0]!.rdata, mine);
  assert.deepEqual(stateAfter({ kind: 'update', desired: desired('a.dev.k8s', ['10.0.0.1']), observed }, 'me')!.txt, [spf, mine]);
});

test('update with nothing to change sends nothing', () => {
  const observed = state('a.dev.k8s', { a: ['10.0.0.1'], txt: [ownershipRdata('me', [route])] });
  assert.deepEqual(guardedChange({ kind: 'update', desired: desired('a.dev.k8s', ['10.0.0.1']), observed }, 'me', 60).updates, []);
});

test('delete: guarded by the TXT; deletes the A and AAAA RRsets and our TXT RR only, never the whole name', () => {
  const mine = ownershipRdata('me', [route]);
  const c = guardedChange({ kind: 'delete', observed: state('a.dev.k8s', { a: ['10.0.0.1'], txt: [mine] }) }, 'me', 60);
  assert.deepEqual(
    c.prerequisites.map((p) => [p.type, p.class]),
    [['TXT', 'IN']],
  );
  assert.deepEqual(
    c.updates.map((u) => [u.type, u.class, u.rdata?.length ?? 0]),
    [
      ['A', 'ANY', 0],
      ['AAAA', 'ANY', 0],
      ['TXT', 'NONE', mine.length],
    ],
  );
  assert.ok(!c.updates.some((u) => u.type === 'ANY'), 'no delete-name (RFC 2136 §2.5.3)');
});
