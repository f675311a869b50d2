// examples/README.md promises a table of rows for `list -f examples/`; this keeps the files
// and the table honest.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadManifests } from '../../../src/cluster/files.js';
import { computeBindings } from '../../../src/bindings/compute.js';
import { assertStatusSemantics, row } from './fixtures.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

async function list(zones: string[] = [], anyPort = false) {
  const { objects, warnings } = await loadManifests([EXAMPLES]);
  assert.deepEqual(warnings, []);
  const result = computeBindings(objects, { zones, anyPort });
  assertStatusSemantics(result.bindings);
  assert.deepEqual(result.warnings, []);
  return result.bindings.map((b) => `${b.route.kind} ${b.route.namespace}/${b.route.name} ${row(b)}`);
}

describe('examples/', () => {
  it('list with no flags shows the README table', async () => {
    assert.deepEqual(await list(), [
      // Issue 13: apps.yaml's Services (one annotated LoadBalancer, one annotated ClusterIP, one
      // not annotated: no row) and platform.yaml's annotated TCPRoute.
      'Service apps/internal-api internal-api.local Skipped - - - -',
      'Service apps/whoami whoami.local Ready - - 80 mdns',
      'GRPCRoute blog/comments comments.local Ready infra/gw-main https 443 mdns',
      'HTTPRoute blog/blog blog.local Ready infra/gw-main http 80 mdns',
      'HTTPRoute blog/blog-static static.blog.local Ready infra/gw-main https 443 mdns',
      'HTTPRoute legacy/metrics metrics.local Skipped infra/gw-alt - - -',
      'HTTPRoute legacy/old-app old-app.local Skipped infra/gw-main - - -',
      'HTTPRoute legacy/public www.example.com Skipped infra/gw-main https 443 -',
      'HTTPRoute legacy/reports monthly_reports.local Skipped infra/gw-main - - -',
      'Ingress legacy/wiki wiki.local Ready - - 443 mdns',
      'HTTPRoute platform/grafana *.apps.dev.k8s Skipped infra/gw-main https 443 -',
      'HTTPRoute platform/grafana grafana.dev.k8s Skipped infra/gw-main https 443 -',
      'TCPRoute platform/redis redis.local Ready infra/gw-tls redis 6379 mdns',
      'TLSRoute platform/postgres pg.db.local Ready infra/gw-tls tls 443 mdns',
      'HTTPRoute shop/shop shop-api.local Ready infra/gw-main https 443 mdns',
      'HTTPRoute shop/shop shop.local Ready infra/gw-main https 443 mdns',
      'HTTPRoute shop/shop-admin admin.shop.local Skipped infra/gw-main - - -',
      'HTTPRoute staging/preview preview.local Pending infra/gw-staging http 80 mdns',
      'HTTPRoute team-a/portal portal.local Ready infra/gw-edge http 80 mdns',
      'HTTPRoute team-a/portal portal.local Ready infra/gw-main https 443 mdns',
      'HTTPRoute team-b/docs docs.local Ready infra/gw-main docs-https 443 mdns',
      'HTTPRoute team-c/intranet intranet.local Skipped infra/gw-edge - - -',
    ]);
  });

  it('--zone dev.k8s publishes the dev.k8s names (the wildcard too) by unicast', async () => {
    const rows = await list(['dev.k8s']);
    assert.ok(rows.includes('HTTPRoute platform/grafana *.apps.dev.k8s Ready infra/gw-main https 443 unicast'));
    assert.ok(rows.includes('HTTPRoute platform/grafana grafana.dev.k8s Ready infra/gw-main https 443 unicast'));
    assert.ok(rows.includes('HTTPRoute legacy/public www.example.com Skipped infra/gw-main https 443 -'));
  });

  it('--any-port publishes metrics.local on 8080', async () => {
    assert.ok((await list([], true)).includes('HTTPRoute legacy/metrics metrics.local Ready infra/gw-alt http-alt 8080 mdns'));
  });
});
