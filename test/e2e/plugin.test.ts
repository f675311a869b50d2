// The plugin path: the real kubectl (1.32) finds plugin/kubectl-mdns on PATH and runs it as
// `kubectl mdns …`, passing every later argument through. Against -f files and against the API
// server double (TLS + bearer token: kubectl-style token auth), run inside a network namespace
// with the double in the same namespace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { type ApiDouble, PLUGIN, ROOT, cliEnv, gateway, httpRoute, pluginPath, runIn, runKubectl, startApiDouble, tempDir } from '../support/e2e.js';

const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));
const skip = !kubectl ? 'kubectl is not installed' : !hasNetns() ? 'needs root and Linux network namespaces' : false;

const OBJECTS = [
  gateway('infra', 'gw', { addresses: ['172.18.0.10', 'fd00::10'], listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }] }),
  gateway('infra', 'bare'),
  httpRoute('shop', 'shop', ['shop.local']),
  httpRoute('blog', 'blog', ['blog.local'], { namespace: 'infra', name: 'bare' }),
];

describe('kubectl mdns through the real kubectl (e2e)', { skip, timeout: 60_000 }, () => {
  let pair: NetnsPair;
  let api: ApiDouble;
  const tmp = tempDir('e2e-plugin');
  const home = join(tmp.dir, 'home');

  before(async () => {
    pair = await createPair('pl', 203);
    api = await startApiDouble(pair, pair.a, OBJECTS, join(tmp.dir, 'api'));
  });

  after(async () => {
    await api?.stop();
    await pair?.destroy();
    tmp.remove();
  });

  test('kubectl plugin list shows kubectl-mdns from plugin/ on PATH', () => {
    const env = { ...cliEnv({}, home), PATH: pluginPath('/usr/bin:/bin') };
    const r = spawnSync(kubectl!, ['plugin', 'list'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stdout, new RegExp(`^${PLUGIN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), `${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /kubectl-mdns.*(not executable|overshadowed)/);
  });

  test('kubectl mdns list -f examples/ works, flags after the plugin name pass through', async () => {
    const r = await runKubectl(pair, pair.a, ['mdns', 'list', '-f', join(ROOT, 'examples')], { env: cliEnv({}, home) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAMESPACE\s+ROUTE\s+HOSTNAME/m);
    assert.match(r.stdout, /^shop\s+HTTPRoute\/shop\s+shop\.local\s+172\.18\.0\.10,fc00:f853:ccd:e793::10\s+infra\/gw-main\s+https:443\s+Ready/m);
    const json = await runKubectl(pair, pair.a, ['mdns', 'list', '-f', join(ROOT, 'examples'), '-nshop', '-ojson'], { env: cliEnv({}, home) });
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout) as { kind: string; items: { hostname: string; status: string }[] };
    assert.equal(out.kind, 'BindingList');
    assert.deepEqual([...new Set(out.items.map((i) => i.hostname))].sort(), ['admin.shop.local', 'shop-api.local', 'shop.local']);
  });

  test('kubectl mdns list --kubeconfig <double> prints the bindings (bearer token over TLS)', async () => {
    const r = await runKubectl(pair, pair.a, ['mdns', 'list', '--kubeconfig', api.kubeconfig, '-o', 'json'], { env: cliEnv({}, home) });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { context: string; items: Record<string, unknown>[] };
    assert.equal(out.context, 'double');
    const pick = (i: Record<string, unknown>) => ({ hostname: i['hostname'], addresses: i['addresses'], status: i['status'], port: i['port'], url: i['url'] });
    assert.deepEqual(out.items.map(pick), [
      { hostname: 'blog.local', addresses: [], status: 'Pending', port: 80, url: 'http://blog.local/' },
      { hostname: 'shop.local', addresses: ['172.18.0.10', 'fd00::10'], status: 'Ready', port: 443, url: 'https://shop.local/' },
    ]);
    const requests = ((await api.admin('requests')) as { items: { path: string; token?: string }[] }).items;
    const listed = requests.filter((q) => q.path.includes('/httproutes'));
    assert.ok(listed.length > 0, 'routes were listed from the double');
    for (const q of requests.filter((x) => !x.path.startsWith('/_admin')))
      assert.equal(q.token, api.token, `every API request carries the bearer token: ${q.path}`);

    const table = await runKubectl(pair, pair.a, ['mdns', 'list', '--kubeconfig', api.kubeconfig], { env: cliEnv({}, home) });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^shop\s+HTTPRoute\/shop\s+shop\.local\s+172\.18\.0\.10,fd00::10\s+infra\/gw\s+https:443\s+Ready$/m);
  });

  test('kubectl mdns diff -f examples/ in a quiet namespace: everything to add, exit 1', async () => {
    const r = await runKubectl(pair, pair.a, ['mdns', 'diff', '-f', join(ROOT, 'examples'), '--timeout', '0.5'], { env: cliEnv({}, home) });
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^\+ shop\.local A 172\.18\.0\.10\s+# HTTPRoute\/shop\/shop$/m);
    assert.match(r.stdout, /^Summary: \d+ to add, 0 to remove, 0 to change, 0 in conflict, 0 unchanged\.$/m);
    assert.equal(dirname(PLUGIN), join(ROOT, 'plugin'));
    const y = await runKubectl(pair, pair.a, ['mdns', 'diff', '-f', join(ROOT, 'examples'), '--timeout', '0.5', '-oyaml'], { env: cliEnv({}, home) });
    assert.equal(y.code, 1, y.stderr);
    const doc = yaml.load(y.stdout) as { kind: string; changes: { action: string; name: string }[]; summary: { add: number } };
    assert.equal(doc.kind, 'DNSDiff');
    assert.ok(doc.changes.every((c) => c.action === 'add'));
    assert.equal(doc.summary.add, new Set(doc.changes.map((c) => c.name)).size);
    assert.match(r.stdout, new RegExp(`^Summary: ${doc.summary.add} to add,`, 'm'), 'text and YAML agree');
  });

  test('diff colors its lines on a TTY only, and never with NO_COLOR', {
    skip: existsSync('/usr/bin/script') ? false : 'needs script(1) for a pseudo-terminal',
  }, async () => {
    const cmd = `${process.execPath} ${PLUGIN} diff -f ${join(ROOT, 'examples')} --timeout 0.3`;
    const env = cliEnv({}, home);
    delete env['NO_COLOR'];
    const tty = await runIn(pair, pair.a, '/usr/bin/script', ['-qec', cmd, '/dev/null'], { env });
    assert.equal(tty.code, 1, tty.stdout);
    assert.match(tty.stdout, /\x1b\[32m\+ shop\.local A 172\.18\.0\.10/, 'green + on a terminal');
    const noColor = await runIn(pair, pair.a, '/usr/bin/script', ['-qec', cmd, '/dev/null'], { env: { ...env, NO_COLOR: '1' } });
    assert.match(noColor.stdout, /^\+ shop\.local A 172\.18\.0\.10/m);
    assert.doesNotMatch(noColor.stdout, /\x1b\[/, 'NO_COLOR wins over a terminal');
  });
});
