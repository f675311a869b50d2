// Every flag of every command, once: one table per stage (cluster, selection, output, unicast,
// mDNS, serve). main.ts makes the yargs options from them and completion.ts the completion
// data (flag-table.ts), so --help and <TAB> cannot disagree. Grouped per stage, not one flat
// list: each command takes only what its stages read.
//
// Defaults here are what --help shows; the code that reads a flag applies the default itself
// (unicast/config.ts, mdns/responder.ts DEFAULT_TTL, commands/diff.ts --timeout, the printers
// for -o and --log-format), so a flag not given arrives as undefined. A test keeps the two in
// step (test/unit/cli/flags.test.ts).
//
// A new command: add it to COMMANDS below, add its name to the `commands` of each flag it
// takes (and its own flags to the table of their stage), then register it in main.ts with
// `withFlags(y, 'name')` and `commandDescription('name')`.
import type { Argv } from 'yargs';
import type { UnicastFlags } from '../unicast/config.js';
import { addYargsOptions, flagsOf, type Flag } from './flag-table.js';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

export interface CommonFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  requestTimeout?: string;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  filename?: string[];
  zone?: string[];
  anyPort?: boolean;
  /** undefined: table */
  output?: OutputFormat;
  noHeaders?: boolean;
  verbose?: boolean;
  /** list -w: keep watching and print bindings as they change. */
  watch?: boolean;
}

export type { UnicastFlags };

export interface MdnsFlags {
  interface?: string[];
  ttl?: number;
  timeout?: number;
}

export interface ServeFlags extends CommonFlags, UnicastFlags, MdnsFlags {
  cleanupOnExit?: boolean;
  noMdns?: boolean;
  /** undefined: text */
  logFormat?: 'text' | 'json';
  /** serve --tls: keep listeners' Secrets in step (src/tls/keeper.ts). */
  tls?: boolean;
  caDir?: string;
}

export interface DiffFlags extends CommonFlags, UnicastFlags, MdnsFlags {}

export interface TlsFlags extends CommonFlags {
  caDir?: string;
  dryRun?: boolean;
  force?: boolean;
  /** undefined: 90 */
  days?: number;
}

export interface TlsCaFlags {
  caDir?: string;
  /** undefined: text */
  output?: 'text' | 'json' | 'yaml';
  install?: boolean;
  uninstall?: boolean;
  serve?: boolean;
  /** undefined: 8080 */
  port?: number;
  interface?: string[];
  verbose?: boolean;
}

export interface Command {
  name: string;
  /** The one-line description in --help. */
  description: string;
  /** Completion's shorter text. */
  summary: string;
  /** A positional argument and its values (`completion <shell>`). */
  positional?: { name: string; choices: readonly string[] };
}

export const COMMANDS: readonly Command[] = [
  { name: 'list', description: 'List hostname bindings: which names would be published, where, and why not', summary: 'List hostname bindings' },
  {
    name: 'diff',
    description: 'Show the DNS changes serve would make, against what the link and the DNS server answer now',
    summary: 'Show the DNS changes serve would make',
  },
  { name: 'serve', description: 'Publish the bindings: mDNS responder (and RFC 2136 updates) until Ctrl-C', summary: 'Publish the bindings until Ctrl-C' },
  {
    name: 'tls',
    description: 'Certificates from a local CA in the Secrets of HTTPS/TLS listeners; `tls ca` shows, installs or serves the CA',
    summary: "Certificates from a local CA in HTTPS listeners' Secrets (tls ca: the CA)",
    positional: { name: 'subcommand', choices: ['ca'] },
  },
  {
    name: 'doctor',
    description: 'Say why a .local name does or does not open in the browser on this machine, and how to fix it',
    summary: 'Say why a .local name does or does not open, and the fix',
  },
  { name: 'version', description: 'Print the version', summary: 'Print the version' },
  {
    name: 'completion',
    description: 'Print a shell completion script (bash or zsh)',
    summary: 'Print a shell completion script',
    positional: { name: 'shell', choices: ['bash', 'zsh'] },
  },
];

