// The command line: parse flags, hand off to one command module (imported lazily so that
// `version` and `--help` never load the Kubernetes client), turn errors into one line and
// kubectl's exit codes (0 ok, 1 differences for diff, 2 errors).
import yargs from 'yargs';
import { normaliseArgv } from './argv.js';
import { command, commandDescription, withFlags, type CommonFlags, type DiffFlags, type ServeFlags, type TlsCaFlags, type TlsFlags } from './flags.js';
import { UserError, errorMessage } from '../util/errors.js';

type Parsed = { _: (string | number)[] } & Record<string, unknown>;

/** The whole command line; exported for the test that compares it with the completion data. */
export function buildParser(args: string[]) {
  return yargs(args)
    .scriptName('kubectl mdns')
    .usage('Publish Gateway API route hostnames over multicast DNS (.local) and RFC 2136 dynamic DNS.\n\nUsage: kubectl mdns <command> [flags]')
    .parserConfiguration({ 'boolean-negation': false, 'camel-case-expansion': true, 'strip-dashed': true })
    .command('list', commandDescription('list'), (y) =>
      withFlags(y, 'list')
        .example('kubectl mdns list', 'Bindings of the current context, all namespaces')
        .example('kubectl mdns list -w', 'Keep watching: one row per binding that changes')
        .example('kubectl mdns list -f examples/', 'Check manifests without a cluster')
        .example('kubectl mdns list -n shop -owide', 'One namespace, with URLs and parents')
        .example('kubectl mdns list --zone dev.k8s -ojson', 'JSON, with dev.k8s names published by unicast DNS'),
    )
    .command('diff', commandDescription('diff'), (y) =>
      withFlags(y, 'diff')
        .example('kubectl mdns diff', 'Preview mDNS changes; exit 0 none, 1 some, 2 error')
        .example('kubectl mdns diff --dns-server 127.0.0.1:53 --zone dev.k8s --tsig-key-name k --tsig-secret-file k.b64', 'Also preview unicast changes'),
    )
    .command('serve', commandDescription('serve'), (y) =>
      withFlags(y, 'serve')
        .example('kubectl mdns serve', 'Answer for every Ready .local name until Ctrl-C')
        .example('kubectl mdns serve --interface eth0', 'Only on eth0')
        .example(
          'KUBECTL_MDNS_TSIG_SECRET=... kubectl mdns serve --dns-server 10.0.0.2 --zone dev.k8s --tsig-key-name update-key',
          'Also keep dev.k8s names in BIND',
        ),
    )
    .command('tls', commandDescription('tls'), (y) =>
      // yargs options are global: `tls ca` (typed as such) gets only its own, not those of `tls`.
      (args[1] === 'ca' ? y : withFlags(y, 'tls'))
        .command('ca', "Show the local CA (creating it if missing); install it in this machine's trust stores or serve it to phones", (c) =>
          withFlags(c, 'tls ca')
            .example('kubectl mdns tls ca --install', 'Create the CA if needed and trust it here (NSS, system store, keychain)')
            .example('kubectl mdns tls ca --serve', 'Offer rootCA.pem to phones at http://<hostname>-ca.local:8080/ with a QR code'),
        )
        .example('kubectl mdns tls --dry-run', 'Which Secrets would be created or renewed; exit 1 if any')
        .example('kubectl mdns tls', 'Create or renew them: every HTTPS listener gets a certificate for its names'),
    )
    .command('doctor [names..]', commandDescription('doctor'), (y) =>
      withFlags(y, 'doctor')
        .positional('names', { type: 'string', array: true, describe: 'Names to check (default: every Ready .local name)' })
        .example('kubectl mdns doctor shop.local', 'Walk the path a browser takes to shop.local; exit 0 ok, 1 a check fails, 2 error')
        .example('kubectl mdns doctor -ojson', 'Every published name, as a DoctorReport'),
    )
    .command('version', commandDescription('version'), (y) => withFlags(y, 'version'))
    .command('completion <shell>', commandDescription('completion'), (y) =>
      withFlags(y, 'completion')
        .positional('shell', { type: 'string', choices: [...(command('completion').positional?.choices ?? [])] })
        .example('source <(kubectl mdns completion bash)', 'Enable completion in bash'),
    )
    .demandCommand(1, 'a command is required: list, diff, serve, tls, doctor or version')
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
      case 'doctor':
        return await (await import('./commands/doctor.js')).runDoctorCommand(parsed as unknown as import('./commands/doctor.js').DoctorFlags);
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
        throw new UserError(`unknown command "${String(parsed._[0])}": use list, diff, serve, tls, doctor or version`);
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
