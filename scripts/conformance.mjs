#!/usr/bin/env node
// `npm run conformance`: runs the RFC 6762/6763 scorecard (dist/test/conformance) and prints it
// as a table (SECTION, LEVEL, SCENARIO, RESULT). `--readme` also writes the table into
// README.md between the conformance markers. Exits non-zero when a scenario fails.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'dist', 'test', 'conformance');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js')).map((f) => join(dir, f));
const scratch = mkdtempSync(join(tmpdir(), 'conformance-'));
const results = join(scratch, 'results.json');
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=dot', ...files], {
  stdio: 'inherit',
  env: { ...process.env, CONFORMANCE_RESULTS: results },
});
let rows = [];
try {
  rows = JSON.parse(readFileSync(results, 'utf8'));
} catch {
  console.error('no scorecard was written (are network namespaces available? the tests need root)');
}
rmSync(scratch, { recursive: true, force: true });

const header = ['SECTION', 'LEVEL', 'SCENARIO', 'RESULT'];
const table = [header, ...rows.map((x) => [x.section, x.level, x.scenario, x.result])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.log('');
for (const row of table) console.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('   '));
const must = rows.filter((x) => x.level === 'MUST');
const should = rows.filter((x) => x.level === 'SHOULD');
const passed = (list) => list.filter((x) => x.result === 'pass').length;
console.log(`\nMUST ${passed(must)}/${must.length} pass; SHOULD ${passed(should)}/${should.length} pass`);
for (const x of rows.filter((x) => x.result !== 'pass')) console.log(`  ${x.section} ${x.scenario}: ${x.detail}`);

if (process.argv.includes('--readme') && rows.length) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- conformance:start -->';
  const end = '<!-- conformance:end -->';
  const md = ['| SECTION | LEVEL | SCENARIO | RESULT |', '|---|---|---|---|', ...rows.map((x) => `| ${x.section} | ${x.level} | ${x.scenario} | ${x.result} |`)].join('\n');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`README.md has no ${start} … ${end} block`);
    process.exit(2);
  }
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${md}\n${text.slice(b)}`);
}
process.exit(r.status ?? 1);
