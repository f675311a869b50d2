import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSelector } from '../../../src/util/label-selector.js';
import { UserError } from '../../../src/util/errors.js';

const labels = { app: 'shop', tier: 'web', 'example.com/team': 'a' };
const cases: [string, boolean][] = [
  ['', true],
  ['app=shop', true],
  ['app==shop', true],
  ['app=cart', false],
  ['app!=cart', true],
  ['app!=shop', false],
  ['missing!=x', true],
  ['app in (shop, cart)', true],
  ['app in (cart)', false],
  ['app notin (cart)', true],
  ['app notin (shop)', false],
  ['tier', true],
  ['missing', false],
  ['!missing', true],
  ['!tier', false],
  ['app=shop,tier=web', true],
  ['app=shop,tier=db', false],
  ['example.com/team=a', true],
];
for (const [sel, want] of cases) {
  test(`label selector "${sel}" -> ${want}`, () => assert.equal(parseLabelSelector(sel)(labels), want));
}
test('label selector: invalid key is a UserError', () => {
  assert.throws(() => parseLabelSelector('bad key=1'), UserError);
});
