// Shell completion. kubectl (>= 1.26) completes `kubectl mdns …` itself: it runs the
// executable `kubectl_complete-mdns` found on PATH with the words after `kubectl mdns` (the
// last one being the word under the cursor, possibly empty) and reads cobra's protocol back:
// one candidate per line (`value<TAB>description`), then `:<directive>`. The same answer is
// given by `kubectl-mdns __complete …`, which the scripts of `kubectl mdns completion bash|zsh`
// call when the plugin is run directly as `kubectl-mdns`.
//
// The flags and commands come from the tables in flags.ts, as main.ts's yargs options do
// (tests compare both with --help and with the parser). Contexts, clusters and users come
// from the kubeconfig files (js-yaml, not the Kubernetes client); namespaces from `kubectl get
// namespaces` only when a namespace is being completed, with a short timeout and nothing on
// failure.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir, networkInterfaces } from 'node:os';
import { delimiter, join } from 'node:path';
import yaml from 'js-yaml';
import { completionFlags, type CompletionFlag, type ValueCompletion } from './flag-table.js';
import { COMMANDS as COMMAND_TABLE, ROOT_FLAGS as ROOT_FLAG_TABLE, flagsFor } from './flags.js';

export type Shell = 'bash' | 'zsh';

/** cobra's ShellCompDirective bits (kubectl's completion scripts interpret them). */
export const Directive = {
  Default: 0,
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
  FilterFileExt: 8,
  FilterDirs: 16,
  KeepOrder: 32,
} as const;

/** One flag in completion's terms (made from the flag tables in flags.ts). */
export type FlagSpec = CompletionFlag;
type ValueKind = ValueCompletion;

export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  /** values of the positional arguments, in order */
  positionals?: (readonly string[])[];
}

export const COMMANDS: readonly CommandSpec[] = COMMAND_TABLE.map((c) => ({
  name: c.name,
  description: c.summary,
  flags: completionFlags(flagsFor(c.name)),
  ...(c.positional ? { positionals: [c.positional.choices] } : {}),
}));

const ROOT_FLAGS: FlagSpec[] = completionFlags(ROOT_FLAG_TABLE);

export interface CompletionContext {
  env?: NodeJS.ProcessEnv;
  /** home directory for ~/.kube/config (default: os.homedir()) */
  home?: string;
  /** false: candidates without `<TAB>description` (cobra's __completeNoDesc) */
  descriptions?: boolean;
  /** namespaces of the cluster the typed flags select (default: `kubectl get namespaces`) */
  listNamespaces?: (kubeFlags: string[]) => Promise<string[]>;
  /** network interface names (default: os.networkInterfaces()) */
  listInterfaces?: () => string[];
}

interface Candidate {
  value: string;
  description?: string;
}

interface Result {
  candidates: Candidate[];
  directive: number;
}

/**
 * Completions for the words after `kubectl mdns`; the last element is the word being
 * completed ('' for a new word). Returns cobra's output lines: candidates, then `:<directive>`.
 */
export async function complete(args: readonly string[], ctx: CompletionContext = {}): Promise<string[]> {
  let result: Result;
  try {
    result = await completeWords(args.length === 0 ? [''] : args, ctx);
  } catch {
    result = { candidates: [], directive: Directive.Error };
  }
  const withDesc = ctx.descriptions !== false;
  const lines = result.candidates.map((c) => (withDesc && c.description ? `${c.value}\t${c.description}` : c.value));
  lines.push(`:${result.directive}`);
  return lines;
}

/**
 * For executables: `kubectl_complete-mdns ARGS…` and `kubectl-mdns __complete ARGS…` (pass
 * the words after `__complete`; `noDescriptions` for `__completeNoDesc`). Returns the exit code.
 */
