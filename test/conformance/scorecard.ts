// Scorecard rows collected by the conformance tests, written where scripts/conformance.mjs
// asks (CONFORMANCE_RESULTS), so `npm run conformance` can print them as a table.

import { writeFileSync } from 'node:fs';

export interface ScoreRow {
  /** "RFC 6762 §8.1" */
  section: string;
  level: 'MUST' | 'SHOULD';
  scenario: string;
  /** "pass", "FAIL", or "not met (documented)" for a SHOULD explained in docs/decisions.md. */
  result: string;
  /** What the peer saw. */
  detail: string;
}

export function saveScorecard(rows: readonly ScoreRow[]): void {
  const file = process.env['CONFORMANCE_RESULTS'];
  if (file) writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
}
