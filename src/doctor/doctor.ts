// One doctor run: gather the facts (gather.ts) for every name at once — the mDNS question is
// one legacy-unicast window for all names, the way to each gateway is walked meanwhile, and
// getaddrinfo/avahi are asked only for names someone answered — then judge (diagnose.ts).
// Budget: a name nobody answers costs the mDNS window plus a few connects, well within 8 s.
import type { Binding } from '../bindings/types.js';
import { observeLink } from '../mdns/query.js';
import { scanLinks } from '../mdns/interfaces.js';
import type { MdnsFacts } from './answers.js';
import { judgeBinding, type Target } from './binding.js';
import { diagnose, type NameFacts, usesTls } from './diagnose.js';
import {
  askAvahi,
  connectTcp,
  gatherHost,
  handshake,
  headRequest,
  localCaFiles,
  realRunner,
  resolveName,
  routeTo,
  type Runner,
  runFor,
  trustedRoots,
} from './gather.js';
import type { DoctorReport } from './types.js';

export interface DoctorOptions {
  /** --interface: the links to ask on (default: every up, multicast-capable one). */
  interfaces?: string[];
  /** How long to collect mDNS answers. */
  timeoutMs: number;
  run?: Runner;
  env?: NodeJS.ProcessEnv;
}

/** The Ready .local names published over mDNS, sorted: what `doctor` with no NAME checks. */
export function publishedNames(bindings: readonly Binding[]): string[] {
  return [...new Set(bindings.filter((b) => b.status === 'Ready' && b.publish.includes('mdns')).map((b) => b.hostname.toLowerCase()))].sort();
}

async function walkToGateway(
  t: Target,
  trust: ReturnType<typeof trustedRoots>,
  localCas: ReturnType<typeof localCaFiles>,
  run: Runner,
): Promise<Pick<NameFacts, 'route' | 'tcp' | 'tls' | 'http'>> {
  const route = await Promise.all(t.addresses.map((a) => routeTo(a, t.port, run)));
  const routed = route.filter((r) => !r.error).map((r) => r.address);
  if (routed.length === 0 || t.scheme === 'udp') return { route };
  const tcp = await Promise.all(routed.map((a) => connectTcp(a, t.port)));
  const open = tcp.find((c) => !c.error)?.address;
  if (!open) return { route, tcp };
  const secure = usesTls(t);
  const [tlsFacts, head] = await Promise.all([
    secure ? handshake(open, t.port, t.name, trust, localCas) : Promise.resolve(undefined),
    t.scheme === 'http' || t.scheme === 'https' ? headRequest(open, t.port, t.name, secure) : Promise.resolve(undefined),
  ]);
  return { route, tcp, ...(tlsFacts ? { tls: tlsFacts } : {}), ...(head ? { http: [head] } : {}) };
}

export async function runDoctor(names: readonly string[], bindings: readonly Binding[], context: string, opts: DoctorOptions): Promise<DoctorReport> {
  const run = opts.run ?? realRunner;
  const env = opts.env ?? process.env;
  const platform = process.platform;
  if (names.length === 0) return { apiVersion: 'kubectl-mdns/v1alpha1', kind: 'DoctorReport', context, items: [], summary: { names: 0, ok: 0, failing: 0 } };
  const wanted = [...new Set(names.map((n) => n.toLowerCase().replace(/\.$/, '')))];
  const targets = new Map(wanted.map((n) => [n, judgeBinding(n, bindings, context).target]));
  const asked = wanted.filter((n) => targets.get(n));
  const trust = trustedRoots(env);
  const localCas = localCaFiles(env, platform);
  const links = scanLinks(opts.interfaces).map((l) => l.name);

  const hostP = gatherHost(run, platform);
  const walks = new Map(asked.map((n) => [n, walkToGateway(targets.get(n)!, trust, localCas, run)]));
  const observed = asked.length
    ? await observeLink(asked, [], { timeoutMs: opts.timeoutMs, ...(opts.interfaces?.length ? { interfaces: opts.interfaces } : {}) })
    : { answers: [] };

  const perName = await Promise.all(
    wanted.map(async (name): Promise<NameFacts> => {
      const facts: NameFacts = { name, context, bindings };
      if (!targets.get(name)) return facts;
      const mdns: MdnsFacts = { links, timeoutMs: opts.timeoutMs, answers: observed.answers.filter((a) => a.name.toLowerCase() === name) };
      facts.mdns = mdns;
      const answered = mdns.answers.length > 0;
      const [resolver, avahi, dnsSd, walk] = await Promise.all([
        answered ? resolveName(name) : Promise.resolve(undefined),
        platform === 'linux' ? askAvahi(answered ? name : undefined) : Promise.resolve(undefined),
        platform === 'darwin' && answered ? runFor('dns-sd', ['-G', 'v4v6', name], 2000) : Promise.resolve(undefined),
        walks.get(name)!,
      ]);
      return { ...facts, ...walk, ...(resolver ? { resolver } : {}), ...(avahi ? { avahi } : {}), ...(dnsSd ? { dnsSd } : {}) };
    }),
  );
  const host = await hostP;
  const items = perName.map((f) => diagnose(host, f));
  const ok = items.filter((i) => i.ok).length;
  return { apiVersion: 'kubectl-mdns/v1alpha1', kind: 'DoctorReport', context, items, summary: { names: items.length, ok, failing: items.length - ok } };
}
