// The double as a separate process (how end-to-end tests in network namespaces use it):
// ready line, admin endpoints, state file, restart on the same port, clean exit on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ClusterSource } from '../../../src/cluster/cluster-source.js';
import { gateway, route } from './helpers.js';
import type { ReadyLine } from '../../support/apiserver.js';

const script = fileURLToPath(new URL('../../support/apiserver.js', import.meta.url));

type Ready = ReadyLine;

function admin(ready: Ready, op: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${ready.url}/_admin/${op}`,
      {
        method: body === undefined && op !== 'compact' && op !== 'restart' ? 'GET' : 'POST',
        ca: readFileSync(ready.caFile!),
        headers: { Authorization: `Bearer ${ready.token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('standalone double: ready line, admin apply/delete/restart, state file, SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'apiserver-standalone-'));
  const state = join(dir, 'state.json');
  writeFileSync(state, JSON.stringify([gateway('infra', 'gw')]));
  const child = spawn(
    process.execPath,
    [
      script,
      '--tls',
      '--token',
      'standalone-token',
      '--state',
      state,
      '--kubeconfig-out',
      join(dir, 'kubeconfig'),
      '--dir',
      join(dir, 'double'),
      '--unserve',
      'TLSRoute',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', () => reject(new Error('the double exited before it was ready')));
    });
    const ready = JSON.parse(line) as Ready;
    assert.equal(ready.ready, true);
    assert.match(ready.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ready.token, 'standalone-token');

    const applied = await admin(ready, 'apply', [route('HTTPRoute', 'shop', 'shop', ['shop.local']), route('HTTPRoute', 'shop', 'gone', ['gone.local'])]);
    assert.equal(applied.status, 200);
    assert.equal((await admin(ready, 'delete', { kind: 'HTTPRoute', namespace: 'shop', name: 'gone' })).status, 200);

    const source = await ClusterSource.connect({ kubeconfig: ready.kubeconfig, env: {} });
    const { objects, warnings } = await source.list();
    assert.deepEqual(
      objects.gateways.map((g) => g.metadata?.name),
      ['gw'],
    );
    assert.deepEqual(
      objects.routes.map((r) => r.metadata?.name),
      ['shop'],
    );
    assert.equal(warnings.length, 1, 'TLSRoute unserved by --unserve');
    source.close();

    assert.equal((await admin(ready, 'restart', { downMs: 200 })).status, 200);
    let listedAgain = false;
    const deadline = Date.now() + 15_000;
    while (!listedAgain && Date.now() < deadline) {
      const s = await ClusterSource.connect({ kubeconfig: ready.kubeconfig, env: {} });
      try {
        listedAgain = (await s.list()).objects.routes.length === 1;
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // still down
      } finally {
        s.close();
      }
    }
    assert.ok(listedAgain, 'serving again on the same port after /_admin/restart');

    const saved = JSON.parse(readFileSync(state, 'utf8')) as { kind: string; metadata: { name: string } }[];
    assert.deepEqual(saved.map((o) => `${o.kind}/${o.metadata.name}`).sort(), ['Gateway/gw', 'HTTPRoute/shop']);

    const requests = (await admin(ready, 'requests')).json as { items: { path: string; token?: string }[] };
    assert.ok(requests.items.some((r) => r.path === '/apis/gateway.networking.k8s.io/v1/httproutes' && r.token === 'standalone-token'));

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
