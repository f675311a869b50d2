// diff's mDNS classification (who answered what -> add / unchanged / change / conflict /
// remove), its text and DNSDiff output, and its flag errors (which come before any packet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { observedToRecordSets, planMdns } from '../../../src/mdns/read-current.js';
import { changeText, dnsDiff, renderDiffText, type DiffTarget } from '../../../src/cli/printers/diff.js';
import type { ObservedAnswer } from '../../../src/mdns/query.js';
import type { RecordSet } from '../../../src/records/types.js';
import { planChanges } from '../../../src/plan/plan.js';

function want(name: string, a: string[], aaaa: string[] = []): RecordSet {
  return { name, target: 'mdns', a, aaaa, services: [], owners: [{ kind: 'HTTPRoute', namespace: 'ns', name: name.split('.')[0]! }] };
}

function ans(name: string, type: 'A' | 'AAAA', values: string[], responder: string, local = false): ObservedAnswer {
  return { name, type, values, responder, local };
}

const lines = (desired: RecordSet[], answers: ObservedAnswer[]) => planMdns(desired, answers).changes.map(changeText);

test('nobody answers: every record of every name is an add', () => {
  const plan = planMdns([want('shop.local', ['10.0.0.1'], ['fd00::1']), want('blog.local', ['10.0.0.2'])], []);
  assert.deepEqual(plan.changes.map(changeText), ['+ blog.local A 10.0.0.2', '+ shop.local A 10.0.0.1', '+ shop.local AAAA fd00::1']);
  assert.deepEqual(plan.summary, { add: 2, remove: 0, change: 0, conflict: 0, unchanged: 0 });
});

test('our own serve answering the desired addresses: unchanged, over IPv4 and IPv6 alike', () => {
  const plan = planMdns(
    [want('shop.local', ['10.0.0.1'], ['fd00::1'])],
    [
      ans('shop.local', 'A', ['10.0.0.1'], '10.213.1.1', true),
      ans('shop.local', 'AAAA', ['fd00::1'], '10.213.1.1', true),
      ans('shop.local', 'A', ['10.0.0.1'], 'fe80::1', true),
    ],
  );
  assert.deepEqual(plan.changes, []);
  assert.deepEqual(plan.summary, { add: 0, remove: 0, change: 0, conflict: 0, unchanged: 1 });
});

test('our own serve answering other addresses: a pending change (~), a missing family is an add', () => {
  const plan = planMdns([want('rr.local', ['172.18.0.12', '172.18.0.13'], ['fd00::12'])], [ans('RR.local', 'A', ['172.18.0.12'], '10.213.1.1', true)]);
  assert.deepEqual(plan.changes.map(changeText), ['~ rr.local A 172.18.0.12 → 172.18.0.12 172.18.0.13', '+ rr.local AAAA fd00::12']);
  assert.deepEqual(plan.summary, { add: 0, remove: 0, change: 1, conflict: 0, unchanged: 0 });
});

test('another host answering with other data: a conflict per type it answered, saying who with what', () => {
  const plan = planMdns([want('shop.local', ['172.18.0.10'], ['fd00::10'])], [ans('shop.local', 'A', ['10.0.0.7'], '192.168.1.20')]);
  assert.deepEqual(plan.changes, [
    {
      target: 'mdns',
      action: 'conflict',
      name: 'shop.local',
      type: 'A',
      before: ['10.0.0.7'],
      after: ['172.18.0.10'],
      detail: 'answered by 192.168.1.20 with 10.0.0.7',
      routes: ['HTTPRoute/ns/shop'],
    },
  ]);
  assert.equal(changeText(plan.changes[0]!), '! shop.local A answered by 192.168.1.20 with 10.0.0.7 (wanted 172.18.0.10)');
  assert.deepEqual(plan.summary, { add: 0, remove: 0, change: 0, conflict: 1, unchanged: 0 });
});

