import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import {
  COMMANDS,
  complete,
  completionScript,
  kubeconfigFiles,
  kubeconfigNames,
  kubectlNamespaces,
  type CompletionContext,
} from '../../../src/cli/completion.js';
import { repoRoot } from '../../support/repo.js';

const root = repoRoot();

const noCluster: CompletionContext = { listNamespaces: async () => [], listInterfaces: () => ['lo', 'eth0'], env: {}, home: '/nonexistent' };

async function values(args: string[], ctx: CompletionContext = noCluster): Promise<{ values: string[]; directive: string }> {
  const lines = await complete(args, { ...ctx, descriptions: false });
  const directive = lines.pop() ?? '';
  return { values: lines, directive };
}

function hasWhich(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

test('completion: subcommands with descriptions, then the NoFileComp directive', async () => {
  const lines = await complete([''], noCluster);
  assert.equal(lines.at(-1), ':4');
  assert.deepEqual(
    lines.slice(0, -1).map((l) => l.split('\t')[0]),
    ['list', 'diff', 'serve', 'tls', 'doctor', 'version', 'completion'],
  );
  assert.ok(
    lines.slice(0, -1).every((l) => /^[a-z]+\t\S/.test(l)),
    'every subcommand has a description',
  );
  assert.deepEqual(await values(['se']), { values: ['serve'], directive: ':4' });
  assert.deepEqual(await values([]), await values(['']));
});

test('completion: flag names per subcommand; short forms only for a lone -', async () => {
  assert.deepEqual((await values(['list', '--c'])).values, ['--context', '--cluster']);
  assert.deepEqual((await values(['diff', '--tsig-'])).values, ['--tsig-key-name', '--tsig-algorithm', '--tsig-secret-file']);
  assert.deepEqual((await values(['serve', '--log'])).values, ['--log-format']);
  assert.deepEqual((await values(['doctor', '--ti'])).values, ['--timeout']);
  assert.deepEqual((await values(['doctor', '-o', ''])).values, ['text', 'json', 'yaml']);
  assert.deepEqual((await values(['list', '--tsig'])).values, [], 'list has no unicast flags');
  const dash = (await values(['list', '-'])).values;
  for (const f of ['-n', '-A', '-l', '-f', '-o', '-v', '-h', '--namespace', '--no-headers', '--any-port']) assert.ok(dash.includes(f), f);
  assert.ok(!(await values(['list', '--'])).values.includes('-n'));
  // After a subcommand with no positional arguments, an empty word lists its flags.
  assert.ok((await values(['version', ''])).values.includes('--output'));
});

test('completion: values of -o, --tsig-algorithm, --log-format, in every spelling', async () => {
  assert.deepEqual((await values(['list', '-o', ''])).values, ['table', 'wide', 'json', 'yaml']);
  assert.deepEqual((await values(['list', '--output', 'j'])).values, ['json']);
  // --flag=value: bare values, the shells put the flag back (cobra's convention).
  assert.deepEqual((await values(['list', '--output=w'])).values, ['wide']);
  // -oVALUE is one word to every shell: keep the prefix.
  assert.deepEqual((await values(['list', '-oj'])).values, ['-ojson']);
  assert.deepEqual((await values(['list', '-o=y'])).values, ['-o=yaml']);
  assert.deepEqual((await values(['version', '-o', ''])).values, ['text', 'json', 'yaml']);
  assert.deepEqual((await values(['diff', '--tsig-algorithm', 'hmac-sha5'])).values, ['hmac-sha512']);
  assert.deepEqual((await values(['serve', '--log-format', ''])).values, ['text', 'json']);
  assert.deepEqual((await values(['serve', '--interface', 'e'])).values, ['eth0']);
  assert.deepEqual(await values(['list', '--zone', '']), { values: [], directive: ':4' });
  // A value already given: back to flags / nothing.
  assert.deepEqual((await values(['list', '-o', 'json', '--no-h'])).values, ['--no-headers']);
});

test('completion: files for --kubeconfig, manifests for -f, bash|zsh for completion', async () => {
  assert.deepEqual(await values(['list', '--kubeconfig', '']), { values: [], directive: ':0' });
  assert.deepEqual(await values(['diff', '--tsig-secret-file', '']), { values: [], directive: ':0' });
  assert.deepEqual(await values(['list', '-f', '']), { values: ['yaml', 'yml', 'json'], directive: ':8' });
  assert.deepEqual(await values(['completion', '']), { values: ['bash', 'zsh'], directive: ':4' });
  assert.deepEqual(await values(['completion', 'z']), { values: ['zsh'], directive: ':4' });
  assert.deepEqual(await values(['completion', 'bash', '']), { values: [], directive: ':4' });
});

test('completion: contexts, clusters and users from the kubeconfig files kubectl would read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-kc-'));
  try {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(
      a,
      'apiVersion: v1\nkind: Config\ncurrent-context: kind-dev\ncontexts:\n- name: kind-dev\n  context: {cluster: kind-dev, user: kind-dev}\n- name: prod\n  context: {cluster: prod, user: admin}\nclusters:\n- name: kind-dev\n  cluster: {server: "https://127.0.0.1:6443"}\nusers:\n- name: kind-dev\n  user: {token: x}\n',
    );
    writeFileSync(
      b,
      'contexts:\n- name: prod\n  context: {cluster: other, user: other}\n- name: staging\n  context: {cluster: staging, user: admin}\nusers:\n- name: admin\n  user: {}\n',
    );
    const env = { KUBECONFIG: [a, join(dir, 'missing.yaml'), b].join(delimiter) };
    assert.deepEqual((await values(['list', '--context', ''], { ...noCluster, env })).values, ['kind-dev', 'prod', 'staging']);
    assert.deepEqual((await values(['list', '--context=s'], { ...noCluster, env })).values, ['staging']);
    assert.deepEqual((await values(['diff', '--user', ''], { ...noCluster, env })).values, ['kind-dev', 'admin']);
    assert.deepEqual((await values(['serve', '--cluster', ''], { ...noCluster, env })).values, ['kind-dev']);
    // --kubeconfig wins over KUBECONFIG, wherever it is typed.
    assert.deepEqual((await values(['list', '--kubeconfig', b, '--context', ''], { ...noCluster, env })).values, ['prod', 'staging']);
    assert.deepEqual((await values(['list', `--kubeconfig=${b}`, '--context', 'p'], { ...noCluster, env })).values, ['prod']);
    // No KUBECONFIG: ~/.kube/config.
    mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
    writeFileSync(join(dir, 'home', '.kube', 'config'), readFileSync(a));
    assert.deepEqual((await values(['list', '--context', ''], { ...noCluster, env: {}, home: join(dir, 'home') })).values, ['kind-dev', 'prod']);
    assert.deepEqual(kubeconfigFiles(undefined, { KUBECONFIG: `${a}${delimiter}${delimiter}${b}` }, '/h'), [a, b]);
    assert.deepEqual(kubeconfigFiles(undefined, {}, '/h'), [join('/h', '.kube', 'config')]);
    // Broken YAML is skipped, not fatal.
    writeFileSync(join(dir, 'bad.yaml'), 'contexts: [unclosed\n');
    assert.deepEqual(kubeconfigNames([join(dir, 'bad.yaml'), a]).contexts, ['kind-dev', 'prod']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('completion: namespaces come from the cluster the typed flags select, only when asked', async () => {
  const calls: string[][] = [];
  const ctx: CompletionContext = {
    ...noCluster,
    listNamespaces: async (flags) => {
      calls.push(flags);
      return ['default', 'kube-system', 'shop'];
    },
  };
  assert.deepEqual((await values(['list', '-n', 's'], ctx)).values, ['shop']);
  assert.deepEqual((await values(['list', '--context', 'prod', '--kubeconfig=/k', '--namespace', ''], ctx)).values, ['default', 'kube-system', 'shop']);
  assert.deepEqual((await values(['list', '-nk'], ctx)).values, ['-nkube-system']);
  assert.deepEqual(calls, [[], ['--kubeconfig=/k', '--context=prod'], []]);
  await values(['list', '-o', ''], ctx);
  await values(['list', '--context', ''], ctx);
  assert.equal(calls.length, 3, 'the cluster is asked only for a namespace');
  const failing: CompletionContext = { ...noCluster, listNamespaces: async () => Promise.reject(new Error('unreachable')) };
  assert.deepEqual(await values(['list', '-n', ''], failing), { values: [], directive: ':4' });
});

test('completion: kubectlNamespaces runs kubectl get namespaces with the flags; nothing when kubectl fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-fakekubectl-'));
  try {
    const log = join(dir, 'args');
    writeFileSync(
      join(dir, 'kubectl'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\nif [ "$FAIL" = 1 ]; then echo 'The connection to the server was refused' >&2; exit 1; fi\nprintf 'namespace/default\\nnamespace/shop\\n'\n`,
    );
    chmodSync(join(dir, 'kubectl'), 0o755);
    const env = { PATH: `${dir}${delimiter}/usr/bin${delimiter}/bin` };
    assert.deepEqual(await kubectlNamespaces(['--context=prod'], env), ['default', 'shop']);
    const args = readFileSync(log, 'utf8').trim().split('\n');
    assert.deepEqual(args.slice(0, 4), ['get', 'namespaces', '-o', 'name']);
    assert.ok(args.includes('--context=prod'));
    assert.ok(args.some((a) => a.startsWith('--request-timeout=')));
    assert.deepEqual(await kubectlNamespaces([], { ...env, FAIL: '1' }), []);
    assert.deepEqual(await kubectlNamespaces([], { PATH: join(dir, 'empty') }), []);
    // The default context path: complete() → kubectl, through the env given.
    assert.deepEqual(await complete(['list', '-n', 'sh'], { env, descriptions: false }), ['shop', ':4']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('completion: candidates without descriptions when asked (cobra __completeNoDesc)', async () => {
  const lines = await complete(['list', '--'], { ...noCluster, descriptions: false });
  assert.ok(lines.every((l) => !l.includes('\t')));
  const withDesc = await complete(['list', '--'], noCluster);
  assert.ok(withDesc.slice(0, -1).every((l) => l.includes('\t')));
});

test('completion: the flag table matches the flags each command prints in --help', {
  skip: !existsSync(join(root, 'dist/src/cli/main.js')) && 'main.js not built',
}, () => {
  const mainUrl = new URL('../../../src/cli/main.js', import.meta.url).href;
  for (const cmd of COMMANDS) {
    const help = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { main } = await import(${JSON.stringify(mainUrl)}); process.exitCode = await main([process.argv[1], '--help']);`,
        cmd.name,
      ],
      { encoding: 'utf8', env: { ...process.env, COLUMNS: '200' } },
    );
    const inHelp = new Set([...help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1] as string));
    inHelp.delete('version'); // yargs' own, disabled
    const ours = new Set(cmd.flags.map((f) => f.name));
    assert.deepEqual([...inHelp].filter((f) => !ours.has(f)).sort(), [], `${cmd.name}: flags in --help that completion does not offer`);
    assert.deepEqual([...ours].filter((f) => !inHelp.has(f)).sort(), [], `${cmd.name}: completion offers flags --help does not show`);
    for (const f of cmd.flags.filter((x) => x.short)) assert.match(help, new RegExp(`-${f.short}, --${f.name}\\b`), `${cmd.name}: -${f.short} is --${f.name}`);
  }
});

