import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { gitHead, goPlatform, renderVersion, versionFastPath, versionInfo, type VersionInfo } from '../../../src/cli/version.js';
import { repoRoot } from '../../support/repo.js';

const root = repoRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const sample: VersionInfo = {
  version: '0.1.0',
  gitCommit: 'abc1234def5678abc1234def5678abc1234def56',
  nodeVersion: 'v20.20.2',
  platform: 'linux/amd64',
};

test('version: versionInfo reads the version from package.json and the commit from .git', () => {
  const info = versionInfo();
  assert.equal(info.version, pkg.version);
  assert.equal(info.nodeVersion, process.version);
  assert.equal(info.platform, goPlatform(process.platform, process.arch));
  if (existsSync(join(root, '.git'))) {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    assert.equal(info.gitCommit, head);
  }
});

test('version: text output is one line like kubectl-mdns v0.1.0 (commit abc1234, node v20.20.2, linux/amd64)', () => {
  assert.equal(renderVersion(sample, 'text'), 'kubectl-mdns v0.1.0 (commit abc1234, node v20.20.2, linux/amd64)\n');
  assert.equal(
    renderVersion({ ...sample, gitCommit: `${sample.gitCommit}-dirty` }, 'text'),
    'kubectl-mdns v0.1.0 (commit abc1234-dirty, node v20.20.2, linux/amd64)\n',
  );
  assert.equal(renderVersion({ ...sample, gitCommit: 'unknown' }, 'text'), 'kubectl-mdns v0.1.0 (commit unknown, node v20.20.2, linux/amd64)\n');
});

test('version: json and yaml read back as the same object, also for values YAML would retype', () => {
  const tricky: VersionInfo[] = [
    sample,
    { ...sample, gitCommit: '1234567' },
    { ...sample, gitCommit: 'yes', version: '1.0' },
    { ...sample, gitCommit: 'unknown' },
  ];
  for (const info of tricky) {
    assert.deepEqual(JSON.parse(renderVersion(info, 'json')), info);
    assert.deepEqual(yaml.load(renderVersion(info, 'yaml')), info);
    assert.ok(renderVersion(info, 'yaml').endsWith('\n'));
  }
});

test('version: GOOS/GOARCH names as krew selectors use them', () => {
  assert.equal(goPlatform('linux', 'x64'), 'linux/amd64');
  assert.equal(goPlatform('darwin', 'arm64'), 'darwin/arm64');
  assert.equal(goPlatform('win32', 'ia32'), 'windows/386');
});

test('version: the fast path answers the simple forms and leaves everything else to the CLI', () => {
  const info = versionInfo();
  const cases: [string[], string | undefined][] = [
    [['version'], renderVersion(info, 'text')],
    [['version', '-o', 'json'], renderVersion(info, 'json')],
    [['version', '-ojson'], renderVersion(info, 'json')],
    [['version', '-o=yaml'], renderVersion(info, 'yaml')],
    [['version', '--output', 'yaml'], renderVersion(info, 'yaml')],
    [['version', '--output=text'], renderVersion(info, 'text')],
    [['version', '--help'], undefined],
    [['version', '-h'], undefined],
    [['version', '-o', 'wide'], undefined],
    [['version', '-o'], undefined],
    [['version', '-o', 'json', '-v'], undefined],
    [['version', '--kubeconfig', 'x'], undefined],
    [['list'], undefined],
    [[], undefined],
  ];
  for (const [argv, expected] of cases) assert.equal(versionFastPath(argv), expected, argv.join(' '));
});

test('version: the fast path prints exactly what the full CLI prints', {
  skip: !existsSync(join(root, 'dist/src/cli/main.js')) && 'dist/src/cli/main.js not built',
}, () => {
  const mainUrl = new URL('../../../src/cli/main.js', import.meta.url).href;
  for (const argv of [['version'], ['version', '-o', 'json'], ['version', '-oyaml'], ['version', '--output=json']]) {
    const viaCli = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { main } = await import(${JSON.stringify(mainUrl)}); process.exitCode = await main(JSON.parse(process.argv[1]));`,
        JSON.stringify(argv),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(viaCli, versionFastPath(argv), argv.join(' '));
  }
});

test('version: gitHead reads loose refs, packed refs, a detached HEAD and a worktree pointer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-git-'));
  try {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const git = join(dir, 'repo', '.git');
    mkdirSync(join(git, 'refs', 'heads'), { recursive: true });
    writeFileSync(join(git, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(git, 'refs', 'heads', 'main'), `${a}\n`);
    assert.equal(gitHead(git), a);

    rmSync(join(git, 'refs', 'heads', 'main'));
    writeFileSync(join(git, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${b} refs/heads/main\n`);
    assert.equal(gitHead(git), b);

    // A worktree: .git is a file pointing into the main repository's worktrees/ folder.
    const wtGit = join(git, 'worktrees', 'wt');
    mkdirSync(wtGit, { recursive: true });
    writeFileSync(join(wtGit, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(wtGit, 'commondir'), '../..\n');
    mkdirSync(join(dir, 'wt'));
    writeFileSync(join(dir, 'wt', '.git'), `gitdir: ${wtGit}\n`);
    assert.equal(gitHead(join(dir, 'wt', '.git')), b);

    writeFileSync(join(git, 'HEAD'), `${a}\n`);
    assert.equal(gitHead(git), a);
    assert.equal(gitHead(join(dir, 'nowhere', '.git')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
