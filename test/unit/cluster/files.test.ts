// -f PATH: files, directories, stdin, multi-document YAML, JSON, List, and clear errors.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests } from '../../../src/cluster/files.js';
import { UserError } from '../../../src/util/errors.js';

let dir: string;
const at = (...p: string[]) => join(dir, ...p);
const noStdin = () => Promise.reject(new Error('stdin must not be read'));

const gatewayYaml = (name: string, ns?: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}${ns ? `\n  namespace: ${ns}` : ''}
spec:
  listeners:
    - name: http
      port: 80
      protocol: HTTP
`;
const routeYaml = (name: string, ns = 'shop') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hostnames: [${name}.local]
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubectl-mdns-files-'));
  await writeFile(
    at('multi.yaml'),
    [gatewayYaml('gw', 'infra'), routeYaml('shop'), '# only a comment\n', 'apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n'].join('---\n'),
  );
  await writeFile(
    at('route.json'),
    JSON.stringify({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'grpc', namespace: 'api' }, spec: {} }, null, '\t'),
  );
  await writeFile(
    at('list.yaml'),
    `apiVersion: v1
kind: List
items:
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: wiki, namespace: web}
  - apiVersion: v1
    kind: Namespace
    metadata: {name: web, labels: {team: docs}}
`,
  );
  await writeFile(
    at('typed-list.json'),
    JSON.stringify({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRouteList',
      items: [{ metadata: { name: 'from-list', namespace: 'shop' }, spec: {} }],
    }),
  );
  await mkdir(at('tree', 'b'), { recursive: true });
  await mkdir(at('tree', 'a'), { recursive: true });
  await writeFile(at('tree', 'b', 'r2.yml'), routeYaml('r2'));
  await writeFile(at('tree', 'a', 'r1.yaml'), routeYaml('r1'));
  await writeFile(at('tree', 'z.yaml'), routeYaml('r3'));
  await writeFile(at('tree', 'notes.txt'), 'not a manifest at all: {');
  await writeFile(at('tree', 'README.md'), '# hi');
  await writeFile(at('broken.yaml'), 'kind: Gateway\nmetadata:\n  name: gw\n   namespace: bad-indent\n');
  await writeFile(at('prose.yaml'), 'This is just some text, not a manifest.\n');
  await writeFile(at('broken.json'), '{"kind": "Gateway",}');
  await writeFile(at('binary.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  await writeFile(at('empty.yaml'), '');
  await writeFile(
    at('kinds.yaml'),
    [
      'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: istio-gw, namespace: istio}\n',
      'apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XListenerSet\nmetadata: {name: ls, namespace: team}\nspec: {parentRef: {name: gw}}\n',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: ls2, namespace: team}\n',
      'apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: tls}\nspec: {}\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n',
      'metadata: {name: no-kind}\n',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: dated, namespace: shop, annotations: {since: 2024-01-01, on: yes}}\n',
    ].join('---\n'),
  );
  await writeFile(at('dup-a.yaml'), routeYaml('same'));
  await writeFile(at('dup-b.yaml'), routeYaml('same').replace('same.local', 'other.local'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejectsWith(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.match(err.message, message);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return true;
  });
}

describe('loadManifests', () => {
  it('multi-document YAML: keeps our kinds, ignores others, skips comment-only documents', async () => {
    const { objects, warnings } = await loadManifests([at('multi.yaml')], noStdin);
    assert.deepEqual(
      objects.gateways.map((g) => g.metadata?.name),
      ['gw'],
    );
    assert.deepEqual(
      objects.routes.map((r) => `${r.kind} ${r.metadata?.namespace}/${r.metadata?.name}`),
      ['HTTPRoute shop/shop'],
    );
    assert.deepEqual(warnings, []);
  });

  it('JSON (tab-indented) file', async () => {
    const { objects } = await loadManifests([at('route.json')], noStdin);
    assert.deepEqual(
      objects.routes.map((r) => `${r.kind} ${r.metadata?.namespace}/${r.metadata?.name}`),
      ['GRPCRoute api/grpc'],
    );
  });

  it('kind: List items', async () => {
    const { objects } = await loadManifests([at('list.yaml')], noStdin);
    assert.deepEqual(
      objects.ingresses.map((i) => i.metadata?.name),
      ['wiki'],
    );
    assert.deepEqual(
      objects.namespaces.map((n) => n.metadata?.labels),
      [{ team: 'docs', 'kubernetes.io/metadata.name': 'web' }],
    );
  });

  it('a typed list (HTTPRouteList) whose items carry no kind', async () => {
    const { objects } = await loadManifests([at('typed-list.json')], noStdin);
    assert.deepEqual(
      objects.routes.map((r) => `${r.kind} ${r.metadata?.name}`),
      ['HTTPRoute from-list'],
    );
  });

  it('a directory: recursive, *.yaml/*.yml/*.json only, sorted', async () => {
    const { objects, warnings } = await loadManifests([at('tree')], noStdin);
    assert.deepEqual(
      objects.routes.map((r) => r.metadata?.name),
      ['r1', 'r2', 'r3'],
    );
    assert.deepEqual(warnings, []);
  });

  it('stdin with -, read once even if given twice', async () => {
    let reads = 0;
    const { objects } = await loadManifests(['-', '-'], async () => {
      reads++;
      return gatewayYaml('from-stdin', 'infra') + '---\n' + routeYaml('piped');
    });
    assert.equal(reads, 1);
    assert.deepEqual(
      objects.gateways.map((g) => g.metadata?.name),
      ['from-stdin'],
    );
    assert.deepEqual(
      objects.routes.map((r) => r.metadata?.name),
      ['piped'],
    );
  });

  it('stdin that is not YAML gives the same clear error', async () => {
    await rejectsWith(
      loadManifests(['-'], async () => 'a: b: c'),
      /^<stdin>: not a YAML or JSON manifest: /,
    );
  });

  it('files and directories mix, in the order given', async () => {
    const { objects } = await loadManifests([at('multi.yaml'), at('tree')], noStdin);
    assert.deepEqual(
      objects.routes.map((r) => r.metadata?.name),
      ['shop', 'r1', 'r2', 'r3'],
    );
  });

  it('kinds: Istio’s Gateway ignored; XListenerSet and ListenerSet kept; TLSRoute v1alpha2 kept; no kind warned', async () => {
    const { objects, warnings } = await loadManifests([at('kinds.yaml')], noStdin);
    assert.deepEqual(objects.gateways, []);
    assert.deepEqual(
      objects.listenerSets.map((l) => `${l.kind} ${l.metadata?.name}`),
      ['XListenerSet ls', 'ListenerSet ls2'],
    );
    assert.deepEqual(
      objects.routes.map((r) => `${r.kind} ${r.metadata?.namespace}/${r.metadata?.name}`),
      ['TLSRoute default/tls', 'HTTPRoute shop/dated'],
    );
    assert.match(warnings.join('\n'), /kinds\.yaml \(document 6\): an object without kind; skipped/);
  });

  it('keeps YAML values as the API server would (no Date objects)', async () => {
    const { objects } = await loadManifests([at('kinds.yaml')], noStdin);
    const dated = objects.routes.find((r) => r.metadata?.name === 'dated');
    assert.equal(dated?.metadata?.annotations?.since, '2024-01-01');
  });

  it('namespace defaults to "default"; referenced namespaces are synthesized with kubernetes.io/metadata.name', async () => {
    const { objects } = await loadManifests([at('kinds.yaml'), at('multi.yaml')], noStdin);
    const byName: Record<string, Record<string, string> | undefined> = Object.fromEntries(
      objects.namespaces.map((n) => [n.metadata?.name ?? '', n.metadata?.labels]),
    );
    assert.deepEqual(Object.keys(byName).sort(), ['default', 'infra', 'shop', 'team']);
    for (const [name, labels] of Object.entries(byName)) assert.equal(labels?.['kubernetes.io/metadata.name'], name);
  });

  it('a duplicate object: the later one wins, with a warning', async () => {
    const { objects, warnings } = await loadManifests([at('dup-a.yaml'), at('dup-b.yaml')], noStdin);
    assert.equal(objects.routes.length, 1);
    assert.deepEqual(objects.routes[0]?.spec?.hostnames, ['other.local']);
    assert.match(warnings.join(), /HTTPRoute shop\/same is also defined in .*dup-a\.yaml; the later definition wins/);
  });

  it('an empty file is a warning, not an error', async () => {
    const { warnings } = await loadManifests([at('empty.yaml')], noStdin);
    assert.match(warnings.join(), /empty\.yaml: no objects in it/);
  });

  const errors: [string, string, RegExp][] = [
    ['bad YAML: the parser’s first line', 'broken.yaml', /broken\.yaml: not a YAML or JSON manifest: bad indentation/],
    ['prose parses as a YAML string: still not a manifest', 'prose.yaml', /prose\.yaml: not a YAML or JSON manifest: it is a string, not an object/],
    ['a .json file that is not JSON', 'broken.json', /broken\.json: not a YAML or JSON manifest: .*JSON/],
    ['a binary file', 'binary.yaml', /binary\.yaml: not a YAML or JSON manifest: /],
    ['a text file given directly', join('tree', 'notes.txt'), /notes\.txt: not a YAML or JSON manifest: /],
  ];
  for (const [name, file, message] of errors) it(`error: ${name}`, () => rejectsWith(loadManifests([at(file)], noStdin), message));

  it('error: a missing path', () => rejectsWith(loadManifests([at('nope.yaml')], noStdin), /nope\.yaml: no such file or directory/));
});
