// doctor's text output: one block per name, ✔/!/✘/- lines, the fix indented under a warning
// or failure only, colors only when the printer is given a coloring chalk (colorsFor decides:
// a TTY and no NO_COLOR), a summary for several names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chalk } from 'chalk';
import { renderDoctorText } from '../../../src/cli/printers/doctor.js';
import { colorsFor } from '../../../src/cli/colors.js';
import { CHECK_IDS, type Check, type DoctorReport } from '../../../src/doctor/types.js';

function report(names: string[], failing: string | undefined): DoctorReport {
  const items = names.map((name) => {
    const checks: Check[] = CHECK_IDS.map((id) => ({ id, status: 'pass', detail: `${id} fine`, fix: '' }));
    if (failing && name === names[0]) {
      checks[1] = { id: 'mdns-answer', status: 'fail', detail: 'nobody answered', fix: 'start kubectl mdns serve' };
      checks[2] = { id: 'resolver', status: 'skip', detail: 'because nobody answers', fix: '' };
      checks[10] = { id: 'route', status: 'warn', detail: 'only this host', fix: 'give the Gateway a LAN address' };
    }
    return { name, ok: !(failing && name === names[0]), checks };
  });
  const ok = items.filter((i) => i.ok).length;
  return { apiVersion: 'kubectl-mdns/v1alpha1', kind: 'DoctorReport', context: '', items, summary: { names: items.length, ok, failing: items.length - ok } };
}

test('doctor text: marks, the fix under fail and warn only, no color codes without a TTY', () => {
  const out = renderDoctorText(report(['shop.local'], 'x'), new Chalk({ level: 0 }));
  const lines = out.split('\n');
  assert.equal(lines[0], 'shop.local: fails');
  assert.match(out, /\n {2}✘ mdns-answer +nobody answered\n {6}fix: start kubectl mdns serve\n {2}- resolver/);
  assert.match(out, /\n {2}! route +only this host\n {6}fix: give the Gateway a LAN address\n/);
  assert.match(out, /\n {2}✔ binding +binding fine\n {2}✘/);
  assert.equal(lines.filter((l) => l.includes('fix:')).length, 2);
  assert.doesNotMatch(out, /Summary/, 'one name: no summary');
  assert.doesNotMatch(out, /\u001b\[/);
});

test('doctor text: colors on a terminal, none with NO_COLOR; a summary for several names', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  assert.match(renderDoctorText(report(['shop.local'], 'x'), colorsFor(tty, {})), /\u001b\[31m✘/);
  assert.doesNotMatch(renderDoctorText(report(['shop.local'], 'x'), colorsFor(tty, { NO_COLOR: '1' })), /\u001b\[/);
  const out = renderDoctorText(report(['shop.local', 'blog.local'], 'x'), new Chalk({ level: 0 }));
  assert.match(out, /\nblog\.local: ok\n/);
  assert.match(out, /\nSummary: 2 names, 1 ok, 1 failing: shop\.local \(mdns-answer\)\.\n$/);
});
