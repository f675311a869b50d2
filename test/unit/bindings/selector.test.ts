import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchLabelSelector } from '../../../src/bindings/selector.js';

const labels = { team: 'a', env: 'prod', 'kubernetes.io/metadata.name': 'shop' };

describe('matchLabelSelector (metav1.LabelSelector)', () => {
  const cases: [string, unknown, boolean][] = [
    ['empty selector selects everything', {}, true],
    ['matchLabels hit', { matchLabels: { team: 'a' } }, true],
    ['matchLabels miss', { matchLabels: { team: 'b' } }, false],
    ['matchLabels needs every pair', { matchLabels: { team: 'a', env: 'dev' } }, false],
    ['matchLabels on an absent key', { matchLabels: { tier: 'web' } }, false],
    ['In hit', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }] }, true],
    ['In miss', { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, false],
    ['In on an absent key', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, true],
    ['NotIn miss', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, false],
    ['NotIn on an absent key matches', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, true],
    ['Exists hit', { matchExpressions: [{ key: 'team', operator: 'Exists' }] }, true],
    ['Exists miss', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, false],
    ['DoesNotExist hit', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist miss', { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, false],
    ['labels AND expressions', { matchLabels: { team: 'a' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, false],
    ['the metadata.name label', { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, true],
  ];
  for (const [name, selector, want] of cases) {
    it(name, () => {
      const r = matchLabelSelector(selector, labels);
      assert.equal(r.matches, want);
      if (!r.matches) assert.equal(r.error, undefined, 'a valid selector that does not match is not an error');
    });
  }

  const invalid: [string, unknown, RegExp][] = [
    ['not an object', 'team=a', /not an object/],
    ['null', null, /not an object/],
    ['matchLabels not a map', { matchLabels: ['team'] }, /matchLabels is not a map/],
    ['matchLabels value not a string', { matchLabels: { team: 1 } }, /not a string/],
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, /operator "Gt"/],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In' }] }, /needs at least one value/],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, /must not have values/],
    ['no key', { matchExpressions: [{ operator: 'Exists' }] }, /no key/],
    ['expressions not a list', { matchExpressions: {} }, /not a list/],
  ];
  for (const [name, selector, error] of invalid) {
    it(`invalid: ${name} selects nothing and says why`, () => {
      const r = matchLabelSelector(selector, labels);
      assert.equal(r.matches, false);
      assert.match((r as { error?: string }).error ?? '', error);
    });
  }

  it('copes with many labels', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) many[`k${i}`] = `v${i}`;
    assert.equal(matchLabelSelector({ matchLabels: { k9999: 'v9999' } }, many).matches, true);
    assert.equal(matchLabelSelector({ matchLabels: { k9999: 'v0' } }, many).matches, false);
  });
});
