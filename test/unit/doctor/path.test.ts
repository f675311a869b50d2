// The path a browser takes, judged from facts: binding, mdns-answer, resolver, route, tcp,
// tls (real certificates made with openssl), http, and diagnose's order rules (all fourteen
// ids once, skip "because …" after a failure, why-checks downgraded when the resolver is right).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeMdnsAnswer, judgeResolver } from '../../../src/doctor/answers.js';
import { judgeBinding } from '../../../src/doctor/binding.js';
import { diagnose, type HostFacts, type NameFacts } from '../../../src/doctor/diagnose.js';
import { judgeHttp, judgeRoute, judgeTcp } from '../../../src/doctor/reach.js';
import { judgeTls, type TlsFacts } from '../../../src/doctor/tls.js';
import { CHECK_IDS } from '../../../src/doctor/types.js';
import type { Binding } from '../../../src/bindings/types.js';
import type { ObservedAnswer } from '../../../src/mdns/query.js';

const binding = (over: Partial<Binding> = {}): Binding => ({
  hostname: 'shop.local',
  addresses: ['10.0.0.10'],
  status: 'Ready',
  reason: '',
  publish: ['mdns'],
  route: { kind: 'HTTPRoute', namespace: 'shop', name: 'shop' },
  gateway: { namespace: 'infra', name: 'gw' },
  listener: 'https',
  port: 443,
  url: 'https://shop.local/',
  ...over,
});
const answer = (responder: string, values: string[], local = false): ObservedAnswer => ({ name: 'shop.local', type: 'A', values, responder, local });

test('binding: Ready, missing, Pending with its reason, not published over mDNS', () => {
  const ok = judgeBinding('shop.local', [binding()], 'kind-dev');
  assert.equal(ok.check.status, 'pass');
  assert.deepEqual(ok.target, {
    name: 'shop.local',
    addresses: ['10.0.0.10'],
    port: 443,
    scheme: 'https',
    listener: 'https',
    gateway: 'infra/gw',
    route: 'HTTPRoute/shop/shop',
  });
  const missing = judgeBinding('nope.local', [binding()], 'kind-dev');
  assert.equal(missing.check.status, 'fail');
  assert.match(missing.check.detail, /no route in context kind-dev has hostname nope\.local \(Ready \.local names: shop\.local\)/);
  const pending = judgeBinding(
    'shop.local',
    [binding({ status: 'Pending', addresses: [], reason: 'gateway infra/gw has no addresses yet; it is published once its controller assigns one' })],
    '',
  );
  assert.equal(pending.check.status, 'fail');
  assert.equal(pending.check.fix, 'it is published once its controller assigns one');
  assert.equal(judgeBinding('shop.local', [binding({ publish: ['unicast'] })], '').check.status, 'fail');
});

test('mdns-answer: nobody, the binding, a conflict, stale data from this host or another', () => {
  const facts = (answers: ObservedAnswer[]) => ({ links: ['eth0'], timeoutMs: 1000, answers });
  const cases: [ObservedAnswer[], string, RegExp][] = [
    [[], 'fail', /kubectl mdns serve/],
    [[answer('10.0.0.10', ['10.0.0.10'])], 'pass', /^$/],
    [[answer('10.0.0.10', ['10.0.0.10']), answer('10.0.0.99', ['10.9.9.9'])], 'fail', /device at 10\.0\.0\.99/],
    [[answer('10.0.0.2', ['10.0.0.11'], true)], 'fail', /restart kubectl mdns serve/],
    [[answer('10.0.0.3', ['10.0.0.11'])], 'fail', /if 10\.0\.0\.3 runs kubectl mdns serve/],
  ];
  for (const [answers, status, fix] of cases) {
    const c = judgeMdnsAnswer('shop.local', ['10.0.0.10'], facts(answers));
    assert.equal(c.status, status, c.detail);
    assert.match(c.fix, fix);
  }
  assert.equal(judgeMdnsAnswer('shop.local', ['10.0.0.10'], { links: [], timeoutMs: 1000, answers: [] }).status, 'fail');
});

