import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseZone, zoneFor } from '../../../src/util/zones.js';
import { UserError } from '../../../src/util/errors.js';

test('zones: canonical form', () => assert.equal(normaliseZone('Dev.K8s.'), 'dev.k8s'));
test('zones: .local is refused with a pointer to home.arpa', () => {
  assert.throws(() => normaliseZone('cluster.local'), (e: unknown) => e instanceof UserError && /RFC 6762/.test(e.message) && /home\.arpa/.test(e.message));
  assert.throws(() => normaliseZone('local.'), UserError);
});
test('zones: label boundary and most specific', () => {
  const zones = ['k8s', 'dev.k8s'];
  assert.equal(zoneFor('app.dev.k8s', zones), 'dev.k8s');
  assert.equal(zoneFor('app.k8s', zones), 'k8s');
  assert.equal(zoneFor('app.notk8s', zones), undefined);
  assert.equal(zoneFor('APP.DEV.K8S.', zones), 'dev.k8s');
});
