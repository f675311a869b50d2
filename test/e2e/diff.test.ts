// `kubectl mdns diff` end to end (issue 6): the real CLI — through the real kubectl with
// plugin/ on PATH, and as plugin/kubectl-mdns — inside network namespace A, with the API server
// double and a real BIND 9 in A too; in namespace B (across a veth) a stand-in responder claims
// one of our names. Checks what diff says, its exit codes, and that it never writes (no
// unsolicited mDNS packet on the wire, the zone's SOA serial unchanged).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { startCapture } from '../support/capture.js';
import {
  type ApiDouble,
  type CliResult,
  type NamedInNs,
  type ServeProcess,
  cliEnv,
  eventually,
  gateway,
  httpRoute,
  runCli,
  runKubectl,
  startApiDouble,
  startNamedIn,
  startServe,
  startStandIn,
  tempDir,
  writeManifest,
  unicastArgs,
} from '../support/e2e.js';

const skip = hasNetns() ? false : 'needs root and Linux network namespaces';

const OBJECTS = [
  gateway('infra', 'gw', { addresses: ['172.18.0.10', 'fd00::10'] }),
  gateway('infra', 'gw2', { addresses: ['172.18.0.20'] }),
  gateway('infra', 'waiting'),
  httpRoute('shop', 'shop', ['shop.local', 'api.local']),
  httpRoute('blog', 'blog', ['blog.local'], { namespace: 'infra', name: 'gw2' }),
  httpRoute('staging', 'preview', ['preview.local'], { namespace: 'infra', name: 'waiting' }),
  httpRoute('dev', 'app', ['new.dev.k8s', 'shop.dev.k8s', 'same.dev.k8s', 'taken.dev.k8s', 'theirs.dev.k8s'], { namespace: 'infra', name: 'gw2' }),
];

const owned = (owner: string, resource: string) => `"heritage=kubectl-mdns,owner=${owner},resource=${resource}"`;
const ZONE_RECORDS = [
  'old IN A 10.0.0.3', // owned, its route is gone: remove
  `old IN TXT ${owned('e2e', 'HTTPRoute/old/old')}`,
  'shop IN A 10.0.0.1', // owned, address changed: change
  `shop IN TXT ${owned('e2e', 'HTTPRoute/dev/app')}`,
  'same IN A 172.18.0.20', // owned, up to date
  `same IN TXT ${owned('e2e', 'HTTPRoute/dev/app')}`,
  'taken IN A 10.9.9.9', // someone else's record at a desired name: conflict
  'theirs IN A 10.4.4.4', // another kubectl-mdns owner's: conflict
  `theirs IN TXT ${owned('other', 'HTTPRoute/x/y')}`,
  'unrelated IN A 10.5.5.5', // foreign and not desired: not ours to judge
];