/** The commands that read a source and compute bindings. */
const PIPELINE = ['list', 'diff', 'serve', 'tls', 'doctor'] as const;
/** `tls ca`, a subcommand: registered under `tls` in main.ts. */
const TLS_CA = 'tls ca';
/** Subcommands that take flags of their own (their parent is in COMMANDS). */
export const SUBCOMMANDS: readonly string[] = [TLS_CA];
const LIVE = ['diff', 'serve'] as const;

const KUBE = 'Kubernetes flags:';
const SEL = 'Selection flags:';
const OUT = 'Output flags:';
const UNI = 'Unicast DNS (RFC 2136) flags:';
const MDNS = 'mDNS flags:';

/** The kubeconfig, as kubectl reads it (cluster/kubeconfig.ts). */
export const CLUSTER_FLAGS: readonly Flag[] = [
  {
    name: 'kubeconfig',
    type: 'string',
    group: KUBE,
    complete: 'file',
    commands: PIPELINE,
    description: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)',
    summary: 'Path to the kubeconfig file',
  },
  { name: 'context', type: 'string', group: KUBE, complete: 'contexts', commands: PIPELINE, description: 'The kubeconfig context to use' },
  { name: 'cluster', type: 'string', group: KUBE, complete: 'clusters', commands: PIPELINE, description: 'The kubeconfig cluster to use' },
  { name: 'user', type: 'string', group: KUBE, complete: 'users', commands: PIPELINE, description: 'The kubeconfig user to use' },
  {
    name: 'request-timeout',
    type: 'string',
    group: KUBE,
    commands: PIPELINE,
    description: 'Time to wait for one API request (e.g. 10s, 1m; 0 = no timeout)',
    summary: 'Time to wait for one API request',
  },
];

/** Which objects and names (cli/load.ts, bindings). */
export const SELECTION_FLAGS: readonly Flag[] = [
  { name: 'namespace', alias: 'n', type: 'string', group: SEL, complete: 'namespaces', commands: PIPELINE, description: 'Only routes in this namespace' },
  { name: 'all-namespaces', alias: 'A', type: 'boolean', group: SEL, commands: PIPELINE, description: 'Routes in all namespaces (the default)' },
  {
    name: 'selector',
    alias: 'l',
    type: 'string',
    group: SEL,
    commands: PIPELINE,
    description: 'Label selector on routes (e.g. app=shop,tier!=db)',
    summary: 'Label selector on routes',
  },
  {
    name: 'filename',
    alias: 'f',
    type: 'string',
    array: true,
    group: SEL,
    complete: 'manifests',
    commands: PIPELINE,
    description: 'Read Gateway API manifests from a file, directory or - (stdin) instead of the cluster (repeatable)',
    summary: 'Read manifests from a file or directory',
  },
  {
    name: 'zone',
    type: 'string',
    array: true,
    group: SEL,
    commands: PIPELINE,
    description: 'Unicast DNS zone; names inside it are published there (repeatable)',
    summary: 'Unicast DNS zone (repeatable)',
  },
  {
    name: 'any-port',
    type: 'boolean',
    group: SEL,
    commands: PIPELINE,
    description: 'Without sectionName or port, use the lowest listener port instead of skipping gateways without 443 or 80',
    summary: 'Use the lowest listener port without 443 or 80',
  },
];

/**
 * What a command prints and how (printers/, events.ts). In completion's order: version lists
 * its -o before --help, the others after.
 */
export const OUTPUT_FLAGS: readonly Flag[] = [
  {
    name: 'verbose',
    alias: 'v',
    type: 'boolean',
    commands: [...PIPELINE, TLS_CA],
    description: 'More detail on stderr (and stack traces on errors)',
    summary: 'More detail on stderr',
  },
  {
    name: 'output',
    alias: 'o',
    type: 'string',
    choices: ['text', 'json', 'yaml'],
    default: 'text',
    commands: ['version', TLS_CA, 'doctor'],
    description: 'Output format',
  },
  { name: 'help', alias: 'h', type: 'boolean', builtin: true, commands: [...PIPELINE, 'version', 'completion'], description: 'Show help' },
  {
    name: 'output',
    alias: 'o',
    type: 'string',
    choices: ['table', 'wide', 'json', 'yaml'],
    default: 'table',
    group: OUT,
    commands: ['list', 'diff', 'tls'],
    description: 'Output format',
  },
  { name: 'no-headers', type: 'boolean', group: OUT, commands: ['list', 'diff', 'tls'], description: 'Do not print table headers' },
  {
    name: 'watch',
    alias: 'w',
    type: 'boolean',
    group: OUT,
    commands: ['list'],
    description: 'After the table, print bindings as they change (like kubectl get -w) until Ctrl-C',
    summary: 'Keep watching: print bindings as they change',
  },
];

