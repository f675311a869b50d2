// The command line: parse flags, hand off to one command module (imported lazily so that
// `version` and `--help` never load the Kubernetes client), turn errors into one line and
// kubectl's exit codes (0 ok, 1 differences for diff, 2 errors).
import yargs from 'yargs';
import { normaliseArgv } from './argv.js';
import { commonFlags, mdnsFlags, unicastFlags, type CommonFlags, type DiffFlags, type ServeFlags } from './flags.js';
import { tlsCaFlags, tlsFlags, type TlsCaFlags, type TlsFlags } from './tls-flags.js';
import { UserError, errorMessage } from '../util/errors.js';

type Parsed = { _: (string | number)[] } & Record<string, unknown>;

function buildParser(args: string[]) {
  return yargs(args)
    .scriptName('kubectl mdns')
    .usage('Publish Gateway API route hostnames over multicast DNS (.local) and RFC 2136 dynamic DNS.\n\nUsage: kubectl mdns <command> [flags]')
    .parserConfiguration({ 'boolean-negation': false, 'camel-case-expansion': true, 'strip-dashed': true })
    .command('list', 'List hostname bindings: which names would be published, where, and why not', (y) =>
      commonFlags(y, { output: true })
        .option('watch', { alias: 'w', type: 'boolean', group: 'Output flags:', describe: 'After the table, print bindings as they change (like kubectl get -w) until Ctrl-C' })
        .example('kubectl mdns list', 'Bindings of the current context, all namespaces')
        .example('kubectl mdns list -w', 'Keep watching: one row per binding that changes')
        .example('kubectl mdns list -f examples/', 'Check manifests without a cluster')
        .example('kubectl mdns list -n shop -owide', 'One namespace, with URLs and parents')
        .example('kubectl mdns list --zone dev.k8s -ojson', 'JSON, with dev.k8s names published by unicast DNS'),
    )
    .command('diff', 'Show the DNS changes serve would make, against what the link and the DNS server answer now', (y) =>
      mdnsFlags(unicastFlags(commonFlags(y, { output: true })))
        .option('timeout', { type: 'number', default: 1, group: 'mDNS flags:', describe: 'Seconds to collect mDNS answers' })
        .example('kubectl mdns diff', 'Preview mDNS changes; exit 0 none, 1 some, 2 error')
        .example('kubectl mdns diff --dns-server 127.0.0.1:53 --zone dev.k8s --tsig-key-name k --tsig-secret-file k.b64', 'Also preview unicast changes'),
    )
    .command('serve', 'Publish the bindings: mDNS responder (and RFC 2136 updates) until Ctrl-C', (y) =>
      mdnsFlags(unicastFlags(commonFlags(y, { output: false })))
        .option('ttl', { type: 'number', default: 120, group: 'mDNS flags:', describe: 'TTL of mDNS records in seconds' })
        .option('unicast-ttl', { type: 'number', default: 300, group: 'Unicast DNS (RFC 2136) flags:', describe: 'TTL of unicast records in seconds' })
        .option('batch-size', { type: 'number', default: 50, group: 'Unicast DNS (RFC 2136) flags:', describe: 'Names per UPDATE message' })
        .option('cleanup-on-exit', { type: 'boolean', default: false, group: 'Unicast DNS (RFC 2136) flags:', describe: 'Delete our unicast records on exit (mDNS always says goodbye)' })
        .option('no-mdns', { type: 'boolean', default: false, group: 'mDNS flags:', describe: 'Do not run the mDNS responder (unicast only)' })
        .option('log-format', { type: 'string', choices: ['text', 'json'], default: 'text', describe: 'Change lines as text or JSON lines (stderr)' })
        .option('tls', { type: 'boolean', default: false, group: 'TLS flags:', describe: 'Keep HTTPS/TLS listeners\' Secrets holding certificates from the local CA (as `kubectl mdns tls` does)' })
        .option('ca-dir', { type: 'string', group: 'TLS flags:', describe: 'CA folder for --tls (see `kubectl mdns tls ca`)' })
        .example('kubectl mdns serve', 'Answer for every Ready .local name until Ctrl-C')
        .example('kubectl mdns serve --interface eth0', 'Only on eth0')
        .example('KUBECTL_MDNS_TSIG_SECRET=... kubectl mdns serve --dns-server 10.0.0.2 --zone dev.k8s --tsig-key-name update-key', 'Also keep dev.k8s names in BIND'),
    )
    .command('tls', 'Certificates from a local CA in the Secrets of HTTPS/TLS listeners; `tls ca` shows, installs or serves the CA', (y) =>
      // yargs options are global: `tls ca` (typed as such) gets only its own, not those of `tls`.
      (args[1] === 'ca' ? y : tlsFlags(commonFlags(y, { output: true })))
        .command('ca', 'Show the local CA (creating it if missing); install it in this machine\'s trust stores or serve it to phones', (c) =>
          tlsCaFlags(c)
            .example('kubectl mdns tls ca --install', 'Create the CA if needed and trust it here (NSS, system store, keychain)')
            .example('kubectl mdns tls ca --serve', 'Offer rootCA.pem to phones at http://<hostname>-ca.local:8080/ with a QR code'),
        )
        .example('kubectl mdns tls --dry-run', 'Which Secrets would be created or renewed; exit 1 if any')
        .example('kubectl mdns tls', 'Create or renew them: every HTTPS listener gets a certificate for its names'),
    )
    .command('version', 'Print the version', (y) =>
      y.option('output', { alias: 'o', type: 'string', choices: ['text', 'json', 'yaml'], default: 'text', describe: 'Output format' }),
    )
    .command('completion <shell>', 'Print a shell completion script (bash or zsh)', (y) =>
      y.positional('shell', { type: 'string', choices: ['bash', 'zsh'] }).example('source <(kubectl mdns completion bash)', 'Enable completion in bash'),
    )
    .demandCommand(1, 'a command is required: list, diff, serve, tls or version')
    .strict()
    .version(false)
    .help('help')
    .alias('help', 'h')
    .wrap(Math.min(120, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UserError(kubectlStyle(msg, args));
    });
}

