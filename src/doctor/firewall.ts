// Firewall rules that drop or reject UDP 5353 on the way in (pure, from recorded outputs):
// - nftables: `nft -j list ruleset` (libnftables-json(5)): any table family, base chains on
//   the input hook and the chains they jump or go to, a rule matching `udp dport` 5353 (a value, a set or a range) whose verdict
//   is drop, reject or an xtables REJECT target;
// - iptables/ip6tables: `iptables-save` lines in *filter on INPUT (and chains INPUT jumps to)
//   with `-p udp` and `--dport`/`--dports` covering 5353 and `-j DROP|REJECT`.
// On iptables-nft (iptables-save says "nf_tables") the same rules are in both listings; they
// are reported once, as iptables rules (the fix is then an `iptables -D`).
// ufw and firewalld are reported by state; their rules show up in the listings above.
import { type Check, type CheckId, fail, pass, skip, warn } from './types.js';

export interface FirewallFacts {
  /** `nft -j list ruleset` output, or why it could not be had. */
  nft: { output: string } | { error: string };
  iptables: { output: string } | { error: string };
  ip6tables: { output: string } | { error: string };
  /** /etc/ufw/ufw.conf, when there. */
  ufwConf?: string;
  /** `firewall-cmd --state` and `--list-services`, when firewalld is installed. */
  firewalld?: { state: string; services: string };
}

export interface BlockingRule {
  /** How a person would recognise it. */
  text: string;
  /** The command that deletes it. */
  remove: string;
}

type Json = Record<string, unknown>;

function covers5353(right: unknown): boolean {
  if (typeof right === 'number') return right === 5353;
  if (right && typeof right === 'object') {
    const r = right as Json;
    if (Array.isArray(r.set)) return r.set.some((v) => covers5353(v));
    if (Array.isArray(r.range)) {
      const [lo, hi] = r.range as unknown[];
      return typeof lo === 'number' && typeof hi === 'number' && lo <= 5353 && 5353 <= hi;
    }
  }
  return false;
}

function verdictOf(expr: Json[]): string | undefined {
  for (const e of expr) {
    if ('drop' in e) return 'drop';
    if ('reject' in e) return 'reject';
    const xt = e.xt as Json | undefined;
    if (xt && xt.type === 'target' && (xt.name === 'REJECT' || xt.name === 'DROP')) return String(xt.name).toLowerCase();
    if ('accept' in e || 'jump' in e || 'goto' in e || 'return' in e) return undefined;
  }
  return undefined;
}

/** Rules in nftables input base chains that drop or reject UDP 5353. */
export function nftBlockingRules(json: string, opts: { skipIptablesNft?: boolean } = {}): BlockingRule[] {
  let doc: { nftables?: Json[] };
  try {
    doc = JSON.parse(json) as { nftables?: Json[] };
  } catch {
    return [];
  }
  const items = doc.nftables ?? [];
  const inputChains = new Set<string>();
  for (const it of items) {
    const c = it.chain as Json | undefined;
    if (c && c.hook === 'input') inputChains.add(`${String(c.family)}|${String(c.table)}|${String(c.name)}`);
  }
  // Regular chains an input chain jumps or goes to (firewalld and ufw on nftables work that way).
  const rules = items.map((it) => it.rule as Json | undefined).filter((r): r is Json => r !== undefined);
  const keyOf = (r: Json, chain = r.chain) => `${String(r.family)}|${String(r.table)}|${String(chain)}`;
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of rules) {
      if (!inputChains.has(keyOf(r))) continue;
      for (const e of (r.expr as Json[] | undefined) ?? []) {
        const to = ((e.jump ?? e.goto) as Json | undefined)?.target;
        if (typeof to === 'string' && !inputChains.has(keyOf(r, to))) {
          inputChains.add(keyOf(r, to));
          changed = true;
        }
      }
    }
  }
  const out: BlockingRule[] = [];
  for (const r of rules) {
    const key = keyOf(r);
    if (!inputChains.has(key)) continue;
    if (opts.skipIptablesNft && (r.family === 'ip' || r.family === 'ip6') && r.table === 'filter' && r.chain === 'INPUT') continue;
    const expr = (r.expr as Json[] | undefined) ?? [];
    const matchesPort = expr.some((e) => {
      const m = e.match as Json | undefined;
      const left = m?.left as Json | undefined;
      const payload = left?.payload as Json | undefined;
      return m !== undefined && m.op === '==' && payload?.protocol === 'udp' && payload.field === 'dport' && covers5353(m.right);
    });
    const verdict = verdictOf(expr);
    if (!matchesPort || !verdict) continue;
    out.push({
      text: `nftables ${String(r.family)} table ${String(r.table)}, chain ${String(r.chain)}: udp dport 5353 ${verdict} (handle ${String(r.handle)})`,
      remove: `sudo nft delete rule ${String(r.family)} ${String(r.table)} ${String(r.chain)} handle ${String(r.handle)}`,
    });
  }
  return out;
}

