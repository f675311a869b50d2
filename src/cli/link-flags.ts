// --timeout and --interface for the commands that ask the link (diff, doctor): checked before
// any request or packet, in the same words.
import type { Link } from '../mdns/interfaces.js';
import { UserError } from '../util/errors.js';

/** --timeout in seconds (default 1), between 0 and 60. */
export function timeoutSeconds(value: number | undefined): number {
  const timeout = value ?? 1;
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 60) {
    throw new UserError(`--timeout ${String(value)} is not a number of seconds between 0 and 60, e.g. --timeout 1`);
  }
  return timeout;
}

/** The links --interface names (every usable one without it); an unknown name is an error. */
export async function chosenLinks(interfaces: readonly string[] | undefined): Promise<Link[]> {
  const { scanLinks } = await import('../mdns/interfaces.js');
  const links = scanLinks(interfaces as string[] | undefined);
  const missing = (interfaces ?? []).filter((name) => !links.some((l) => l.name === name));
  if (missing.length) {
    const usable = links.length ? ` (usable: ${links.map((l) => l.name).join(', ')})` : '';
    throw new UserError(`--interface ${missing.join(', ')}: no such interface that is up and multicast-capable${usable}`);
  }
  return links;
}
