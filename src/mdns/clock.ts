// Time as the mDNS mechanisms see it. Every RFC 6762 delay (probe spacing §8.1, announce
// spacing §8.3, answer delays §6, rate limits §6) goes through this interface so unit tests
// drive them with a fake clock instead of sleeping.

export type TimerHandle = { readonly id: number } | NodeJS.Timeout;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
