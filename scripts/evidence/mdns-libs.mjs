#!/usr/bin/env node
// Evidence for docs/decisions-mdns.md: why src/mdns uses neither mdns-server nor
// native-dns-packet. Installs both into a scratch folder under /tmp (never into the repo),
// runs mdns-server as a responder inside a throw-away network namespace pair (never on the
// host's network), queries it from the other namespace with raw sockets, and feeds
// native-dns-packet a DNS message with no question. Needs root. Usage:
//   node scripts/evidence/mdns-libs.mjs
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const DIR = '/tmp/mdns-evidence';
if (!existsSync(`${DIR}/node_modules/mdns-server`) || !existsSync(`${DIR}/node_modules/native-dns-packet`)) {
  mkdirSync(DIR, { recursive: true });
  execFileSync('npm', ['i', '--no-audit', '--no-fund', '--prefix', DIR, 'mdns-server@1.0.11', 'native-dns-packet@0.1.1', 'dns-packet@5.6.1'], {
    stdio: 'inherit',
  });
}
const require = createRequire(`${DIR}/index.js`);
const ip = (...a) => execFileSync('ip', a, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const quiet = (...a) => {
  try {
    ip(...a);
  } catch {
    /* absent */
  }
};

console.log('## native-dns-packet 0.1.1: a response with zero questions (every mDNS response has none, RFC 6762 §6)');
{
  const ndp = require('native-dns-packet');
  const header = Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  try {
    ndp.parse(header);
    console.log('parsed without error');
  } catch (err) {
    console.log(`parse threw: ${err.constructor.name}: ${err.message}`);
  }
  const twoQuestions = require('dns-packet').encode({
    type: 'query',
    questions: [
      { type: 'A', name: 'a.local' },
      { type: 'AAAA', name: 'a.local' },
    ],
  });
  try {
    const p = ndp.parse(twoQuestions);
    console.log(`two questions parsed as ${p.question.length} question(s)`);
  } catch (err) {
    console.log(`two questions: parse threw: ${err.constructor.name}: ${err.message}`);
  }
}

console.log('\n## mdns-server 1.0.11 as a responder (namespace A) queried from namespace B');
const A = `mdns-ev-${process.pid}-a`;
const B = `mdns-ev-${process.pid}-b`;
quiet('netns', 'del', A);
quiet('netns', 'del', B);
const children = [];
try {
  ip('netns', 'add', A);
  ip('netns', 'add', B);
  ip('link', 'add', 'eva', 'netns', A, 'type', 'veth', 'peer', 'name', 'evb', 'netns', B);
  for (const [ns, dev, v4, ll] of [
    [A, 'eva', '10.214.0.1', 'fe80::1:a'],
    [B, 'evb', '10.214.0.2', 'fe80::1:b'],
  ]) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    quiet('netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${dev}.addr_gen_mode=1`);
    ip('-n', ns, 'addr', 'add', `${v4}/24`, 'dev', dev);
    ip('-n', ns, 'addr', 'add', `${ll}/64`, 'dev', dev, 'nodad');
    ip('-n', ns, 'link', 'set', dev, 'up');
    ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev);
  }
  // a second IPv6 address on the responder's NIC, as on any host with SLAAC or a ULA
  ip('-n', A, 'addr', 'add', 'fd00:214::1/64', 'dev', 'eva', 'nodad');
  writeFileSync(
    `${DIR}/responder.cjs`,
    `
// (initialises itself unless noInit is set)
const mdns = require('mdns-server')({ reuseAddr: true, loopback: false });
mdns.on('query', (q, rinfo) => {
  if (!q.questions.some((x) => x.name === 'ev.local')) return;
  console.error('query from ' + rinfo.address + ':' + rinfo.port + ' on ' + rinfo.interface);
  mdns.respond({ answers: [{ name: 'ev.local', type: 'A', ttl: 120, data: '10.214.9.9' }] }, rinfo);
});
mdns.on('ready', () => console.log('ready'));

`,
  );
  const responder = spawn('ip', ['netns', 'exec', A, process.execPath, `${DIR}/responder.cjs`], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(responder);
  await new Promise((resolve, reject) => {
    responder.stdout.once('data', resolve);
    responder.once('exit', (code) => reject(new Error(`mdns-server responder exited (${code})`)));
  });
  writeFileSync(
    `${DIR}/querier.mjs`,
    `
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
const dnsPacket = createRequire('${DIR}/index.js')('dns-packet');
const seen = [];
const family = process.argv[2];
const group = dgram.createSocket({ type: family === '6' ? 'udp6' : 'udp4', reuseAddr: true });
const legacy = dgram.createSocket(family === '6' ? 'udp6' : 'udp4');
group.on('message', (m, r) => { const p = dnsPacket.decode(m); if (p.type === 'response') seen.push({ via: 'group (multicast)', from: r.address + ':' + r.port, aa: (p.flags & 0x400) !== 0, answers: p.answers.length }); });
legacy.on('message', (m, r) => seen.push({ via: 'legacy unicast port', from: r.address + ':' + r.port }));
await new Promise((r) => group.bind(5353, r));
group.addMembership(family === '6' ? 'ff02::fb' : '224.0.0.251', family === '6' ? '::%evb' : '10.214.0.2');
await new Promise((r) => legacy.bind(0, r));
legacy.setMulticastInterface(family === '6' ? '::%evb' : '10.214.0.2');
const q = dnsPacket.encode({ type: 'query', id: 4242, questions: [{ type: 'A', name: 'ev.local' }] });
// a legacy unicast query (RFC 6762 §6.7): the answer must come back to this port
legacy.send(q, 5353, family === '6' ? 'ff02::fb%evb' : '224.0.0.251');
await new Promise((r) => setTimeout(r, 1500));
console.log(JSON.stringify(seen));
process.exit(0);
`,
  );
  for (const family of ['4', '6']) {
    const out = execFileSync('ip', ['netns', 'exec', B, process.execPath, `${DIR}/querier.mjs`, family]).toString();
    const seen = JSON.parse(out);
    console.log(`IPv${family}: one legacy query (ID 4242, from an ephemeral port) → ${seen.length} replies:`);
    for (const s of seen) console.log(`  ${s.via}: from ${s.from}${s.aa === undefined ? '' : `, AA=${s.aa ? 1 : 0}, ${s.answers} answer(s)`}`);
    console.log(`  replies to the querier's own port (needed for legacy unicast and QU): ${seen.filter((s) => s.via.startsWith('legacy')).length}`);
    console.log(`  replies from source port 5353: ${seen.filter((s) => s.from.endsWith(':5353')).length}`);
  }
} finally {
  for (const c of children)
    try {
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  quiet('netns', 'del', A);
  quiet('netns', 'del', B);
}