/** RFC 2136 updates signed with TSIG (unicast/config.ts applies the defaults). */
export const UNICAST_FLAGS: readonly Flag[] = [
  {
    name: 'dns-server',
    type: 'string',
    group: UNI,
    commands: LIVE,
    description: 'DNS server for RFC 2136 updates, HOST[:PORT] (UDP, TCP on truncation)',
    summary: 'DNS server for RFC 2136 updates, HOST[:PORT]',
  },
  { name: 'tsig-key-name', type: 'string', group: UNI, commands: LIVE, description: 'TSIG key name' },
  {
    name: 'tsig-algorithm',
    type: 'string',
    group: UNI,
    default: 'hmac-sha256',
    choices: ['hmac-sha256', 'hmac-sha1', 'hmac-sha224', 'hmac-sha384', 'hmac-sha512', 'hmac-md5'],
    commands: LIVE,
    description: 'TSIG algorithm',
  },
  {
    name: 'tsig-secret-file',
    type: 'string',
    group: UNI,
    complete: 'file',
    commands: LIVE,
    description: 'File with the base64 TSIG secret (or a BIND key clause); or set KUBECTL_MDNS_TSIG_SECRET',
    summary: 'File with the base64 TSIG secret',
  },
  {
    name: 'tsig-secret',
    type: 'string',
    hidden: true,
    group: UNI,
    commands: LIVE,
    description: 'Base64 TSIG secret on the command line (visible in ps: prefer the file or env)',
  },
  {
    name: 'owner-id',
    type: 'string',
    group: UNI,
    commands: LIVE,
    description: 'Owner id written in ownership TXT records (default: the context name; kubectl-mdns with -f)',
    summary: 'Owner id in ownership TXT records',
  },
  { name: 'unicast-ttl', type: 'number', default: 300, group: UNI, commands: ['serve'], description: 'TTL of unicast records in seconds' },
  { name: 'batch-size', type: 'number', default: 50, group: UNI, commands: ['serve'], description: 'Names per UPDATE message' },
  {
    name: 'policy',
    type: 'string',
    default: 'sync',
    choices: ['sync', 'upsert-only', 'create-only'],
    group: UNI,
    commands: LIVE,
    description: 'What unicast updates may do: sync adds, changes and deletes; upsert-only never deletes; create-only only adds names',
    summary: 'What unicast updates may do',
  },
  {
    name: 'allow-mass-delete',
    type: 'boolean',
    group: UNI,
    commands: LIVE,
    description: 'Apply a plan that deletes more than half of the names we own (or all, after an empty source) instead of holding it',
    summary: 'Apply plans that delete most of our names',
  },
];

/** The mDNS responder and the link queries of diff (mdns/). */
export const MDNS_FLAGS: readonly Flag[] = [
  {
    name: 'interface',
    type: 'string',
    array: true,
    group: MDNS,
    complete: 'interfaces',
    commands: [...LIVE, TLS_CA, 'doctor'],
    description: 'Network interface for mDNS (repeatable; default: every up, multicast-capable one)',
    summary: 'Network interface for mDNS (repeatable)',
  },
  { name: 'timeout', type: 'number', default: 1, group: MDNS, commands: ['diff', 'doctor'], description: 'Seconds to collect mDNS answers' },
  { name: 'ttl', type: 'number', default: 120, group: MDNS, commands: ['serve'], description: 'TTL of mDNS records in seconds' },
];

