import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkHostname, inZone, intersectHostnames, normalizeHostname } from '../../../src/bindings/hostnames.js';

describe('checkHostname (docs/design.md#rule-4-hostnames: lower-case, strip trailing dot, RFC 1123)', () => {
  const valid: [unknown, string][] = [
    ['shop.local', 'shop.local'],
    ['Shop.LOCAL', 'shop.local'],
    ['shop.local.', 'shop.local'],
    ['a-b.c-d.local', 'a-b.c-d.local'],
    ['*.apps.local', '*.apps.local'],
    ['x', 'x'],
    [`${'a'.repeat(63)}.local`, `${'a'.repeat(63)}.local`],
    ['0day.local', '0day.local'],
  ];
  for (const [input, want] of valid) {
    it(`accepts ${JSON.stringify(input).slice(0, 40)}`, () => {
      const r = checkHostname(input);
      assert.equal(r.ok, true, !r.ok ? r.reason : '');
      assert.equal(r.name, want);
    });
  }

  const invalid: [unknown, RegExp][] = [
    ['', /empty/],
    ['.', /empty/],
    ['a..local', /empty label/],
    ['-shop.local', /starts or ends with '-'/],
    ['shop-.local', /starts or ends with '-'/],
    ['shop_1.local', /characters other than a-z/],
    ['shöp.local', /characters other than a-z/],
    ['sh op.local', /characters other than a-z/],
    ['a.*.local', /only as the whole first label/],
    ['*x.local', /only as the whole first label/],
    ['*', /matches every name/],
    [`${'a'.repeat(64)}.local`, /longer than 63/],
    [Array.from({ length: 300 }, () => 'a').join('.'), /more than 253/],
    ['10.0.0.1', /IP address/],
    [42, /is not a string/],
    [null, /is not a string/],
    [{ host: 'x' }, /is not a string/],
  ];
  for (const [input, reason] of invalid) {
    it(`refuses ${String(JSON.stringify(input)).slice(0, 40)}`, () => {
      const r = checkHostname(input);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.reason, reason);
        assert.ok(r.reason.length < 200, 'reasons stay one readable line even for huge names');
      }
    });
  }

  it('normalizeHostname strips only one trailing dot and lower-cases', () => {
    assert.equal(normalizeHostname('A.Local.'), 'a.local');
    assert.equal(normalizeHostname('a.local..'), 'a.local.');
  });
});

describe('intersectHostnames (Gateway API hostname intersection, the more specific wins)', () => {
  const cases: [route: string, listener: string, want: string | null][] = [
    ['shop.local', '', 'shop.local'],
    ['*.a.local', '', '*.a.local'],
    ['shop.local', 'shop.local', 'shop.local'],
    ['shop.local', 'blog.local', null],
    ['x.a.local', '*.a.local', 'x.a.local'],
    ['x.y.a.local', '*.a.local', 'x.y.a.local'], // one or more labels
    ['a.local', '*.a.local', null], // never the parent itself
    ['xa.local', '*.a.local', null], // label boundary
    ['*.specific.local', 'very.specific.local', 'very.specific.local'],
    ['*.specific.local', 'specific.local', null],
    ['*.a.local', '*.a.local', '*.a.local'],
    ['*.example.com', '*.foo.example.com', '*.foo.example.com'],
    ['*.foo.example.com', '*.example.com', '*.foo.example.com'],
    ['*.com', '*.example.com', '*.example.com'],
    ['*.a.local', '*.b.local', null],
    ['*.example.com', 'abc.foo.example.com', 'abc.foo.example.com'],
  ];
  for (const [r, l, want] of cases) {
    it(`${r} ∩ ${l || '(any)'} = ${want ?? 'none'}`, () => assert.equal(intersectHostnames(r, l), want));
  }
});

describe('inZone (label boundary, rule 7)', () => {
  const cases: [string, string, boolean][] = [
    ['app.k8s', 'k8s', true],
    ['app.dev.k8s', 'dev.k8s', true],
    ['dev.k8s', 'dev.k8s', true],
    ['*.apps.dev.k8s', 'dev.k8s', true],
    ['*.dev.k8s', 'dev.k8s', true],
    ['app.notk8s', 'k8s', false],
    ['*.k8s', 'dev.k8s', false],
    ['app.local', '', false],
  ];
  for (const [name, zone, want] of cases) it(`${name} in ${zone || '(none)'}: ${want}`, () => assert.equal(inZone(name, zone), want));
});
