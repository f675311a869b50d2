// Ownership of a CNAME (RFC 2181 §10.1: nothing beside it): its TXT at cname-<name>, how zone
// contents are read into names, and the order of the UPDATE sections (RFC 2136 §3.4.2.2: a
// CNAME added beside other data is ignored, so the other data goes first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { companionName, guardedChange, ownershipRdata, recordSetFromState, type NameState } from '../../../src/unicast/ownership.js';
import { statesFromRecords } from '../../../src/unicast/zone-state.js';
import type { RecordSet } from '../../../src/records/types.js';
import { TYPE, rdataA, rdataName } from '../../../src/unicast/wire.js';

const route = { kind: 'HTTPRoute', namespace: 'shop', name: 'web' };
const ours = ownershipRdata('me', [route]);
const state = (over: Partial<NameState>): NameState => ({ name: 'web.dev.k8s', zone: 'dev.k8s', a: [], aaaa: [], txt: [], other: [], ...over });
const cnameSet = (target: string): RecordSet => ({
  name: 'web.dev.k8s',
  target: 'unicast',
  zone: 'dev.k8s',
  a: [],
  aaaa: [],
  cname: target,
  services: [],
  owners: [route],
});

test('the TXT of a CNAME lives at cname-<name>', () => assert.equal(companionName('web.dev.k8s'), 'cname-web.dev.k8s'));

test('a zone transfer: cname-<name> holding only TXT is read as the ownership of <name>', () => {
  const states = statesFromRecords('dev.k8s', [
    { name: 'web.dev.k8s', type: TYPE.CNAME, ttl: 300, rdata: rdataName('lb.example.com'), target: 'lb.example.com' },
    { name: 'cname-web.dev.k8s', type: TYPE.TXT, ttl: 300, rdata: ours },
    { name: 'cname-real.dev.k8s', type: TYPE.A, ttl: 300, rdata: rdataA('10.0.0.1') },
  ]);
  assert.deepEqual([...states.keys()].sort(), ['cname-real.dev.k8s', 'web.dev.k8s'], 'a cname- name with other records is a name of its own');
  const web = states.get('web.dev.k8s')!;
  assert.equal(web.cname, 'lb.example.com');
  const set = recordSetFromState(web, 'me', false);
  assert.deepEqual([set?.cname, set?.foreign, set?.ownerId], ['lb.example.com', undefined, 'me']);
});

test('an old companion TXT of ours never makes foreign A records ours', () => {
  const set = recordSetFromState(state({ a: ['10.9.9.9'], companionTxt: [ours] }), 'me', true);
  assert.equal(set?.foreign, 'record not created by kubectl-mdns');
  const cname = recordSetFromState(state({ cname: 'x.example.com', txt: [] }), 'me', true);
  assert.match(cname?.foreign ?? '', /name in use by CNAME records not created by kubectl-mdns/);
  assert.equal(recordSetFromState(state({ cname: 'x.example.com' }), 'me', false), undefined, 'a foreign CNAME at a name nobody wants is not ours to judge');
});

test('create: both names must be free; the CNAME and its TXT in one message', () => {
  const change = guardedChange({ kind: 'create', desired: cnameSet('lb.example.com') }, 'me', 300);
  assert.deepEqual(
    change.prerequisites.map((r) => `${r.name} ${r.type} ${r.class}`),
    ['web.dev.k8s ANY NONE', 'cname-web.dev.k8s ANY NONE'],
  );
  assert.deepEqual(
    change.updates.map((r) => `${r.name} ${r.type} ${r.class}`),
    ['web.dev.k8s CNAME IN', 'cname-web.dev.k8s TXT IN'],
  );
});

test('A → CNAME: the addresses and our TXT at the name go before the CNAME is added; guarded by the TXT as seen', () => {
  const observed = state({ a: ['10.0.0.1'], txt: [ours] });
  const change = guardedChange({ kind: 'update', desired: cnameSet('lb.example.com'), observed }, 'me', 300);
  assert.deepEqual(
    change.prerequisites.map((r) => `${r.name} ${r.type} ${r.class}`),
    ['web.dev.k8s TXT IN'],
  );
  assert.deepEqual(
    change.updates.map((r) => `${r.name} ${r.type} ${r.class}`),
    ['web.dev.k8s A ANY', 'web.dev.k8s TXT NONE', 'web.dev.k8s CNAME IN', 'cname-web.dev.k8s TXT IN'],
  );
});

test('delete: the CNAME RRset and our companion TXT, guarded by the companion as seen', () => {
  const observed = state({ cname: 'lb.example.com', companionTxt: [ours] });
  const change = guardedChange({ kind: 'delete', observed }, 'me', 300);
  assert.deepEqual(
    change.prerequisites.map((r) => `${r.name} ${r.type} ${r.class}`),
    ['cname-web.dev.k8s TXT IN'],
  );
  assert.deepEqual(
    change.updates.map((r) => `${r.name} ${r.type} ${r.class}`),
    ['web.dev.k8s A ANY', 'web.dev.k8s AAAA ANY', 'web.dev.k8s CNAME ANY', 'cname-web.dev.k8s TXT NONE'],
  );
});
