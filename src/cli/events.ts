// Renders stage events for people (one colored line per change, `+ - ~ !`) or machines
// (--log-format json: one JSON object per line). Everything goes to stderr: stdout is data.
import type { Reporter, ReportEvent } from '../util/reporter.js';
import { colorsFor } from './colors.js';

const SIGNS: Record<ReportEvent['kind'], string> = { added: '+', removed: '-', changed: '~', conflict: '!', warning: '!', info: ' ', error: 'x' };

export function formatEventText(e: ReportEvent): string {
  return `${SIGNS[e.kind]} ${e.source}: ${e.message}`;
}

export function stderrReporter(opts: { format: 'text' | 'json'; verbose: boolean; stream?: NodeJS.WriteStream }): Reporter {
  const stream = opts.stream ?? process.stderr;
  const chalk = colorsFor(stream);
  const paint: Record<ReportEvent['kind'], (s: string) => string> = {
    added: chalk.green,
    removed: chalk.red,
    changed: chalk.yellow,
    conflict: chalk.magentaBright.bold,
    warning: chalk.yellow,
    info: (s) => s,
    error: chalk.red.bold,
  };
  return {
    report(e) {
      if (opts.format === 'json') {
        stream.write(JSON.stringify({ time: new Date().toISOString(), kind: e.kind, source: e.source, message: e.message, ...e.fields }) + '\n');
      } else {
        stream.write(paint[e.kind](formatEventText(e)) + '\n');
      }
    },
    debug(source, message) {
      if (!opts.verbose) return;
      if (opts.format === 'json') stream.write(JSON.stringify({ time: new Date().toISOString(), kind: 'debug', source, message }) + '\n');
      else stream.write(chalk.dim(`  ${source}: ${message}`) + '\n');
    },
  };
}

/**
 * Holds events back while listr2 draws its task list (writing under it would tear the
 * display), then prints them in order.
 */
export class DeferringReporter implements Reporter {
  private queue: (() => void)[] | null = [];
  constructor(private readonly base: Reporter) {}
  report(e: ReportEvent): void {
    if (this.queue) this.queue.push(() => this.base.report(e));
    else this.base.report(e);
  }
  debug(source: string, message: string): void {
    if (this.queue) this.queue.push(() => this.base.debug(source, message));
    else this.base.debug(source, message);
  }
  release(): void {
    const q = this.queue ?? [];
    this.queue = null;
    for (const f of q) f();
  }
}

/**
 * What the sinks say, as seen by the person running serve: the serve loop already prints one
 * line per desired change (with route and gateway), so a sink's own added/removed/changed
 * confirmations are detail (-v); conflicts, warnings and errors always show.
 */
export function sinkReporter(base: Reporter): Reporter {
  return {
    report(e) {
      if (e.kind === 'added' || e.kind === 'removed' || e.kind === 'changed') base.debug(e.source, formatEventText(e));
      else base.report(e);
    },
    debug: (source, message) => base.debug(source, message),
  };
}
