// How stages tell the person at the terminal what happens, without knowing how it is
// rendered (colored lines, plain lines, JSON lines): src/cli decides.

export type EventKind = 'added' | 'removed' | 'changed' | 'conflict' | 'warning' | 'info' | 'error';

export interface ReportEvent {
  kind: EventKind;
  /** Which sink or stage: mdns, unicast, cluster. */
  source: string;
  message: string;
  /** Structured details for --log-format json (hostname, addresses, route, gateway...). */
  fields?: Record<string, unknown>;
}

export interface Reporter {
  report(event: ReportEvent): void;
  /** Shown only with -v. */
  debug(source: string, message: string): void;
}

/** For tests and library use: collects events. */
export class MemoryReporter implements Reporter {
  readonly events: ReportEvent[] = [];
  readonly debugLines: string[] = [];
  report(event: ReportEvent): void {
    this.events.push(event);
  }
  debug(source: string, message: string): void {
    this.debugLines.push(`${source}: ${message}`);
  }
}

export const silentReporter: Reporter = { report() {}, debug() {} };
