// The flag tables (cli/flags.ts) against what uses them: the real yargs parser of main.ts
// (every option of every command is in the completion data, none has a yargs default), the
// stages' own defaults, and the TSIG algorithm of a key file through the whole parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MiddlewareFunction } from 'yargs';
import { buildParser } from '../../../src/cli/main.js';
import { COMMANDS as COMPLETION_COMMANDS } from '../../../src/cli/completion.js';
import { COMMANDS, FLAG_TABLES, SUBCOMMANDS, flagsFor } from '../../../src/cli/flags.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_POLICY,
  DEFAULT_TSIG_ALGORITHM,
  DEFAULT_UNICAST_TTL,
  UNICAST_POLICIES,
  unicastConfigFromFlags,
  type UnicastFlags,
} from '../../../src/unicast/config.js';
import { TSIG_ALGORITHM_NAMES } from '../../../src/unicast/tsig.js';
import { DEFAULT_TTL } from '../../../src/mdns/responder.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { UserError } from '../../../src/util/errors.js';

interface SeenOptions {
  keys: string[];
  alias: Record<string, string[]>;
  hidden: string[];
  defaults: Record<string, unknown>;
}

/** What yargs itself holds for `command` once its builder ran: read from a middleware. */
async function yargsOptionsOf(command: string, extra: string[] = []): Promise<SeenOptions> {
  const args = [command, ...extra];
  let seen: SeenOptions | undefined;
  // yargs calls middleware with the instance as second argument (its typings omit it).
  const capture = (_argv: unknown, y: { getOptions(): unknown }) => {
    const o = y.getOptions() as { key: Record<string, unknown>; alias: Record<string, string[]>; hiddenOptions: string[]; default: Record<string, unknown> };
    seen = { keys: Object.keys(o.key), alias: o.alias, hidden: o.hiddenOptions, defaults: o.default };
  };
  const parser = buildParser(args).middleware(capture as unknown as MiddlewareFunction, true);
  await parser.parseAsync(args);
  assert.ok(seen, `yargs ran the builder of ${command}`);
  return seen;
}

/** The commands yargs knows (`completion <shell>` is registered as `completion`). */
function yargsCommands(): string[] {
  const internal = (buildParser([]) as unknown as { getInternalMethods(): { getCommandInstance(): { getCommands(): string[] } } }).getInternalMethods();
  return internal.getCommandInstance().getCommands();
}

const ARGS: Record<string, string[]> = { completion: ['bash'] };
/** Positional arguments, which yargs lists among its options (`doctor [names..]` defaults to []). */
const POSITIONALS: Record<string, string[]> = { completion: ['shell'], doctor: ['names'] };

test('every yargs option of every command is in the completion data, with its short form; only hidden ones are not', async () => {
  assert.deepEqual(yargsCommands().sort(), COMPLETION_COMMANDS.map((c) => c.name).sort(), 'the same commands');
  for (const command of yargsCommands()) {
    const seen = await yargsOptionsOf(command, ARGS[command] ?? []);
    const completion = COMPLETION_COMMANDS.find((c) => c.name === command)!;
    const aliases = new Set(Object.values(seen.alias).flat());
    const positional = POSITIONALS[command] ?? [];
    const long = seen.keys.filter((k) => !aliases.has(k) && k !== 'version' && !positional.includes(k));
    assert.ok(long.length > 0);
    for (const name of long) {
      const offered = completion.flags.find((f) => f.name === name);
      if (seen.hidden.includes(name)) {
        assert.equal(offered, undefined, `${command}: hidden --${name} is not offered`);
        continue;
      }
      assert.ok(offered, `${command}: --${name} is a yargs option but completion does not offer it`);
      const shorts = (seen.alias[name] ?? []).filter((a) => a.length === 1);
      assert.deepEqual(offered.short === undefined ? [] : [offered.short], shorts, `${command}: short form of --${name}`);
    }
    // And the other way: completion offers nothing yargs would reject.
    for (const f of completion.flags) assert.ok(long.includes(f.name), `${command}: completion offers --${f.name}, which yargs does not take`);
  }
});

