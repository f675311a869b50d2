// `kubectl mdns list -w` against the API server double (real HTTP watch, token over TLS): the
// table first, then one row per binding that changes, as `kubectl get -w` does. No mDNS is
// involved, so this runs on the host's loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { ApiServerDouble } from '../../support/apiserver.js';
import { PLUGIN, cliEnv, gateway, httpRoute } from '../../support/e2e.js';

let api: ApiServerDouble;
let child: ChildProcess;
let out = '';

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stdout so far:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const rows = () => out.split('\n').filter(Boolean);

before(async () => {
  api = await ApiServerDouble.start();
  api.apply(gateway('infra', 'gw', { addresses: ['10.0.0.10'] }) as never);
  api.apply(httpRoute('shop', 'shop', ['shop.local']) as never);
  child = spawn(process.execPath, [PLUGIN, 'list', '-w', '--kubeconfig', api.writeKubeconfig()], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
});

after(async () => {
  child?.kill('SIGKILL');
  await api?.close();
});

test('list -w: the table first, with headers', async () => {
  await until('the first table', () => rows().length >= 2);
  assert.match(rows()[0]!, /^NAMESPACE\s+ROUTE\s+HOSTNAME\s+ADDRESSES/);
  assert.match(rows()[1]!, /^shop\s+HTTPRoute\/shop\s+shop\.local\s+10\.0\.0\.10\s+infra\/gw\s+\S+\s+Ready$/);
});

test('list -w: a new route is one more row, without headers', async () => {
  const before = rows().length;
  api.apply(httpRoute('blog', 'blog', ['blog.local']) as never);
  await until('the blog row', () => rows().length > before);
  assert.match(rows()[before]!, /^blog\s+HTTPRoute\/blog\s+blog\.local\s+10\.0\.0\.10\s+infra\/gw\s+\S+\s+Ready$/);
  assert.ok(
    !rows()
      .slice(1)
      .some((r) => r.startsWith('NAMESPACE')),
    'headers only once',
  );
});

test('list -w: a gateway address change re-prints the rows it affects; a deleted route says so', async () => {
  let before = rows().length;
  api.apply(gateway('infra', 'gw', { addresses: ['10.0.0.11'] }) as never);
  await until('two changed rows', () => rows().length >= before + 2);
  assert.deepEqual(
    rows()
      .slice(before)
      .map((r) => r.split(/\s+/).slice(1, 4).join(' '))
      .sort(),
    ['HTTPRoute/blog blog.local 10.0.0.11', 'HTTPRoute/shop shop.local 10.0.0.11'],
  );
  before = rows().length;
  api.delete('HTTPRoute', 'blog', 'blog');
  await until('the deleted row', () => rows().length > before);
  assert.match(rows()[before]!, /^blog\s+HTTPRoute\/blog\s+blog\.local\s+<none>.*Skipped: deleted$/);
});

test('list -w: SIGINT ends it with exit code 0', async () => {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});
