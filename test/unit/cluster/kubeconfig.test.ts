import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import yaml from 'js-yaml';
import { readKubeconfig, resolveKubeconfig, parseRequestTimeout, TOKEN_FILE_PROVIDER } from '../../../src/cluster/kubeconfig.js';
import { UserError } from '../../../src/util/errors.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Entry {
  name: string;
  [k: string]: unknown;
}
function config(parts: { clusters?: Entry[]; users?: Entry[]; contexts?: Entry[]; current?: string }): string {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: parts.clusters ?? [],
    users: parts.users ?? [],
    contexts: parts.contexts ?? [],
    ...(parts.current !== undefined ? { 'current-context': parts.current } : {}),
  });
}
const cluster = (name: string, server: string, extra: Record<string, unknown> = {}) => ({ name, cluster: { server, ...extra } });
const user = (name: string, u: Record<string, unknown>) => ({ name, user: u });
const context = (name: string, c: string, u?: string, ns?: string) => ({
  name,
  context: { cluster: c, ...(u ? { user: u } : {}), ...(ns ? { namespace: ns } : {}) },
});

function expectUserError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return true;
  });
}

test('KUBECONFIG merge: first file to set a name wins, first current-context wins, missing files ignored', (t) => {
  const dir = tmp(t);
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(
    a,
    config({
      clusters: [cluster('shared', 'https://a.example:6443')],
      users: [user('u', { token: 'token-a' })],
      contexts: [context('ctx-a', 'shared', 'u', 'ns-a')],
      current: 'ctx-b', // names a context defined only in the second file
    }),
  );
  writeFileSync(
    b,
    config({
      clusters: [cluster('shared', 'https://b.example:6443'), cluster('only-b', 'https://only-b.example')],
      users: [user('u', { token: 'token-b' })],
      contexts: [context('ctx-b', 'only-b', 'u'), context('ctx-a', 'only-b', 'u')],
      current: 'ctx-a',
    }),
  );
  const env = { KUBECONFIG: [join(dir, 'missing'), a, '', b].join(delimiter) };
  const s = readKubeconfig({ env });
  assert.equal(s.contextName, 'ctx-b', "the first file's current-context wins");
  assert.equal(s.clusterName, 'only-b');
  assert.equal(s.server, 'https://only-b.example');
  assert.deepEqual(s.files, [a, b]);
  assert.equal(s.loadOptions.users[0]?.token, 'token-a', 'the first file to define user "u" wins');

  const s2 = readKubeconfig({ env, context: 'ctx-a' });
  assert.equal(s2.server, 'https://a.example:6443', 'ctx-a and cluster "shared" come from the first file');
  assert.equal(s2.namespace, 'ns-a');
});

test('--kubeconfig reads only that file and it must exist', (t) => {
  const dir = tmp(t);
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(a, config({ clusters: [cluster('c', 'https://a:1')], contexts: [context('x', 'c')], current: 'x' }));
  writeFileSync(b, config({ clusters: [cluster('c', 'https://b:1')], contexts: [context('x', 'c')], current: 'x' }));
  assert.equal(readKubeconfig({ kubeconfig: b, env: { KUBECONFIG: a } }).server, 'https://b:1');
  expectUserError(() => readKubeconfig({ kubeconfig: join(dir, 'nope'), env: { KUBECONFIG: a } }), /kubeconfig file ".*nope" \(--kubeconfig\) does not exist/);
});

test('~/.kube/config is the default when KUBECONFIG is unset', (t) => {
  const home = tmp(t);
  mkdirSync(join(home, '.kube'));
  writeFileSync(join(home, '.kube', 'config'), config({ clusters: [cluster('c', 'https://home:6443/')], contexts: [context('home', 'c')], current: 'home' }));
  const s = readKubeconfig({ env: { HOME: home } });
  assert.equal(s.contextName, 'home');
  assert.equal(s.server, 'https://home:6443', 'trailing slash dropped');
});

