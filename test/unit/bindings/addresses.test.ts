import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayAddresses, ingressAddresses, parseIPAddress, sortAddresses } from '../../../src/bindings/addresses.js';
import { gateway, ingress, listener } from './fixtures.js';

describe('parseIPAddress (rule 6: IPv4 → A, IPv6 → AAAA)', () => {
  const good: [string, string, 4 | 6][] = [
    ['172.18.0.2', '172.18.0.2', 4],
    [' 10.0.0.1 ', '10.0.0.1', 4],
    ['fd00::2', 'fd00::2', 6],
    ['FD00:0:0::2', 'fd00::2', 6],
    ['::ffff:1.2.3.4', '::ffff:102:304', 6],
  ];
  for (const [input, ip, family] of good) {
    it(`parses ${input}`, () => assert.deepEqual(parseIPAddress(input), { ok: true, ip, family }));
  }
  const bad: [unknown, RegExp][] = [
    ['999.1.1.1', /not an IPv4 or IPv6/],
    ['01.2.3.4', /not an IPv4 or IPv6/],
    ['fe80::1%eth0', /zone index/],
    ['gw.example.com', /not an IPv4 or IPv6/],
    ['', /not an IPv4 or IPv6/],
    [17, /not a string/],
  ];
  for (const [input, reason] of bad) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const r = parseIPAddress(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.reason, reason);
    });
  }
});

describe('gatewayAddresses', () => {
  const l = [listener('http', 80)];
  it('keeps IPAddress (and untyped) entries, reports Hostname ones, drops garbage with warnings', () => {
    const gw = gateway('infra', 'gw', l);
    gw.status = {
      addresses: [
        { type: 'IPAddress', value: '172.18.0.3' },
        { value: '172.18.0.2' },
        { type: 'IPAddress', value: 'fd00::2' },
        { type: 'Hostname', value: 'lb.example.com' },
        { type: 'IPAddress', value: '999.1.1.1' },
        { type: 'IPAddress', value: 'fe80::1%eth0' },
        { type: 'NamedAddress', value: 'pool-a' },
        { type: 'IPAddress', value: '172.18.0.2' },
      ],
    };
    const set = gatewayAddresses(gw, 'gateway infra/gw');
    assert.deepEqual(set.addresses, ['172.18.0.2', '172.18.0.3', 'fd00::2']);
    assert.deepEqual(set.hostnameAddresses, ['lb.example.com']);
    assert.equal(set.warnings.length, 3);
    assert.match(set.warnings.join('\n'), /999\.1\.1\.1/);
    assert.match(set.warnings.join('\n'), /fe80::1%eth0.*zone index/);
    assert.match(set.warnings.join('\n'), /NamedAddress/);
  });

  it('the kubectl-mdns/addresses annotation overrides status', () => {
    const gw = gateway('infra', 'gw', l, { addresses: ['10.96.0.1'], annotations: { 'kubectl-mdns/addresses': '192.168.1.50, fd00::50,bogus' } });
    const set = gatewayAddresses(gw, 'gateway infra/gw');
    assert.deepEqual(set.addresses, ['192.168.1.50', 'fd00::50']);
    assert.equal(set.annotation, '192.168.1.50, fd00::50,bogus');
    assert.match(set.warnings.join(), /bogus.*annotation/);
  });

  it('an empty annotation is unset: status is used', () => {
    const gw = gateway('infra', 'gw', l, { addresses: ['10.0.0.1'], annotations: { 'kubectl-mdns/addresses': ' ' } });
    assert.deepEqual(gatewayAddresses(gw, 'x').addresses, ['10.0.0.1']);
  });

  it('no status, or a status of the wrong shape, gives no addresses and no throw', () => {
    const gw = gateway('infra', 'gw', l);
    assert.deepEqual(gatewayAddresses(gw, 'x').addresses, []);
    gw.status = { addresses: 'nope' as unknown as [] };
    assert.deepEqual(gatewayAddresses(gw, 'x').addresses, []);
    gw.status = { addresses: [null, 5, 'x'] as unknown as [] };
    const set = gatewayAddresses(gw, 'x');
    assert.deepEqual(set.addresses, []);
    assert.equal(set.warnings.length, 3);
  });

  it('sortAddresses: IPv4 numerically, then IPv6, unique', () => {
    assert.deepEqual(sortAddresses(['fd00::1', '10.0.0.10', '10.0.0.9', '10.0.0.10']), ['10.0.0.9', '10.0.0.10', 'fd00::1']);
  });
});

describe('ingressAddresses', () => {
  it('reads status.loadBalancer.ingress ip and hostname', () => {
    const set = ingressAddresses(ingress('web', 'wiki', { ips: ['172.18.0.20', '300.1.1.1'], hostnames: ['elb.example.com'] }), 'ingress web/wiki');
    assert.deepEqual(set.addresses, ['172.18.0.20']);
    assert.deepEqual(set.hostnameAddresses, ['elb.example.com']);
    assert.equal(set.warnings.length, 1);
  });
});
