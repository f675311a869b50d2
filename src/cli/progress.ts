// Start-up progress for serve: listr2 tasks on stderr (stdout stays for data). listr2 writes
// to stdout and installs its own SIGINT handler that exits 127 unless told otherwise
// (docs/decisions.md, listr2): both are switched off here.
import type { Reporter } from '../util/reporter.js';

export interface StartupTask {
  title: string;
  enabled?: () => boolean;
  /** Returns a short result shown after the title. */
  run: () => Promise<string | void>;
}

export async function runStartupTasks(tasks: StartupTask[], signal: AbortSignal, opts: { format: 'text' | 'json'; reporter: Reporter }): Promise<void> {
  if (opts.format === 'json') {
    // Machines get one JSON line per finished task instead of a spinner.
    for (const t of tasks) {
      if (signal.aborted) return;
      if (t.enabled && !t.enabled()) continue;
      const result = await t.run();
      opts.reporter.report({ kind: 'info', source: 'startup', message: result ? `${t.title}: ${result}` : t.title, fields: { task: t.title } });
    }
    return;
  }
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const env = process.env;
  // A pty that reports no width (some CI runners, `script` without a size) makes the
  // default renderer wrap every character: plain lines there too.
  const narrow = !((process.stderr.columns ?? 0) >= 20);
  const plain = !process.stderr.isTTY || narrow || env.NO_COLOR !== undefined || Boolean(env.CI) || env.TERM === 'dumb';
  const listr = new Listr(
    tasks.map((t) => ({
      title: t.title,
      enabled: t.enabled ?? true,
      skip: () => signal.aborted,
      task: async (_ctx: unknown, task: { title: string }) => {
        const result = await t.run();
        if (result) task.title = `${t.title}: ${result}`;
      },
    })),
    {
      concurrent: false,
      exitOnError: true,
      registerSignalListeners: false,
      renderer: 'default',
      rendererOptions: { logger },
      fallbackRenderer: 'simple',
      fallbackRendererOptions: { logger },
      fallbackRendererCondition: () => plain,
    },
  );
  await listr.run();
}
