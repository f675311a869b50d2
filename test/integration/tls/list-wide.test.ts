// `list -o wide` TLS column and `tls` in JSON items (issue 12), for fixtures built to be each
// status: a certificate from a CA this machine trusts (NODE_EXTRA_CA_CERTS), one from a CA it
// does not, one for another name, one expired, a missing Secret, and an HTTP binding ("-").
// The Secrets come from -f files; then the same through the API double.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRootCA, issueLeaf } from '../../../src/tls/x509.js';
import { ApiServerDouble } from '../../support/apiserver.js';
import { cliEnv, gateway, httpRoute, PLUGIN, tempDir } from '../../support/e2e.js';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PLUGIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const DAY = 86_400_000;

describe('list -o wide: the TLS column', { timeout: 120_000 }, () => {
  const tmp = tempDir('tls-list');
  const objects: unknown[] = [];
  let env: NodeJS.ProcessEnv;
  let api: ApiServerDouble;

  before(async () => {
    const trusted = await createRootCA({ who: 'trusted@test' });
    const other = await createRootCA({ who: 'other@test' });
    const caFile = join(tmp.dir, 'trusted-ca.pem');
    writeFileSync(caFile, trusted.certPem);
    env = cliEnv({ NODE_EXTRA_CA_CERTS: caFile });
    const leaf = async (ca: typeof trusted, names: string[], now = new Date()) => {
      const l = await issueLeaf({ caCertPem: ca.certPem, caKey: ca.key, hostnames: names, days: 90, who: 'test', now });
      return { 'tls.crt': Buffer.from(l.certPem + ca.certPem).toString('base64'), 'tls.key': Buffer.from(l.key.pem()).toString('base64') };
    };
    const secret = (name: string, data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { namespace: 'infra', name },
      type: 'kubernetes.io/tls',
      data,
    });
    const cases: [string, string, Record<string, string> | undefined][] = [
      ['good', 'good.local', await leaf(trusted, ['good.local'])],
      ['untrusted', 'untrusted.local', await leaf(other, ['untrusted.local'])],
      ['wrong', 'wrong.local', await leaf(trusted, ['elsewhere.local'])],
      ['old', 'old.local', await leaf(trusted, ['old.local'], new Date(Date.now() - 200 * DAY))],
      ['missing', 'missing.local', undefined],
    ];
    for (const [name, host, data] of cases) {
      objects.push(
        gateway('infra', `gw-${name}`, {
          addresses: ['10.0.0.1'],
          listeners: [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: `${name}-cert` }] } } as never],
        }),
      );
      objects.push(httpRoute('web', name, [host], { namespace: 'infra', name: `gw-${name}` }));
      if (data) objects.push(secret(`${name}-cert`, data));
    }
    objects.push(gateway('infra', 'gw-http', { addresses: ['10.0.0.2'] }));
    objects.push(httpRoute('web', 'plain', ['plain.local'], { namespace: 'infra', name: 'gw-http' }));
    writeFileSync(join(tmp.dir, 'all.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    api = await ApiServerDouble.start();
    for (const o of objects) api.apply(o as never);
  });
  after(async () => {
    await api?.close();
    tmp.remove();
  });

  const expected: Record<string, RegExp> = {
    'good.local': /^trusted$/,
    'untrusted.local': /^untrusted: issuer kubectl-mdns other@test is not trusted here/,
    'wrong.local': /^wrong name$/,
    'old.local': /^expired$/,
    'missing.local': /^no secret$/,
    'plain.local': /^-$/,
  };

  function tlsColumn(stdout: string): Record<string, string> {
    const lines = stdout.trimEnd().split('\n');
    const header = lines[0]!;
    const at = header.indexOf('TLS');
    const status = header.indexOf('STATUS');
    assert.ok(at > 0 && status > at, header);
    const out: Record<string, string> = {};
    for (const l of lines.slice(1)) out[l.split(/\s+/)[2]!] = l.slice(at, status).trim();
    return out;
  }

  test('-f: trusted / untrusted / wrong name / expired / no secret / -', async () => {
    const r = await cli(['list', '-f', join(tmp.dir, 'all.json'), '-o', 'wide'], env);
    assert.equal(r.code, 0, r.stderr);
    const col = tlsColumn(r.stdout);
    for (const [host, re] of Object.entries(expected)) assert.match(col[host] ?? '', re, `${host}: ${col[host]}`);
  });

  test('without NODE_EXTRA_CA_CERTS the same certificate is untrusted (the CA exists but is not installed)', async () => {
    const { NODE_EXTRA_CA_CERTS: _drop, ...bare } = env;
    const r = await cli(['list', '-f', join(tmp.dir, 'all.json'), '-o', 'wide'], bare);
    assert.match(tlsColumn(r.stdout)['good.local'] ?? '', /^untrusted: issuer kubectl-mdns trusted@test is not trusted here/);
  });

  test('cluster: -o json items carry tls {status, issuer, notAfter, reason}; HTTP items none', async () => {
    const r = await cli(['list', '--kubeconfig', api.writeKubeconfig(), '-o', 'json'], env);
    assert.equal(r.code, 0, r.stderr);
    const items = (
      JSON.parse(r.stdout) as { items: { hostname: string; tls?: { status: string; issuer: string | null; notAfter: string | null; reason: string } }[] }
    ).items;
    const by = Object.fromEntries(items.map((i) => [i.hostname, i.tls]));
    assert.deepEqual(Object.fromEntries(Object.entries(by).map(([h, t]) => [h, t?.status])), {
      'good.local': 'trusted',
      'missing.local': 'no-secret',
      'old.local': 'expired',
      'plain.local': undefined,
      'untrusted.local': 'untrusted',
      'wrong.local': 'wrong-name',
    });
    assert.match(by['good.local']!.issuer!, /CN=kubectl-mdns trusted@test/);
    assert.ok(Date.parse(by['good.local']!.notAfter!) > Date.now());
  });
});