test('several other responders: grouped by what they answered', () => {
  assert.deepEqual(
    lines(
      [want('x.local', ['10.0.0.1'])],
      [ans('x.local', 'A', ['10.0.0.7'], '10.1.1.3'), ans('x.local', 'A', ['10.0.0.7'], '10.1.1.2'), ans('x.local', 'A', ['10.0.0.8'], '10.1.1.4')],
    ),
    ['! x.local A answered by 10.1.1.2, 10.1.1.3 with 10.0.0.7; 10.1.1.4 with 10.0.0.8 (wanted 10.0.0.1)'],
  );
});

test('a conflict wins over our own serve answering the same name', () => {
  const plan = planMdns(
    [want('x.local', ['10.0.0.1'])],
    [ans('x.local', 'A', ['10.0.0.1'], '10.213.1.1', true), ans('x.local', 'A', ['10.0.0.9'], '10.213.1.2')],
  );
  assert.deepEqual(
    plan.changes.map((c) => c.action),
    ['conflict'],
  );
});

test('another host answering exactly the desired data is no conflict (RFC 6762 §8.2: identical records)', () => {
  const plan = planMdns(
    [want('x.local', ['10.0.0.1'], ['fd00::1'])],
    [ans('x.local', 'A', ['10.0.0.1'], '10.1.1.2'), ans('x.local', 'AAAA', ['fd00::1'], '10.1.1.2')],
  );
  assert.deepEqual(plan.changes, []);
  assert.equal(plan.summary.unchanged, 1);
  // ...but the same host answering only part of it is.
  assert.deepEqual(lines([want('x.local', ['10.0.0.1'], ['fd00::1'])], [ans('x.local', 'A', ['10.0.0.1'], '10.1.1.2')]), [
    '! x.local A answered by 10.1.1.2 with 10.0.0.1 (wanted 10.0.0.1)',
  ]);
});

test("a name only our serve still answers (found by the DNS-SD browse) is a remove; other hosts' names are not ours to judge", () => {
  const plan = planMdns(
    [want('x.local', ['10.0.0.1'])],
    [
      ans('x.local', 'A', ['10.0.0.1'], '10.213.1.1', true),
      ans('old.local', 'A', ['10.0.0.3'], '10.213.1.1', true),
      ans('printer.local', 'A', ['10.0.0.4'], '10.213.1.2'),
    ],
  );
  assert.deepEqual(plan.changes.map(changeText), ['- old.local A 10.0.0.3']);
  assert.deepEqual(plan.summary, { add: 0, remove: 1, change: 0, conflict: 0, unchanged: 1 });
});

test('observedToRecordSets: one set for our serve, one foreign set per name, values sorted and unique', () => {
  const sets = observedToRecordSets(
    [
      ans('a.local', 'A', ['10.0.0.2', '10.0.0.1'], '10.213.1.1', true),
      ans('a.local', 'A', ['10.0.0.1'], 'fe80::1', true),
      ans('a.local', 'A', ['10.9.9.9'], '10.213.1.2'),
    ],
    [want('a.local', ['10.0.0.1'])],
  );
  assert.deepEqual(
    sets.map((s) => ({ a: s.a, foreign: s.foreign })),
    [
      { a: ['10.0.0.1', '10.0.0.2'], foreign: undefined },
      { a: ['10.9.9.9'], foreign: 'answered by 10.213.1.2 with 10.9.9.9' },
    ],
  );
});

const targets = (): DiffTarget[] => {
  const mdns = planMdns(
    [want('shop.local', ['172.18.0.10']), want('rr.local', ['172.18.0.12', '172.18.0.13'])],
    [ans('rr.local', 'A', ['172.18.0.12'], '10.0.0.1', true)],
  );
  const uni = planChanges(
    'unicast',
    [{ name: 'taken.dev.k8s', target: 'unicast', a: ['172.18.0.20'], aaaa: [], services: [], owners: [{ kind: 'HTTPRoute', namespace: 'dev', name: 'app' }] }],
    [
      { name: 'old.dev.k8s', target: 'unicast', a: ['10.0.0.3'], aaaa: [], services: [], owners: [{ kind: 'HTTPRoute', namespace: 'old', name: 'old' }] },
      { name: 'taken.dev.k8s', target: 'unicast', a: ['10.9.9.9'], aaaa: [], services: [], owners: [], foreign: 'record not created by kubectl-mdns' },
    ],
  );
  return [
    { target: 'mdns', title: 'mdns on eth0', changes: mdns.changes, summary: mdns.summary },
    { target: 'unicast', title: 'unicast 10.0.0.2:53 zone dev.k8s (owner kind-dev)', changes: uni.changes, summary: uni.summary },
  ];
};

