// The resolver-configuration judges (hosts-file, nsswitch, nss-mdns), the daemons (avahi,
// systemd-resolved, port-5353), the firewall and the macOS equivalents, as table tests over
// recorded file contents and command outputs (test/fixtures/doctor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostsLinesFor, judgeHostsFile, judgeNsswitch, judgeNssMdns, mdnsAllowPermits, parseHostsLine } from '../../../src/doctor/host-config.js';
import {
  judgeAvahi,
  judgeMDNSResponder,
  judgePort5353,
  judgeResolved,
  judgeResolverDir,
  judgeScutil,
  parseAvahiReply,
  parseDnsSdG,
  parseProcNetUdp,
  parseResolvectl,
} from '../../../src/doctor/daemons.js';
import { iptablesBlockingRules, judgeFirewall, nftBlockingRules } from '../../../src/doctor/firewall.js';
import { gatherHost, parseIpRouteGet, type Runner } from '../../../src/doctor/gather.js';
import { repoRoot } from '../../support/repo.js';

const fixture = (f: string) => readFileSync(join(repoRoot(), 'test', 'fixtures', 'doctor', f), 'utf8');
const text = (t: string) => ({ text: t });
const ENOENT = { error: 'ENOENT' };

test('hosts-file: a line for the name with another address fails with the exact sed; a right one warns; none passes', () => {
  const hosts = '127.0.0.1 localhost\n# 10.0.0.9 shop.local\n10.0.0.7\tshop.local shop\n::1 ip6-localhost\n';
  assert.deepEqual(hostsLinesFor(hosts, 'SHOP.local.'), [{ line: 3, address: '10.0.0.7', text: '10.0.0.7\tshop.local shop' }]);
  const cases: [string, string[], string, RegExp][] = [
    [hosts, ['10.0.0.10'], 'fail', /sudo sed -i '3d' \/etc\/hosts/],
    [hosts, ['10.0.0.7'], 'warn', /sudo sed -i '3d'/],
    ['127.0.0.1 localhost\n', ['10.0.0.10'], 'pass', /^$/],
  ];
  for (const [t, expected, status, fix] of cases) {
    const c = judgeHostsFile('shop.local', text(t), expected);
    assert.equal(c.status, status, c.detail);
    assert.match(c.fix, fix);
  }
  assert.equal(judgeHostsFile('shop.local', ENOENT, []).status, 'pass');
  assert.equal(judgeHostsFile('shop.local', { error: 'EACCES' }, []).status, 'skip');
});

