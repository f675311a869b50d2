import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from '../../../src/cli/printers/table.js';

test('table: upper-case headers, 3-space padding like kubectl, no trailing spaces', () => {
  const out = renderTable(
    [
      { a: 'x', b: 'longer' },
      { a: 'yyyy', b: 'z' },
    ],
    [
      { header: 'NAME', value: (r) => r.a },
      { header: 'VALUE', value: (r) => r.b },
    ],
    { headers: true },
  );
  assert.equal(out, 'NAME   VALUE\nx      longer\nyyyy   z\n');
});

test('table: --no-headers drops the header and its width', () => {
  const out = renderTable(
    [{ a: 'x' }],
    [
      { header: 'LONGHEADER', value: (r) => r.a },
      { header: 'B', value: () => 'b' },
    ],
    { headers: false },
  );
  assert.equal(out, 'x   b\n');
});

test('table: colors are applied after padding so columns stay aligned', () => {
  const out = renderTable(
    [{ a: 'x' }],
    [
      { header: 'A', value: (r) => r.a, color: (t) => `<${t}>` },
      { header: 'B', value: () => 'b' },
    ],
    { headers: true },
  );
  assert.equal(out, 'A   B\n<x   >b\n');
});
