// The RFC 6762/6763 conformance scorecard as text: read the rows the conformance tests wrote
// (test/conformance/scorecard.ts, CONFORMANCE_RESULTS) and print them as a table.
import { readFileSync } from 'node:fs';

export function readScorecard(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

export function printScorecard(rows, log = console.log) {
  const header = ['SECTION', 'LEVEL', 'SCENARIO', 'RESULT'];
  const table = [header, ...rows.map((x) => [x.section, x.level, x.scenario, x.result])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  log('');
  for (const row of table) log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('   '));
  const must = rows.filter((x) => x.level === 'MUST');
  const should = rows.filter((x) => x.level === 'SHOULD');
  const passed = (list) => list.filter((x) => x.result === 'pass').length;
  log(`\nMUST ${passed(must)}/${must.length} pass; SHOULD ${passed(should)}/${should.length} pass`);
  for (const x of rows.filter((x) => x.result !== 'pass')) log(`  ${x.section} ${x.scenario}: ${x.detail}`);
}

export function scorecardMarkdown(rows) {
  return [
    '| SECTION | LEVEL | SCENARIO | RESULT |',
    '|---|---|---|---|',
    ...rows.map((x) => `| ${x.section} | ${x.level} | ${x.scenario} | ${x.result} |`),
  ].join('\n');
}
