import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseZones, validateZones, zoneFor } from '../../../src/util/zones.js';
import { UserError } from '../../../src/util/errors.js';

test('zoneFor matches on label boundaries only', () => {
  assert.equal(zoneFor('app.k8s', ['k8s']), 'k8s');
  assert.equal(zoneFor('app.notk8s', ['k8s']), undefined);
  assert.equal(zoneFor('k8s', ['k8s']), 'k8s', 'the apex is in its own zone');
  assert.equal(zoneFor('xk8s', ['k8s']), undefined);
});

test('zoneFor picks the most specific zone, whatever the order', () => {
  assert.equal(zoneFor('shop.dev.k8s', ['k8s', 'dev.k8s']), 'dev.k8s');
  assert.equal(zoneFor('shop.dev.k8s', ['dev.k8s', 'k8s']), 'dev.k8s');
  assert.equal(zoneFor('shop.prod.k8s', ['dev.k8s', 'k8s']), 'k8s');
});

test('zoneFor: case and trailing dots do not matter; wildcards fall in their zone', () => {
  assert.equal(zoneFor('Shop.Dev.K8s.', ['dev.k8s']), 'dev.k8s');
  assert.equal(zoneFor('*.apps.dev.k8s', ['dev.k8s']), 'dev.k8s');
  assert.equal(zoneFor('*.dev.k8s', ['dev.k8s']), 'dev.k8s');
});

test('a zone under .local, or .local itself, is refused with RFC 6762 and RFC 8375 in the message', () => {
  for (const z of ['local', 'example.local', 'LAB.LOCAL.']) {
    assert.throws(
      () => validateZones([z]),
      (e: unknown) => e instanceof UserError && /multicast DNS \(RFC 6762/.test(e.message) && /home\.arpa \(RFC 8375\)/.test(e.message),
    );
  }
  assert.throws(() => normaliseZones(['example.local']), /e\.g\. --zone example\.home\.arpa/);
  assert.doesNotThrow(() => validateZones(['localdomain', 'local.example', 'home.arpa']));
});

test('normaliseZones lower-cases, strips the dot, de-duplicates and rejects junk', () => {
  assert.deepEqual(normaliseZones(['Dev.K8s.', 'dev.k8s', 'home.arpa']), ['dev.k8s', 'home.arpa']);
  assert.throws(() => normaliseZones(['bad zone']), /not a valid DNS zone name/);
  assert.throws(() => normaliseZones(['']), /not a valid DNS zone name/);
  assert.throws(() => normaliseZones(['a..b']), /not a valid DNS zone name/);
});
