// Runs queryLink (src/mdns/query.ts) inside a test namespace and prints its answers as JSON:
// `node dist/test/support/mdns-query.js TIMEOUT_MS [--interface IF] NAME...`.

import { queryLink } from '../../src/mdns/query.js';

const args = process.argv.slice(2);
const timeoutMs = Number(args.shift());
const interfaces: string[] = [];
const names: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--interface') interfaces.push(args[++i]!);
  else names.push(args[i]!);
}
const answers = await queryLink(names, { timeoutMs, ...(interfaces.length ? { interfaces } : {}) });
process.stdout.write(`${JSON.stringify(answers)}\n`);
