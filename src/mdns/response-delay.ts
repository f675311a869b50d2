// When a multicast answer leaves (RFC 6762 §6, §6.3, §7.2, §8.1):
// - at once when this host is sure to be the only responder: it answers every question in the
//   query, and every answer is a unique record it probed for (§6: "able to answer every question
//   in the query message, and for all of those answer records it has previously verified that
//   the name, rrtype, and rrclass are unique on the link"). Answers defending a name against a
//   probe also leave at once (§6.3, §8.1).
// - otherwise after a random 20–120 ms, uniformly distributed (§6): shared records (several hosts
//   answer a DNS-SD PTR), and queries with a question we cannot answer, since another responder
//   may be answering that question at the same moment (§6.3).
// - a query that already waited 400–500 ms for the rest of its known answers (§7.2,
//   truncated-query.ts) waited its random delay already (§6: "400-500 ms" in place of 20–120).

import type { MdnsRecord } from './packet.js';

export const SHARED_DELAY_MIN_MS = 20;
export const SHARED_DELAY_MAX_MS = 120;

/** §6: every question has answers, and every answer is a unique (cache-flush) record. */
export function soleResponder(answersPerQuestion: readonly (readonly MdnsRecord[])[]): boolean {
  return answersPerQuestion.length > 0 && answersPerQuestion.every((answers) => answers.length > 0 && answers.every((r) => r.flush));
}

export interface DelayCase {
  probeDefence: boolean;
  soleResponder: boolean;
  /** The query already waited out §7.2's 400–500 ms. */
  waited: boolean;
}

/** Milliseconds before the multicast answer goes out. */
export function multicastDelayMs(c: DelayCase, random: () => number): number {
  if (c.probeDefence || c.soleResponder || c.waited) return 0;
  return SHARED_DELAY_MIN_MS + Math.floor(random() * (SHARED_DELAY_MAX_MS - SHARED_DELAY_MIN_MS + 1));
}
