// The experiment behind the one SHOULD the scorecard shows as not met, RFC 6762 §5.5 (direct
// unicast queries answered as QU): docs/decisions.md, "Direct unicast queries". It checks the
// Linux facts that decision rests on, with plain sockets (test/conformance/port_sharing.py) in
// two network namespaces, so the decision is revisited if they ever change:
// 1. of several sockets bound to 0.0.0.0:5353 with SO_REUSEADDR (avahi, mDNSResponder,
//    node:dgram), a unicast datagram reaches only the one bound last; multicast reaches all;
// 2. a socket bound to the interface's own address takes every unicast datagram from the
//    wildcard sockets (it would steal avahi's direct and legacy unicast queries);
// 3. a wildcard socket that joins no group still receives the group's multicast
//    (IP_MULTICAST_ALL is on by default and node:dgram cannot turn it off), so no socket Node
//    can open receives unicast only; a socket bound to 224.0.0.251 receives multicast only.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { repoRoot } from '../support/repo.js';

const skip = hasNetns() ? false : 'needs root and Linux network namespaces';
const SCRIPT = join(repoRoot(import.meta.url), 'test', 'conformance', 'port_sharing.py');

describe('RFC 6762 §5.5 decision: how Linux shares UDP 5353 (experiment, network namespaces)', { skip, timeout: 60_000 }, () => {
  let pair: NetnsPair;
  let command: (line: string) => Promise<Record<string, string[]>>;

  before(async () => {
    pair = await createPair('confx', 232);
    const child = pair.spawn(pair.a, '/usr/bin/python3', [SCRIPT, 'receiver', '--address', pair.ipA]);
    let buf = '';
    const waiting: ((v: Record<string, string[]>) => void)[] = [];
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        waiting.shift()?.(JSON.parse(line) as Record<string, string[]>);
      }
    });
    command = (line) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin!.write(`${line}\n`);
      });
  });

  after(async () => {
    await pair?.destroy();
  });

  const send = (to: string, payload: string) =>
    pair.exec(pair.b, '/usr/bin/python3', [SCRIPT, 'send', '--to', to, '--iface-address', pair.ipB, '--payload', payload]);

  test('wildcard sockets: unicast reaches only the last bound, multicast reaches all', async () => {
    await command('bind avahi wildcard');
    await command('bind ours wildcard');
    await send(pair.ipA, 'unicast-1');
    await send('224.0.0.251', 'multicast-1');
    const got = await command('report');
    assert.deepEqual(got['avahi'], ['multicast-1'], 'the first-bound socket gets no unicast');
    assert.deepEqual(got['ours'], ['unicast-1', 'multicast-1']);
  });

  test('a socket on the unicast address takes every unicast datagram from the wildcard sockets', async () => {
    await command('bind unicast-only address');
    await send(pair.ipA, 'unicast-2');
    await send('224.0.0.251', 'multicast-2');
    const got = await command('report');
    assert.deepEqual(got['unicast-only'], ['unicast-2']);
    assert.deepEqual(got['avahi'], ['multicast-2']);
    assert.deepEqual(got['ours'], ['multicast-2']);
  });

  test('a wildcard socket in no group still gets multicast; a group-bound socket gets no unicast', async () => {
    await command('bind nogroup wildcard-nogroup');
    await command('bind group group');
    await send('224.0.0.251', 'multicast-3');
    await send(pair.ipA, 'unicast-3');
    const got = await command('report');
    assert.deepEqual(got['nogroup'], ['multicast-3'], 'IP_MULTICAST_ALL: multicast for a group another socket joined');
    assert.deepEqual(got['group'], ['multicast-3']);
    assert.deepEqual(got['unicast-only'], ['unicast-3']);
  });
});
