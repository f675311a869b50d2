// Flags of `kubectl mdns tls` and `kubectl mdns tls ca` (issue 12).
import type { Argv } from 'yargs';
import type { CommonFlags } from './flags.js';

const TLS = 'TLS flags:';

export interface TlsFlags extends CommonFlags {
  caDir?: string;
  dryRun?: boolean;
  force?: boolean;
  days: number;
}

export interface TlsCaFlags {
  caDir?: string;
  output: 'text' | 'json' | 'yaml';
  install?: boolean;
  uninstall?: boolean;
  serve?: boolean;
  port: number;
  interface?: string[];
  verbose?: boolean;
}

/** Leaf validity: the CA/Browser Forum's ceiling for publicly trusted certificates, which browsers apply to local CAs too. */
export const MAX_LEAF_DAYS = 397;

export function caDirFlag<T>(y: Argv<T>): Argv<T> {
  return y.option('ca-dir', { type: 'string', group: TLS, describe: 'CA folder (default: $CAROOT, else mkcert\'s folder when it holds a CA, else $XDG_DATA_HOME/kubectl-mdns/ca)' });
}

export function tlsFlags<T>(y: Argv<T>): Argv<T> {
  return caDirFlag(y)
    .option('dry-run', { type: 'boolean', group: TLS, describe: 'Say what would be created or renewed; write nothing (needed with -f)' })
    .option('force', { type: 'boolean', group: TLS, describe: 'Also replace Secrets that kubectl-mdns did not create' })
    .option('days', { type: 'number', default: 90, group: TLS, describe: `Validity of issued certificates in days (at most ${MAX_LEAF_DAYS})` });
}

export function tlsCaFlags<T>(y: Argv<T>): Argv<T> {
  return caDirFlag(y)
    .option('output', { alias: 'o', type: 'string', choices: ['text', 'json', 'yaml'], default: 'text', describe: 'Output format' })
    .option('install', { type: 'boolean', group: TLS, describe: 'Make this machine trust the CA: system store, NSS (Chromium, Firefox), macOS keychain' })
    .option('uninstall', { type: 'boolean', group: TLS, describe: 'Remove the CA from those stores' })
    .option('serve', { type: 'boolean', group: TLS, describe: 'Serve rootCA.pem over HTTP at <hostname>-ca.local (mDNS) with a QR code, for phones' })
    .option('port', { type: 'number', default: 8080, group: TLS, describe: 'Port for --serve' })
    .option('interface', { type: 'string', array: true, group: TLS, describe: 'Publish <hostname>-ca.local on this interface only (repeatable)' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'More detail on stderr' });
}
