// queryLink's reply filter (diff's view of the link): RFC 6762 §6 (source port 5353), §11 (on-link
// sources only) and §6.7 (the reply echoes our query's ID).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeMessage, encodeMessage, CLASS_IN } from '../../../src/mdns/packet.js';
import { acceptsReply } from '../../../src/mdns/query.js';
import { ETH0 } from './helpers.js';

const reply = (id: number, response = true) => decodeMessage(encodeMessage({ response, authoritative: true, id }, { answers: [{ name: 'shop.local', type: 'A', data: '10.0.0.7', rclass: CLASS_IN, flush: false, ttl: 10 }] }));

test('queryLink believes replies from port 5353, on one of its links, echoing one of its IDs', () => {
  const ids = new Set([4242]);
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 5353 }, reply(4242)), true);
  assert.equal(acceptsReply([ETH0], ids, { address: 'fe80::99%eth0', port: 5353 }, reply(4242)), true);
  assert.equal(acceptsReply([ETH0], ids, { address: '203.0.113.9', port: 5353 }, reply(4242)), false, 'off-link source (§11)');
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 40000 }, reply(4242)), false, 'not from port 5353 (§6)');
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 5353 }, reply(7)), false, 'an ID we never sent (§6.7)');
  assert.equal(acceptsReply([ETH0], ids, { address: '192.168.7.99', port: 5353 }, reply(4242, false)), false, 'a query, not a reply');
});
