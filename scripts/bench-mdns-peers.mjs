// Helpers run by bench-mdns.mjs inside the querier namespace (not imported by anything else):
//   sweep ADDR N PREFIX T0       legacy-unicast queries (RFC 6762 §6.7) for PREFIX0.local ..
//                                PREFIX(N-1).local (50 outstanding) until every one has answered; prints the
//                                time (ms after the epoch time T0) the last one answered
//   listen IFADDR PREFIX            counts A records with TTL 0 (goodbyes, RFC 6762 §10.1) per name
//                                on the multicast group; "reset" on stdin starts over, SIGTERM
//                                prints {goodbyes, last} (last = epoch ms of the last new name)
// A small DNS reader of its own: the bench must not depend on the code it measures.
import dgram from 'node:dgram';

function readName(buf, pos) {
  const labels = [];
  let next = -1;
  for (let jumps = 0; jumps < 64; jumps++) {
    const len = buf[pos];
    if (len === undefined) return null;
    if (len === 0) return { name: labels.join('.').toLowerCase(), next: next < 0 ? pos + 1 : next };
    if ((len & 0xc0) === 0xc0) {
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | buf[pos + 1];
      continue;
    }
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return null;
}

function* records(buf) {
  if (buf.length < 12) return;
  const qd = buf.readUInt16BE(4);
  const rr = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let pos = 12;
  for (let i = 0; i < qd; i++) {
    const n = readName(buf, pos);
    if (!n) return;
    pos = n.next + 4;
  }
  for (let i = 0; i < rr; i++) {
    const n = readName(buf, pos);
    if (!n || n.next + 10 > buf.length) return;
    const type = buf.readUInt16BE(n.next);
    const ttl = buf.readUInt32BE(n.next + 4);
    const len = buf.readUInt16BE(n.next + 8);
    yield { name: n.name, type, ttl };
    pos = n.next + 10 + len;
  }
}

function query(id, name) {
  const labels = name.split('.');
  const buf = Buffer.alloc(12 + labels.reduce((s, l) => s + 1 + l.length, 1) + 4);
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(1, 4);
  let p = 12;
  for (const l of labels) {
    buf[p++] = l.length;
    p += buf.write(l, p, 'latin1');
  }
  buf[p++] = 0;
  buf.writeUInt16BE(1, p); // A
  buf.writeUInt16BE(1, p + 2); // IN
  return buf;
}

async function sweep(addr, n, prefix, t0) {
  if (n > 65536) throw new Error('sweep: at most 65536 names (one query ID each)');
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, r));
  s.setRecvBufferSize(8 << 20);
  const answered = new Uint8Array(n);
  let left = n;
  let last = 0;
  s.on('message', (b) => {
    const id = b.readUInt16BE(0);
    if (id >= n || answered[id] || (b[3] & 0x0f) !== 0 || b.readUInt16BE(6) === 0) return;
    answered[id] = 1;
    left--;
    last = Date.now();
  });
  const packets = Array.from({ length: n }, (_, i) => query(i, `${prefix}${i}.local`));
  // Closed loop, like a crowd of resolvers: at most WINDOW queries outstanding, each given up
  // after TIMEOUT ms and asked again on the next pass over the names still unanswered (at most
  // 200 queries/s while nothing answers: avahi-daemon registering 10,000 hosts starves under 1,000/s).
  const WINDOW = 50;
  const TIMEOUT = 250;
  const sentAt = new Float64Array(n);
  const deadline = Date.now() + 300_000;
  let cursor = 0;
  while (left > 0 && Date.now() < deadline) {
    const now = Date.now();
    let inflight = 0;
    for (let i = 0; i < n; i++) if (!answered[i] && sentAt[i] > now - TIMEOUT) inflight++;
    for (let tries = 0; inflight < WINDOW && tries < n; tries++) {
      const i = cursor;
      cursor = (cursor + 1) % n;
      if (answered[i] || sentAt[i] > now - TIMEOUT) continue;
      sentAt[i] = now;
      s.send(packets[i], 5353, addr);
      inflight++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  s.close();
  console.log(JSON.stringify({ answered: n - left, ms: left === 0 ? last - t0 : null }));
}

function listen(ifaddr, prefix) {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  let goodbye = new Set();
  let last = 0;
  let packets = 0;
  s.on('message', (b, r) => {
    if (r.port !== 5353 || !(b[2] & 0x80)) return;
    packets++;
    for (const rec of records(b)) {
      if (rec.type !== 1 || rec.ttl !== 0 || !rec.name.startsWith(prefix) || goodbye.has(rec.name)) continue;
      goodbye.add(rec.name);
      last = Date.now();
    }
  });
  s.bind(5353, () => {
    s.addMembership('224.0.0.251', ifaddr);
    console.log('ready');
  });
  process.stdin.on('data', (d) => {
    if (String(d).includes('reset')) {
      goodbye = new Set();
      last = 0;
      packets = 0;
    }
  });
  process.on('SIGTERM', () => {
    console.log(JSON.stringify({ goodbyes: goodbye.size, last, packets }));
    process.exit(0);
  });
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'sweep') await sweep(args[0], Number(args[1]), args[2], Number(args[3]));
else if (mode === 'listen') listen(args[0], args[1]);
else throw new Error(`unknown mode ${mode}`);
