// Ending a helper process the tests started: SIGTERM, then SIGKILL if it has not gone within
// `graceMs`. Resolves once it has exited (or was already gone).
import type { ChildProcess } from 'node:child_process';

export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, graceMs).unref())]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
