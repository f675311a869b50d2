#!/usr/bin/env node
// Runs the compiled test files with node:test. `node scripts/run-tests.mjs [unit|integration|e2e ...]`
// limits to those folders under test/. Exits non-zero when any test fails.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { printScorecard, readScorecard } from './scorecard-table.mjs';

const root = new URL('../dist/test/', import.meta.url).pathname;
const groups = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.js')) files.push(p);
  }
}
for (const g of groups.length ? groups : readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory())) {
  try {
    walk(join(root, g));
  } catch {
    /* group without compiled tests */
  }
}
files.sort();
if (files.length === 0) {
  console.error('no test files found under dist/test: run `npm run build` first');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
// The conformance tests (test/conformance) leave their scorecard here; printed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'run-tests-'));
const scorecard = join(scratch, 'conformance.json');
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, CONFORMANCE_RESULTS: scorecard },
});
const rows = readScorecard(scorecard);
rmSync(scratch, { recursive: true, force: true });
if (rows.length) printScorecard(rows);
process.exit(r.status ?? 1);
