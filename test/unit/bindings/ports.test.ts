import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { choosePort, noStandardPortReason } from '../../../src/bindings/ports.js';
import { usableListeners } from '../../../src/bindings/listeners.js';
import { listener } from './fixtures.js';

const ls = (...specs: [string, number, string?][]) => usableListeners(specs.map(([n, p, h]) => listener(n, p, h ? { hostname: h } : {})));

describe('choosePort (rule 5: docs/design.md#rule-5-port)', () => {
  const cases: [string, ReturnType<typeof ls>, boolean, boolean, [number, string] | null][] = [
    ['443 wins over 80', ls(['http', 80], ['https', 443]), false, false, [443, 'https']],
    ['80 when there is no 443', ls(['http', 80], ['alt', 8080]), false, false, [80, 'http']],
    ['no 443 or 80: skipped', ls(['alt', 8080], ['alt2', 8443]), false, false, null],
    ['no 443 or 80, --any-port: lowest', ls(['alt2', 8443], ['alt', 8080]), false, true, [8080, 'alt']],
    ['pinned (sectionName/port): that listener', ls(['alt', 8080]), true, false, [8080, 'alt']],
    [
      'several on 443: the most specific hostname',
      ls(['https', 443], ['https-shop', 443, 'shop.local'], ['https-wild', 443, '*.local']),
      false,
      false,
      [443, 'https-shop'],
    ],
    ['wildcard beats no hostname', ls(['https', 443], ['https-wild', 443, '*.local']), false, false, [443, 'https-wild']],
  ];
  for (const [name, listeners, pinned, anyPort, want] of cases) {
    it(name, () => {
      const choice = choosePort(listeners, pinned, anyPort);
      assert.deepEqual(choice ? [choice.port, choice.listener.name] : null, want);
    });
  }
  it('the Skipped message is docs/design.md’s, word for word', () => {
    assert.equal(
      noStandardPortReason('gateway infra/gw'),
      'gateway infra/gw has no listener on 443 or 80; set sectionName or port in parentRefs, or use --any-port',
    );
  });
});
