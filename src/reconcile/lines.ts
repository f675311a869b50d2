// The one reporter of applied changes: every change a sink made becomes one line (`+ ~ -`), or
// one JSON object with --log-format json, naming the hostname, its addresses, the routes and
// the gateways it comes from. Start-up changes too: `serve` shows each name it publishes.
import type { Binding } from '../bindings/types.js';
import { refString, type RecordSet } from '../records/types.js';
import type { Reporter } from '../util/reporter.js';
import type { AppliedChange } from '../plan/sink.js';

/** The Ready bindings of a hostname, to say which gateways serve it. */
export type BindingsOf = (hostname: string) => readonly Binding[];

export function reportApplied(reporter: Reporter, changes: readonly AppliedChange[], bindingsOf: BindingsOf): void {
  for (const c of changes) {
    const d = describe(c.set, bindingsOf);
    if (c.action === 'add') reporter.report({ kind: 'added', source: 'serve', message: d.text, fields: d.fields });
    else if (c.action === 'remove') reporter.report({ kind: 'removed', source: 'serve', message: d.text, fields: d.fields });
    else {
      const was = c.before ? [...c.before.a, ...c.before.aaaa] : [];
      reporter.report({ kind: 'changed', source: 'serve', message: `${d.text} (was ${was.join(' ')})`, fields: { ...d.fields, before: was } });
    }
  }
}

function describe(r: RecordSet, bindingsOf: BindingsOf) {
  const gws = [
    ...new Set(
      bindingsOf(r.name)
        .filter((b) => b.gateway && b.status === 'Ready')
        .map((b) => `${b.gateway!.namespace}/${b.gateway!.name}`),
    ),
  ];
  const addresses = [...r.a, ...r.aaaa];
  const routes = r.owners.map(refString);
  return {
    text: `${r.name} ${addresses.join(' ')}  ${routes.join(', ')}${gws.length ? ` via ${gws.join(', ')}` : ''} [${r.target}]`,
    fields: { hostname: r.name, addresses, routes, gateways: gws, target: r.target },
  };
}
