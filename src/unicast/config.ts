// --dns-server, --zone, --tsig-* and the other unicast flags -> UnicastConfig. Unicast is off
// without --dns-server; with it, key material is required: updates are never sent unsigned
// (an unset key must not mean an unsigned update). The secret is never echoed, not even when
// it is malformed, and leaves here only inside a TsigKey (tsig-key.ts).
//
// The defaults of these flags are applied here, not by the command-line parser, so that a
// flag not given is visible: a BIND key file's `algorithm` is used unless --tsig-algorithm is
// given. (The flag table in src/cli/flags.ts shows the same defaults in --help.)

import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { Reporter } from '../util/reporter.js';
import { UserError, errorMessage } from '../util/errors.js';
import { tsigAlgorithm } from './tsig.js';
import { TsigKey } from './tsig-key.js';
import { ownerIdProblem } from './ownership.js';
import { normaliseZones } from '../util/zones.js';

/**
 * What a plan may do to the zones, as external-dns's --policy: `sync` adds, changes and
 * deletes; `upsert-only` never deletes; `create-only` only adds names. Enforced by the
 * reconcile stage.
 */
export const UNICAST_POLICIES = ['sync', 'upsert-only', 'create-only'] as const;
export type UnicastPolicy = (typeof UNICAST_POLICIES)[number];

export interface UnicastConfig {
  server: { host: string; port: number };
  /** Lower-case, no trailing dot, none under .local. */
  zones: string[];
  /** Made once from the flags; prints as name and algorithm only. */
  tsig: TsigKey;
  ttl: number;
  ownerId: string;
  /** Names per UPDATE message. */
  batchSize: number;
  /** --policy (default sync). */
  policy: UnicastPolicy;
  /** --allow-mass-delete: let a plan through that deletes most of the names we own. */
  allowMassDelete: boolean;
  /** Per exchange; default 3000. */
  timeoutMs?: number;
  reporter: Reporter;
  /** Retry pacing after timeouts, SERVFAIL and network errors (default 500 ms doubling to 30 s). */
  backoff?: { initialMs: number; maxMs: number };
}

export interface UnicastFlags {
  dnsServer?: string;
  zone?: string[];
  tsigKeyName?: string;
  tsigAlgorithm?: string;
  tsigSecretFile?: string;
  /** On argv: visible to every user in `ps`; accepted with a warning. */
  tsigSecret?: string;
  unicastTtl?: number;
  ownerId?: string;
  batchSize?: number;
  policy?: UnicastPolicy;
  allowMassDelete?: boolean;
}

export const SECRET_ENV = 'KUBECTL_MDNS_TSIG_SECRET';
export const DEFAULT_UNICAST_TTL = 300;
export const DEFAULT_BATCH_SIZE = 50;
export const DEFAULT_TSIG_ALGORITHM = 'hmac-sha256';
export const DEFAULT_POLICY: UnicastPolicy = 'sync';
/**
 * The owner id when there is no kubeconfig context to name it after (`-f` manifests) and no
 * --owner-id: the README documents it, and serve and diff print the owner id they use.
 */
export const DEFAULT_OWNER_ID = 'kubectl-mdns';
const SOURCE = 'unicast';

/** HOST, HOST:PORT, [IPV6]:PORT, [IPV6] or a bare IPv6 address; default port 53. */
export function parseServer(value: string): { host: string; port: number } {
  const v = value.trim();
  const bad = () =>
    new UserError(
      `--dns-server ${JSON.stringify(value)} is not HOST[:PORT]: e.g. --dns-server 127.0.0.1:5300, --dns-server ns1.home.arpa, --dns-server [fd00::53]:53`,
    );
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
    if (!isIPv6(host)) throw bad();
  } else if (isIPv6(v)) {
    host = v;
  } else {
    const m = /^([^:\s[\]]+)(?::(\d+))?$/.exec(v);
    if (!m) throw bad();
    host = m[1]!;
    portText = m[2];
  }
  const port = portText === undefined ? 53 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad();
  return { host, port };
}

interface KeyMaterial {
  secret: Buffer;
  keyName?: string;
  algorithm?: string;
}

