// For `diff`: what the unicast zones hold now, as RecordSets for planChanges('unicast', ...).
// Read-only by construction: AXFR and queries only, never an UPDATE, so the SOA serial stays.

import type { RecordSet } from '../records/types.js';
import { UserError, errorMessage } from '../util/errors.js';
import { DnsClient, DnsRcodeError } from './client.js';
import type { UnicastConfig } from './config.js';
import { recordSetFromState } from './ownership.js';
import { TsigError } from './tsig.js';
import { DnsTransportError } from './transport.js';
import { readZoneState } from './zone-state.js';
import { zoneFor } from '../util/zones.js';

export interface UnicastState {
  /** Ours (foreign undefined) and others' records: every A/AAAA name, plus wanted names in use. */
  current: RecordSet[];
  /** Every zone was read by zone transfer (so owned orphans are included). */
  axfr: boolean;
  warnings: string[];
}

export async function readUnicastState(config: UnicastConfig, desiredNames: string[]): Promise<UnicastState> {
  const client = new DnsClient(config.server, config.tsig, config.timeoutMs);
  const wanted = new Set(desiredNames.map((n) => n.toLowerCase().replace(/\.$/, '')).filter((n) => zoneFor(n, config.zones)));
  let state;
  try {
    state = await readZoneState(client, config.zones, [...wanted]);
  } catch (err) {
    if (err instanceof TsigError || err instanceof DnsRcodeError) throw new UserError(err.message, { cause: err });
    if (err instanceof DnsTransportError) throw new UserError(`${err.message}; check --dns-server`, { cause: err });
    throw new UserError(`reading the zones at ${client.label} failed: ${errorMessage(err)}`, { cause: err });
  }
  const current: RecordSet[] = [];
  for (const s of state.names.values()) {
    const set = recordSetFromState(s, config.ownerId, wanted.has(s.name));
    if (set) current.push(set);
  }
  current.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { current, axfr: state.transferred.size === config.zones.length, warnings: state.warnings };
}
