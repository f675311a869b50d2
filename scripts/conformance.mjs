#!/usr/bin/env node
// `npm run conformance`: runs the RFC 6762/6763 scorecard (dist/test/conformance) and prints it
// as a table (SECTION, LEVEL, SCENARIO, RESULT). `--readme` also writes the table into
// README.md between the conformance markers. Exits non-zero when a scenario fails.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { printScorecard, readScorecard, scorecardMarkdown } from './scorecard-table.mjs';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'dist', 'test', 'conformance');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.js'))
  .map((f) => join(dir, f));
const scratch = mkdtempSync(join(tmpdir(), 'conformance-'));
const results = join(scratch, 'results.json');
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=dot', ...files], {
  stdio: 'inherit',
  env: { ...process.env, CONFORMANCE_RESULTS: results },
});
const rows = readScorecard(results);
rmSync(scratch, { recursive: true, force: true });
if (rows.length === 0) console.error('no scorecard was written (are network namespaces available? the tests need root)');
printScorecard(rows);

if (process.argv.includes('--readme') && rows.length) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- conformance:start -->';
  const end = '<!-- conformance:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`README.md has no ${start} … ${end} block`);
    process.exit(2);
  }
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${scorecardMarkdown(rows)}\n${text.slice(b)}`);
}
process.exit(r.status ?? 1);