export async function completeMain(args: readonly string[], opts: { noDescriptions?: boolean } = {}): Promise<number> {
  const lines = await complete(args, opts.noDescriptions ? { descriptions: false } : {});
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function completeWords(all: readonly string[], ctx: CompletionContext): Promise<Result> {
  const words = all.slice(0, -1);
  const toComplete = all[all.length - 1] ?? '';

  // Walk the typed words: find the subcommand, collect flag values (for --kubeconfig,
  // --context …) and notice a value flag still waiting for its value.
  let command: CommandSpec | undefined;
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  let pending: FlagSpec | undefined;
  let afterDoubleDash = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (afterDoubleDash || w === '-' || !w.startsWith('-')) {
      if (command === undefined && !afterDoubleDash) command = COMMANDS.find((c) => c.name === w);
      else positionals.push(w);
      continue;
    }
    if (w === '--') {
      afterDoubleDash = true;
      continue;
    }
    const flags = flagsOf(command);
    let flag: FlagSpec | undefined;
    let inline: string | undefined;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      flag = flags.find((f) => f.name === name);
      if (eq >= 0) inline = w.slice(eq + 1);
    } else {
      flag = flags.find((f) => f.short === w[1]);
      if (w.length > 2) inline = w.slice(2).replace(/^=/, '');
    }
    if (flag?.value === undefined) continue;
    let value = inline;
    if (value === undefined) {
      if (i + 1 < words.length) value = words[++i] as string;
      else pending = flag;
    }
    if (value !== undefined) values.set(flag.name, [...(values.get(flag.name) ?? []), value]);
  }
  const flags = flagsOf(command);

  // The value of a flag: `--context <TAB>`, `--context=k<TAB>` (bash and zsh put back the
  // `--context=` part themselves, as with cobra), `-ojs<TAB>` (no shell splits that: prefix).
  if (pending?.value) return valueCompletions(pending.value, toComplete, '', values, ctx);
  if (!afterDoubleDash && toComplete.startsWith('-') && toComplete !== '-') {
    if (toComplete.startsWith('--') && toComplete.includes('=')) {
      const eq = toComplete.indexOf('=');
      const flag = flags.find((f) => f.name === toComplete.slice(2, eq));
      if (flag?.value) return valueCompletions(flag.value, toComplete.slice(eq + 1), '', values, ctx);
      return { candidates: [], directive: Directive.NoFileComp };
    }
    if (!toComplete.startsWith('--') && toComplete.length > 2) {
      const flag = flags.find((f) => f.short === toComplete[1]);
      if (flag?.value) {
        const rest = toComplete.slice(2);
        const sep = rest.startsWith('=') ? '=' : '';
        return valueCompletions(flag.value, rest.slice(sep.length), toComplete.slice(0, 2) + sep, values, ctx);
      }
    }
  }

  if (!afterDoubleDash && toComplete.startsWith('-')) return { candidates: flagNames(flags, toComplete), directive: Directive.NoFileComp };

  if (command === undefined) {
    const candidates = COMMANDS.filter((c) => c.name.startsWith(toComplete)).map((c) => ({ value: c.name, description: c.description }));
    return { candidates, directive: Directive.NoFileComp };
  }
  const positional = command.positionals?.[positionals.length];
  if (positional) return { candidates: prefixed(positional, toComplete), directive: Directive.NoFileComp };
  // Commands without positional arguments: offer their flags, so `kubectl mdns list <TAB>`
  // shows what can be typed.
  if (toComplete === '' && !command.positionals) return { candidates: flagNames(flags, '--'), directive: Directive.NoFileComp };
  return { candidates: [], directive: Directive.NoFileComp };
}

function flagsOf(command: CommandSpec | undefined): FlagSpec[] {
  return command?.flags ?? ROOT_FLAGS;
}

// cobra's rule: long names match the prefix; short forms are offered only for a lone `-`.
function flagNames(flags: readonly FlagSpec[], toComplete: string): Candidate[] {
  const out: Candidate[] = [];
  for (const f of flags) {
    if (`--${f.name}`.startsWith(toComplete)) out.push({ value: `--${f.name}`, description: f.description });
    if (toComplete === '-' && f.short) out.push({ value: `-${f.short}`, description: f.description });
  }
  return out;
}

function prefixed(values: readonly string[], toComplete: string, prefix = ''): Candidate[] {
  return values.filter((v) => v.startsWith(toComplete)).map((v) => ({ value: prefix + v }));
}

