// The architecture check (.dependency-cruiser.cjs, `npm run lint:arch`) must be able to fail:
// a small pipeline tree written to a temp folder passes it, and the same tree plus one
// deliberately wrong import fails it with the rule that import breaks. The stage order is
// docs/design.md#pipeline. Folders that do not exist in src/ yet (tls, doctor, reconcile, dns,
// gateway-api) are in the tree, so the rules are checked for them too.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { repoRoot } from '../../support/repo.js';

const ROOT = repoRoot();
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

type Files = Record<string, string>;
interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** Every stage, sink, leaf and side command, each importing only what it may. */
const PIPELINE: Files = {
  'src/util/errors.ts': 'export const util = 1;\n',
  'src/dns/coder.ts': "import { util } from '../util/errors.js';\nexport const dns = util;\n",
  'src/gateway-api/kinds.ts': "import { util } from '../util/errors.js';\nexport const kinds = util;\n",
  'src/cluster/source.ts': "import { kinds } from '../gateway-api/kinds.js';\nexport const source = kinds;\n",
  'src/bindings/compute.ts':
    "import { source } from '../cluster/source.js';\nimport { kinds } from '../gateway-api/kinds.js';\nexport const bindings = source + kinds;\n",
  'src/records/desired.ts': "import { bindings } from '../bindings/compute.js';\nexport const records = bindings;\n",
  'src/plan/plan.ts': "import type { records } from '../records/desired.js';\nexport const plan = (r: typeof records): number => r;\n",
  'src/mdns/responder.ts': "import { plan } from '../plan/plan.js';\nimport { dns } from '../dns/coder.js';\nexport const mdns = plan(dns);\n",
  'src/unicast/sink.ts': "import { plan } from '../plan/plan.js';\nimport { dns } from '../dns/coder.js';\nexport const unicast = plan(dns);\n",
  'src/tls/sink.ts': "import { plan } from '../plan/plan.js';\nexport const tls = plan(1);\n",
  'src/reconcile/run.ts': [
    "import { source } from '../cluster/source.js';",
    "import { mdns } from '../mdns/responder.js';",
    "import { unicast } from '../unicast/sink.js';",
    "import { tls } from '../tls/sink.js';",
    'export const run = source + mdns + unicast + tls;',
    '',
  ].join('\n'),
  'src/doctor/check.ts':
    "import { mdns } from '../mdns/responder.js';\nimport { bindings } from '../bindings/compute.js';\nexport const doctor = mdns + bindings;\n",
  'src/cli/main.ts': "import { run } from '../reconcile/run.js';\nimport { doctor } from '../doctor/check.js';\nexport const main = run + doctor;\n",
  'test/support/double.ts': 'export const double = 2;\n',
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
    include: ['src/**/*.ts', 'test/**/*.ts'],
  }),
};