function portCovered(spec: string): boolean {
  return spec.split(',').some((p) => {
    const [lo, hi] = p.split(':').map(Number);
    return lo !== undefined && (hi === undefined ? lo === 5353 : lo <= 5353 && 5353 <= hi);
  });
}

/** `iptables-save` rules on INPUT (or chains it jumps to) in *filter that drop/reject UDP 5353. */
export function iptablesBlockingRules(save: string, tool: 'iptables' | 'ip6tables'): BlockingRule[] {
  let table = '';
  const rules: { chain: string; line: string; args: string[] }[] = [];
  for (const raw of save.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) table = line.slice(1);
    if (table !== 'filter' || !line.startsWith('-A ')) continue;
    const args = line.split(/\s+/);
    rules.push({ chain: args[1]!, line, args });
  }
  const reached = new Set(['INPUT']);
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of rules) {
      const j = r.args.indexOf('-j');
      const target = j >= 0 ? r.args[j + 1] : undefined;
      if (reached.has(r.chain) && target && !['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG'].includes(target) && !reached.has(target)) {
        reached.add(target);
        changed = true;
      }
    }
  }
  const out: BlockingRule[] = [];
  for (const r of rules) {
    if (!reached.has(r.chain)) continue;
    const a = r.args;
    const at = (f: string) => (a.indexOf(f) >= 0 ? a[a.indexOf(f) + 1] : undefined);
    const proto = at('-p');
    const port = at('--dport') ?? at('--dports') ?? at('--destination-port');
    const target = at('-j');
    if (proto !== 'udp' || !port || !portCovered(port) || (target !== 'DROP' && target !== 'REJECT')) continue;
    out.push({ text: `${tool}: ${r.line}`, remove: `sudo ${tool} ${r.line.replace(/^-A /, '-D ')}` });
  }
  return out;
}

export function judgeFirewall(facts: FirewallFacts): Check {
  const id: CheckId = 'firewall';
  const iptNft = (o: { output: string } | { error: string }) => 'output' in o && /nf_tables/.test(o.output);
  const rules: BlockingRule[] = [];
  const unreadable: string[] = [];
  if ('output' in facts.nft) rules.push(...nftBlockingRules(facts.nft.output, { skipIptablesNft: iptNft(facts.iptables) || iptNft(facts.ip6tables) }));
  else if (facts.nft.error !== 'ENOENT') unreadable.push(`nft (${facts.nft.error})`);
  for (const [tool, o] of [
    ['iptables', facts.iptables],
    ['ip6tables', facts.ip6tables],
  ] as const) {
    if ('output' in o) rules.push(...iptablesBlockingRules(o.output, tool));
    else if (o.error !== 'ENOENT') unreadable.push(`${tool}-save (${o.error})`);
  }
  if (rules.length > 0) {
    return fail(id, `${rules.map((r) => r.text).join('; ')}: mDNS replies to port 5353 never reach avahi`, rules.map((r) => r.remove).join(' && '));
  }
  const ufw = facts.ufwConf && /^\s*ENABLED\s*=\s*yes/m.test(facts.ufwConf);
  if (facts.firewalld && facts.firewalld.state.trim() === 'running' && !/\bmdns\b/.test(facts.firewalld.services)) {
    return warn(
      id,
      'firewalld is running and its zone does not allow the mdns service',
      'sudo firewall-cmd --permanent --add-service=mdns && sudo firewall-cmd --reload',
    );
  }
  if (unreadable.length > 0 && !('output' in facts.nft) && !('output' in facts.iptables)) {
    return skip(id, `because the rules cannot be read: ${unreadable.join(', ')}; run doctor as root to check them`);
  }
  return pass(id, `no nftables or iptables rule drops UDP 5353 on input${ufw ? ' (ufw is enabled; its mDNS rules allow 5353)' : ''}`);
}