test('text: a header per target, kubectl-diff-like lines with their routes, a summary; no colors without a TTY', () => {
  const out = renderDiffText(targets(), new Chalk({ level: 0 }));
  assert.equal(
    out,
    [
      'mdns on eth0',
      '~ rr.local A 172.18.0.12 → 172.18.0.12 172.18.0.13  # HTTPRoute/ns/rr',
      '+ shop.local A 172.18.0.10                          # HTTPRoute/ns/shop',
      'unicast 10.0.0.2:53 zone dev.k8s (owner kind-dev)',
      '- old.dev.k8s A 10.0.0.3                                      # HTTPRoute/old/old',
      '! taken.dev.k8s A record not created by kubectl-mdns: 10.9.9.9 (wanted 172.18.0.20)  # HTTPRoute/dev/app',
      'Summary: 1 to add, 1 to remove, 1 to change, 1 in conflict, 0 unchanged.',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(out, /\x1b\[/);
});

test('text: colors when asked for (green +, red -, yellow ~, magenta !)', () => {
  const out = renderDiffText(targets(), new Chalk({ level: 1 }));
  assert.match(out, /\x1b\[32m\+ shop\.local/);
  assert.match(out, /\x1b\[31m- old\.dev\.k8s/);
  assert.match(out, /\x1b\[33m~ rr\.local/);
  assert.match(out, /\x1b\[35m! taken\.dev\.k8s/);
});

test('text: a target without differences says so', () => {
  const out = renderDiffText(
    [{ target: 'mdns', title: 'mdns on eth0', changes: [], summary: { add: 0, remove: 0, change: 0, conflict: 0, unchanged: 3 } }],
    new Chalk({ level: 0 }),
  );
  assert.equal(out, 'mdns on eth0\n  no differences (3 names up to date)\nSummary: 0 to add, 0 to remove, 0 to change, 0 in conflict, 3 unchanged.\n');
});

test('DNSDiff: docs/design.md#dnsdiff shape, changes of every target, summary summed', () => {
  const d = dnsDiff('kind-dev', targets());
  assert.equal(d.kind, 'DNSDiff');
  assert.equal(d.context, 'kind-dev');
  assert.deepEqual(d.summary, { add: 1, remove: 1, change: 1, conflict: 1, unchanged: 0 });
  assert.deepEqual(
    d.changes.map((c) => Object.keys(c)),
    d.changes.map(() => ['target', 'action', 'name', 'type', 'before', 'after', 'detail', 'routes']),
  );
  assert.deepEqual(
    d.changes.map((c) => `${c.target} ${c.action} ${c.name}`),
    ['mdns change rr.local', 'mdns add shop.local', 'unicast remove old.dev.k8s', 'unicast conflict taken.dev.k8s'],
  );
});

// ---- flag errors: exit 2 with one line, before any packet is sent or any server asked.

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(dir, 'package.json')) && (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'kubectl-mdns'))
    dir = dirname(dir);
  return dir;
}
const root = repoRoot();

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['KUBECTL_MDNS_TSIG_SECRET'];
  return spawnSync(process.execPath, [join(root, 'plugin', 'kubectl-mdns'), ...args], { encoding: 'utf8', env, timeout: 30_000 });
}

for (const [args, message] of [
  [['--interface', 'no-such-if0'], /--interface no-such-if0: no such interface/],
  [['--timeout', '0'], /--timeout 0 is not a number of seconds/],
  [['--dns-server', '127.0.0.1:1'], /--dns-server needs at least one --zone/],
  [['--dns-server', '127.0.0.1:1', '--zone', 'dev.k8s', '--tsig-key-name', 'k'], /needs a TSIG key/],
] as const) {
  test(`diff ${args.join(' ')}: exit 2, one line`, () => {
    const r = cli(['diff', '-f', join(root, 'examples'), ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, message);
  });
}
