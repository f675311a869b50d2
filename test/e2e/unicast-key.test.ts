// The TSIG key through the real command line (plugin/kubectl-mdns, yargs included) against a
// real BIND 9: a `tsig-keygen -a hmac-sha512` key file is all it takes (its name and algorithm
// are used: --tsig-algorithm has no hidden default), an explicit --tsig-algorithm that
// disagrees with the file is an error, and no failure prints the secret, with -v or as JSON.
//
// `serve --no-mdns -f`: unicast only, from manifests, so nothing multicasts and no cluster is
// needed; named listens on 127.0.0.1 only, so this runs in the test host's namespace and no
// packet leaves the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Named, freePort } from '../support/named.js';
import { PLUGIN, cliEnv, gateway, httpRoute, tempDir, writeManifest } from '../support/e2e.js';
import { assertNoSecretIn } from '../support/secret.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI to completion; the bound only stops a broken run from hanging the suite. */
function cli(args: string[], boundMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PLUGIN, ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubectl-mdns ${args.join(' ')} did not finish:\n${stderr}`));
    }, boundMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A running serve: waits for a stderr line, stops with SIGTERM. */
function serve(args: string[]): { child: ChildProcess; stderr(): string; waitFor(pattern: RegExp, boundMs?: number): Promise<void>; stop(): Promise<Run> } {
  const child = spawn(process.execPath, [PLUGIN, 'serve', ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    async waitFor(pattern, boundMs = 20_000) {
      const until = Date.now() + boundMs;
      while (!pattern.test(stderr)) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`serve did not print ${pattern}:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await closed;
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
  };
}

/** The message of the one error line of a failed run (`error: …`, or its JSON line). */
function errorMessage(r: Run): string {
  const text = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('error: '))
    .map((l) => l.slice('error: '.length));
  const json = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { kind: string; source: string; message: string })
    // The line the exit code comes with (a sink may have reported the same failure as an event).
    .filter((e) => e.kind === 'error' && e.source === 'kubectl-mdns')
    .map((e) => e.message);
  const all = [...text, ...json];
  assert.equal(all.length, 1, `one error line:\n${r.stderr}`);
  return all[0]!;
}

const tmp = tempDir('flags-unicast-key');
test.after(() => tmp.remove());
const manifest = writeManifest(join(tmp.dir, 'routes.json'), [
  gateway('infra', 'gw', { addresses: ['10.9.0.1'] }),
  httpRoute('apps', 'shop', ['shop.dev.k8s', 'www.dev.k8s']),
]);
const unicastOnly = (port: number) => ['--no-mdns', '-f', manifest, '--zone', 'dev.k8s', '--dns-server', `127.0.0.1:${port}`];

test('serve with only a tsig-keygen hmac-sha512 key file: its name and algorithm are used and BIND accepts the updates', async () => {
  const named = await Named.start({ algorithm: 'hmac-sha512', keyName: 'flags-sha512-key' });
  try {
    assert.match(named.key.clause ?? '', /algorithm hmac-sha512;/);
    const keyFile = join(tmp.dir, 'sha512.key');
    writeFileSync(keyFile, named.key.clause!, { mode: 0o600 });
    const s = serve([...unicastOnly(named.port), '--tsig-secret-file', keyFile]);
    try {
      await s.waitFor(/serving 2 names/);
      // No context with -f: the documented default owner, printed.
      assert.match(s.stderr(), /Update the unicast DNS server \(RFC 2136\): \d+ names in dev\.k8s \(owner kubectl-mdns\)/);
      assert.deepEqual(await named.lookup('shop.dev.k8s', 'A'), ['10.9.0.1']);
      assert.deepEqual(await named.lookup('www.dev.k8s', 'TXT'), ['"heritage=kubectl-mdns,owner=kubectl-mdns,resource=HTTPRoute/apps/shop"']);
    } finally {
      const r = await s.stop();
      assert.equal(r.code, 0, r.stderr);
      assertNoSecretIn(r.stdout + r.stderr, named.secretBuffer, 'serve');
    }

    // --tsig-algorithm given: it must agree with the file.
    const mismatch = await cli(['serve', ...unicastOnly(named.port), '--tsig-secret-file', keyFile, '--tsig-algorithm', 'hmac-sha256']);
    assert.equal(mismatch.code, 2, mismatch.stderr);
    assert.equal(errorMessage(mismatch), '--tsig-algorithm hmac-sha256 does not match algorithm hmac-sha512 in --tsig-secret-file: drop one of them');
    assertNoSecretIn(mismatch.stdout + mismatch.stderr, named.secretBuffer, 'the mismatch error');
    // Given and agreeing: fine (checked without starting: a bad zone flag ends the run first).
    const agreeing = await cli(['serve', ...unicastOnly(named.port), '--tsig-secret-file', keyFile, '--tsig-algorithm', 'hmac-sha512', '--unicast-ttl', '-1']);
    assert.match(errorMessage(agreeing), /^--unicast-ttl -1 is not a TTL/);
  } finally {
    await named.dispose();
  }
});

