// What a flag table entry holds, and the two things made from it: the yargs options of a
// command (main.ts) and its completion data (completion.ts). The tables themselves are in
// flags.ts, one per stage. Nothing here is heavy: completion loads it on every <TAB>.
import type { Argv, Options } from 'yargs';

/** How the shell completes a flag's value (completion.ts valueCompletions). */
export type CompletionKind =
  | 'none' // free text: nothing to offer
  | 'choices' // the flag's choices
  | 'file' // any file
  | 'manifests' // files with a manifest extension, and directories
  | 'contexts'
  | 'clusters'
  | 'users' // names from the kubeconfig files kubectl would read
  | 'namespaces' // from the cluster the typed flags select
  | 'interfaces'; // network interfaces of this machine

export interface Flag {
  /** Long name, as typed after `--`. */
  name: string;
  /** One-letter short form (`-n`). */
  alias?: string;
  type: 'string' | 'number' | 'boolean';
  /** Repeatable; every value is kept, in order. */
  array?: boolean;
  /**
   * Documentation only: shown as `[default: …]` in --help. yargs never fills it in: the stage
   * that reads the flag applies its own default, so that "not given" stays visible there
   * (e.g. a BIND key file's algorithm is used unless --tsig-algorithm is given).
   */
  default?: string | number | boolean;
  choices?: readonly string[];
  /** --help section; none: yargs' "Options:". */
  group?: string;
  /** The --help text. */
  description: string;
  /** The text completion shows beside the flag; default: description. */
  summary?: string;
  /** How the value completes; default 'choices' with choices, else 'none'. Booleans take no value. */
  complete?: CompletionKind;
  /** The commands that take this flag (main.ts registers them, completion.ts lists them). */
  commands: readonly string[];
  /** Accepted, but neither in --help nor offered by completion (--tsig-secret). */
  hidden?: boolean;
  /** yargs defines it itself (--help): completed, never added as an option. */
  builtin?: boolean;
}

/** One flag in completion's terms. */
export interface CompletionFlag {
  name: string;
  short?: string;
  /** undefined: a boolean flag (takes no value) */
  value?: ValueCompletion;
  description: string;
}

export type ValueCompletion = { kind: 'choices'; values: readonly string[] } | { kind: Exclude<CompletionKind, 'choices'> };

/** The flags `command` takes, in table order (which is --help's order within a group, and completion's). */
export function flagsOf(tables: readonly (readonly Flag[])[], command: string): Flag[] {
  return tables.flat().filter((f) => f.commands.includes(command));
}

/** yargs prints a default as `[default: "text"]` for strings and bare otherwise. */
function defaultDescription(value: string | number | boolean): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

export function yargsOption(f: Flag): Options {
  return {
    type: f.type,
    describe: f.description,
    ...(f.alias ? { alias: f.alias } : {}),
    ...(f.array ? { array: true } : {}),
    ...(f.choices ? { choices: [...f.choices] } : {}),
    ...(f.group ? { group: f.group } : {}),
    ...(f.hidden ? { hidden: true } : {}),
    ...(f.default !== undefined ? { defaultDescription: defaultDescription(f.default) } : {}),
  };
}

/** Adds `flags` to a command's yargs builder. */
export function addYargsOptions<T>(y: Argv<T>, flags: readonly Flag[]): Argv<T> {
  for (const f of flags) if (!f.builtin) y.option(f.name, yargsOption(f));
  return y;
}

/** The completion data of `flags` (hidden ones left out). */
export function completionFlags(flags: readonly Flag[]): CompletionFlag[] {
  return flags.filter((f) => !f.hidden).map(completionFlag);
}

export function completionFlag(f: Flag): CompletionFlag {
  const out: CompletionFlag = { name: f.name, description: f.summary ?? f.description };
  if (f.alias) out.short = f.alias;
  if (f.type !== 'boolean') {
    const kind = f.complete ?? (f.choices ? 'choices' : 'none');
    out.value = kind === 'choices' ? { kind, values: f.choices ?? [] } : { kind };
  }
  return out;
}
