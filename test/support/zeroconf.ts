// python3-zeroconf as a third-party querier (docs/testing.md#zeroconf): one-shot lookups of A and AAAA
// records from inside a namespace, with Debian's /usr/bin/python3 (a pyenv shim on PATH could
// not import it).

import { fileURLToPath } from 'node:url';
import type { NetnsPair } from './netns.js';

const SCRIPT = fileURLToPath(new URL('../../../test/support/zeroconf_lookup.py', import.meta.url));

export type Lookup = Record<string, { A: string[]; AAAA: string[] }>;

/** Queries at 0 s and 1 s (RFC 6762 §5.2 spacing) and reports what the cache holds after `seconds`. */
export async function zeroconfLookup(pair: NetnsPair, ns: string, names: string[], seconds = 1.6): Promise<Lookup> {
  const out = await pair.exec(ns, '/usr/bin/python3', [SCRIPT, String(seconds), ...names], { timeoutMs: (seconds + 15) * 1000 });
  return JSON.parse(out) as Lookup;
}
