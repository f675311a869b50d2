// The architecture check (`npm run lint:arch`): data flows one way through the pipeline of
// docs/design.md#pipeline, and each src/ folder is one stage of it or a leaf.
//
// A stage may import the stages before it and the leaves, never a stage after it. The rules
// are written over folder names, so they hold for folders that do not exist yet (`tls`,
// `doctor`, `reconcile`, `dns`, `gateway-api`): create the folder and it is checked. A src/
// folder that is in none of the lists below fails the check until it is given a place here.
//
// test/unit/architecture/ proves each rule can fail.

/** Sinks: they apply changes, each on its own, and never import one another. */
const SINKS = ['mdns', 'unicast', 'tls'];
/** The pipeline in order; the folders of one step are siblings (the sinks). */
const STAGES = [['cluster'], ['bindings'], ['records'], ['plan'], SINKS, ['reconcile'], ['cli']];
/** Leaves: importable from anywhere, importing no stage (a leaf may use another leaf). */
const LEAVES = ['util', 'dns', 'gateway-api'];
/**
 * Read-only commands beside the CLI (`kubectl mdns doctor`): may read every stage before
 * reconcile (the sinks included, to query what is published), may be imported by `cli` only.
 */
const SIDE = ['doctor'];

const KNOWN = [...STAGES.flat(), ...LEAVES, ...SIDE];
const any = (folders) => `^src/(${folders.join('|')})/`;

const laterStageRules = STAGES.slice(0, -1).map((step, i) => {
  const later = STAGES.slice(i + 1).flat();
  return {
    name: `${step.join('-')}-not-to-later-stage`,
    comment: `${step.join(', ')} must not import a later stage (${later.join(', ')}): data flows one way (docs/design.md#pipeline)`,
    severity: 'error',
    from: { path: any(step) },
    to: { path: any(later) },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: modules that need each other are one module, or a type belongs in a leaf',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...laterStageRules,
    {
      name: 'sinks-not-to-each-other',
      comment: 'A sink applies changes for one target; what two sinks share belongs in a leaf (dns, util) or an earlier stage',
      severity: 'error',
      from: { path: `^src/(${SINKS.join('|')})/` },
      to: { path: any(SINKS), pathNot: '^src/$1/' },
    },
    {
      name: 'leaves-not-to-stages',
      comment: `${LEAVES.join(', ')} are leaves: importable from anywhere, so they import no stage`,
      severity: 'error',
      from: { path: any(LEAVES) },
      to: { path: '^src/', pathNot: any(LEAVES) },
    },
    {
      name: 'side-commands-not-to-reconcile-or-cli',
      comment: `${SIDE.join(', ')} only read: they may import the stages before reconcile, not reconcile or cli`,
      severity: 'error',
      from: { path: any(SIDE) },
      to: { path: any(['reconcile', 'cli']) },
    },
    {
      name: 'only-cli-to-side-commands',
      comment: `${SIDE.join(', ')} are commands: only cli wires them`,
      severity: 'error',
      from: { path: '^src/', pathNot: any(['cli', ...SIDE]) },
      to: { path: any(SIDE) },
    },
    {
      name: 'src-not-to-test',
      comment: 'Shipped code must not import test code (dist/test is not packaged)',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    ...[
      { from: { path: '^src/' }, to: { path: '^src/', pathNot: any(KNOWN) } },
      { from: { path: '^src/', pathNot: any(KNOWN) }, to: { path: '^src/' } },
    ].map((fromTo) => ({
      name: 'src-folder-has-a-place',
      comment: `Every src/ folder is a stage, a sink, a leaf or a side command; give a new folder its place in .dependency-cruiser.cjs (known: ${KNOWN.join(', ')})`,
      severity: 'error',
      ...fromTo,
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from a later stage couples the stages as much as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
