import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { publishDecision, zoneFor } from '../../../src/bindings/publish.js';

const ann = (owner: string, value: string) => ({ owner, annotations: { 'kubectl-mdns/publish': value } });

describe('publishDecision (rule 7)', () => {
  const cases: [string, string, string[], ReturnType<typeof ann>[], string[], string | undefined, RegExp | null][] = [
    ['.local → mdns', 'shop.local', [], [], ['mdns'], undefined, null],
    ['in a zone → unicast', 'app.dev.k8s', ['dev.k8s'], [], ['unicast'], 'dev.k8s', null],
    ['most specific zone', 'app.dev.k8s', ['k8s', 'dev.k8s'], [], ['unicast'], 'dev.k8s', null],
    ['zone given with a trailing dot and capitals', 'app.dev.k8s', ['Dev.K8s.'], [], ['unicast'], 'dev.k8s', null],
    ['zone on a label boundary only', 'app.notk8s', ['k8s'], [], [], undefined, /not a \.local name and no --zone covers it/],
    ['neither', 'app.test.org', [], [], [], undefined, /not a \.local name and no --zone covers it/],
    ['wildcard without zone', '*.apps.local', [], [], [], undefined, /mDNS has no wildcards/],
    ['wildcard in a zone → unicast only', '*.apps.k8s', ['k8s'], [], ['unicast'], 'k8s', null],
    ['.local inside a zone → both', 'a.home.local', ['home.local'], [], ['mdns', 'unicast'], 'home.local', null],
    [
      'annotation none',
      'shop.local',
      [],
      [ann('HTTPRoute shop/shop', 'none')],
      [],
      undefined,
      /publishing disabled by annotation kubectl-mdns\/publish=none on HTTPRoute shop\/shop/,
    ],
    ['annotation mdns keeps mdns', 'shop.local', [], [ann('r', 'mdns')], ['mdns'], undefined, null],
    [
      'annotation unicast drops mdns → nowhere',
      'shop.local',
      [],
      [ann('HTTPRoute shop/shop', 'unicast')],
      [],
      undefined,
      /leaves nowhere to publish shop\.local/,
    ],
    ['annotation unicast narrows both to unicast', 'a.home.local', ['home.local'], [ann('r', 'unicast')], ['unicast'], 'home.local', null],
    ['annotation all changes nothing', 'app.test.org', [], [ann('r', 'all')], [], undefined, /not a \.local name/],
    ['annotation case-insensitive', 'shop.local', [], [ann('r', ' MDNS ')], ['mdns'], undefined, null],
    [
      'unknown annotation value',
      'shop.local',
      [],
      [ann('gateway infra/gw', 'multicast')],
      [],
      undefined,
      /unknown value "multicast".*use none, mdns, unicast or all/,
    ],
    ['route and gateway annotations both narrow', 'a.home.local', ['home.local'], [ann('r', 'mdns'), ann('g', 'unicast')], [], undefined, /leaves nowhere/],
  ];
  for (const [name, host, zones, sources, publish, zone, reason] of cases) {
    it(name, () => {
      const d = publishDecision(host, zones, sources);
      assert.deepEqual(d.publish, publish);
      assert.equal(d.zone, zone);
      if (reason) assert.match(d.reason, reason);
      else assert.equal(d.reason, '');
    });
  }

  it('warns on .local names with more than two labels (docs/decisions.md, Multi-label .local names), only when they go to mDNS', () => {
    assert.match(publishDecision('static.blog.local', [], []).warnings.join(), /more than two labels.*static-blog\.local/);
    assert.deepEqual(publishDecision('blog.local', [], []).warnings, []);
    assert.deepEqual(
      publishDecision('a.b.home.local', ['home.local'], [ann('r', 'unicast')]).warnings.filter((w) => w.includes('labels')),
      [],
    );
  });

  it('warns when a --zone is under .local', () => {
    assert.match(publishDecision('a.home.local', ['home.local'], []).warnings.join(), /under \.local.*home\.arpa/);
  });

  it('zoneFor ignores empty zones', () => assert.equal(zoneFor('a.b', ['']), undefined));
});