/**
 * A secret is base64 (RFC 4648 §4), as tsig-keygen prints it. Whitespace inside is allowed
 * (long secrets get wrapped); anything else is an error that does not repeat the value.
 */
function decodeSecret(text: string, from: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new UserError(
      `the TSIG secret from ${from} is not valid base64; it should look like the secret "..." line tsig-keygen prints (the value is not shown here)`,
    );
  }
  return Buffer.from(compact, 'base64');
}

/** A secret file holds the base64 secret alone, or a BIND `key "name" { algorithm ...; secret "..."; };` clause. */
export function readSecretFile(path: string): KeyMaterial {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot read --tsig-secret-file ${path}${code === 'ENOENT' ? ': no such file' : code === 'EACCES' ? ': permission denied' : `: ${code ?? errorMessage(err)}`}`,
    );
  }
  const from = `--tsig-secret-file ${path}`;
  const clause = /key\s+"?([^"\s{]+)"?\s*\{([\s\S]*?)\}\s*;?/.exec(text);
  if (clause) {
    const body = clause[2]!;
    const secret = /secret\s+"([^"]*)"\s*;/.exec(body)?.[1];
    if (secret === undefined) throw new UserError(`${from} has a key clause without a secret "..." line`);
    const algorithm = /algorithm\s+"?([A-Za-z0-9.-]+)"?\s*;/.exec(body)?.[1];
    return { secret: decodeSecret(secret, from), keyName: clause[1]!, ...(algorithm ? { algorithm } : {}) };
  }
  return { secret: decodeSecret(text, from) };
}

/**
 * The owner id written into the ownership TXT: --owner-id, else the context name, else (no
 * context: `-f` manifests) DEFAULT_OWNER_ID.
 */
export function resolveOwnerId(flagOwnerId: string | undefined, contextName: string | undefined): string {
  const ownerId = flagOwnerId ?? (contextName || DEFAULT_OWNER_ID);
  const problem = ownerIdProblem(ownerId);
  if (problem)
    throw new UserError(
      `owner id ${JSON.stringify(ownerId)}${flagOwnerId ? '' : ' (the context name)'} cannot go in the ownership TXT: ${problem}; set --owner-id`,
    );
  return ownerId;
}

/** Everything the unicast flags say, checked; the owner id waits for the context. */
export type UnicastSettings = Omit<UnicastConfig, 'ownerId'> & {
  /** --owner-id as given (already checked). */
  ownerIdFlag: string | undefined;
};

/**
 * The unicast config, built once the kubeconfig context is known: `contextName` names the
 * owner unless --owner-id is given; undefined (or '') when reading `-f` manifests, where
 * DEFAULT_OWNER_ID is used. undefined when unicast is off (no --dns-server). Throws UserError
 * for anything that would make the first update fail or, worse, go out unsigned.
 */
export function unicastConfigFromFlags(
  flags: UnicastFlags,
  env: Record<string, string | undefined>,
  contextName: string | undefined,
  reporter: Reporter,
): UnicastConfig | undefined {
  const settings = unicastSettingsFromFlags(flags, env, reporter);
  return settings && unicastConfigFor(settings, contextName);
}

/** Settings -> config, once the context is known (see unicastConfigFromFlags). */
export function unicastConfigFor(settings: UnicastSettings, contextName: string | undefined): UnicastConfig {
  const { ownerIdFlag, ...rest } = settings;
  return { ...rest, ownerId: resolveOwnerId(ownerIdFlag, contextName) };
}

/**
 * The first half of unicastConfigFromFlags, for commands that check their flags before they
 * connect anywhere (and so before the context is known): reads the key, checks every flag.
 * undefined when unicast is off.
 */
export function unicastSettingsFromFlags(flags: UnicastFlags, env: Record<string, string | undefined>, reporter: Reporter): UnicastSettings | undefined {
  if (!flags.dnsServer) {
    const stray = [
      flags.tsigKeyName && '--tsig-key-name',
      flags.tsigSecretFile && '--tsig-secret-file',
      flags.tsigSecret !== undefined && '--tsig-secret',
    ].filter(Boolean);
    if (stray.length)
      reporter.report({ kind: 'warning', source: SOURCE, message: `${stray.join(', ')} ignored: unicast updates need --dns-server HOST[:PORT]` });
    return undefined;
  }
  const server = parseServer(flags.dnsServer);
  const zones = normaliseZones(flags.zone ?? []);
  if (zones.length === 0) throw new UserError('--dns-server needs at least one --zone: the zone(s) the server lets this key update, e.g. --zone dev.home.arpa');

  let material: KeyMaterial | undefined;
  if (flags.tsigSecretFile && flags.tsigSecret !== undefined) {
    throw new UserError('give the TSIG secret one way: --tsig-secret-file or --tsig-secret, not both');
  }
  if (flags.tsigSecretFile) material = readSecretFile(flags.tsigSecretFile);
  else if (flags.tsigSecret !== undefined) {
    reporter.report({
      kind: 'warning',
      source: SOURCE,
      message: `--tsig-secret on the command line is visible to every user of this machine (ps, /proc); prefer --tsig-secret-file or ${SECRET_ENV}`,
    });
    material = { secret: decodeSecret(flags.tsigSecret, '--tsig-secret') };
  } else if (env[SECRET_ENV] !== undefined && env[SECRET_ENV] !== '') {
    material = { secret: decodeSecret(env[SECRET_ENV]!, SECRET_ENV) };
  }
  if (!material) {
    throw new UserError(
      `--dns-server needs a TSIG key: updates are never sent unsigned. Give --tsig-key-name and the secret with --tsig-secret-file FILE (base64, or the key clause tsig-keygen prints) or ${SECRET_ENV}`,
    );
  }
  try {
    return settingsWithKey(flags, material, server, zones, reporter);
  } finally {
    // The decoded secret may sit in Node's shared Buffer pool: the TsigKey has its own copy.
    material.secret.fill(0);
  }
}

function settingsWithKey(flags: UnicastFlags, material: KeyMaterial, server: UnicastConfig['server'], zones: string[], reporter: Reporter): UnicastSettings {
  if (flags.tsigKeyName && material.keyName && flags.tsigKeyName.replace(/\.$/, '').toLowerCase() !== material.keyName.replace(/\.$/, '').toLowerCase()) {
    throw new UserError(`--tsig-key-name ${flags.tsigKeyName} does not match the key "${material.keyName}" in --tsig-secret-file: drop one of them`);
  }
  const keyName = flags.tsigKeyName ?? material.keyName;
  if (!keyName) throw new UserError('--tsig-key-name is required: the name of the key in the server\'s key clause (key "NAME" { ... })');
  // --tsig-algorithm when given, else the key file's `algorithm`, else the default.
  const algorithm = tsigAlgorithm(flags.tsigAlgorithm ?? material.algorithm ?? DEFAULT_TSIG_ALGORITHM).name;
  if (flags.tsigAlgorithm && material.algorithm && tsigAlgorithm(material.algorithm).name !== algorithm) {
    throw new UserError(`--tsig-algorithm ${flags.tsigAlgorithm} does not match algorithm ${material.algorithm} in --tsig-secret-file: drop one of them`);
  }

  const ttl = flags.unicastTtl ?? DEFAULT_UNICAST_TTL;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) throw new UserError(`--unicast-ttl ${ttl} is not a TTL: use whole seconds, e.g. 300`);
  if (ttl === 0)
    reporter.report({ kind: 'warning', source: SOURCE, message: '--unicast-ttl 0: resolvers will not cache these records and ask the server every time' });
  const batchSize = flags.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UserError(`--batch-size ${batchSize} must be a whole number of names, 1 or more`);

  const policy = flags.policy ?? DEFAULT_POLICY;
  if (!UNICAST_POLICIES.includes(policy))
    throw new UserError(`invalid value ${JSON.stringify(policy)} for --policy: use one of ${UNICAST_POLICIES.join(', ')}`);
  // A bad --owner-id is a flag problem: reported now, before the context is known.
  if (flags.ownerId !== undefined) resolveOwnerId(flags.ownerId, undefined);

  const tsig = new TsigKey(keyName, algorithm, material.secret);
  return { server, zones, tsig, ttl, batchSize, policy, allowMassDelete: Boolean(flags.allowMassDelete), ownerIdFlag: flags.ownerId, reporter };
}
