// `kubectl mdns diff` output: kubectl-diff-like text, or the DNSDiff shape (DESIGN.md §diff).
import type { ChalkInstance } from 'chalk';
import type { Change, PlanSummary } from '../../plan/plan.js';

export interface DiffTarget {
  /** Header line, e.g. `mdns on eth0, lo` or `unicast 127.0.0.1:53 zone dev.k8s`. */
  title: string;
  changes: Change[];
  summary: PlanSummary;
}

export interface DNSDiff {
  apiVersion: 'kubectl-mdns/v1alpha1';
  kind: 'DNSDiff';
  context: string;
  changes: Array<Omit<Change, 'routes'> & { routes: string[] }>;
  summary: PlanSummary;
}

export function sumSummaries(targets: readonly DiffTarget[]): PlanSummary {
  const total: PlanSummary = { add: 0, remove: 0, change: 0, conflict: 0, unchanged: 0 };
  for (const t of targets) for (const k of Object.keys(total) as (keyof PlanSummary)[]) total[k] += t.summary[k];
  return total;
}

export function dnsDiff(context: string, targets: readonly DiffTarget[]): DNSDiff {
  return {
    apiVersion: 'kubectl-mdns/v1alpha1',
    kind: 'DNSDiff',
    context,
    changes: targets.flatMap((t) => t.changes.map((c) => ({ target: c.target, action: c.action, name: c.name, type: c.type, before: c.before, after: c.after, detail: c.detail, routes: c.routes }))),
    summary: sumSummaries(targets),
  };
}

const SIGN = { add: '+', remove: '-', change: '~', conflict: '!' } as const;

function changeLine(c: Change, chalk: ChalkInstance): string {
  let text: string;
  switch (c.action) {
    case 'add':
      text = `+ ${c.name} ${c.type} ${c.after.join(' ')}`;
      break;
    case 'remove':
      text = `- ${c.name} ${c.type} ${c.before.join(' ')}`;
      break;
    case 'change':
      text = `~ ${c.name} ${c.type} ${c.before.join(' ')} → ${c.after.join(' ')}`;
      break;
    case 'conflict':
      text = `${SIGN.conflict} ${c.name} ${c.type} ${c.detail}${c.after.length ? ` (wanted ${c.after.join(' ')})` : ''}`;
      break;
  }
  const color = c.action === 'add' ? chalk.green : c.action === 'remove' ? chalk.red : c.action === 'change' ? chalk.yellow : chalk.magenta;
  const from = c.routes.length ? chalk.dim(`  # ${c.routes.join(', ')}`) : '';
  return color(text) + from;
}

export function renderDiffText(targets: readonly DiffTarget[], chalk: ChalkInstance): string {
  const lines: string[] = [];
  for (const t of targets) {
    lines.push(chalk.bold(`diff ${t.title}`));
    if (t.changes.length === 0) lines.push(chalk.dim('  (no differences)'));
    for (const c of t.changes) lines.push(changeLine(c, chalk));
  }
  const s = sumSummaries(targets);
  lines.push(`${s.add} to add, ${s.remove} to remove, ${s.change} to change, ${s.conflict} in conflict, ${s.unchanged} unchanged.`);
  return lines.join('\n') + '\n';
}
