// `list -o wide` shows where each name comes from (SOURCE: spec, listener, annotation), and a
// name served as a CNAME shows its target under ADDRESSES.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { renderBindingTable } from '../../../src/cli/printers/bindings.js';
import type { Binding } from '../../../src/bindings/types.js';

const base: Binding = {
  hostname: 'shop.local',
  addresses: ['172.18.0.10'],
  status: 'Ready',
  reason: '',
  publish: ['mdns'],
  route: { kind: 'HTTPRoute', namespace: 'shop', name: 'shop' },
  gateway: { namespace: 'infra', name: 'gw' },
  listener: 'https',
  port: 443,
  url: 'https://shop.local/',
};

const chalk = new Chalk({ level: 0 });

test('list -o wide: a SOURCE column before STATUS; the normal table has none', () => {
  const rows: Binding[] = [
    { ...base, sources: ['spec', 'annotation'], sourceAnnotation: 'external-dns.kubernetes.io/hostname' },
    {
      ...base,
      hostname: 'web.local',
      route: { kind: 'Service', namespace: 'apps', name: 'web' },
      gateway: null,
      listener: '',
      port: 80,
      sources: ['annotation'],
    },
    { ...base, hostname: 'gw.local', sources: ['listener'] },
    { ...base, hostname: 'x.dev.k8s', addresses: [], cname: 'lb.example.com', publish: ['unicast'], zone: 'dev.k8s' },
  ];
  const wide = renderBindingTable(rows, { wide: true, headers: true, chalk }).split('\n');
  assert.match(wide[0]!, /\bPARENT\s+SOURCE\s+STATUS$/);
  const sourceAt = wide[0]!.indexOf('SOURCE');
  assert.deepEqual(
    wide.slice(1, 5).map((l) => l.slice(sourceAt).split(/\s+/)[0]),
    ['spec,annotation', 'annotation', 'listener', '<none>'],
  );
  assert.match(wide[4]!, /\bCNAME:lb\.example\.com\b/);
  const narrow = renderBindingTable(rows, { wide: false, headers: true, chalk });
  assert.doesNotMatch(narrow, /SOURCE/);
});
