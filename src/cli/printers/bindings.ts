// `kubectl mdns list` output: the BindingList shape (docs/design.md#bindinglist) and its tables.
import type { ChalkInstance } from 'chalk';
import type { Binding } from '../../bindings/types.js';
import { renderTable, type Column } from './table.js';
import type { BindingTls } from '../../tls/types.js';
import { tlsColumnText } from '../../tls/status.js';
import { refString } from '../../gateway-api/objects.js';

export interface BindingList {
  apiVersion: 'kubectl-mdns/v1alpha1';
  kind: 'BindingList';
  context: string;
  items: Binding[];
}

/** TLS status per binding (list -o wide/json/yaml; src/tls/status.ts); absent for HTTP bindings. */
export type TlsByBinding = ReadonlyMap<Binding, BindingTls>;

export function bindingList(context: string, items: Binding[], tls?: TlsByBinding): BindingList {
  const withTls = tls ? items.map((b) => (tls.has(b) ? { ...b, tls: tls.get(b) } : b)) : items;
  return { apiVersion: 'kubectl-mdns/v1alpha1', kind: 'BindingList', context, items: withTls };
}

const NONE = '<none>';

function statusText(b: Binding): string {
  return b.status === 'Skipped' ? `Skipped: ${b.reason}` : b.status === 'Pending' ? `Pending: ${b.reason}` : b.status;
}

function publishText(b: Binding): string {
  if (b.publish.length === 0) return NONE;
  return b.publish.map((p) => (p === 'unicast' && b.zone ? `unicast(${b.zone})` : p)).join(',');
}

function parentText(b: Binding): string {
  if (!b.parent) return NONE;
  const p = b.parent;
  let s = refString(p);
  if (p.sectionName) s += `#${p.sectionName}`;
  if (p.port !== undefined) s += `:${p.port}`;
  return s;
}

/** Served addresses; a name served as a CNAME (unicast only) shows its target. */
function addressesText(b: Binding): string {
  if (b.addresses.length) return b.addresses.join(',');
  return b.cname !== undefined && b.status === 'Ready' ? `CNAME:${b.cname}` : NONE;
}

/** Where the name comes from: spec, listener, annotation (issue 13; several when several name it). */
function sourceText(b: Binding): string {
  return b.sources?.length ? b.sources.join(',') : NONE;
}

export function renderBindingTable(items: readonly Binding[], opts: { wide: boolean; headers: boolean; chalk: ChalkInstance; tls?: TlsByBinding }): string {
  const { chalk } = opts;
  const columns: Column<Binding>[] = [
    { header: 'NAMESPACE', value: (b) => b.route.namespace },
    { header: 'ROUTE', value: (b) => `${b.route.kind}/${b.route.name}` },
    { header: 'HOSTNAME', value: (b) => b.hostname || NONE },
    { header: 'ADDRESSES', value: addressesText },
    { header: 'GATEWAY', value: (b) => (b.gateway ? `${b.gateway.namespace}/${b.gateway.name}` : NONE) },
    { header: 'LISTENER', value: (b) => (b.port === null ? b.listener || NONE : b.listener ? `${b.listener}:${b.port}` : String(b.port)) },
    {
      header: 'STATUS',
      value: statusText,
      color: (text, b) => (b.status === 'Ready' ? chalk.green(text) : b.status === 'Pending' ? chalk.yellow(text) : chalk.red(text)),
    },
  ];
  if (opts.wide) {
    columns.push(
      { header: 'PUBLISH', value: publishText },
      { header: 'URL', value: (b) => b.url || NONE },
      { header: 'PARENT', value: parentText },
      { header: 'SOURCE', value: sourceText },
    );
    // TLS (issue 12): only when the caller computed it (list -o wide reads the Secrets; list -w does not).
    const tls = opts.tls;
    if (tls) {
      columns.push({
        header: 'TLS',
        value: (b) => tlsColumnText(tls.get(b)),
        color: (text, b) => {
          const st = tls.get(b)?.status;
          return st === 'trusted' ? chalk.green(text) : st === undefined ? text : chalk.yellow(text);
        },
      });
    }
    // STATUS holds free text (reasons): keep it last so the other columns stay aligned.
    const status = columns.splice(6, 1);
    columns.push(...status);
  }
  return renderTable(items, columns, { headers: opts.headers });
}
