// `kubectl mdns tls` and `tls ca` output: the TLSReport table, the CA summary, store results.
import type { ChalkInstance } from 'chalk';
import type { TlsReportItem } from '../../tls/types.js';
import type { StoreResult } from '../../tls/install/index.js';
import { renderTable, type Column } from './table.js';

const NONE = '<none>';

export function renderTlsTable(items: readonly TlsReportItem[], opts: { headers: boolean; chalk: ChalkInstance }): string {
  const { chalk } = opts;
  const color = (text: string, i: TlsReportItem) =>
    i.action === 'created' || i.action === 'renewed' || i.action === 'unchanged'
      ? chalk.green(text)
      : i.action.startsWith('would-')
        ? chalk.yellow(text)
        : chalk.red(text);
  const columns: Column<TlsReportItem>[] = [
    { header: 'GATEWAY', value: (i) => `${i.gateway.namespace}/${i.gateway.name}` },
    { header: 'LISTENER', value: (i) => i.listener },
    { header: 'SECRET', value: (i) => (i.secret ? `${i.secret.namespace}/${i.secret.name}` : NONE) },
    { header: 'ACTION', value: (i) => i.action, color },
    { header: 'HOSTNAMES', value: (i) => i.hostnames.join(',') || NONE },
    { header: 'NOT AFTER', value: (i) => (i.notAfter ? i.notAfter.slice(0, 10) : NONE) },
    { header: 'REASON', value: (i) => i.reason },
  ];
  return renderTable(items, columns, { headers: opts.headers });
}

export interface CaSummary {
  dir: string;
  /** Path of rootCA.pem. */
  certificate: string;
  subject: string;
  fingerprintSHA256: string;
  notAfter: string;
  created: boolean;
  /** Where the folder choice came from: flag, CAROOT, mkcert, default. */
  source: string;
  stores?: StoreResult[];
}

export function renderCaText(ca: CaSummary): string {
  return (
    [
      `CA folder:   ${ca.dir}${ca.created ? ' (created)' : ''}${ca.source === 'mkcert' ? " (mkcert's)" : ''}`,
      `Certificate: ${ca.certificate}`,
      `Subject:     ${ca.subject}`,
      `SHA-256:     ${ca.fingerprintSHA256}`,
      `Expires:     ${ca.notAfter}`,
    ].join('\n') + '\n'
  );
}

const SIGN: Record<StoreResult['status'], string> = { done: '+', already: '=', skipped: '-', failed: 'x' };
const WORD: Record<StoreResult['status'], string> = { done: 'done', already: 'already trusted', skipped: 'skipped', failed: 'failed' };

export function renderStoreLines(results: readonly StoreResult[], chalk: ChalkInstance): string {
  return (
    results
      .map((r) => {
        const word = r.status === 'already' && r.detail === 'not there' ? 'not there' : WORD[r.status];
        const text = `${SIGN[r.status]} ${r.store}: ${word}${r.detail && r.detail !== 'not there' ? `: ${r.detail}` : ''}${r.command ? `; run: ${r.command}` : ''}`;
        return r.status === 'done' || r.status === 'already' ? chalk.green(text) : r.status === 'skipped' ? chalk.yellow(text) : chalk.red(text);
      })
      .join('\n') + (results.length ? '\n' : '')
  );
}