/** Change lines without the trailing `# route` column, for comparisons. */
function changeLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => /^[+\-~!] /.test(l))
    .map((l) => l.replace(/\s+# .*$/, ''));
}

function oneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `expected a one-line error, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  return lines[0]!;
}

describe('kubectl mdns diff (e2e, network namespaces)', { skip, timeout: 120_000 }, () => {
  let pair: NetnsPair;
  let api: ApiDouble;
  let named: NamedInNs;
  let serve: ServeProcess | undefined;
  const tmp = tempDir('e2e-diff');

  before(async () => {
    pair = await createPair('df', 201);
    api = await startApiDouble(pair, pair.a, OBJECTS, join(tmp.dir, 'api'));
    named = await startNamedIn(pair, pair.a, join(tmp.dir, 'named'), { zones: ['dev.k8s'], records: { 'dev.k8s': ZONE_RECORDS } });
  });

  after(async () => {
    await serve?.stop('SIGKILL');
    await api?.stop();
    await named?.stop();
    await pair?.destroy();
    tmp.remove();
  });

  test('no serve running: every Ready .local name is +, exit 1, and only queries go on the wire', async () => {
    const capture = await startCapture(pair, pair.a, pair.ifA);
    let r: CliResult;
    try {
      r = await runKubectl(pair, pair.a, ['mdns', 'diff', '--kubeconfig', api.kubeconfig]);
    } finally {
      // Give late packets a moment to land in the capture.
      await new Promise((res) => setTimeout(res, 300));
    }
    const packets = await capture.stop();
    assert.equal(r.code, 1, `exit code\n${r.stdout}\n${r.stderr}`);
    assert.deepEqual(changeLines(r.stdout), [
      '+ api.local A 172.18.0.10',
      '+ api.local AAAA fd00::10',
      '+ blog.local A 172.18.0.20',
      '+ shop.local A 172.18.0.10',
      '+ shop.local AAAA fd00::10',
    ]);
    assert.match(r.stdout, /^mdns on dfa$/m, 'a header per target, naming the interface');
    assert.match(r.stdout, /^\+ shop\.local A 172\.18\.0\.10\s+# HTTPRoute\/shop\/shop$/m, 'each change says which route it comes from');
    assert.match(r.stdout, /^Summary: 3 to add, 0 to remove, 0 to change, 0 in conflict, 0 unchanged\.$/m);
    assert.doesNotMatch(r.stdout, /preview\.local/, 'a Pending name is not published, so not in the diff');
    assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colors when stdout is not a TTY');

    // diff only asks: every packet it caused is a query from an ephemeral port (legacy
    // unicast); no probe (a query with authority records), announcement or goodbye.
    assert.ok(packets.length >= 3, `the queries are on the wire (${packets.length} packets)`);
    for (const p of packets) {
      assert.equal(p.response, false, `unsolicited response on the wire: ${JSON.stringify(p)}`);
      assert.notEqual(p.srcPort, 5353, 'legacy-unicast queries leave from an ephemeral port');
      assert.deepEqual(p.authorities, [], 'not a probe');
      assert.deepEqual(p.answers, [], 'no answers in a query');
    }
    const asked = new Set(packets.flatMap((p) => p.questions.map((q) => q.name)));
    // The desired names, and the DNS-SD browse that finds names our serve no longer wants.
    assert.deepEqual([...asked].sort(), ['_http._tcp.local', '_https._tcp.local', 'api.local', 'blog.local', 'shop.local']);
  });

  test('-o json is the DNSDiff shape', async () => {
    const r = await runCli(pair, pair.a, ['diff', '--kubeconfig', api.kubeconfig, '-ojson', '--timeout', '0.5']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out['kind'], 'DNSDiff');
    assert.equal(out['context'], 'double');
    assert.deepEqual(out['summary'], { add: 3, remove: 0, change: 0, conflict: 0, unchanged: 0 });
    const changes = out['changes'] as Record<string, unknown>[];
    assert.deepEqual(changes[0], {
      target: 'mdns',
      action: 'add',
      name: 'api.local',
      type: 'A',
      before: [],
      after: ['172.18.0.10'],
      detail: '',
      routes: ['HTTPRoute/shop/shop'],
    });
    assert.equal(changes.length, 5);
  });

  test('another host answering one of our names with other addresses is a ! conflict', async () => {
    const standIn = await startStandIn(pair, pair.b, pair.ipB, 'api.local', ['10.0.0.7']);
    try {
      const r = await runKubectl(pair, pair.a, ['mdns', 'diff', '--kubeconfig', api.kubeconfig]);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(standIn.answered() > 0, 'the stand-in was asked');
      assert.deepEqual(changeLines(r.stdout), [
        `! api.local A answered by ${pair.ipB} with 10.0.0.7 (wanted 172.18.0.10)`,
        '+ blog.local A 172.18.0.20',
        '+ shop.local A 172.18.0.10',
        '+ shop.local AAAA fd00::10',
      ]);
      assert.match(r.stdout, /^Summary: 2 to add, 0 to remove, 0 to change, 1 in conflict, 0 unchanged\.$/m);
      const json = JSON.parse((await runCli(pair, pair.a, ['diff', '--kubeconfig', api.kubeconfig, '-o', 'json'])).stdout) as {
        changes: Record<string, unknown>[];
      };
      assert.deepEqual(
        json.changes.filter((c) => c['action'] === 'conflict'),
        [
          {
            target: 'mdns',
            action: 'conflict',
            name: 'api.local',
            type: 'A',
            before: ['10.0.0.7'],
            after: ['172.18.0.10'],
            detail: `answered by ${pair.ipB} with 10.0.0.7`,
            routes: ['HTTPRoute/shop/shop'],
          },
        ],
      );
    } finally {
      await standIn.stop();
    }
  });

  test('serve running and converged: no differences, exit 0; -f with changed manifests shows exactly the new names', async () => {
    serve = startServe(pair, pair.a, ['--kubeconfig', api.kubeconfig]);
    await serve.waitForLine(/serving \d+ names?\b/, 20_000);
    const r = await runKubectl(pair, pair.a, ['mdns', 'diff', '--kubeconfig', api.kubeconfig]);
    assert.equal(r.code, 0, `a running serve in sync makes diff report nothing\n${r.stdout}\n${r.stderr}`);
    assert.deepEqual(changeLines(r.stdout), []);
    assert.match(r.stdout, /no differences \(3 names up to date\)/);
    assert.match(r.stdout, /^Summary: 0 to add, 0 to remove, 0 to change, 0 in conflict, 3 unchanged\.$/m);

    // The same world from files, with one new route and one gateway moved to another address:
    // diff against the running serve shows exactly those, and nothing else.
    const objects = OBJECTS.map((o) => (o === OBJECTS[1] ? gateway('infra', 'gw2', { addresses: ['172.18.0.20', '172.18.0.21'] }) : o));
    objects.push(httpRoute('shop', 'cart', ['cart.local', 'shop.local']));
    const manifest = writeManifest(join(tmp.dir, 'changed.json'), objects);
    const capture = await startCapture(pair, pair.a, pair.ifA);
    const f = await runCli(pair, pair.a, ['diff', '-f', manifest]);
    await new Promise((res) => setTimeout(res, 300));
    const packets = await capture.stop();
    assert.equal(f.code, 1, f.stderr);
    assert.deepEqual(changeLines(f.stdout), [
      '~ blog.local A 172.18.0.20 → 172.18.0.20 172.18.0.21',
      '+ cart.local A 172.18.0.10',
      '+ cart.local AAAA fd00::10',
    ]);
    assert.match(f.stdout, /^Summary: 1 to add, 0 to remove, 1 to change, 0 in conflict, 2 unchanged\.$/m);
    // While diff ran, nothing was sent on the link but diff's queries: serve's answers went
    // straight back to diff's port on this host (never over the veth), nothing was announced.
    assert.deepEqual(
      packets.filter((p) => p.response),
      [],
      'no response, announcement or goodbye on the link during diff',
    );
    assert.ok(packets.length > 0 && packets.every((p) => p.srcPort !== 5353), "only diff's legacy queries");

    // A route created in the cluster is picked up by serve; diff converges to no differences.
    await api.apply([httpRoute('shop', 'cart', ['cart.local'])]);
    await eventually(
      'diff to converge after serve picked up the new route',
      () => runCli(pair, pair.a, ['diff', '--kubeconfig', api.kubeconfig, '--timeout', '0.5']),
      (x) => x.code === 0,
      15_000,
      100,
    );

    const stopped = await serve.stop('SIGTERM');
    serve = undefined;
    assert.equal(stopped.code, 0);
    await api.remove('HTTPRoute', 'shop', 'cart');
  });

  test('unicast: orphan -, foreign !, changed ~; -o json is exactly the change list; the zone is not written', async (t) => {
    const serial = await named.soaSerial('dev.k8s');
    const zone = await named.zoneRecords('dev.k8s');
    const args = ['diff', '--kubeconfig', api.kubeconfig, '-n', 'dev', ...unicastArgs(named)];
    const json = await runCli(pair, pair.a, [...args, '-o', 'json']);
    assert.equal(json.code, 1, json.stderr);
    const out = JSON.parse(json.stdout) as { changes: unknown[]; summary: unknown };
    const app = ['HTTPRoute/dev/app'];
    assert.deepEqual(out.changes, [
      { target: 'unicast', action: 'add', name: 'new.dev.k8s', type: 'A', before: [], after: ['172.18.0.20'], detail: '', routes: app },
      { target: 'unicast', action: 'remove', name: 'old.dev.k8s', type: 'A', before: ['10.0.0.3'], after: [], detail: '', routes: ['HTTPRoute/old/old'] },
      { target: 'unicast', action: 'change', name: 'shop.dev.k8s', type: 'A', before: ['10.0.0.1'], after: ['172.18.0.20'], detail: '', routes: app },
      {
        target: 'unicast',
        action: 'conflict',
        name: 'taken.dev.k8s',
        type: 'A',
        before: ['10.9.9.9'],
        after: ['172.18.0.20'],
        detail: 'record not created by kubectl-mdns',
        routes: app,
      },
      {
        target: 'unicast',
        action: 'conflict',
        name: 'theirs.dev.k8s',
        type: 'A',
        before: ['10.4.4.4'],
        after: ['172.18.0.20'],
        detail: 'owned by kubectl-mdns owner "other"',
        routes: app,
      },
    ]);
    assert.deepEqual(out.summary, { add: 1, remove: 1, change: 1, conflict: 2, unchanged: 1 });

    const text = await runKubectl(pair, pair.a, ['mdns', ...args]);
    t.diagnostic(text.stdout);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^unicast 127\.0\.0\.1:53 zone dev\.k8s \(owner e2e\)$/m);
    assert.deepEqual(changeLines(text.stdout), [
      '+ new.dev.k8s A 172.18.0.20',
      '- old.dev.k8s A 10.0.0.3',
      '~ shop.dev.k8s A 10.0.0.1 → 172.18.0.20',
      '! taken.dev.k8s A record not created by kubectl-mdns: 10.9.9.9 (wanted 172.18.0.20)',
      '! theirs.dev.k8s A owned by kubectl-mdns owner "other": 10.4.4.4 (wanted 172.18.0.20)',
    ]);
    assert.match(text.stdout, /^- old\.dev\.k8s A 10\.0\.0\.3\s+# HTTPRoute\/old\/old$/m);
    for (const r of [json, text]) {
      assert.ok(!r.stdout.includes(named.key.secret) && !r.stderr.includes(named.key.secret), 'the TSIG secret is never printed');
    }
    assert.equal(await named.soaSerial('dev.k8s'), serial, 'diff never writes: SOA serial unchanged');
    assert.deepEqual(await named.zoneRecords('dev.k8s'), zone, 'zone unchanged');
  });

  test('errors exit 2 with one line: wrong TSIG key, DNS server unreachable, API server unreachable', async (t) => {
    const wrongKey = join(tmp.dir, 'wrong.b64');
    const wrongSecret = Buffer.alloc(32, 7).toString('base64');
    writeFileSync(wrongKey, wrongSecret);
    const base = ['diff', '--kubeconfig', api.kubeconfig, '-n', 'dev', '--zone', 'dev.k8s', '--tsig-key-name', named.key.name, '--owner-id', 'e2e'];

    const bad = await runCli(pair, pair.a, [...base, '--dns-server', '127.0.0.1:53', '--tsig-secret-file', wrongKey]);
    assert.equal(bad.code, 2, `${bad.stdout}\n${bad.stderr}`);
    t.diagnostic(oneLineError(bad));
    assert.match(oneLineError(bad), /TSIG|BADSIG|signature|key/i);
    assert.ok(!bad.stderr.includes(wrongSecret) && !bad.stdout.includes(wrongSecret), 'the secret is not printed');

    const env = cliEnv({ KUBECTL_MDNS_TSIG_SECRET: named.key.secret });
    const down = await runCli(pair, pair.a, [...base, '--dns-server', '127.0.0.1:5399'], { env });
    assert.equal(down.code, 2, `${down.stdout}\n${down.stderr}`);
    t.diagnostic(oneLineError(down));
    assert.match(oneLineError(down), /127\.0\.0\.1:5399/);
    assert.ok(!down.stderr.includes(named.key.secret), 'the secret is not printed');

    const kc = join(tmp.dir, 'unreachable.kubeconfig');
    writeFileSync(kc, readFileSync(api.kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:9'));
    const noApi = await runKubectl(pair, pair.a, ['mdns', 'diff', '--kubeconfig', kc]);
    assert.equal(noApi.code, 2, `${noApi.stdout}\n${noApi.stderr}`);
    t.diagnostic(oneLineError(noApi));
    assert.match(oneLineError(noApi), /127\.0\.0\.1:9/);
    assert.equal(noApi.stdout, '', 'no partial diff');
  });
});
