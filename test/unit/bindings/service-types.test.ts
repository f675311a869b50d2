// DNS-SD service types from port and listener names (RFC 6763 §7, RFC 6335 §5.1 service names).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serviceName, serviceType } from '../../../src/bindings/service-types.js';

describe('service names (RFC 6335 §5.1)', () => {
  const cases: [unknown, string | null][] = [
    ['postgres', 'postgres'],
    ['HTTP-Alt', 'http-alt'],
    ['h2c', 'h2c'],
    ['a-b-c-d-e-f-g-h', 'a-b-c-d-e-f-g-h'], // 15 characters
    ['a-b-c-d-e-f-g-hi', null], // 16
    ['5432', null], // no letter
    ['-pg', null],
    ['pg-', null],
    ['pg--x', null],
    ['pg_x', null],
    ['', null],
    [undefined, null],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(serviceName(input), want));
  it('a type with the transport, or none', () => {
    assert.equal(serviceType('dns', 'udp'), '_dns._udp');
    assert.equal(serviceType('tcp-5433-very-long', 'tcp'), '');
  });
});
