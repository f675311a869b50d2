// `kubectl mdns version`: what is running, for bug reports. The release bundle has the
// version and commit compiled in (esbuild `define`, scripts/package.mjs); the tsc build
// (a checkout, npm install) reads package.json, and the commit from .git or else from
// dist/src/build-info.json (written by `scripts/package.mjs --stamp` before `npm pack`):
// plain file reads, never a child process, because `version` must start about as fast as
// `kubectl version --client`.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __KUBECTL_MDNS_VERSION__: string | undefined;
declare const __KUBECTL_MDNS_COMMIT__: string | undefined;

export interface VersionInfo {
  /** semver without the leading v, e.g. 0.1.0 */
  version: string;
  /** full commit id, "-dirty" appended when built from a modified tree; or "unknown" */
  gitCommit: string;
  /** process.version, e.g. v20.20.2 */
  nodeVersion: string;
  /** GOOS/GOARCH spelling, as kubectl and krew use it: linux/amd64, darwin/arm64 */
  platform: string;
}

export type VersionOutput = 'text' | 'json' | 'yaml';

export const PACKAGE_NAME = 'kubectl-mdns';
/** Written by `scripts/package.mjs --stamp` (npm's prepack), shipped in the npm package. */
export const BUILD_INFO = 'dist/src/build-info.json';
const UNKNOWN = 'unknown';

// Node's process.arch → Go's GOARCH (krew selectors and kubectl's version output use these).
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };

export function goPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  return `${os}/${GOARCH[arch] ?? arch}`;
}

let cached: VersionInfo | undefined;

export function versionInfo(): VersionInfo {
  if (cached) return cached;
  const bundledVersion = typeof __KUBECTL_MDNS_VERSION__ === 'string' ? __KUBECTL_MDNS_VERSION__ : undefined;
  const bundledCommit = typeof __KUBECTL_MDNS_COMMIT__ === 'string' ? __KUBECTL_MDNS_COMMIT__ : undefined;
  let version = bundledVersion;
  let gitCommit = bundledCommit;
  if (version === undefined || gitCommit === undefined) {
    const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
    if (root !== undefined) {
      version ??= readJson(join(root, 'package.json'))?.['version'] as string | undefined;
      // A checkout's own HEAD first: a stamp left in dist/ by an earlier `npm pack` goes stale.
      gitCommit ??= gitHead(join(root, '.git')) ?? (readJson(join(root, BUILD_INFO))?.['gitCommit'] as string | undefined);
    }
  }
  cached = {
    version: version ?? UNKNOWN,
    gitCommit: gitCommit || UNKNOWN,
    nodeVersion: process.version,
    platform: goPlatform(),
  };
  return cached;
}

/** The returned text ends with a newline. */
export function renderVersion(info: VersionInfo, output: VersionOutput): string {
  switch (output) {
    case 'json':
      return JSON.stringify(info, null, 2) + '\n';
    case 'yaml':
      return (Object.keys(info) as (keyof VersionInfo)[]).map((k) => `${k}: ${yamlScalar(info[k])}\n`).join('');
    case 'text':
    default: {
      // A full id is shortened as `git log --oneline` does; "-dirty" (built from a modified tree) stays.
      const commit = info.gitCommit.replace(/^([0-9a-f]{7})[0-9a-f]{33}(?=$|-)/, '$1');
      return `${PACKAGE_NAME} v${info.version} (commit ${commit}, node ${info.nodeVersion}, ${info.platform})\n`;
    }
  }
}

/**
 * `version`, `version -o json`, `version -ojson`, `version --output=yaml` … answered without
 * loading the argument parser (yargs alone costs ~30 ms to load). Returns undefined for
 * anything else (help, unknown flags, bad values), which then goes through the full CLI, so
 * both paths print exactly the same.
 */
export function versionFastPath(argv: readonly string[]): string | undefined {
  if (argv[0] !== 'version') return undefined;
  const rest = argv.slice(1);
  let output: string | undefined = 'text';
  if (rest.length === 1) {
    const m = /^(?:-o=?|--output=)(.+)$/.exec(rest[0] as string);
    output = m?.[1];
  } else if (rest.length === 2) {
    output = rest[0] === '-o' || rest[0] === '--output' ? rest[1] : undefined;
  } else if (rest.length > 2) {
    output = undefined;
  }
  if (output !== 'text' && output !== 'json' && output !== 'yaml') return undefined;
  return renderVersion(versionInfo(), output);
}

// Plain when YAML would read it back as the same string, else a JSON string (valid YAML).
function yamlScalar(s: string): string {
  const plain =
    /^[A-Za-z][A-Za-z0-9._/+-]*$/.test(s) && !/^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/.test(s);
  return plain ? s : JSON.stringify(s);
}

function packageRoot(start: string): string | undefined {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    if (readJson(join(dir, 'package.json'))?.['name'] === PACKAGE_NAME) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** HEAD's commit read from the .git directory (also a worktree's `gitdir:` file), or undefined. */
export function gitHead(dotGit: string): string | undefined {
  let gitDir = dotGit;
  const pointer = readText(dotGit);
  if (pointer?.startsWith('gitdir:')) gitDir = resolve(dirname(dotGit), pointer.slice('gitdir:'.length).trim());
  const head = readText(join(gitDir, 'HEAD'));
  if (head === undefined) return undefined;
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (ref === undefined) return undefined;
  const common = readText(join(gitDir, 'commondir'));
  const dirs = common === undefined ? [gitDir] : [gitDir, resolve(gitDir, common)];
  for (const d of dirs) {
    const loose = readText(join(d, ref));
    if (loose !== undefined && /^[0-9a-f]{40}$/.test(loose)) return loose;
    const packed = readText(join(d, 'packed-refs'));
    for (const line of packed?.split('\n') ?? []) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha !== undefined && /^[0-9a-f]{40}$/.test(sha)) return sha;
    }
  }
  return undefined;
}