test('completion: the bash script completes through `kubectl-mdns __complete`', {
  skip: !existsSync(join(root, 'dist/src/cli/main.js')) && 'main.js not built',
}, () => {
  const script = completionScript('bash');
  assert.match(script, /complete -o default -F __kubectl_mdns_complete kubectl-mdns/);
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-bash-'));
  try {
    writeFileSync(join(dir, 'script.bash'), script);
    const driver = `source ${JSON.stringify(join(dir, 'script.bash'))}
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); __kubectl_mdns_complete; echo "\${COMPREPLY[*]}"; }
t kubectl-mdns li
t kubectl-mdns list --output = j
t kubectl-mdns list -o ""
t kubectl-mdns diff --tsig-algorithm = hmac-sha38
t kubectl-mdns completion ""
`;
    const r = spawnSync('bash', ['--norc', '-c', driver], {
      encoding: 'utf8',
      env: { PATH: `${join(root, 'plugin')}${delimiter}${dirname(process.execPath)}${delimiter}/usr/bin${delimiter}/bin`, HOME: dir },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(0, 5), ['list', 'json', 'table wide json yaml', 'hmac-sha384', 'bash zsh']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('completion: the zsh script parses and hands candidates to _describe', { skip: !hasWhich('zsh') && 'zsh not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-zsh-'));
  try {
    writeFileSync(join(dir, '_kubectl-mdns'), completionScript('zsh'));
    assert.equal(spawnSync('zsh', ['-n', join(dir, '_kubectl-mdns')]).status, 0, 'zsh -n');
    // compsys needs a terminal; stub its functions and look at what the script asks for.
    const fake = join(dir, 'kubectl-mdns');
    writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(dir, 'args')}'\nprintf 'list\\tList hostname bindings\\na:b\\n:4\\n'\n`);
    chmodSync(fake, 0o755);
    const driver = `compdef() { :; }
_describe() { print -r -- "describe: $*"; print -rl -- "\${candidates[@]}"; }
_files() { print -r -- "files: $*"; }
source ${JSON.stringify(join(dir, '_kubectl-mdns'))}
words=(kubectl-mdns list --output=j); CURRENT=3; _kubectl-mdns
`;
    const r = spawnSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', env: { PATH: `${dir}${delimiter}/usr/bin${delimiter}/bin` } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['describe: completions candidates -P--output=', 'list:List hostname bindings', 'a\\:b']);
    assert.deepEqual(readFileSync(join(dir, 'args'), 'utf8').trim().split('\n'), ['__complete', 'list', '--output=j']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
