import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listenerProblem, listenerRefusal, supportedKinds, usableListeners } from '../../../src/bindings/listeners.js';
import { listener } from './fixtures.js';

const usable = (l: unknown) => {
  const [u] = usableListeners([l]);
  assert.ok(u, 'fixture listener must be usable');
  return u;
};

describe('supportedKinds (rule 3: allowedRoutes.kinds, else the protocol default)', () => {
  const cases: [string, unknown, string[]][] = [
    ['HTTP default', listener('http', 80, { protocol: 'HTTP' }), ['HTTPRoute', 'GRPCRoute']],
    ['HTTPS default', listener('https', 443, { protocol: 'HTTPS' }), ['HTTPRoute', 'GRPCRoute']],
    ['TLS default', listener('tls', 443, { protocol: 'TLS' }), ['TLSRoute', 'TCPRoute']],
    ['explicit kinds narrow', listener('http', 80, { protocol: 'HTTP', kinds: ['HTTPRoute'] }), ['HTTPRoute']],
    ['explicit kinds the protocol cannot carry are dropped', listener('http', 80, { protocol: 'HTTP', kinds: ['TLSRoute', 'HTTPRoute'] }), ['HTTPRoute']],
    ['unknown protocol: explicit kinds trusted', listener('x', 80, { protocol: 'example.com/PROXY', kinds: ['HTTPRoute'] }), ['HTTPRoute']],
    ['unknown protocol, no kinds: none', listener('x', 80, { protocol: 'example.com/PROXY' }), []],
    ['lower-case protocol still works', { name: 'h', port: 80, protocol: 'http' }, ['HTTPRoute', 'GRPCRoute']],
    ['empty kinds list = protocol default', { name: 'h', port: 80, protocol: 'HTTP', allowedRoutes: { kinds: [] } }, ['HTTPRoute', 'GRPCRoute']],
    [
      'kind of another group is not ours',
      { name: 'h', port: 80, protocol: 'HTTP', allowedRoutes: { kinds: [{ group: 'example.com', kind: 'HTTPRoute' }] } },
      [],
    ],
  ];
  for (const [name, l, want] of cases) it(name, () => assert.deepEqual(supportedKinds(usable(l)), want));
});

describe('listenerRefusal (rule 3: allowedRoutes.namespaces)', () => {
  const route = { kind: 'HTTPRoute', namespace: 'shop' };
  const shopLabels = { 'kubernetes.io/metadata.name': 'shop', team: 'a' };
  const cases: [string, unknown, string, RegExp | null][] = [
    ['Same (default) allows its own namespace', listener('http', 80), 'shop', null],
    ['Same (default) refuses another namespace', listener('http', 80), 'infra', /namespace infra only.*Same/],
    ['All allows any namespace', listener('http', 80, { from: 'All' }), 'infra', null],
    ['Selector match', listener('http', 80, { selector: { matchLabels: { team: 'a' } } }), 'infra', null],
    ['Selector miss', listener('http', 80, { selector: { matchLabels: { team: 'b' } } }), 'infra', /does not match/],
    ['Selector on kubernetes.io/metadata.name', listener('http', 80, { selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }), 'infra', null],
    ['Selector without selector', listener('http', 80, { from: 'Selector' }), 'infra', /no selector/],
    ['Selector invalid', listener('http', 80, { selector: { matchExpressions: [{ key: 'a', operator: 'Bad' }] } }), 'infra', /invalid.*selector/],
    ['unknown from', listener('http', 80, { from: 'Friends' }), 'infra', /unknown allowedRoutes.namespaces.from "Friends"/],
    ['kind not accepted', listener('tls', 443, { protocol: 'TLS', from: 'All' }), 'infra', /accepts TLSRoute, TCPRoute only/],
  ];
  for (const [name, l, ownerNs, want] of cases) {
    it(name, () => {
      const refusal = listenerRefusal(usable(l), ownerNs, route, shopLabels);
      if (want === null) assert.equal(refusal, null);
      else assert.match(refusal ?? '', want);
    });
  }
});

describe('usableListeners / listenerProblem (malformed listeners are left out)', () => {
  const cases: [string, unknown, RegExp | null][] = [
    ['fine', { name: 'http', port: 80, protocol: 'HTTP' }, null],
    ['no name', { port: 80, protocol: 'HTTP' }, /no name/],
    ['name not a string', { name: 7, port: 80 }, /no name/],
    ['no port', { name: 'http', protocol: 'HTTP' }, /no valid port/],
    ['port out of range', { name: 'http', port: 70000 }, /no valid port/],
    ['port a string', { name: 'http', port: '80' }, /no valid port/],
    ['bad hostname', { name: 'http', port: 80, hostname: 'bad_name.local' }, /invalid hostname/],
    ['not an object', 'http', /not an object/],
  ];
  for (const [name, l, want] of cases) {
    it(name, () => {
      const problem = listenerProblem(l);
      if (want === null) {
        assert.equal(problem, null);
        assert.equal(usableListeners([l]).length, 1);
      } else {
        assert.match(problem ?? '', want);
        assert.equal(usableListeners([l]).length, 0);
      }
    });
  }
  it('not a list gives no listeners', () => assert.deepEqual(usableListeners({ name: 'http' }), []));
  it('a repeated name keeps the first', () => {
    const ls = usableListeners([
      { name: 'a', port: 80 },
      { name: 'a', port: 443 },
    ]);
    assert.deepEqual(
      ls.map((l) => l.port),
      [80],
    );
  });
});