test('no kubeconfig or no current context: an error like kubectl, never localhost:8080', (t) => {
  const home = tmp(t);
  expectUserError(() => readKubeconfig({ env: { HOME: home } }), /^no context is set/);
  expectUserError(() => readKubeconfig({ env: { KUBECONFIG: join(home, 'missing') } }), /^no context is set/);
  const f = join(home, 'cfg');
  writeFileSync(f, config({ clusters: [cluster('c', 'https://x:1')], contexts: [context('a', 'c')] }));
  expectUserError(() => readKubeconfig({ kubeconfig: f }), /^no context is set: use --context or `kubectl config use-context`$/);
  writeFileSync(join(home, 'empty'), '');
  expectUserError(() => readKubeconfig({ kubeconfig: join(home, 'empty') }), /^no context is set/);
});

test('--context, --cluster and --user override the context', (t) => {
  const dir = tmp(t);
  const f = join(dir, 'cfg');
  writeFileSync(
    f,
    config({
      clusters: [cluster('c1', 'https://one:1'), cluster('c2', 'https://two:2')],
      users: [user('alice', { token: 'a' }), user('bob', { token: 'b' })],
      contexts: [context('first', 'c1', 'alice', 'ns1'), context('second', 'c2', 'bob')],
      current: 'first',
    }),
  );
  const base = readKubeconfig({ kubeconfig: f });
  assert.equal(base.contextName, 'first');
  assert.equal(base.userName, 'alice');
  const ctx = readKubeconfig({ kubeconfig: f, context: 'second' });
  assert.equal(ctx.server, 'https://two:2');
  assert.equal(ctx.userName, 'bob');
  assert.equal(ctx.namespace, undefined);
  const over = readKubeconfig({ kubeconfig: f, cluster: 'c2', user: 'bob' });
  assert.equal(over.contextName, 'first');
  assert.equal(over.namespace, 'ns1');
  assert.equal(over.server, 'https://two:2');
  assert.equal(over.loadOptions.users[0]?.token, 'b');
  expectUserError(() => readKubeconfig({ kubeconfig: f, context: 'third' }), /context "third" \(--context\) does not exist/);
  expectUserError(() => readKubeconfig({ kubeconfig: f, cluster: 'c9' }), /cluster "c9" \(--cluster\) does not exist/);
  expectUserError(() => readKubeconfig({ kubeconfig: f, user: 'eve' }), /user "eve" \(--user\) does not exist/);
});

test('a current-context that does not exist, a cluster without server, bad YAML', (t) => {
  const dir = tmp(t);
  const f = join(dir, 'cfg');
  writeFileSync(f, config({ clusters: [cluster('c', 'https://x:1')], contexts: [context('a', 'c')], current: 'gone' }));
  expectUserError(() => readKubeconfig({ kubeconfig: f }), /context "gone" \(current-context in .*cfg\) does not exist/);
  writeFileSync(f, yaml.dump({ clusters: [{ name: 'c', cluster: {} }], contexts: [context('a', 'c')], 'current-context': 'a' }));
  expectUserError(() => readKubeconfig({ kubeconfig: f }), /cluster "c" of context "a" has no server/);
  writeFileSync(f, config({ clusters: [cluster('c', 'https://x:1')], contexts: [context('a', 'c', 'ghost')], current: 'a' }));
  expectUserError(() => readKubeconfig({ kubeconfig: f }), /user "ghost" \(user of context "a"\) does not exist/);
  writeFileSync(f, 'clusters: [unclosed');
  expectUserError(() => readKubeconfig({ kubeconfig: f }), /cannot read kubeconfig file ".*cfg"/);
});

