// Multipacket known-answer suppression, the responder's side (RFC 6762 §7.2): a query with the
// TC bit set is followed by more packets of known answers from the same querier. Its answer
// waits 400–500 ms, and every further TC packet extends the wait to 400–500 ms after that
// packet ("it SHOULD extend the delay as necessary to ensure a pause of 400-500 ms after the
// last such packet"); the packet with TC clear is the last one and extends nothing. The held
// packets are then answered as one query with every known answer.
// §7.2 accepts that a stream of TC packets could delay an answer indefinitely; a hostile or
// broken querier is bounded here by the number of known answers, the number of packets, the
// total wait, and the number of queriers held at once.

import type { Clock, TimerHandle } from './clock.js';
import type { MdnsMessage } from './packet.js';
import type { Source } from './transport.js';

export const TC_WAIT_MIN_MS = 400;
export const TC_WAIT_MAX_MS = 500;
const MAX_QUERIERS = 256;
const MAX_KNOWN = 4096;
const MAX_PACKETS = 64;
/** Far beyond any real querier: its follow-up packets leave back to back (§7.2 "immediately"). */
export const TC_MAX_TOTAL_WAIT_MS = 5000;

interface Held {
  messages: MdnsMessage[];
  from: Source;
  known: number;
  since: number;
  timer: TimerHandle;
}

export interface TruncatedQueryDeps {
  clock: Clock;
  random: () => number;
  /** Answer the merged query (questions and known answers of every held packet). */
  answer(msg: MdnsMessage, from: Source): void;
  /** Timer callbacks run outside the socket handler: the responder's guard. */
  guard(fn: () => void): void;
}

export class TruncatedQueries {
  private readonly held = new Map<string, Held>();

  constructor(private readonly deps: TruncatedQueryDeps) {}

  /** Holds the query when it is (or continues) a truncated one; false: answer it now. */
  take(msg: MdnsMessage, from: Source): boolean {
    const src = `${from.address}|${from.port}`;
    const h = this.held.get(src);
    if (h) {
      h.messages.push(msg);
      h.known += msg.answers.length;
      const now = this.deps.clock.now();
      if (h.known > MAX_KNOWN || h.messages.length > MAX_PACKETS || now - h.since >= TC_MAX_TOTAL_WAIT_MS) {
        this.flush(src);
      } else if (msg.truncated) {
        this.deps.clock.clearTimeout(h.timer);
        h.timer = this.schedule(src, TC_MAX_TOTAL_WAIT_MS - (now - h.since));
      }
      return true;
    }
    if (!msg.truncated || this.held.size >= MAX_QUERIERS) return false;
    this.held.set(src, { messages: [msg], from, known: msg.answers.length, since: this.deps.clock.now(), timer: this.schedule(src, TC_MAX_TOTAL_WAIT_MS) });
    return true;
  }

  private schedule(src: string, leftMs: number): TimerHandle {
    const wait = TC_WAIT_MIN_MS + Math.floor(this.deps.random() * (TC_WAIT_MAX_MS - TC_WAIT_MIN_MS + 1));
    return this.deps.clock.setTimeout(() => this.deps.guard(() => this.flush(src)), Math.min(wait, Math.max(0, leftMs)));
  }

  private flush(src: string): void {
    const h = this.held.get(src);
    if (!h) return;
    this.deps.clock.clearTimeout(h.timer);
    this.held.delete(src);
    const first = h.messages[0]!;
    this.deps.answer({ ...first, truncated: false, questions: h.messages.flatMap((m) => m.questions), answers: h.messages.flatMap((m) => m.answers) }, h.from);
  }

  /** Queriers whose answer is being held. */
  get size(): number {
    return this.held.size;
  }

  stop(): void {
    for (const h of this.held.values()) this.deps.clock.clearTimeout(h.timer);
    this.held.clear();
  }
}
