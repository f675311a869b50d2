// The CLI's error contract (docs/design.md#exit-codes): one line saying what and what to do, exit 2, no
// stack trace unless -v — for flag mistakes and bad input alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const plugin = new URL('../../../../plugin/kubectl-mdns', import.meta.url).pathname;
const examples = new URL('../../../../examples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kmdns-errors-'));
const notYaml = join(dir, 'notes.yaml');
writeFileSync(notYaml, 'key: [unclosed\n  - {\n');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [plugin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: join(dir, 'none'), HOME: dir, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cases: { args: string[]; message: RegExp }[] = [
  { args: ['list', '--bogus'], message: /^error: unknown flag: --bogus$/m },
  { args: ['list', 'extra'], message: /^error: unexpected argument "extra"$/m },
  { args: ['list', '-oxml'], message: /^error: invalid value "xml" for --output: use one of table, wide, json, yaml$/m },
  { args: [], message: /^error: a command is required/m },
  { args: ['list'], message: /^error: .*(kubeconfig|context).*$/m },
  { args: ['list', '--kubeconfig', join(dir, 'missing')], message: /^error: kubeconfig file ".*missing" \(--kubeconfig\) does not exist$/m },
  { args: ['list', '-f', join(dir, 'missing.yaml')], message: /^error: .*missing\.yaml.*$/m },
  { args: ['list', '-f', notYaml], message: /^error: .*notes\.yaml: not a YAML or JSON manifest/m },
  { args: ['list', '-f', examples, '--zone', 'lab.local'], message: /^error: --zone lab\.local is under \.local.*home\.arpa/m },
  { args: ['list', '-f', examples, '-l', 'bad key'], message: /^error: invalid label selector/m },
  { args: ['doctor', 'shop.local', '-f', join(dir, 'missing.yaml')], message: /^error: .*missing\.yaml.*$/m },
  { args: ['doctor', '-f', examples, '--timeout', '0'], message: /^error: --timeout 0 is not a number of seconds/m },
];

for (const c of cases) {
  test(`errors: kubectl mdns ${c.args.join(' ') || '(nothing)'} → exit 2, one line`, () => {
    const r = run(c.args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, c.message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace without -v');
    assert.equal(r.stdout, '');
  });
}

test('errors: -v adds the stack trace', () => {
  const r = run(['list', '-v', '-f', notYaml]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\n\s+at /);
});