test('nsswitch: the hosts: line, table of cases', () => {
  const cases: { line: string | undefined; name?: string; addresses?: string[]; allow?: string; status: string; detail?: RegExp; fix?: RegExp }[] = [
    { line: 'hosts: files mdns4_minimal [NOTFOUND=return] dns', status: 'pass' },
    { line: 'hosts: files dns', status: 'fail', detail: /no mdns module/, fix: /hosts: files mdns4_minimal \[NOTFOUND=return\] dns$/ },
    {
      line: 'hosts: files resolve [!UNAVAIL=return] dns myhostname',
      status: 'fail',
      fix: /hosts: files mdns4_minimal \[NOTFOUND=return\] resolve \[!UNAVAIL=return\] dns myhostname/,
    },
    { line: undefined, status: 'fail', detail: /glibc's default/ },
    { line: 'hosts: files dns mdns4_minimal', status: 'fail', detail: /dns comes before mdns4_minimal/, fix: /files mdns4_minimal \[NOTFOUND=return\] dns$/ },
    { line: 'hosts: files mdns4_minimal dns', status: 'warn', detail: /no \[NOTFOUND=return\]/, fix: /mdns4_minimal \[NOTFOUND=return\] dns/ },
    {
      line: 'hosts: files mdns4_minimal [NOTFOUND=return] dns',
      name: 'www.shop.local',
      status: 'fail',
      detail: /refuses www\.shop\.local: it has 3 labels/,
      fix: /two-label name \(e\.g\. shop\.local\).*dns mdns4 in \/etc\/nsswitch\.conf.*mdns\.allow/,
    },
    { line: 'hosts: files mdns4_minimal [NOTFOUND=return] dns mdns4', name: 'www.shop.local', status: 'fail', detail: /mdns\.allow does not exist/ },
    { line: 'hosts: files mdns4_minimal [NOTFOUND=return] dns mdns4', name: 'www.shop.local', allow: '.local.\n.local\n', status: 'pass' },
    {
      line: 'hosts: files mdns4_minimal [NOTFOUND=return] dns',
      addresses: ['fd00::10'],
      status: 'fail',
      detail: /IPv4 only/,
      fix: /mdns_minimal \[NOTFOUND=return\]/,
    },
  ];
  for (const c of cases) {
    const r = judgeNsswitch(
      c.name ?? 'shop.local',
      { nsswitch: c.line === undefined ? ENOENT : text(`# comment\npasswd: files\n${c.line}\n`), mdnsAllow: c.allow ? text(c.allow) : ENOENT },
      c.addresses ?? ['10.0.0.10'],
    );
    assert.equal(r.status, c.status, `${c.line}: ${r.detail}`);
    if (c.detail) assert.match(r.detail, c.detail);
    if (c.fix) assert.match(r.fix, c.fix);
  }
  assert.deepEqual(parseHostsLine('hosts:  files mdns4_minimal [NOTFOUND=return]   dns')!.sources[1], {
    module: 'mdns4_minimal',
    actions: { notfound: 'return' },
  });
  assert.ok(mdnsAllowPermits('*\n', 'a.b.c.local'));
  assert.ok(!mdnsAllowPermits('.example\n', 'a.b.local'));
});

test('nss-mdns: the libraries the hosts: line names must be installed', () => {
  const line = text('hosts: files mdns4_minimal [NOTFOUND=return] dns\n');
  assert.equal(judgeNssMdns(line, ['libnss_mdns4_minimal.so.2', 'libnss_mdns4.so.2']).status, 'pass');
  const missing = judgeNssMdns(line, ['libnss_mdns.so.2']);
  assert.equal(missing.status, 'fail');
  assert.match(missing.detail, /libnss_mdns4_minimal\.so\.2 is not installed/);
  assert.match(missing.fix, /apt install libnss-mdns/);
  assert.equal(judgeNssMdns(text('hosts: files dns\n'), []).status, 'fail');
});

test('avahi: judged by its socket; a resolve that times out while doctor got an answer is a warning', () => {
  assert.deepEqual(parseAvahiReply('+ 2 0 shop.local 10.0.0.10\n'), { addresses: ['10.0.0.10'] });
  assert.deepEqual(parseAvahiReply('-15 Timeout reached\n'), { error: 'Timeout reached' });
  const socket = '/run/avahi-daemon/socket';
  const down = judgeAvahi('shop.local', { socket, connect: 'ENOENT' }, true);
  assert.equal(down.status, 'fail');
  assert.match(down.fix, /avahi-daemon/);
  assert.equal(judgeAvahi('shop.local', { socket, connect: 'ok', resolve: { addresses: ['10.0.0.10'] } }, true).status, 'pass');
  assert.equal(judgeAvahi('shop.local', { socket, connect: 'ok', resolve: { error: 'Timeout reached' } }, true).status, 'warn');
  assert.equal(judgeAvahi('shop.local', { socket, connect: 'ok' }, false).status, 'pass');
});

test('systemd-resolved: resolvectl status of systemd 245 and 252, judged with the hosts: line and port 5353', () => {
  assert.deepEqual(parseResolvectl(fixture('resolvectl-245.txt')), { global: 'no', mdnsLinks: [] });
  assert.deepEqual(parseResolvectl(fixture('resolvectl-252.txt')), { global: 'yes', mdnsLinks: [] });
  assert.deepEqual(parseResolvectl(fixture('resolvectl-252-mdns.txt')), { global: 'yes', mdnsLinks: ['wlp2s0'] });
  const resolveFirst = parseHostsLine('hosts: files resolve [!UNAVAIL=return] dns')!.sources;
  const mdnsFirst = parseHostsLine('hosts: files mdns4_minimal [NOTFOUND=return] resolve dns')!.sources;
  assert.equal(judgeResolved({ state: 'absent' }, mdnsFirst, []).status, 'pass');
  assert.equal(judgeResolved({ state: 'stopped' }, mdnsFirst, []).status, 'pass');
  const noMdns = judgeResolved({ state: 'running', status: fixture('resolvectl-252.txt') }, resolveFirst, []);
  assert.equal(noMdns.status, 'fail');
  assert.match(noMdns.fix, /MulticastDNS=resolve/);
  assert.equal(judgeResolved({ state: 'running', status: fixture('resolvectl-252.txt') }, mdnsFirst, []).status, 'pass');
  const both = [
    { proto: 'udp', local: '0.0.0.0', inode: 1, processes: [{ pid: 10, command: 'avahi-daemon' }] },
    { proto: 'udp', local: '0.0.0.0', inode: 2, processes: [{ pid: 20, command: 'systemd-resolve' }] },
  ];
  assert.equal(judgeResolved({ state: 'running', status: fixture('resolvectl-252-mdns.txt') }, mdnsFirst, both).status, 'warn');
});

test('port-5353: /proc/net/udp{,6} sockets on 5353 and their processes', () => {
  const v4 = parseProcNetUdp(fixture('proc-net-udp.txt'), 'udp');
  assert.deepEqual(v4, [
    { proto: 'udp', local: '0.0.0.0', inode: 481516 },
    { proto: 'udp', local: '10.213.221.1', inode: 481777 },
  ]);
  assert.deepEqual(parseProcNetUdp(fixture('proc-net-udp6.txt'), 'udp6'), [{ proto: 'udp6', local: '::', inode: 481517 }]);
  const avahi = v4.map((s) => ({ ...s, processes: [{ pid: 7, command: 'avahi-daemon' }] }));
  assert.equal(judgePort5353(avahi, true).status, 'pass');
  assert.match(judgePort5353(avahi, true).detail, /avahi-daemon \(pid 7\) on 0\.0\.0\.0/);
  assert.equal(judgePort5353([], false).status, 'skip');
  assert.equal(
    judgePort5353([...avahi, { proto: 'udp', local: '0.0.0.0', inode: 9, processes: [{ pid: 8, command: 'systemd-resolve' }] }], true).status,
    'warn',
  );
});

test('firewall: recorded nft -j and iptables-save outputs', () => {
  const nft = nftBlockingRules(fixture('nft-drop-5353.json'));
  // inet docfw input: the drop (handle 2) and the set-with-reject (handle 4); not the tcp rule,
  // the accept of a range, nor the output-hook chain; ip/ip6 filter INPUT (iptables-nft) too.
  assert.deepEqual(
    nft.map((r) => r.remove),
    [
      'sudo nft delete rule inet docfw input handle 2',
      'sudo nft delete rule inet docfw input handle 4',
      'sudo nft delete rule ip filter INPUT handle 2',
      'sudo nft delete rule ip6 filter INPUT handle 2',
    ],
  );
  assert.deepEqual(nftBlockingRules(fixture('nft-drop-5353.json'), { skipIptablesNft: true }).length, 2);
  // A regular chain the input chain jumps to counts; one nothing jumps to does not.
  assert.deepEqual(
    nftBlockingRules(fixture('nft-jump.json')).map((r) => r.remove),
    ['sudo nft delete rule inet fw mdns handle 4'],
  );
  assert.deepEqual(
    iptablesBlockingRules(fixture('iptables-save-drop.txt'), 'iptables').map((r) => r.remove),
    ['sudo iptables -D INPUT -p udp -m udp --dport 5353 -j DROP'],
  );
  assert.equal(iptablesBlockingRules(fixture('ip6tables-save-reject.txt'), 'ip6tables').length, 1);
  assert.equal(
    iptablesBlockingRules('*filter\n-A INPUT -j ufw-input\n-A ufw-input -p udp --dport 5000:6000 -j REJECT\nCOMMIT\n', 'iptables').length,
    1,
    'chains INPUT jumps to count',
  );
  const blocked = judgeFirewall({
    nft: { output: fixture('nft-drop-5353.json') },
    iptables: { output: fixture('iptables-save-drop.txt') },
    ip6tables: { output: fixture('ip6tables-save-reject.txt') },
  });
  assert.equal(blocked.status, 'fail');
  assert.equal((blocked.fix.match(/sudo /g) ?? []).length, 4, `each rule once: ${blocked.fix}`);
  assert.equal(
    judgeFirewall({ nft: { output: fixture('nft-empty.json') }, iptables: { output: fixture('iptables-save-empty.txt') }, ip6tables: ENOENT }).status,
    'pass',
  );
  assert.equal(
    judgeFirewall({ nft: { error: 'Operation not permitted' }, iptables: { error: 'Permission denied (you must be root)' }, ip6tables: ENOENT }).status,
    'skip',
  );
  assert.equal(
    judgeFirewall({ nft: ENOENT, iptables: ENOENT, ip6tables: ENOENT, firewalld: { state: 'running\n', services: 'ssh dhcpv6-client\n' } }).status,
    'warn',
  );
});

test('route: ip -j route get output and its errors', () => {
  assert.deepEqual(parseIpRouteGet('10.0.0.10', { output: '[{"dst":"10.0.0.10","dev":"eth0","prefsrc":"10.0.0.2","flags":[],"uid":0,"cache":[]}]\n' }), {
    address: '10.0.0.10',
    source: '10.0.0.2',
    interface: 'eth0',
  });
  assert.deepEqual(parseIpRouteGet('10.99.0.5', { error: 'RTNETLINK answers: Network is unreachable' }), {
    address: '10.99.0.5',
    error: 'Network is unreachable',
  });
  assert.equal(parseIpRouteGet('10.99.0.5', { output: '[{"type":"unreachable","dst":"10.99.0.5"}]' }).error, 'unreachable route');
});

test('macOS: dns-sd -G, scutil --dns and /etc/resolver from recorded outputs', () => {
  assert.deepEqual(parseDnsSdG(fixture('dns-sd-G.txt'), 'shop.local'), ['192.168.1.20', 'FE80:0000:0000:0000:1C2B:3A4D:5E6F:7081%en0']);
  assert.equal(judgeMDNSResponder('shop.local', { output: fixture('dns-sd-G.txt') }).status, 'pass');
  assert.equal(judgeMDNSResponder('shop.local', { output: fixture('dns-sd-G-none.txt') }).status, 'fail');
  assert.equal(judgeScutil('shop.local', { output: fixture('scutil-dns.txt') }).status, 'pass');
  const vpn = judgeScutil('shop.local', { output: fixture('scutil-dns-resolver-local.txt') });
  assert.equal(vpn.status, 'fail');
  assert.match(vpn.detail, /nameserver 10\.8\.0\.1/);
  assert.match(vpn.fix, /\/etc\/resolver\/local/);
  assert.equal(judgeResolverDir('shop.local', [{ file: 'local', text: 'nameserver 10.8.0.1\n' }]).fix, 'sudo rm /etc/resolver/local');
  assert.equal(judgeResolverDir('shop.local', [{ file: 'corp.example', text: 'nameserver 10.8.0.1\n' }]).status, 'pass');
});

test('macOS gathering: scutil and socketfilterfw are asked, no Linux command is', async () => {
  const asked: string[] = [];
  const recorded: Runner = async (cmd) => {
    asked.push(cmd);
    if (cmd === 'scutil') return { output: fixture('scutil-dns.txt') };
    if (cmd.endsWith('socketfilterfw')) return { output: 'Firewall is enabled. (State = 1)\n' };
    return { error: 'ENOENT' };
  };
  const host = await gatherHost(recorded, 'darwin');
  assert.deepEqual(asked.sort(), ['/usr/libexec/ApplicationFirewall/socketfilterfw', 'scutil']);
  assert.equal(host.platform, 'darwin');
  assert.ok(host.mac && 'output' in host.mac.scutil);
});