test('resolver: nothing, other addresses, slow, right', () => {
  assert.equal(judgeResolver('shop.local', { addresses: [], error: 'ENOTFOUND', ms: 20 }, ['10.0.0.10']).status, 'fail');
  assert.match(judgeResolver('shop.local', { addresses: ['10.0.0.77'], ms: 2 }, ['10.0.0.10']).detail, /returns 10\.0\.0\.77 .* mDNS answers 10\.0\.0\.10/);
  assert.equal(judgeResolver('shop.local', { addresses: ['10.0.0.10'], ms: 5004 }, ['10.0.0.10']).status, 'warn');
  assert.equal(judgeResolver('shop.local', { addresses: ['10.0.0.10'], ms: 12 }, ['10.0.0.10', 'fd00::10']).status, 'pass');
  assert.equal(judgeResolver('shop.local', { addresses: ['fe80::a%eth0'], ms: 12 }, ['fe80::a']).status, 'pass', 'a zone is no other address');
});

test('route, tcp, http: every address judged, a browser needs one that works', () => {
  assert.equal(judgeRoute([{ address: '10.0.0.10', source: '10.0.0.2', interface: 'eth0' }]).status, 'pass');
  assert.equal(judgeRoute([{ address: '10.99.0.5', error: 'Network is unreachable' }]).status, 'fail');
  assert.equal(
    judgeRoute([
      { address: '10.0.0.10', source: '10.0.0.2', interface: 'eth0' },
      { address: '10.99.0.5', error: 'Network is unreachable' },
    ]).status,
    'warn',
  );
  const bridge = judgeRoute([{ address: '172.18.0.10', source: '172.18.0.1', interface: 'br-5f1a2b3c4d5e' }]);
  assert.equal(bridge.status, 'warn');
  assert.match(bridge.detail, /only this host reaches it/);
  assert.equal(judgeTcp([{ address: '10.0.0.10', port: 443, ms: 1 }]).status, 'pass');
  const refused = judgeTcp([{ address: '10.0.0.10', port: 443, ms: 1, error: 'ECONNREFUSED' }]);
  assert.equal(refused.status, 'fail');
  assert.match(refused.fix, /nothing listens on port 443 at 10\.0\.0\.10/);
  assert.match(judgeTcp([{ address: '10.0.0.10', port: 443, ms: 2500, error: 'ETIMEDOUT' }]).fix, /drops TCP 443/);
  assert.equal(judgeHttp('shop.local', [{ address: '10.0.0.10', status: 200, statusLine: 'HTTP/1.1 200 OK' }]).status, 'pass');
  assert.equal(judgeHttp('shop.local', [{ address: '10.0.0.10', status: 404, statusLine: 'HTTP/1.1 404 Not Found' }]).status, 'warn');
  assert.equal(judgeHttp('shop.local', [{ address: '10.0.0.10', status: 503, statusLine: 'HTTP/1.1 503 Service Unavailable' }]).status, 'fail');
  assert.equal(judgeHttp('shop.local', [{ address: '10.0.0.10', error: 'ECONNRESET' }]).status, 'fail');
});