async function valueCompletions(
  kind: ValueKind,
  toComplete: string,
  prefix: string,
  values: ReadonlyMap<string, string[]>,
  ctx: CompletionContext,
): Promise<Result> {
  const env = ctx.env ?? process.env;
  switch (kind.kind) {
    case 'choices':
      return { candidates: prefixed(kind.values, toComplete, prefix), directive: Directive.NoFileComp };
    case 'file':
      return { candidates: [], directive: Directive.Default };
    case 'manifests':
      // The shell completes directories and files with these extensions.
      return { candidates: ['yaml', 'yml', 'json'].map((value) => ({ value })), directive: Directive.FilterFileExt };
    case 'contexts':
    case 'clusters':
    case 'users': {
      const names = kubeconfigNames(kubeconfigFiles(values.get('kubeconfig')?.at(-1), env, ctx.home ?? homedir()))[kind.kind];
      return { candidates: prefixed(names, toComplete, prefix), directive: Directive.NoFileComp };
    }
    case 'namespaces': {
      const kubeFlags: string[] = [];
      for (const name of ['kubeconfig', 'context', 'cluster', 'user']) {
        const v = values.get(name)?.at(-1);
        if (v !== undefined) kubeFlags.push(`--${name}=${v}`);
      }
      const list = ctx.listNamespaces ?? ((f: string[]) => kubectlNamespaces(f, env));
      let names: string[] = [];
      try {
        names = await list(kubeFlags);
      } catch {
        names = [];
      }
      return { candidates: prefixed(names, toComplete, prefix), directive: Directive.NoFileComp };
    }
    case 'interfaces': {
      const names = ctx.listInterfaces ? ctx.listInterfaces() : Object.keys(networkInterfaces());
      return { candidates: prefixed(names, toComplete, prefix), directive: Directive.NoFileComp };
    }
    case 'none':
    default:
      return { candidates: [], directive: Directive.NoFileComp };
  }
}

