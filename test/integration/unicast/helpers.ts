// Shared bits for the unicast integration tests (real named on 127.0.0.1).
import { Named, type NamedOptions } from '../../support/named.js';
import { UnicastSink } from '../../../src/unicast/sink.js';
import { SinkDriver, type DriverOptions } from '../../../src/reconcile/driver.js';
import type { UnicastConfig } from '../../../src/unicast/config.js';
import type { RecordSet } from '../../../src/records/types.js';
import { MemoryReporter } from '../../../src/util/reporter.js';
import { TsigKey } from '../../../src/unicast/tsig-key.js';

export function configFor(named: Named, over: Partial<UnicastConfig> = {}): UnicastConfig & { reporter: MemoryReporter } {
  return {
    server: named.server,
    zones: named.zones,
    tsig: new TsigKey(named.key.name, named.key.algorithm, named.secretBuffer),
    ttl: 300,
    ownerId: 'test-owner',
    batchSize: 50,
    policy: 'sync',
    allowMassDelete: false,
    timeoutMs: 2000,
    backoff: { initialMs: 50, maxMs: 400 },
    ...over,
    reporter: (over.reporter as MemoryReporter | undefined) ?? new MemoryReporter(),
  };
}

export function rs(name: string, a: string[], aaaa: string[] = [], route = name.split('.')[0]!.replace('*', 'wildcard')): RecordSet {
  return { name, target: 'unicast', a, aaaa, services: [], owners: [{ kind: 'HTTPRoute', namespace: 'apps', name: route }] };
}

export function txtFor(route: string, owner = 'test-owner'): string {
  return `"heritage=kubectl-mdns,owner=${owner},resource=HTTPRoute/apps/${route}"`;
}

/** Polls until `cond` holds; the bound only stops a broken test from hanging. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, boundMs = 30_000): Promise<void> {
  const until = Date.now() + boundMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Everything the sink said: events and debug lines, as one text to search. */
export function transcript(r: MemoryReporter): string {
  return [...r.events.map((e) => `${e.kind} ${e.message} ${JSON.stringify(e.fields ?? {})}`), ...r.debugLines].join('\n');
}

export function assertNoSecret(text: string, secret: Buffer): void {
  const forms = [secret.toString('base64'), secret.toString('hex'), secret.toString('base64').slice(0, 16)];
  for (const f of forms) if (text.includes(f)) throw new Error(`the TSIG secret leaked: ${text}`);
}

/**
 * Runs `body` against a fresh named; every sink made with `sinkFor` is stopped afterwards,
 * pass or fail, so no retry loop outlives its test.
 */
export async function withNamed(
  opts: NamedOptions,
  body: (named: Named, sinkFor: (config: UnicastConfig, driver?: Partial<DriverOptions>) => SinkDriver) => Promise<void>,
): Promise<void> {
  const named = await Named.start(opts);
  const sinks: SinkDriver[] = [];
  try {
    // As serve runs it: the unicast sink behind the reconcile stage's driver (plan, apply, retry).
    await body(named, (config, driver = {}) => {
      const sink = new SinkDriver(new UnicastSink(config), {
        reporter: config.reporter,
        guardDeletes: true,
        ...(config.backoff ? { backoff: config.backoff } : {}),
        ...driver,
      });
      sinks.push(sink);
      return sink;
    });
  } finally {
    await Promise.all(sinks.map((s) => s.stop({ cleanup: false })));
    await named.dispose();
  }
}
