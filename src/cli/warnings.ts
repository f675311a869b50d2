import { colorsFor } from './colors.js';

/** Warnings go to stderr, once each, like kubectl's `Warning:` lines. */
export function printWarnings(warnings: readonly string[]): void {
  const chalk = colorsFor(process.stderr);
  for (const w of new Set(warnings)) process.stderr.write(`${chalk.yellow('Warning:')} ${w}\n`);
}