test('every failure through the CLI, with -v and as JSON lines, prints no secret', async () => {
  const named = await Named.start({ algorithm: 'hmac-sha512', keyName: 'flags-sha512-key' });
  const refusing = await Named.start({ algorithm: 'hmac-sha512', keyName: 'flags-sha512-key', allowUpdate: 'none' });
  const sockets = new Set<Socket>();
  const silent = createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
  });
  const silentPort = await freePort();
  await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
  try {
    const file = (name: string, text: string) => {
      const p = join(tmp.dir, name);
      writeFileSync(p, text, { mode: 0o600 });
      return p;
    };
    const good = file('good.key', named.key.clause!);
    const refusingKey = file('refusing.key', refusing.key.clause!);
    const wrongSecret = Buffer.alloc(64, 0x42);
    const wrong = file('wrong.key', named.key.clause!.replace(named.key.secret, wrongSecret.toString('base64')));
    const unknown = file('unknown.key', named.key.clause!.replace(`key "${named.key.name}"`, 'key "nobody"'));
    const noSecret = file('nosecret.key', named.key.clause!.replace(/\s*secret "[^"]*";/, ''));
    // Broken base64 around a real secret: the message must not repeat the value.
    const badBase64 = file('bad.key', named.key.clause!.replace(named.key.secret, `*${named.key.secret}*`));

    const cases: { what: string; port: number; key: string; error: RegExp; secret: Buffer }[] = [
      { what: 'wrong secret (BADSIG)', port: named.port, key: wrong, error: /BADSIG/, secret: wrongSecret },
      {
        what: 'unknown key (BADKEY)',
        port: named.port,
        key: unknown,
        error: /does not know TSIG key "nobody" with algorithm hmac-sha512 \(BADKEY\)/,
        secret: named.secretBuffer,
      },
      {
        what: 'update refused (REFUSED)',
        port: refusing.port,
        key: refusingKey,
        error: /answered REFUSED to an update of zone dev\.k8s/,
        secret: refusing.secretBuffer,
      },
      { what: 'nothing listening', port: await freePort(), key: good, error: /refused the TCP connection/, secret: named.secretBuffer },
      { what: 'no answer', port: silentPort, key: good, error: /did not answer within 3s/, secret: named.secretBuffer },
      { what: 'key clause without a secret', port: named.port, key: noSecret, error: /has a key clause without a secret/, secret: named.secretBuffer },
      { what: 'secret not base64', port: named.port, key: badBase64, error: /is not valid base64/, secret: named.secretBuffer },
    ];
    for (const c of cases) {
      for (const format of [[], ['--log-format', 'json']]) {
        const r = await cli(['serve', ...unicastOnly(c.port), '--tsig-secret-file', c.key, '-v', ...format]);
        const what = `${c.what}${format.length ? ' (JSON)' : ''}`;
        assert.equal(r.code, 2, `${what}:\n${r.stderr}`);
        assert.match(errorMessage(r), c.error, what);
        if (format.length) assert.match(r.stderr, /"stack":/, `${what}: -v adds the stack`);
        else assert.match(r.stderr, /^\s+at /m, `${what}: -v adds the stack`);
        assertNoSecretIn(r.stdout + r.stderr, c.secret, what);
        assertNoSecretIn(r.stdout + r.stderr, named.secretBuffer, `${what} (the server's key)`);
      }
    }
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await named.dispose();
    await refusing.dispose();
  }
});