/** Runs the project's architecture check on the pipeline plus `extra` files; returns its violations. */
async function check(extra: Files): Promise<Violation[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tooling-arch-'));
  try {
    for (const [path, text] of Object.entries({ ...PIPELINE, ...extra })) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const options = await extractDepcruiseOptions(CONFIG);
    const result = await cruise(['src'], { ...options, baseDir: dir, validate: true }, undefined, {
      tsConfig: extractTSConfig(join(dir, 'tsconfig.json')),
    });
    const output = result.output as ICruiseResult;
    const sources = Object.keys(PIPELINE).filter((p) => p.startsWith('src/')).length;
    assert.ok(output.summary.totalCruised >= sources, `the fixture tree was read (${output.summary.totalCruised} modules)`);
    return output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('architecture check (.dependency-cruiser.cjs)', () => {
  test('passes on the repository', async () => {
    const options = await extractDepcruiseOptions(CONFIG);
    const result = await cruise(['src'], { ...options, baseDir: ROOT, validate: true }, undefined, {
      tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')),
    });
    const output = result.output as ICruiseResult;
    assert.ok(output.summary.totalCruised > 50, `src/ was read (${output.summary.totalCruised} modules)`);
    assert.deepEqual(
      output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
      [],
    );
  });

  test('passes on a pipeline where every import goes to an earlier stage or a leaf', async () => {
    assert.deepEqual(await check({}), []);
  });

  const failing: Array<[string, Files, Violation[]]> = [
    [
      'a stage importing a later one (bindings → cli)',
      { 'src/bindings/reversed.ts': "import { main } from '../cli/main.js';\nexport const reversed = main;\n" },
      [{ rule: 'bindings-not-to-later-stage', from: 'src/bindings/reversed.ts', to: 'src/cli/main.ts' }],
    ],
    [
      'a type-only import of a later stage (cluster → records)',
      { 'src/cluster/typed.ts': "import type { records } from '../records/desired.js';\nexport type Typed = typeof records;\n" },
      [{ rule: 'cluster-not-to-later-stage', from: 'src/cluster/typed.ts', to: 'src/records/desired.ts' }],
    ],
    [
      'a sink importing reconcile (tls → reconcile)',
      { 'src/tls/loop.ts': "import { run } from '../reconcile/run.js';\nexport const loop = run;\n" },
      [{ rule: 'mdns-unicast-tls-not-to-later-stage', from: 'src/tls/loop.ts', to: 'src/reconcile/run.ts' }],
    ],
    [
      'an import cycle inside a stage',
      {
        'src/plan/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();\n",
        'src/plan/b.ts': "import { a } from './a.js';\nexport const b = (): number => a();\n",
      },
      [{ rule: 'no-circular', from: 'src/plan/a.ts', to: 'src/plan/b.ts' }],
    ],
    [
      'a sink importing another sink (mdns → unicast)',
      { 'src/mdns/borrow.ts': "import { unicast } from '../unicast/sink.js';\nexport const borrow = unicast;\n" },
      [{ rule: 'sinks-not-to-each-other', from: 'src/mdns/borrow.ts', to: 'src/unicast/sink.ts' }],
    ],
    [
      'a sink importing another sink (tls → mdns)',
      { 'src/tls/borrow.ts': "import { mdns } from '../mdns/responder.js';\nexport const borrow = mdns;\n" },
      [{ rule: 'sinks-not-to-each-other', from: 'src/tls/borrow.ts', to: 'src/mdns/responder.ts' }],
    ],
    [
      'a leaf importing a stage (dns → cluster)',
      { 'src/dns/names.ts': "import { source } from '../cluster/source.js';\nexport const names = source;\n" },
      [{ rule: 'leaves-not-to-stages', from: 'src/dns/names.ts', to: 'src/cluster/source.ts' }],
    ],
    [
      'a leaf importing a stage (util → records)',
      { 'src/util/records.ts': "import { records } from '../records/desired.js';\nexport const r = records;\n" },
      [{ rule: 'leaves-not-to-stages', from: 'src/util/records.ts', to: 'src/records/desired.ts' }],
    ],
    [
      'doctor importing reconcile',
      { 'src/doctor/apply.ts': "import { run } from '../reconcile/run.js';\nexport const apply = run;\n" },
      [{ rule: 'side-commands-not-to-reconcile-or-cli', from: 'src/doctor/apply.ts', to: 'src/reconcile/run.ts' }],
    ],
    [
      'a stage importing doctor (reconcile → doctor)',
      { 'src/reconcile/diagnose.ts': "import { doctor } from '../doctor/check.js';\nexport const diagnose = doctor;\n" },
      [{ rule: 'only-cli-to-side-commands', from: 'src/reconcile/diagnose.ts', to: 'src/doctor/check.ts' }],
    ],
    [
      'src importing test',
      { 'src/cluster/fake.ts': "import { double } from '../../test/support/double.js';\nexport const fake = double;\n" },
      [{ rule: 'src-not-to-test', from: 'src/cluster/fake.ts', to: 'test/support/double.ts' }],
    ],
    [
      'a src/ folder with no place in the order',
      {
        'src/widgets/widget.ts': "import { util } from '../util/errors.js';\nexport const widget = util;\n",
        'src/cli/widgets.ts': "import { widget } from '../widgets/widget.js';\nexport const w = widget;\n",
      },
      [
        { rule: 'src-folder-has-a-place', from: 'src/cli/widgets.ts', to: 'src/widgets/widget.ts' },
        { rule: 'src-folder-has-a-place', from: 'src/widgets/widget.ts', to: 'src/util/errors.ts' },
      ],
    ],
  ];
  for (const [what, extra, expected] of failing) {
    test(`fails on ${what}`, async () => {
      const byOrder = (a: Violation, b: Violation): number => `${a.rule} ${a.from}`.localeCompare(`${b.rule} ${b.from}`);
      assert.deepEqual((await check(extra)).sort(byOrder), [...expected].sort(byOrder));
    });
  }
});
