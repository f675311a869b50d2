// `kubectl mdns diff` output: kubectl-diff-like text, or the DNSDiff shape (docs/design.md#dnsdiff).
//
//   mdns on eth0
//   + shop.local A 172.18.0.10                                   # HTTPRoute/shop/shop
//   ~ rr.local A 172.18.0.12 → 172.18.0.12 172.18.0.13           # HTTPRoute/rr/rr
//   ! api.local A answered by 192.168.1.20 with 10.0.0.7 (wanted 172.18.0.10)  # HTTPRoute/shop/shop
//   unicast 10.0.0.2:53 zone dev.k8s (owner kind-dev)
//   - old.dev.k8s A 10.0.0.3                                     # HTTPRoute/old/old
//   Summary: 1 to add, 1 to remove, 1 to change, 1 in conflict, 4 unchanged.
//
// Colors (green +, red -, yellow ~, magenta !) only when the caller passes a coloring chalk
// (colorsFor: a TTY without NO_COLOR).
import type { ChalkInstance } from 'chalk';
import type { PublishTarget } from '../../bindings/types.js';
import type { Change, ChangeAction, PlanSummary } from '../../plan/plan.js';

export interface DiffTarget {
  target: PublishTarget;
  /** Header line, e.g. `mdns on eth0, lo` or `unicast 127.0.0.1:53 zone dev.k8s`. */
  title: string;
  changes: Change[];
  summary: PlanSummary;
}

/** One change in the DNSDiff JSON: the plan's Change as is (docs/design.md#dnsdiff). */
export type DNSDiffChange = Change;

export interface DNSDiff {
  apiVersion: 'kubectl-mdns/v1alpha1';
  kind: 'DNSDiff';
  /** The kubeconfig context, or "" for -f files. */
  context: string;
  changes: DNSDiffChange[];
  summary: PlanSummary;
}

export function emptySummary(): PlanSummary {
  return { add: 0, remove: 0, change: 0, conflict: 0, unchanged: 0 };
}

export function sumSummaries(targets: readonly DiffTarget[]): PlanSummary {
  const total = emptySummary();
  for (const t of targets) for (const k of Object.keys(total) as (keyof PlanSummary)[]) total[k] += t.summary[k];
  return total;
}

export function hasDiff(summary: PlanSummary): boolean {
  return summary.add + summary.remove + summary.change + summary.conflict > 0;
}

export function dnsDiff(context: string, targets: readonly DiffTarget[]): DNSDiff {
  return {
    apiVersion: 'kubectl-mdns/v1alpha1',
    kind: 'DNSDiff',
    context,
    changes: targets.flatMap((t) =>
      t.changes.map((c) => ({
        target: c.target,
        action: c.action,
        name: c.name,
        type: c.type,
        before: [...c.before],
        after: [...c.after],
        detail: c.detail,
        routes: [...c.routes],
      })),
    ),
    summary: sumSummaries(targets),
  };
}

/** The change itself, without color or route: `+ shop.local A 172.18.0.10`. */
export function changeText(c: Change): string {
  switch (c.action) {
    case 'add':
      return `+ ${c.name} ${c.type} ${c.after.join(' ')}`;
    case 'remove':
      return `- ${c.name} ${c.type} ${c.before.join(' ')}`;
    case 'change':
      return `~ ${c.name} ${c.type} ${c.before.join(' ')} → ${c.after.join(' ')}`;
    case 'conflict': {
      // mDNS details already say who answered with what; unicast ones say whose the record is.
      const has = c.target === 'unicast' && c.before.length ? `: ${c.before.join(' ')}` : '';
      const wanted = c.after.length ? ` (wanted ${c.after.join(' ')})` : '';
      return `! ${c.name} ${c.type} ${c.detail}${has}${wanted}`;
    }
  }
}

function paint(action: ChangeAction, chalk: ChalkInstance): (s: string) => string {
  switch (action) {
    case 'add':
      return chalk.green;
    case 'remove':
      return chalk.red;
    case 'change':
      return chalk.yellow;
    case 'conflict':
      return chalk.magenta;
  }
}

export function renderDiffText(targets: readonly DiffTarget[], chalk: ChalkInstance): string {
  const lines: string[] = [];
  for (const t of targets) {
    lines.push(chalk.bold(t.title));
    const texts = t.changes.map(changeText);
    // Routes in a column after the changes; a very long line just gets two spaces.
    const width = Math.min(60, Math.max(0, ...texts.map((s) => s.length)));
    t.changes.forEach((c, i) => {
      const text = texts[i]!;
      const from = c.routes.length ? `${' '.repeat(Math.max(2, width - text.length + 2))}${chalk.dim(`# ${c.routes.join(', ')}`)}` : '';
      lines.push(paint(c.action, chalk)(text) + from);
    });
    if (t.changes.length === 0)
      lines.push(
        chalk.dim(`  no differences${t.summary.unchanged ? ` (${t.summary.unchanged} ${t.summary.unchanged === 1 ? 'name' : 'names'} up to date)` : ''}`),
      );
  }
  const s = sumSummaries(targets);
  lines.push(`Summary: ${s.add} to add, ${s.remove} to remove, ${s.change} to change, ${s.conflict} in conflict, ${s.unchanged} unchanged.`);
  return lines.join('\n') + '\n';
}
