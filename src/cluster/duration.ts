// kubectl's --request-timeout syntax (client-go clientcmd): a bare integer is seconds, anything
// else is a Go duration ("1h2m3.5s", "500ms", "0"); negative values are rejected.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds, or undefined when the text is not a valid non-negative duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  if (s === '0') return 0;
  const body = s.startsWith('+') ? s.slice(1) : s;
  if (body === '' || body.startsWith('-')) return undefined;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < body.length) {
    part.lastIndex = pos;
    const m = part.exec(body);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = part.lastIndex;
  }
  return Math.round(total);
}
