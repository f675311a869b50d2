// Flags, grouped per subcommand (external-dns's single flat flag list is what we avoid).
import type { Argv } from 'yargs';
import type { UnicastFlags } from '../unicast/config.js';

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
  output: OutputFormat;
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
  logFormat: 'text' | 'json';
  /** serve --tls: keep listeners' Secrets in step (src/tls/keeper.ts). */
  tls?: boolean;
  caDir?: string;
}

export interface DiffFlags extends CommonFlags, UnicastFlags, MdnsFlags {}

const KUBE = 'Kubernetes flags:';
const SEL = 'Selection flags:';
const OUT = 'Output flags:';
const UNI = 'Unicast DNS (RFC 2136) flags:';
const MDNS = 'mDNS flags:';

export function commonFlags<T>(y: Argv<T>, opts: { output: boolean }): Argv<T> {
  y.option('kubeconfig', { type: 'string', group: KUBE, describe: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' })
    .option('context', { type: 'string', group: KUBE, describe: 'The kubeconfig context to use' })
    .option('cluster', { type: 'string', group: KUBE, describe: 'The kubeconfig cluster to use' })
    .option('user', { type: 'string', group: KUBE, describe: 'The kubeconfig user to use' })
    .option('request-timeout', { type: 'string', group: KUBE, describe: 'Time to wait for one API request (e.g. 10s, 1m; 0 = no timeout)' })
    .option('namespace', { alias: 'n', type: 'string', group: SEL, describe: 'Only routes in this namespace' })
    .option('all-namespaces', { alias: 'A', type: 'boolean', group: SEL, describe: 'Routes in all namespaces (the default)' })
    .option('selector', { alias: 'l', type: 'string', group: SEL, describe: 'Label selector on routes (e.g. app=shop,tier!=db)' })
    .option('filename', { alias: 'f', type: 'string', array: true, group: SEL, describe: 'Read Gateway API manifests from a file, directory or - (stdin) instead of the cluster (repeatable)' })
    .option('zone', { type: 'string', array: true, group: SEL, describe: 'Unicast DNS zone; names inside it are published there (repeatable)' })
    .option('any-port', { type: 'boolean', group: SEL, describe: 'Without sectionName or port, use the lowest listener port instead of skipping gateways without 443 or 80' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'More detail on stderr (and stack traces on errors)' });
  if (opts.output) {
    y.option('output', { alias: 'o', type: 'string', choices: ['table', 'wide', 'json', 'yaml'], default: 'table', group: OUT, describe: 'Output format' })
      .option('no-headers', { type: 'boolean', group: OUT, describe: 'Do not print table headers' });
  }
  return y;
}

export function unicastFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .option('dns-server', { type: 'string', group: UNI, describe: 'DNS server for RFC 2136 updates, HOST[:PORT] (UDP, TCP on truncation)' })
    .option('tsig-key-name', { type: 'string', group: UNI, describe: 'TSIG key name' })
    .option('tsig-algorithm', { type: 'string', group: UNI, default: 'hmac-sha256', choices: ['hmac-sha256', 'hmac-sha1', 'hmac-sha224', 'hmac-sha384', 'hmac-sha512', 'hmac-md5'], describe: 'TSIG algorithm' })
    .option('tsig-secret-file', { type: 'string', group: UNI, describe: 'File with the base64 TSIG secret (or a BIND key clause); or set KUBECTL_MDNS_TSIG_SECRET' })
    .option('tsig-secret', { type: 'string', hidden: true, group: UNI, describe: 'Base64 TSIG secret on the command line (visible in ps: prefer the file or env)' })
    .option('owner-id', { type: 'string', group: UNI, describe: 'Owner id written in ownership TXT records (default: the context name)' });
}

export function mdnsFlags<T>(y: Argv<T>): Argv<T> {
  return y.option('interface', { type: 'string', array: true, group: MDNS, describe: 'Network interface for mDNS (repeatable; default: every up, multicast-capable one)' });
}