/** yargs's messages in kubectl's words, on one line: "unknown flag: --bogus". */
function kubectlStyle(msg: string, args: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (unknown) {
    return (unknown[1] as string)
      .split(', ')
      .map((n) => {
        const flag = n.length === 1 ? `-${n}` : `--${n}`;
        return args.some((a) => a === flag || a.startsWith(`${flag}=`)) ? `unknown flag: ${flag}` : `unexpected argument "${n}"`;
      })
      .join('; ');
  }
  const invalid = /Argument: (\S+), Given: (.+), Choices: (.+)$/m.exec(msg);
  if (invalid) return `invalid value ${invalid[2]} for --${invalid[1]}: use one of ${(invalid[3] as string).replaceAll('"', '')}`;
  return msg.replace(/\s*\n\s*/g, ' ');
}

/** Returns the exit code; never calls process.exit (tests call it in-process). */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '__complete' || argv[0] === '__completeNoDesc') {
    // Raw words: completion must see `-oj` as typed, not split.
    const { completeMain } = await import('./completion.js');
    return completeMain(argv.slice(1), { noDescriptions: argv[0] === '__completeNoDesc' });
  }
  const args = normaliseArgv(argv);
  let parsed: Parsed;
  let helpShown = false;
  try {
    const parser = buildParser(args);
    parsed = (await parser.parseAsync(args, {}, (_err, _argv, output) => {
      if (output) {
        helpShown = true;
        process.stdout.write(output + '\n');
      }
    })) as Parsed;
  } catch (err) {
    process.stderr.write(`error: ${errorMessage(err)}\nSee 'kubectl mdns --help' for usage.\n`);
    return 2;
  }
  if (helpShown || parsed.help) return 0;
  const verbose = Boolean(parsed.verbose);
  try {
    switch (parsed._[0]) {
      case 'list':
        return await (await import('./commands/list.js')).runList(parsed as unknown as CommonFlags);
      case 'diff':
        return await (await import('./commands/diff.js')).runDiff(parsed as unknown as DiffFlags);
      case 'serve':
        return await (await import('./commands/serve.js')).runServe(parsed as unknown as ServeFlags);
      case 'tls': {
        const tls = await import('./commands/tls.js');
        return parsed._[1] === 'ca' ? await tls.runTlsCa(parsed as unknown as TlsCaFlags) : await tls.runTls(parsed as unknown as TlsFlags);
      }
      case 'version': {
        const { versionInfo, renderVersion } = await import('./version.js');
        process.stdout.write(renderVersion(versionInfo(), parsed.output as 'text' | 'json' | 'yaml'));
        return 0;
      }
      case 'completion': {
        const { completionScript } = await import('./completion.js');
        process.stdout.write(completionScript(parsed.shell as 'bash' | 'zsh'));
        return 0;
      }
      default:
        throw new UserError(`unknown command "${String(parsed._[0])}": use list, diff, serve, tls or version`);
    }
  } catch (err) {
    return reportError(err, verbose, parsed.logFormat === 'json');
  }
}

export function reportError(err: unknown, verbose: boolean, json = false): number {
  const code = err instanceof UserError ? err.exitCode : 2;
  if (json) {
    // serve --log-format json: the stream stays JSON lines to the end.
    const line: Record<string, unknown> = { time: new Date().toISOString(), kind: 'error', source: 'kubectl-mdns', message: errorMessage(err), exitCode: code };
    if (verbose && err instanceof Error) line.stack = err.stack;
    process.stderr.write(JSON.stringify(line) + '\n');
    return code;
  }
  process.stderr.write(`error: ${errorMessage(err)}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  else if (!(err instanceof UserError)) process.stderr.write('(run with -v for details)\n');
  return code;
}

/** Entry point for the executable: run, flush, exit with the code. */
export async function run(argv: string[]): Promise<void> {
  const code = await main(argv);
  // Keep-alive sockets or timers must not keep a finished command alive; the write callback
  // makes sure piped output is flushed first.
  process.stdout.write('', () => process.exit(code));
}