/** How serve runs and stops (commands/serve.ts). */
export const SERVE_FLAGS: readonly Flag[] = [
  {
    name: 'cleanup-on-exit',
    type: 'boolean',
    default: false,
    group: UNI,
    commands: ['serve'],
    description: 'Delete our unicast records on exit (mDNS always says goodbye)',
    summary: 'Delete our unicast records on exit',
  },
  {
    name: 'no-mdns',
    type: 'boolean',
    default: false,
    group: MDNS,
    commands: ['serve'],
    description: 'Do not run the mDNS responder (unicast only)',
    summary: 'Do not run the mDNS responder',
  },
  {
    name: 'log-format',
    type: 'string',
    choices: ['text', 'json'],
    default: 'text',
    commands: ['serve'],
    description: 'Change lines as text or JSON lines (stderr)',
    summary: 'Change lines as text or JSON lines',
  },
];

const TLS = 'TLS flags:';
/** Leaf validity: the CA/Browser Forum's ceiling for publicly trusted certificates, which browsers apply to local CAs too. */
export const MAX_LEAF_DAYS = 397;

/** The local CA and the certificates in listeners' Secrets (src/tls). */
export const TLS_FLAGS: readonly Flag[] = [
  {
    name: 'tls',
    type: 'boolean',
    default: false,
    group: TLS,
    commands: ['serve'],
    description: "Keep HTTPS/TLS listeners' Secrets holding certificates from the local CA (as `kubectl mdns tls` does)",
    summary: "Keep HTTPS listeners' Secrets with certificates from the local CA",
  },
  {
    name: 'ca-dir',
    type: 'string',
    group: TLS,
    complete: 'file',
    commands: ['serve', 'tls', TLS_CA],
    description: "CA folder (default: $CAROOT, else mkcert's folder when it holds a CA, else $XDG_DATA_HOME/kubectl-mdns/ca)",
    summary: 'CA folder',
  },
  {
    name: 'dry-run',
    type: 'boolean',
    group: TLS,
    commands: ['tls'],
    description: 'Say what would be created or renewed; write nothing (needed with -f)',
    summary: 'Say what would change; write nothing',
  },
  { name: 'force', type: 'boolean', group: TLS, commands: ['tls'], description: 'Also replace Secrets that kubectl-mdns did not create' },
  {
    name: 'days',
    type: 'number',
    default: 90,
    group: TLS,
    commands: ['tls'],
    description: `Validity of issued certificates in days (at most ${MAX_LEAF_DAYS})`,
    summary: 'Validity of issued certificates in days',
  },
  {
    name: 'install',
    type: 'boolean',
    group: TLS,
    commands: [TLS_CA],
    description: 'Make this machine trust the CA: system store, NSS (Chromium, Firefox), macOS keychain',
  },
  { name: 'uninstall', type: 'boolean', group: TLS, commands: [TLS_CA], description: 'Remove the CA from those stores' },
  {
    name: 'serve',
    type: 'boolean',
    group: TLS,
    commands: [TLS_CA],
    description: 'Serve rootCA.pem over HTTP at <hostname>-ca.local (mDNS) with a QR code, for phones',
  },
  { name: 'port', type: 'number', default: 8080, group: TLS, commands: [TLS_CA], description: 'Port for --serve' },
];

/** In this order: it is the order of --help within a group and of completion. */
export const FLAG_TABLES: readonly (readonly Flag[])[] = [CLUSTER_FLAGS, SELECTION_FLAGS, OUTPUT_FLAGS, UNICAST_FLAGS, MDNS_FLAGS, SERVE_FLAGS, TLS_FLAGS];

/** The flags of `command`. */
export function flagsFor(command: string): Flag[] {
  return flagsOf(FLAG_TABLES, command);
}

/** Flags without a command (`kubectl mdns --help`). */
export const ROOT_FLAGS: readonly Flag[] = OUTPUT_FLAGS.filter((f) => f.name === 'help');

/** The yargs options of `command`, for its builder in main.ts. */
export function withFlags<T>(y: Argv<T>, command: string): Argv<T> {
  return addYargsOptions(y, flagsFor(command));
}

export function command(name: string): Command {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no command ${name} in cli/flags.ts COMMANDS`);
  return c;
}

export function commandDescription(name: string): string {
  return command(name).description;
}
