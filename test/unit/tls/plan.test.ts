// Which Secrets `tls` looks after and what it does to each (issue 12), as pure functions:
// HTTPS and TLS-Terminate listeners with Ready bindings only; the listener's wildcard as a SAN;
// cross-namespace certificateRefs only with a ReferenceGrant; ownership by label + annotation;
// re-issue on changed names, another CA, or past 2/3 of the lifetime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBindings } from '../../../src/bindings/compute.js';
import type { ClusterObjects } from '../../../src/gateway-api/objects.js';
import type { ReferenceGrant, Secret } from '../../../src/cluster/secrets.js';
import { ensureCA } from '../../../src/tls/ca.js';
import { buildSecret, decideSecret } from '../../../src/tls/plan.js';
import { tlsTargets, type TlsTarget } from '../../../src/tls/targets.js';
import { issueLeaf } from '../../../src/tls/x509.js';
import { tempDir } from '../../support/e2e.js';

const DAY = 86_400_000;

function objects(listeners: unknown[], routes: { ns: string; name: string; hosts: string[]; section?: string }[]): ClusterObjects {
  return {
    gateways: [
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { namespace: 'infra', name: 'gw' },
        spec: { gatewayClassName: 'x', listeners: listeners as never },
        status: { addresses: [{ type: 'IPAddress', value: '10.0.0.1' }] },
      },
    ],
    listenerSets: [],
    namespaces: [],
    ingresses: [],
    services: [],
    routes: routes.map((r) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: r.section === 'tls' || r.section === 'pass' ? 'TLSRoute' : 'HTTPRoute',
      metadata: { namespace: r.ns, name: r.name },
      spec: { parentRefs: [{ namespace: 'infra', name: 'gw', ...(r.section ? { sectionName: r.section } : {}) }], hostnames: r.hosts },
    })),
  };
}

const all = { namespaces: { from: 'All' } };

function targetsOf(objs: ClusterObjects, grants: ReferenceGrant[] = []): TlsTarget[] {
  return tlsTargets(objs, computeBindings(objs, { zones: [], anyPort: false }).bindings, grants);
}

test('targets: HTTPS and TLS Terminate listeners with Ready bindings; Passthrough and HTTP are not ours; the wildcard listener hostname is a SAN', () => {
  const objs = objects(
    [
      { name: 'https', port: 443, protocol: 'HTTPS', hostname: '*.apps.local', allowedRoutes: all, tls: { certificateRefs: [{ name: 'apps-cert' }] } },
      { name: 'tls', port: 8443, protocol: 'TLS', allowedRoutes: all, tls: { mode: 'Terminate', certificateRefs: [{ name: 'db-cert' }] } },
      { name: 'pass', port: 9443, protocol: 'TLS', allowedRoutes: all, tls: { mode: 'Passthrough' } },
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: all },
    ],
    [
      { ns: 'a', name: 'shop', hosts: ['shop.apps.local', 'cart.apps.local'], section: 'https' },
      { ns: 'a', name: 'db', hosts: ['db.local'], section: 'tls' },
      { ns: 'a', name: 'raw', hosts: ['raw.local'], section: 'pass' },
      { ns: 'a', name: 'plain', hosts: ['plain.local'], section: 'http' },
    ],
  );
  const t = targetsOf(objs);
  assert.deepEqual(
    t.map((x) => [x.listener, `${x.secret?.namespace}/${x.secret?.name}`, x.hostnames, x.problem]),
    [
      ['https', 'infra/apps-cert', ['cart.apps.local', 'shop.apps.local', '*.apps.local'], undefined],
      ['tls', 'infra/db-cert', ['db.local'], undefined],
    ],
  );
});

test("targets: a cross-namespace certificateRef needs a ReferenceGrant in the Secret's namespace", () => {
  const objs = objects(
    [{ name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: all, tls: { certificateRefs: [{ name: 'c', namespace: 'certs' }] } }],
    [{ ns: 'a', name: 'shop', hosts: ['shop.local'] }],
  );
  const [refused] = targetsOf(objs);
  assert.match(refused!.problem!, /crosses namespaces and no ReferenceGrant in certs allows Gateway from infra/);
  const grant = (fromNs: string, name?: string): ReferenceGrant => ({
    kind: 'ReferenceGrant',
    metadata: { namespace: 'certs', name: 'g' },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: fromNs }],
      to: [{ group: '', kind: 'Secret', ...(name ? { name } : {}) }],
    },
  });
  assert.equal(targetsOf(objs, [grant('infra')])[0]!.problem, undefined);
  assert.equal(targetsOf(objs, [grant('infra', 'c')])[0]!.problem, undefined);
  assert.ok(targetsOf(objs, [grant('other')])[0]!.problem);
  assert.ok(targetsOf(objs, [grant('infra', 'not-c')])[0]!.problem);
});

