// A responder process for the integration tests, run inside a test namespace with
// `ip netns exec NS node dist/test/support/mdns-fixture.js [--interface IF] [--ttl N] [--rescan-ms N] FILE.json`.
// FILE holds RecordSet[]. Prints JSON lines on stdout: {"event":"report",...} for Reporter
// events, {"event":"settled"} after each sync has settled, {"event":"stats",...},
// {"event":"stopped"}. Reads JSON lines on stdin: {"sync": RecordSet[]}, {"stats": true}.
// SIGTERM → stop() (goodbyes) → exit 0.

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MdnsResponder } from '../../src/mdns/responder.js';
import { SinkDriver } from '../../src/reconcile/driver.js';
import type { RecordSet } from '../../src/records/types.js';
import type { Reporter } from '../../src/util/reporter.js';

function out(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

const args = process.argv.slice(2);
const interfaces: string[] = [];
let ttl: number | undefined;
let rescanMs: number | undefined;
let file: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--interface') interfaces.push(args[++i]!);
  else if (a === '--ttl') ttl = Number(args[++i]);
  else if (a === '--rescan-ms') rescanMs = Number(args[++i]);
  else file = a;
}

const reporter: Reporter = {
  report: (e) => out({ event: 'report', ...e }),
  debug: (source, message) => {
    if (process.env['MDNS_FIXTURE_DEBUG']) out({ event: 'debug', t: Date.now(), source, message });
  },
};

const responder = await MdnsResponder.start({
  reporter,
  ...(interfaces.length ? { interfaces } : {}),
  ...(ttl ? { ttl } : {}),
  ...(rescanMs !== undefined ? { rescanMs } : {}),
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await responder.stop();
  out({ event: 'stopped' });
  process.exit(0);
};
const driver = new SinkDriver(responder, { reporter });
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

async function sync(sets: RecordSet[]): Promise<void> {
  const t0 = performance.now();
  driver.sync(sets); // as serve's reconcile stage does: plan against current(), apply
  await responder.whenSettled();
  out({ event: 'settled', ms: Math.round(performance.now() - t0), conflicts: responder.conflicts() });
}

out({ event: 'started' });
if (file) await sync(JSON.parse(readFileSync(file, 'utf8')) as RecordSet[]);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line) as { sync?: RecordSet[]; stats?: boolean };
  if (cmd.sync) void sync(cmd.sync);
  if (cmd.stats)
    out({
      event: 'stats',
      dropped: responder.dropped,
      rss: process.memoryUsage().rss,
      heapUsed: process.memoryUsage().heapUsed,
      conflicts: responder.conflicts(),
      current: responder.current().length,
    });
});
