// Credentials and connection errors against the API server double over TLS: every kind of
// kubeconfig credential must reach the server, and every failure must be one line naming the
// context and the server, with exit code 2 and no secret in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ApiServerDouble } from '../../support/apiserver.js';
import { generatePki } from '../../support/apiserver-certs.js';
import { ClusterSource } from '../../../src/cluster/cluster-source.js';
import { ApiUnreachableError, ApiStatusError, CredentialsError } from '../../../src/cluster/http.js';
import { UserError } from '../../../src/util/errors.js';
import { clientFor } from './helpers.js';

let api: ApiServerDouble;

before(async () => {
  api = await ApiServerDouble.start({ tokens: ['test-token', 'exec-token', 'file-token'] });
});
after(async () => {
  await api.close();
});

function lastRequest() {
  const r = api.requests.at(-1);
  assert.ok(r, 'the server saw a request');
  return r;
}

async function rejectsOneLine(p: Promise<unknown>, pattern: RegExp, type: new (...a: never[]) => Error = UserError): Promise<string> {
  let message = '';
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'one line');
    message = err.message;
    return true;
  });
  return message;
}

test('bearer token over TLS with CA data', async () => {
  const c = await clientFor(api);
  await c.getJson('/apis');
  assert.equal(lastRequest().token, 'test-token');
  assert.equal(lastRequest().user, 'token-user');
  c.close();
});

test('CA as a file, and insecure-skip-tls-verify', async () => {
  const c1 = await clientFor(api, { ca: 'file' });
  await c1.getJson('/api');
  const c2 = await clientFor(api, { ca: 'insecure' });
  await c2.getJson('/api');
  c1.close();
  c2.close();
});

test('client certificate and key, as files and as -data', async () => {
  for (const auth of ['cert', 'cert-data'] as const) {
    const c = await clientFor(api, { auth });
    await c.getJson('/apis');
    assert.equal(lastRequest().user, 'cert-user', auth);
    assert.equal(lastRequest().token, undefined, auth);
    c.close();
  }
});

test('token-file (relative to the kubeconfig, trailing newline)', async () => {
  writeFileSync(join(api.dir, 'token.txt'), 'file-token\n');
  const path = join(api.dir, 'kubeconfig-token-file');
  const cfg = api.kubeconfigObject() as { users: { user: Record<string, unknown> }[] };
  cfg.users[0]!.user = { 'token-file': 'token.txt' };
  writeFileSync(path, yaml.dump(cfg));
  const source = await ClusterSource.connect({ kubeconfig: path, env: {} });
  await source.client.getJson('/apis');
  assert.equal(lastRequest().token, 'file-token');
  source.close();
});

test('exec credential plugin: its token reaches the server, KUBERNETES_EXEC_INFO is set', async () => {
  const plugin = join(api.dir, 'credential-plugin.sh');
  writeFileSync(
    plugin,
    [
      '#!/bin/sh',
      'printf "%s" "$KUBERNETES_EXEC_INFO" > "$(dirname "$0")/exec-info.json"',
      'printf "%s" "$PLUGIN_GREETING" > "$(dirname "$0")/exec-env.txt"',
      'printf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token"}}\'',
      '',
    ].join('\n'),
  );
  chmodSync(plugin, 0o755);
  const c = await clientFor(api, {
    auth: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: './credential-plugin.sh', // relative to the kubeconfig's folder, like kubectl
        env: [{ name: 'PLUGIN_GREETING', value: 'hello' }],
        interactiveMode: 'Never',
      },
    },
  });
  await c.getJson('/apis');
  assert.equal(lastRequest().token, 'exec-token');
  const info = JSON.parse(readFileSync(join(api.dir, 'exec-info.json'), 'utf8'));
  assert.equal(info.kind, 'ExecCredential');
  assert.equal(info.apiVersion, 'client.authentication.k8s.io/v1');
  assert.equal(readFileSync(join(api.dir, 'exec-env.txt'), 'utf8'), 'hello');
  c.close();
});

test('a failing exec plugin: one line naming user and context', async () => {
  const plugin = join(api.dir, 'failing-plugin.sh');
  writeFileSync(plugin, '#!/bin/sh\necho "error: you must be logged in" >&2\necho "second line" >&2\nexit 1\n');
  chmodSync(plugin, 0o755);
  const c = await clientFor(api, { context: 'prod', auth: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } } });
  await rejectsOneLine(c.getJson('/apis'), /^cannot get credentials for user "double-user" of context "prod": error: you must be logged in$/, CredentialsError);
  c.close();
});

test('a wrong token: 401 names context, server and user, never the token', async () => {
  const c = await clientFor(api, { token: 'wrong-secret-token' });
  const msg = await rejectsOneLine(
    c.getJson('/apis'),
    /^unauthorized: the API server of context "double" at https:\/\/127\.0\.0\.1:\d+ rejected the credentials of user "double-user" \(401\)/,
    ApiStatusError,
  );
  assert.ok(!msg.includes('wrong-secret-token'));
  c.close();
});

test('a server certificate from another CA: cannot verify, check the certificate-authority', async () => {
  const other = generatePki(join(api.dir, 'other-pki'), { caName: 'some other CA' });
  const path = join(api.dir, 'kubeconfig-other-ca');
  const cfg = api.kubeconfigObject({ context: 'kind-dev', cluster: 'kind-dev' }) as { clusters: { cluster: Record<string, unknown> }[] };
  cfg.clusters[0]!.cluster['certificate-authority-data'] = Buffer.from(other.caPem).toString('base64');
  writeFileSync(path, yaml.dump(cfg));
  const source = await ClusterSource.connect({ kubeconfig: path, env: {} });
  await rejectsOneLine(
    source.list(),
    /^cannot verify the API server of context "kind-dev" at https:\/\/127\.0\.0\.1:\d+: .*: check the certificate-authority of cluster "kind-dev"$/,
    ApiUnreachableError,
  );
  source.close();
});

test('unreachable server: one line naming context and server', async () => {
  const down = await ApiServerDouble.start();
  const kubeconfig = down.writeKubeconfig({ context: 'kind-dev', path: join(api.dir, 'kubeconfig-down') });
  const url = down.url;
  await down.close();
  const source = await ClusterSource.connect({ kubeconfig, env: {} });
  const msg = await rejectsOneLine(source.list(), /^cannot reach/, ApiUnreachableError);
  assert.equal(msg, `cannot reach the API server of context "kind-dev" at ${url}: connect ECONNREFUSED`);
  await rejectsOneLine(
    source.watch(() => {}, new AbortController().signal),
    /^cannot reach the API server of context "kind-dev"/,
  );
  source.close();
});

test('--request-timeout: a server that never answers', async () => {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((s) => {
    sockets.add(s); // accept, read, never answer
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as { port: number }).port;
  try {
    const kubeconfig = api.writeKubeconfig({ server: `https://127.0.0.1:${port}`, context: 'slow' });
    const source = await ClusterSource.connect({ kubeconfig, requestTimeout: '1s', env: {} });
    await rejectsOneLine(
      source.list(),
      new RegExp(`^the API server of context "slow" at https://127\\.0\\.0\\.1:${port} did not answer within 1s \\(--request-timeout\\)$`),
      ApiUnreachableError,
    );
    source.close();
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});