test('targets: no certificateRefs → the fix; a non-Secret ref → why', () => {
  const bare = targetsOf(objects([{ name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: all }], [{ ns: 'a', name: 's', hosts: ['s.local'] }]));
  assert.match(bare[0]!.problem!, /no tls\.certificateRefs; add to it: tls: \{mode: Terminate, certificateRefs: \[\{kind: Secret, name: gw-https-tls\}\]\}/);
  const cm = targetsOf(
    objects(
      [
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          allowedRoutes: all,
          tls: { certificateRefs: [{ group: 'cert-manager.io', kind: 'Certificate', name: 'x' }] },
        },
      ],
      [{ ns: 'a', name: 's', hosts: ['s.local'] }],
    ),
  );
  assert.match(cm[0]!.problem!, /Certificate in group "cert-manager.io": only core Secrets are written/);
});

test('decide: create, unchanged, names changed, another CA, past 2/3, expired, foreign (and --force)', async () => {
  const tmp = tempDir('tls-plan');
  try {
    const { ca } = await ensureCA(`${tmp.dir}/a`);
    const { ca: other } = await ensureCA(`${tmp.dir}/b`);
    const target: TlsTarget = {
      gateway: { namespace: 'infra', name: 'gw' },
      owner: { kind: 'Gateway', namespace: 'infra', name: 'gw' },
      listener: 'https',
      label: 'https',
      hostnames: ['shop.local'],
      secret: { namespace: 'infra', name: 'c' },
    };
    const now = new Date();
    const secretFrom = async (by: typeof ca, names: string[], issuedAt = now): Promise<Secret> =>
      buildSecret(
        { ...target, hostnames: names },
        undefined,
        await issueLeaf({ caCertPem: by.certPem, caKey: by.key(), hostnames: names, days: 90, who: 't', now: issuedAt }),
        by,
      );
    const kind = async (s: Secret | undefined, at = now, force = false) => {
      const d = decideSecret(target, s, ca, at, { force });
      return `${d.kind}: ${d.reason}`;
    };
    assert.equal(await kind(undefined), 'create: no Secret yet');
    const mine = await secretFrom(ca, ['shop.local']);
    assert.equal(await kind(mine), 'unchanged: covers shop.local');
    assert.equal(await kind(await secretFrom(ca, ['shop.local', 'old.local'])), 'renew: names changed: -old.local');
    assert.equal(await kind(await secretFrom(other, ['shop.local'])), 'renew: issued by another CA');
    assert.equal(await kind(mine, new Date(now.getTime() + 61 * DAY)), 'renew: past 2/3 of its lifetime');
    assert.equal(await kind(mine, new Date(now.getTime() + 59 * DAY)), 'unchanged: covers shop.local');
    assert.equal(await kind(mine, new Date(now.getTime() + 91 * DAY)), 'renew: expired');
    const theirs: Secret = { ...mine, metadata: { name: 'c', namespace: 'infra', annotations: { 'cert-manager.io/certificate-name': 'shop' } } };
    assert.equal(await kind(theirs), 'foreign: owned by cert-manager (Certificate shop); not changed (use --force to replace it)');
    assert.match(await kind(theirs, now, true), /^renew: owned by cert-manager .*replaced \(--force\)$/);
    // The built Secret: kubernetes.io/tls, leaf + CA in tls.crt, our label and annotations; an
    // existing Secret keeps its other labels and its resourceVersion.
    const existing: Secret = { ...mine, metadata: { ...mine.metadata, resourceVersion: '42', labels: { ...mine.metadata!.labels, team: 'shop' } } };
    const rebuilt = buildSecret(
      target,
      existing,
      await issueLeaf({ caCertPem: ca.certPem, caKey: ca.key(), hostnames: ['shop.local'], days: 90, who: 't' }),
      ca,
    );
    assert.equal(rebuilt.metadata!.resourceVersion, '42');
    assert.equal(rebuilt.metadata!.labels!.team, 'shop');
    assert.equal(
      Buffer.from(rebuilt.data!['tls.crt']!, 'base64')
        .toString()
        .match(/BEGIN CERTIFICATE/g)!.length,
      2,
    );
  } finally {
    tmp.remove();
  }
});