test('relative certificate, key, token-file and exec paths resolve against the kubeconfig file', (t) => {
  const dir = tmp(t);
  mkdirSync(join(dir, 'sub'));
  const f = join(dir, 'sub', 'cfg');
  writeFileSync(
    f,
    config({
      clusters: [cluster('c', 'example.test:6443', { 'certificate-authority': 'ca.crt' })],
      users: [
        user('certs', { 'client-certificate': 'client.crt', 'client-key': '/abs/client.key' }),
        user('tf', { 'token-file': 'token' }),
        user('ex', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin.sh', args: ['a'] } }),
        user('ex-path', { exec: { command: 'kubelogin' } }),
      ],
      contexts: [context('certs', 'c', 'certs'), context('tf', 'c', 'tf'), context('ex', 'c', 'ex'), context('ex-path', 'c', 'ex-path')],
      current: 'certs',
    }),
  );
  const s = readKubeconfig({ kubeconfig: f });
  assert.equal(s.server, 'https://example.test:6443', 'a server without scheme is https');
  assert.equal(s.loadOptions.clusters[0]?.caFile, join(dir, 'sub', 'ca.crt'));
  assert.equal(s.loadOptions.users[0]?.certFile, join(dir, 'sub', 'client.crt'));
  assert.equal(s.loadOptions.users[0]?.keyFile, '/abs/client.key');
  const tf = readKubeconfig({ kubeconfig: f, context: 'tf' });
  assert.deepEqual(tf.loadOptions.users[0]?.authProvider, { name: TOKEN_FILE_PROVIDER, config: { file: join(dir, 'sub', 'token') } });
  const ex = readKubeconfig({ kubeconfig: f, context: 'ex' }).loadOptions.users[0]?.exec as { command: string; env: { name: string; value: string }[] };
  assert.equal(ex.command, join(dir, 'sub', 'plugin.sh'));
  const info = JSON.parse(ex.env.find((e) => e.name === 'KUBERNETES_EXEC_INFO')!.value);
  assert.equal(info.kind, 'ExecCredential');
  assert.equal(info.spec.interactive, false);
  const onPath = readKubeconfig({ kubeconfig: f, context: 'ex-path' }).loadOptions.users[0]?.exec as { command: string };
  assert.equal(onPath.command, 'kubelogin', 'a bare command is looked up on PATH');
});

test('a context without a user still gets the CA (client-node skips TLS options without a user)', async (t) => {
  const dir = tmp(t);
  const f = join(dir, 'cfg');
  writeFileSync(
    f,
    config({
      clusters: [cluster('c', 'https://x:1', { 'certificate-authority-data': Buffer.from('PEM').toString('base64') })],
      contexts: [context('a', 'c')],
      current: 'a',
    }),
  );
  const r = await resolveKubeconfig({ kubeconfig: f });
  const opts: { ca?: unknown; headers?: Record<string, unknown> } = {};
  await r.kubeConfig.applyToHTTPSOptions(opts as never);
  assert.equal(String(opts.ca), 'PEM');
  assert.equal(opts.headers?.Authorization, undefined);
});

test('token-file is trimmed (a newline in a header makes Node refuse the request)', async (t) => {
  const dir = tmp(t);
  const f = join(dir, 'cfg');
  writeFileSync(join(dir, 'tok'), 'secret-from-file\n');
  writeFileSync(
    f,
    config({ clusters: [cluster('c', 'https://x:1')], users: [user('u', { 'token-file': 'tok' })], contexts: [context('a', 'c', 'u')], current: 'a' }),
  );
  const r = await resolveKubeconfig({ kubeconfig: f });
  const opts: { headers?: Record<string, unknown> } = {};
  await r.kubeConfig.applyToHTTPSOptions(opts as never);
  assert.equal(opts.headers?.Authorization, 'Bearer secret-from-file');
});

test('--request-timeout uses kubectl duration syntax', () => {
  assert.equal(parseRequestTimeout(undefined), 0);
  assert.equal(parseRequestTimeout('0'), 0);
  assert.equal(parseRequestTimeout('5'), 5000, 'a bare integer is seconds');
  assert.equal(parseRequestTimeout('30s'), 30_000);
  assert.equal(parseRequestTimeout('1m'), 60_000);
  assert.equal(parseRequestTimeout('1h30m'), 5_400_000);
  assert.equal(parseRequestTimeout('1.5s'), 1500);
  assert.equal(parseRequestTimeout('250ms'), 250);
  for (const bad of ['abc', '-1s', '10x', '1m-', 's']) {
    assert.throws(() => parseRequestTimeout(bad), /invalid --request-timeout/, bad);
  }
  assert.throws(() => readKubeconfig({ requestTimeout: 'soon', env: {} }), /invalid --request-timeout "soon"/);
});