// ---------------------------------------------------------------- tls, with real certificates
let dir = '';
const pem: Record<string, string> = {};
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-doctor-tls-'));
  const ossl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ossl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'rootCA.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=kubectl mdns local CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  for (const [n, san] of [
    ['shop', 'DNS:shop.local'],
    ['other', 'DNS:other.local'],
  ] as const) {
    ossl(['req', ...ec, '-keyout', join(dir, `${n}.key`), '-out', join(dir, `${n}.csr`), '-subj', `/CN=${n}.local`]);
    writeFileSync(join(dir, `${n}.ext`), `subjectAltName=${san}\n`);
    ossl([
      'x509',
      '-req',
      '-in',
      join(dir, `${n}.csr`),
      '-CA',
      join(dir, 'rootCA.pem'),
      '-CAkey',
      join(dir, 'ca.key'),
      '-CAcreateserial',
      '-out',
      join(dir, `${n}.pem`),
      '-days',
      '1',
      '-extfile',
      join(dir, `${n}.ext`),
    ]);
  }
  ossl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    join(dir, 'self.key'),
    '-out',
    join(dir, 'self.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=shop.local',
    '-addext',
    'subjectAltName=DNS:shop.local',
  ]);
  for (const n of ['rootCA', 'shop', 'other', 'self']) pem[n] = readFileSync(join(dir, `${n}.pem`), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('tls: covers the name, valid now, trusted; our own CA untrusted → tls ca --install', () => {
  const facts = (over: Partial<TlsFacts>): TlsFacts => ({ address: '10.0.0.10', chain: [pem.shop!], trustSources: ["Node's store"], localCas: [], ...over });
  assert.equal(judgeTls('shop.local', facts({}), 'https').status, 'pass');
  const ours = judgeTls(
    'shop.local',
    facts({
      authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      localCas: [{ path: '/home/u/.local/share/kubectl-mdns/ca/rootCA.pem', pem: pem.rootCA! }],
    }),
    'https',
  );
  assert.equal(ours.status, 'fail');
  assert.equal(ours.fix, 'kubectl mdns tls ca --install');
  const foreign = judgeTls('shop.local', facts({ authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' }), 'https');
  assert.equal(foreign.status, 'fail');
  assert.doesNotMatch(foreign.fix, /^kubectl mdns tls ca --install$/);
  const self = judgeTls(
    'shop.local',
    facts({ chain: [pem.self!], authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', localCas: [{ path: 'x', pem: pem.rootCA! }] }),
    'https',
  );
  assert.match(self.detail, /self-signed/);
  const other = judgeTls('shop.local', facts({ chain: [pem.other!] }), 'https');
  assert.match(other.detail, /does not cover shop\.local/);
  assert.match(other.fix, /DNS:shop\.local/);
  const later = judgeTls('shop.local', facts({}), 'https', new Date(Date.now() + 30 * 86400_000));
  assert.match(later.detail, /not now/);
  assert.equal(judgeTls('shop.local', facts({ chain: [], error: 'ECONNRESET' }), 'https').status, 'fail');
});

// ---------------------------------------------------------------- diagnose
const goodHost: HostFacts = {
  platform: 'linux',
  hosts: { text: '127.0.0.1 localhost\n' },
  nsswitch: { text: 'hosts: files mdns4_minimal [NOTFOUND=return] dns\n' },
  mdnsAllow: { error: 'ENOENT' },
  nssLibraries: ['libnss_mdns4_minimal.so.2'],
  resolved: { state: 'absent' },
  port5353: [{ proto: 'udp', local: '0.0.0.0', inode: 1, processes: [{ pid: 7, command: 'avahi-daemon' }] }],
  firewall: { nft: { output: '{"nftables": []}' }, iptables: { error: 'ENOENT' }, ip6tables: { error: 'ENOENT' } },
};
const goodName = (): NameFacts => ({
  name: 'shop.local',
  context: 'kind-dev',
  bindings: [binding()],
  mdns: { links: ['eth0'], timeoutMs: 1000, answers: [answer('10.0.0.10', ['10.0.0.10'])] },
  resolver: { addresses: ['10.0.0.10'], ms: 12 },
  avahi: { socket: '/run/avahi-daemon/socket', connect: 'ok', resolve: { addresses: ['10.0.0.10'] } },
  route: [{ address: '10.0.0.10', source: '10.0.0.2', interface: 'eth0' }],
  tcp: [{ address: '10.0.0.10', port: 443, ms: 1 }],
  tls: { address: '10.0.0.10', chain: [pem.shop!], trustSources: ['x'], localCas: [] },
  http: [{ address: '10.0.0.10', status: 200, statusLine: 'HTTP/1.1 200 OK' }],
});
const status = (item: ReturnType<typeof diagnose>) => Object.fromEntries(item.checks.map((c) => [c.id, c.status]));

test('diagnose: all good passes; every item has the fourteen ids in order', () => {
  const item = diagnose(goodHost, goodName());
  assert.deepEqual(
    item.checks.map((c) => c.id),
    [...CHECK_IDS],
  );
  assert.ok(item.ok, JSON.stringify(item.checks, null, 1));
  assert.ok(
    item.checks.every((c) => c.status === 'pass'),
    JSON.stringify(status(item)),
  );
});

test('diagnose: what follows from a failure is skipped "because …"; healthy steps are not blamed', () => {
  const noBinding = diagnose(goodHost, { ...goodName(), name: 'nope.local' });
  assert.equal(noBinding.checks.filter((c) => c.status === 'skip').length, 13);
  assert.ok(noBinding.checks.filter((c) => c.status === 'skip').every((c) => c.detail.startsWith('because ')));

  const nobody = diagnose(goodHost, { ...goodName(), mdns: { links: ['eth0'], timeoutMs: 1000, answers: [] }, resolver: undefined });
  assert.deepEqual(
    nobody.checks.filter((c) => c.status === 'fail').map((c) => c.id),
    ['mdns-answer'],
  );
  assert.equal(status(nobody).resolver, 'skip');
  assert.equal(status(nobody).tcp, 'pass');

  const noRoute = diagnose(goodHost, { ...goodName(), route: [{ address: '10.0.0.10', error: 'Network is unreachable' }] });
  assert.deepEqual([status(noRoute).route, status(noRoute).tcp, status(noRoute).tls, status(noRoute).http], ['fail', 'skip', 'skip', 'skip']);

  const badCert = diagnose(goodHost, { ...goodName(), tls: { address: '10.0.0.10', chain: [pem.other!], trustSources: [], localCas: [] } });
  assert.deepEqual([status(badCert).tls, status(badCert).http], ['fail', 'skip']);

  const tcpRoute = diagnose(goodHost, {
    ...goodName(),
    bindings: [binding({ route: { kind: 'TCPRoute', namespace: 'db', name: 'pg' }, listener: 'pg', port: 5432, url: '' })],
    tls: undefined,
    http: undefined,
    tcp: [{ address: '10.0.0.10', port: 5432, ms: 1 }],
  });
  assert.deepEqual([status(tcpRoute).tcp, status(tcpRoute).tls, status(tcpRoute).http], ['pass', 'skip', 'skip']);
  assert.ok(tcpRoute.ok);
  const udpRoute = diagnose(goodHost, {
    ...goodName(),
    bindings: [binding({ route: { kind: 'UDPRoute', namespace: 'dns', name: 'coredns' }, listener: 'dns', port: 53, url: '' })],
    tcp: undefined,
    tls: undefined,
    http: undefined,
  });
  assert.deepEqual([status(udpRoute).route, status(udpRoute).tcp, status(udpRoute).tls, status(udpRoute).http], ['pass', 'skip', 'skip', 'skip']);
  const http = diagnose(goodHost, { ...goodName(), bindings: [binding({ listener: 'http', port: 80, url: 'http://shop.local/' })], tls: undefined });
  assert.equal(status(http).tls, 'skip');
  assert.ok(http.ok);
});

test('diagnose: a failing resolver points at the first failing why-check; a right resolver downgrades them to warnings', () => {
  const noMdns = { ...goodHost, nsswitch: { text: 'hosts: files dns\n' } };
  const broken = diagnose(noMdns, { ...goodName(), resolver: { addresses: [], error: 'ENOTFOUND', ms: 3 } });
  assert.deepEqual(
    broken.checks.filter((c) => c.status === 'fail').map((c) => c.id),
    ['resolver', 'nsswitch'],
  );
  assert.match(broken.checks.find((c) => c.id === 'resolver')!.fix, /^the nsswitch check below says why: in \/etc\/nsswitch\.conf: hosts: files mdns4_minimal/);
  const works = diagnose(noMdns, goodName());
  assert.equal(status(works).nsswitch, 'warn');
  assert.ok(works.ok);
});

test('diagnose: macOS uses the recorded macOS facts; other systems skip the Linux checks with the reason', () => {
  const mac: HostFacts = {
    ...goodHost,
    platform: 'darwin',
    mac: {
      resolverFiles: [{ file: 'local', text: 'nameserver 10.8.0.1\n' }],
      scutil: { output: 'DNS configuration\n\nresolver #1\n  domain   : local\n  options  : mdns\n' },
      socketfilterfw: { output: 'Firewall is enabled. (State = 1)\n' },
    },
  };
  const item = diagnose(mac, {
    ...goodName(),
    resolver: { addresses: [], error: 'ENOTFOUND', ms: 3 },
    avahi: undefined,
    dnsSd: { output: ' 8:31:02.342  Add  40000002  15  shop.local.  10.0.0.10  120\n' },
  });
  assert.deepEqual(
    item.checks.filter((c) => c.status === 'fail').map((c) => c.id),
    ['resolver', 'nsswitch'],
  );
  assert.equal(item.checks.find((c) => c.id === 'nsswitch')!.fix, 'sudo rm /etc/resolver/local');
  assert.deepEqual([status(item)['nss-mdns'], status(item)['port-5353'], status(item).avahi, status(item).firewall], ['skip', 'skip', 'pass', 'pass']);
  assert.match(item.checks.find((c) => c.id === 'firewall')!.detail, /Local Network/);
  const win = diagnose({ ...goodHost, platform: 'win32' }, goodName());
  assert.equal(status(win).nsswitch, 'skip');
});
