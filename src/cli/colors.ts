// Colors only for a person at a terminal: chalk 5 ignores NO_COLOR (docs/decisions.md, chalk),
// so the decision is made here, per stream.
import { Chalk, type ChalkInstance } from 'chalk';

export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const enabled = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return new Chalk({ level: enabled ? 1 : 0 });
}
