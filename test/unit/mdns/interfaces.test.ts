import assert from 'node:assert/strict';
import { test } from 'node:test';
import type os from 'node:os';
import { type SystemView, isLinkLocal6, linkForSource, maxPayload, parseIPv6, scanLinks } from '../../../src/mdns/interfaces.js';

function info(address: string, cidr: string, family: 'IPv4' | 'IPv6', internal = false): os.NetworkInterfaceInfo {
  return { address, netmask: '', family, mac: '00:00:00:00:00:00', internal, cidr, ...(family === 'IPv6' ? { scopeid: 2 } : {}) } as os.NetworkInterfaceInfo;
}

const system: SystemView = {
  networkInterfaces: () => ({
    lo: [info('127.0.0.1', '127.0.0.1/8', 'IPv4', true)],
    eth0: [info('192.168.7.10', '192.168.7.10/24', 'IPv4'), info('fe80::10', 'fe80::10/64', 'IPv6'), info('2001:db8::10', '2001:db8::10/64', 'IPv6')],
    down0: [info('10.9.0.1', '10.9.0.1/24', 'IPv4')],
    nomc0: [info('10.8.0.1', '10.8.0.1/24', 'IPv4')],
    v6only: [info('fe80::20', 'fe80::20/64', 'IPv6')],
    nocarrier0: [info('10.7.0.1', '10.7.0.1/24', 'IPv4')],
  }),
  // IFF_UP 0x1, IFF_MULTICAST 0x1000 (sysfs flags never show IFF_RUNNING: the carrier is in operstate)
  flags: (name) => (({ lo: 0x9, eth0: 0x1003, down0: 0x1002, nomc0: 0x3, v6only: 0x1003, nocarrier0: 0x1003 }) as Record<string, number>)[name],
  operstate: (name) => (({ lo: 'unknown', eth0: 'up', down0: 'down', nomc0: 'up', v6only: 'unknown', nocarrier0: 'down' }) as Record<string, string>)[name],
  mtu: (name) => (name === 'eth0' ? 9000 : 1500),
};

test('scanLinks: up, connected and multicast-capable only; loopback without MULTICAST is skipped', () => {
  assert.deepEqual(
    scanLinks(undefined, system).map((l) => l.name),
    ['eth0', 'v6only'],
  );
  assert.deepEqual(scanLinks(['nocarrier0'], system), [], 'no carrier (operstate down): not a link now');
  assert.deepEqual(
    scanLinks(['nocarrier0'], { ...system, operstate: undefined }).map((l) => l.name),
    ['nocarrier0'],
    'no operstate to read: flags decide',
  );
  assert.deepEqual(
    scanLinks(['v6only', 'nomc0'], system).map((l) => l.name),
    ['v6only'],
  );
  const eth0 = scanLinks(['eth0'], system)[0]!;
  assert.deepEqual(eth0.ipv4, [{ address: '192.168.7.10', prefix: 24 }]);
  assert.equal(maxPayload(eth0), 1460);
});

test('linkForSource: IPv4 and global IPv6 by subnet, link-local by scope; off-link is undefined', () => {
  const links = scanLinks(undefined, system);
  assert.equal(linkForSource(links, '192.168.7.99')?.name, 'eth0');
  assert.equal(linkForSource(links, '192.168.8.99'), undefined);
  assert.equal(linkForSource(links, '2001:db8::99')?.name, 'eth0');
  assert.equal(linkForSource(links, 'fe80::99%v6only')?.name, 'v6only');
  assert.equal(linkForSource(links, '::ffff:192.168.7.5')?.name, 'eth0');
});

test('parseIPv6 handles ::, embedded IPv4 and scopes', () => {
  assert.deepEqual([...parseIPv6('fe80::1%eth0')!], [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.equal(parseIPv6('1:2:3:4:5:6:7:8:9'), undefined);
  assert.equal(parseIPv6('1::2::3'), undefined);
  assert.ok(isLinkLocal6('fe80::abcd'));
  assert.ok(!isLinkLocal6('fd00::1'));
});
