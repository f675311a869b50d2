// `kubectl mdns serve -f DIR`: the manifests are the cluster, so editing them is an event.
// The real CLI runs in namespace A; dig (legacy unicast, RFC 6762 §6.7) asks from namespace B.
// Checks: an edited address is served after the save, a broken file keeps the last good state
// with a warning, a deleted route's name goes away and comes back when its file does, and a
// hang-up (SIGHUP: the terminal closed) says goodbye and exits 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPair, hasNetns, type NetnsPair } from '../support/netns.js';
import { type ServeProcess, digMdns, eventually, gateway, httpRoute, startServe, tempDir, writeManifest } from '../support/e2e.js';

const skip = hasNetns() ? false : 'needs root and Linux network namespaces';

describe('kubectl mdns serve -f: manifest edits are events (e2e, network namespaces)', { skip, timeout: 120_000 }, () => {
  let pair: NetnsPair;
  let serve: ServeProcess | undefined;
  const tmp = tempDir('e2e-serve-files');
  const gwFile = join(tmp.dir, 'gateway.json');
  const shopFile = join(tmp.dir, 'shop.json');
  const blogFile = join(tmp.dir, 'blog.json');

  before(async () => {
    pair = await createPair('sf', 205);
    writeManifest(gwFile, [gateway('infra', 'gw', { addresses: ['10.0.0.10'] })]);
    writeManifest(shopFile, [httpRoute('shop', 'shop', ['shop.local'])]);
    writeManifest(blogFile, [httpRoute('blog', 'blog', ['blog.local'])]);
    serve = startServe(pair, pair.a, ['-f', tmp.dir, '--interface', pair.ifA]);
    await serve.waitForLine(/serving 2 names/, 20_000);
  });

  after(async () => {
    await serve?.stop('SIGKILL');
    await pair?.destroy();
    tmp.remove();
  });

  const ask = (name: string) => digMdns(pair, pair.b, pair.ipA, name, 'A');

  test('both names are served from the files', async () => {
    assert.deepEqual(await ask('shop.local'), ['10.0.0.10']);
    assert.deepEqual(await ask('blog.local'), ['10.0.0.10']);
  });

  test('an edited gateway address is served after the save, and reported as a change', async () => {
    const from = serve!.lines.length;
    writeManifest(gwFile, [gateway('infra', 'gw', { addresses: ['10.0.0.11'] })]);
    await eventually(
      'shop.local moves to 10.0.0.11',
      () => ask('shop.local'),
      (a) => a.join() === '10.0.0.11',
      10_000,
    );
    await serve!.waitForLine(/^~ serve: shop\.local 10\.0\.0\.11 .*\(was 10\.0\.0\.10\)/, 5_000, from);
  });

  test('a broken file keeps the last good state, with a warning', async () => {
    const from = serve!.lines.length;
    writeFileSync(shopFile, '{"kind": "HTTPRoute", "metadata": {');
    await serve!.waitForLine(/^! files: .*shop\.json.*still serving the last good manifests/, 10_000, from);
    assert.deepEqual(await ask('shop.local'), ['10.0.0.11']);
    writeManifest(shopFile, [httpRoute('shop', 'shop', ['shop.local'])]);
  });

  test('a deleted route file takes its name off the link (goodbye)', async () => {
    const from = serve!.lines.length;
    rmSync(blogFile);
    await serve!.waitForLine(/^- serve: blog\.local /, 10_000, from);
    await eventually(
      'blog.local no longer answered',
      () => ask('blog.local'),
      (a) => a.length === 0,
      10_000,
    );
    assert.deepEqual(await ask('shop.local'), ['10.0.0.11']);
  });

  test('a file written again brings its name back', async () => {
    const from = serve!.lines.length;
    writeManifest(blogFile, [httpRoute('blog', 'blog', ['blog.local'])]);
    await serve!.waitForLine(/^\+ serve: blog\.local 10\.0\.0\.11/, 10_000, from);
    await eventually(
      'blog.local answered again',
      () => ask('blog.local'),
      (a) => a.join() === '10.0.0.11',
      10_000,
    );
  });

  test('SIGHUP (the terminal went away): goodbye and exit 0', async () => {
    const { code, ms } = await serve!.stop('SIGHUP');
    assert.equal(code, 0);
    assert.ok(ms < 2000, `exited in ${ms} ms`);
    assert.ok(serve!.lines.some((l) => /SIGHUP: saying goodbye/.test(l)));
    serve = undefined;
  });
});