test('yargs fills in no default: a flag not given arrives as undefined at the stage that reads it', async () => {
  for (const command of yargsCommands()) {
    const seen = await yargsOptionsOf(command, ARGS[command] ?? []);
    const flagDefaults = Object.fromEntries(Object.entries(seen.defaults).filter(([k]) => !(POSITIONALS[command] ?? []).includes(k)));
    assert.deepEqual(flagDefaults, {}, `${command}: yargs defaults`);
  }
  const parsed = (await buildParser(['diff', '--tsig-secret-file', 'k.key']).parseAsync(['diff', '--tsig-secret-file', 'k.key'])) as Record<string, unknown>;
  assert.equal(parsed['tsigAlgorithm'], undefined);
  assert.equal(parsed['policy'], undefined);
  assert.equal(parsed['output'], undefined);
});

test('the defaults --help shows are the ones the stages apply, and the choices are theirs', () => {
  const flag = (command: string, name: string) => flagsFor(command).find((f) => f.name === name)!;
  assert.equal(flag('serve', 'tsig-algorithm').default, DEFAULT_TSIG_ALGORITHM);
  assert.deepEqual([...flag('serve', 'tsig-algorithm').choices!].sort(), [...TSIG_ALGORITHM_NAMES].sort());
  assert.equal(flag('serve', 'unicast-ttl').default, DEFAULT_UNICAST_TTL);
  assert.equal(flag('serve', 'batch-size').default, DEFAULT_BATCH_SIZE);
  assert.equal(flag('serve', 'policy').default, DEFAULT_POLICY);
  assert.deepEqual(flag('diff', 'policy').choices, UNICAST_POLICIES);
  assert.equal(flag('serve', 'ttl').default, DEFAULT_TTL);
});

test('the tables: known commands only, one name and one short form per command', () => {
  const names = new Set([...COMMANDS.map((c) => c.name), ...SUBCOMMANDS]);
  for (const f of FLAG_TABLES.flat()) for (const c of f.commands) assert.ok(names.has(c), `--${f.name}: unknown command ${c}`);
  for (const c of COMMANDS) {
    const flags = flagsFor(c.name);
    assert.equal(new Set(flags.map((f) => f.name)).size, flags.length, `${c.name}: a flag twice`);
    const shorts = flags.flatMap((f) => (f.alias ? [f.alias] : []));
    assert.equal(new Set(shorts).size, shorts.length, `${c.name}: a short form twice`);
    for (const f of flags)
      if (f.default !== undefined && f.type !== 'boolean' && f.choices)
        assert.ok(f.choices.includes(String(f.default)), `--${f.name}: default among the choices`);
  }
  assert.deepEqual(
    flagsFor('diff')
      .filter((f) => ['policy', 'allow-mass-delete'].includes(f.name))
      .map((f) => [f.name, f.type]),
    [
      ['policy', 'string'],
      ['allow-mass-delete', 'boolean'],
    ],
  );
  assert.ok(flagsFor('serve').some((f) => f.name === 'allow-mass-delete'));
  assert.ok(!flagsFor('list').some((f) => f.name === 'policy'));
});

test("through the real parser, a BIND key file's algorithm is used unless --tsig-algorithm is given", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-mdns-flags-'));
  try {
    const keyFile = join(dir, 'k.key');
    writeFileSync(keyFile, 'key "lab-key" {\n\talgorithm hmac-sha512;\n\tsecret "q7Xy3Zk1uR9vBn2mLp4sTw8eHj6cVa0dFg5hKo3iUy0=";\n};\n');
    const parse = async (extra: string[]) => {
      const args = ['serve', '--dns-server', '127.0.0.1:5300', '--zone', 'dev.k8s', '--tsig-secret-file', keyFile, ...extra];
      return (await buildParser(args).parseAsync(args)) as unknown as UnicastFlags;
    };
    const config = unicastConfigFromFlags(await parse([]), {}, 'kind-dev', new MemoryReporter())!;
    assert.deepEqual([config.tsig.name, config.tsig.algorithm, config.policy, config.allowMassDelete], ['lab-key', 'hmac-sha512', 'sync', false]);
    const explicit = await parse(['--tsig-algorithm', 'hmac-sha256']);
    assert.throws(
      () => unicastConfigFromFlags(explicit, {}, 'kind-dev', new MemoryReporter()),
      (e: unknown) => e instanceof UserError && /--tsig-algorithm hmac-sha256 does not match algorithm hmac-sha512/.test(e.message),
    );
    const same = unicastConfigFromFlags(
      await parse(['--tsig-algorithm', 'hmac-sha512', '--policy', 'upsert-only', '--allow-mass-delete']),
      {},
      'kind-dev',
      new MemoryReporter(),
    )!;
    assert.deepEqual([same.tsig.algorithm, same.policy, same.allowMassDelete], ['hmac-sha512', 'upsert-only', true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
