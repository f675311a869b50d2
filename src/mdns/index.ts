// src/mdns — the mDNS sink (RFC 6762 responder with DNS-SD, RFC 6763) and the link query used
// by `diff`. Input: RecordSets with target 'mdns'. Output: packets on every chosen link, and
// Reporter events. One RFC mechanism per file; see responder.ts for the map.

export { MdnsResponder, DEFAULT_TTL, type MdnsResponderOptions } from './responder.js';
export { queryLink, type ObservedAnswer, type QueryOptions } from './query.js';
export type { Clock } from './clock.js';
export { scanLinks, type Link } from './interfaces.js';
