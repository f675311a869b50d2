// During an API server outage every kind's list+watch loop fails at once and keeps failing on
// each retry; the person at the terminal wants one "lost the connection" line and one
// "reconnected" line, not one per kind per retry. The loops share one of these.

import type { Reporter } from '../util/reporter.js';
import { errorMessage } from '../util/errors.js';

export class ConnectionHealth {
  private failing = false;
  private failures = 0;

  constructor(private readonly reporter: Reporter) {}

  get isFailing(): boolean {
    return this.failing;
  }

  /** A request failed for a reason that affects every kind (network, credentials, server error). */
  failed(err: unknown): void {
    this.failures++;
    if (this.failing) {
      this.reporter.debug('cluster', `still failing (${this.failures}): ${errorMessage(err)}`);
      return;
    }
    this.failing = true;
    this.reporter.report({ kind: 'warning', source: 'cluster', message: `${errorMessage(err)}; retrying` });
  }

  /** A request succeeded. */
  ok(what: string): void {
    if (!this.failing) return;
    this.failing = false;
    this.failures = 0;
    this.reporter.report({ kind: 'info', source: 'cluster', message: `connection to the API server restored (${what} is being watched again)` });
  }
}
