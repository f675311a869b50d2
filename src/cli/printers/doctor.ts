// doctor's text output: one block per name, one line per check (✔ pass, ! warn, ✘ fail,
// - skip), the fix indented under a warning or failure; then, for several names, a summary.
import type { ChalkInstance } from 'chalk';
import type { CheckStatus, DoctorReport } from '../../doctor/types.js';

const MARK: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✘', skip: '-' };

export function renderDoctorText(report: DoctorReport, chalk: ChalkInstance): string {
  const paint: Record<CheckStatus, (s: string) => string> = { pass: chalk.green, warn: chalk.yellow, fail: chalk.red, skip: chalk.dim };
  const width = Math.max(...report.items.flatMap((i) => i.checks.map((c) => c.id.length)), 0);
  const out: string[] = [];
  for (const item of report.items) {
    out.push(chalk.bold(`${item.name}: ${item.ok ? 'ok' : 'fails'}`));
    for (const c of item.checks) {
      out.push(`  ${paint[c.status](MARK[c.status])} ${c.id.padEnd(width)}  ${c.status === 'skip' ? chalk.dim(c.detail) : c.detail}`);
      if (c.fix && (c.status === 'fail' || c.status === 'warn')) out.push(`      ${chalk.bold('fix:')} ${c.fix}`);
    }
    out.push('');
  }
  if (report.items.length > 1 || report.items.length === 0) {
    const failing = report.items.filter((i) => !i.ok).map((i) => `${i.name} (${i.checks.find((c) => c.status === 'fail')?.id})`);
    out.push(
      `Summary: ${report.summary.names} names, ${report.summary.ok} ok, ${report.summary.failing} failing${failing.length ? `: ${failing.join(', ')}` : ''}.`,
    );
  }
  return out.join('\n') + '\n';
}
