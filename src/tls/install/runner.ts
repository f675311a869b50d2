// How installers run programs: through this interface, so the macOS paths (and every command
// line) can be tested with recorded outputs on Linux, and the real ones run with execFile.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Runner {
  run(cmd: string, args: readonly string[], opts?: { env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** The program's path on PATH, or undefined. */
  which(cmd: string): string | undefined;
}

export const execRunner: Runner = {
  run(cmd, args, opts = {}) {
    return new Promise((resolve) => {
      execFile(cmd, [...args], { env: opts.env ?? process.env, timeout: 60_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stderr ? err.message : '')) });
      });
    });
  },
  which(cmd) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      const p = join(dir, cmd);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // not here
      }
    }
    return undefined;
  },
};

/** One word for a POSIX shell, single-quoted when needed. */
export function shellArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** A command line a person can paste. */
export function shellLine(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map(shellArg).join(' ');
}