/** Files kubectl would read: --kubeconfig, else each KUBECONFIG entry, else ~/.kube/config. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv, home: string): string[] {
  if (flag) return [flag];
  const list = (env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== '');
  return list.length > 0 ? list : [join(home, '.kube', 'config')];
}

export interface KubeconfigNames {
  contexts: string[];
  clusters: string[];
  users: string[];
}

/** Names defined in the kubeconfig files, first file first, without duplicates; unreadable files are skipped. */
export function kubeconfigNames(files: readonly string[]): KubeconfigNames {
  const out: KubeconfigNames = { contexts: [], clusters: [], users: [] };
  for (const file of files) {
    let doc: unknown;
    try {
      doc = yaml.load(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    if (doc === null || typeof doc !== 'object') continue;
    for (const key of ['contexts', 'clusters', 'users'] as const) {
      const entries = (doc as Record<string, unknown>)[key];
      if (!Array.isArray(entries)) continue;
      for (const e of entries) {
        const name = e !== null && typeof e === 'object' ? (e as { name?: unknown }).name : undefined;
        if (typeof name === 'string' && name !== '' && !out[key].includes(name)) out[key].push(name);
      }
    }
  }
  return out;
}

/** `kubectl get namespaces -o name`, at most 3 s; [] when kubectl or the cluster is not there. */
export function kubectlNamespaces(kubeFlags: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  return new Promise((resolveNames) => {
    execFile('kubectl', ['get', 'namespaces', '-o', 'name', '--request-timeout=2s', ...kubeFlags], { env, timeout: 3000, windowsHide: true }, (err, stdout) => {
      if (err) return resolveNames([]);
      resolveNames(
        stdout
          .split('\n')
          .map((l) => l.trim().replace(/^namespace\//, ''))
          .filter((l) => l !== ''),
      );
    });
  });
}

/** The script printed by `kubectl mdns completion bash|zsh`. */
export function completionScript(shell: Shell): string {
  return shell === 'zsh' ? ZSH : BASH;
}

const BASH = `# bash completion for kubectl-mdns
#
# \`kubectl mdns <TAB>\` is completed by kubectl's own completion (kubectl >= 1.26, loaded with
# \`source <(kubectl completion bash)\`) as long as the kubectl_complete-mdns executable is on
# PATH. This script adds completion for running the plugin directly as \`kubectl-mdns\`.
#
#   source <(kubectl mdns completion bash)        # this shell
#   kubectl mdns completion bash > ~/.local/share/bash-completion/completions/kubectl-mdns

__kubectl_mdns_complete() {
    local cur words cword
    COMPREPLY=()
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        # Without the bash-completion package: bash splits words at = and :, glue them back.
        words=()
        local i w
        for (( i = 0; i <= COMP_CWORD; i++ )); do
            w=\${COMP_WORDS[i]}
            if (( i > 0 && \${#words[@]} > 0 )) && [[ $w == [=:] || \${COMP_WORDS[i-1]} == [=:] ]]; then
                words[\${#words[@]}-1]+=$w
            else
                words+=("$w")
            fi
        done
        cword=$(( \${#words[@]} - 1 ))
        cur=\${words[cword]}
    fi

    local out
    out=$("\${words[0]}" __completeNoDesc "\${words[@]:1:cword-1}" "$cur" 2>/dev/null) || return
    local directive=\${out##*:}
    out=\${out%:*}
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    (( directive & 1 )) && return

    local IFS=$'\n'
    local -a candidates=()
    local line
    for line in $out; do
        line=\${line%%$'\t'*}
        [[ -n $line ]] && candidates+=("$line")
    done

    # bash completes the part after '=' of --flag=value: drop the flag from cur.
    if [[ $cur == -*=* ]]; then
        cur=\${cur#*=}
    fi

    if (( directive & 8 )); then
        local ext pattern=""
        for ext in "\${candidates[@]}"; do pattern+="\${pattern:+|}$ext"; done
        if declare -F _filedir >/dev/null 2>&1; then
            _filedir "@($pattern)"
        else
            COMPREPLY=($(compgen -f -X "!*.@($pattern)" -- "$cur") $(compgen -d -- "$cur"))
        fi
        return
    fi
    if (( directive & 16 )); then
        if declare -F _filedir >/dev/null 2>&1; then _filedir -d; else COMPREPLY=($(compgen -d -- "$cur")); fi
        return
    fi

    COMPREPLY=($(compgen -W "\${candidates[*]}" -- "$cur"))
    if (( \${#COMPREPLY[@]} == 0 )); then
        # No candidates: file names, unless the directive says no files.
        (( directive & 4 )) && compopt +o default 2>/dev/null
        return
    fi
    (( directive & 2 )) && compopt -o nospace 2>/dev/null
    return 0
}

complete -o default -F __kubectl_mdns_complete kubectl-mdns
`;

const ZSH = `#compdef kubectl-mdns
# zsh completion for kubectl-mdns
#
# \`kubectl mdns <TAB>\` is completed by kubectl's own completion (kubectl >= 1.26, loaded with
# \`source <(kubectl completion zsh)\`) as long as the kubectl_complete-mdns executable is on
# PATH. This script adds completion for running the plugin directly as \`kubectl-mdns\`.
#
#   source <(kubectl mdns completion zsh)         # this shell (after compinit)
#   kubectl mdns completion zsh > "\${fpath[1]}/_kubectl-mdns"

_kubectl-mdns() {
    local -a args lines candidates
    local -a opts
    local out directive line flagPrefix="" keepOrder=""
    args=("\${(@)words[2,CURRENT-1]}")
    local cur="\${words[CURRENT]}"

    out=$("\${words[1]}" __complete "\${args[@]}" "$cur" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    directive=\${lines[-1]#:}
    lines=("\${(@)lines[1,-2]}")
    [[ $directive == <-> ]] || directive=0
    (( directive & 1 )) && return 1

    # --flag=value: the candidates are values; zsh completes the whole word, so the flag
    # goes back in front as a compadd prefix (as cobra's scripts do).
    if [[ $cur == -*=* ]]; then
        flagPrefix="-P\${cur%%=*}="
    fi

    if (( directive & 8 )); then
        local ext pattern=""
        for ext in "\${lines[@]}"; do pattern+="\${pattern:+|}$ext"; done
        _files -g "*.($pattern)"
        return
    fi
    if (( directive & 16 )); then
        _files -/
        return
    fi

    for line in "\${lines[@]}"; do
        [[ -z $line ]] && continue
        local value=\${line%%$'\\t'*} desc=""
        [[ $line == *$'\\t'* ]] && desc=\${line#*$'\\t'}
        candidates+=("\${value//:/\\\\:}\${desc:+:$desc}")
    done

    if (( \${#candidates[@]} == 0 )); then
        (( directive & 4 )) && return 1
        _files
        return
    fi
    [[ -n $flagPrefix ]] && opts+=("$flagPrefix")
    (( directive & 2 )) && opts+=(-S '')
    (( directive & 32 )) && keepOrder="-V"
    _describe $keepOrder 'completions' candidates "\${opts[@]}"
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _kubectl-mdns "$@"
else
    compdef _kubectl-mdns kubectl-mdns
fi
`;
