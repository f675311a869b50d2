#!/usr/bin/python3
# A scripted mDNS peer for the conformance scorecard (RFC 6762, RFC 6763), in the spirit of
# Apple's Bonjour Conformance Test and systemd-resolved's scripted-peer tests. It shares no code
# with the responder under test: plain Python, its own DNS encoder and decoder, a UDP socket on
# port 5353 (SO_REUSEADDR, joined to 224.0.0.251) to send crafted packets, an ephemeral-port
# socket for legacy queries, and an AF_PACKET socket that sees every packet on the link with its
# IP TTL, destination address and kernel timestamp.
#
# Usage (inside the peer's network namespace):
#   peer.py SCENARIO --iface IF --responder 10.x.y.1 --responder6 fe80::a [--name N]...
# Prints {"ready": true} once listening; scenarios that need the responder to act (a name added
# or removed, the responder stopped) then wait for a line "go" on stdin. The last line is the
# verdict: {"ok": bool, "detail": "...", "notMet": bool?}.
#
# Timing: checks use only the RFC's own windows, with generous margins above (a shared machine
# may be late) and none below (timers never fire early, and both ends of a measurement are
# kernel timestamps of packets on the wire).

import argparse
import json
import os
import select
import socket
import struct
import sys
import time

MDNS_PORT = 5353
GROUP4 = '224.0.0.251'
GROUP6 = 'ff02::fb'
A, PTR, TXT, AAAA, SRV, NSEC, ANY = 1, 12, 16, 28, 33, 47, 255
TYPE_NAMES = {A: 'A', PTR: 'PTR', TXT: 'TXT', AAAA: 'AAAA', SRV: 'SRV', NSEC: 'NSEC', ANY: 'ANY'}
SO_TIMESTAMPNS = 35
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


class Fail(Exception):
    pass


class Inconclusive(Exception):
    """This peer itself was too slow (a busy machine) for the verdict to mean anything: try again."""


def check(cond, msg):
    if not cond:
        raise Fail(msg)


# ------------------------------------------------------------------ DNS encoding


def enc_name(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        if label:
            b = label.encode()
            out += bytes([len(b)]) + b
    return out + b'\0'


def enc_question(name, qtype, qu=False, qclass=1):
    return enc_name(name) + struct.pack('>HH', qtype, qclass | (0x8000 if qu else 0))


def enc_rdata(rtype, data):
    if rtype == A:
        return socket.inet_pton(socket.AF_INET, data)
    if rtype == AAAA:
        return socket.inet_pton(socket.AF_INET6, data)
    if rtype == PTR:
        return enc_name(data)
    if rtype == SRV:
        prio, weight, port, target = data
        return struct.pack('>HHH', prio, weight, port) + enc_name(target)
    if rtype == TXT:
        return b''.join(bytes([len(s)]) + s for s in data) or b'\0'
    return data


def enc_record(name, rtype, data, ttl=120, flush=False, rclass=1):
    rdata = enc_rdata(rtype, data)
    return enc_name(name) + struct.pack('>HHIH', rtype, rclass | (0x8000 if flush else 0), ttl, len(rdata)) + rdata


def message(qid=0, response=False, aa=False, tc=False, opcode=0, rcode=0, qd=(), an=(), ns=(), ar=()):
    flags = (0x8000 if response else 0) | (opcode << 11) | (0x0400 if aa else 0) | (0x0200 if tc else 0) | rcode
    head = struct.pack('>HHHHHH', qid, flags, len(qd), len(an), len(ns), len(ar))
    return head + b''.join(qd) + b''.join(an) + b''.join(ns) + b''.join(ar)


# ------------------------------------------------------------------ DNS decoding (bounded)


def read_name(buf, pos):
    labels = []
    jumps = 0
    end = None
    while True:
        if pos >= len(buf):
            raise ValueError('name past end')
        n = buf[pos]
        if n == 0:
            pos += 1
            break
        if n & 0xC0 == 0xC0:
            if pos + 1 >= len(buf):
                raise ValueError('pointer past end')
            if end is None:
                end = pos + 2
            jumps += 1
            if jumps > 64:
                raise ValueError('pointer loop')
            pos = ((n & 0x3F) << 8) | buf[pos + 1]
            continue
        if n & 0xC0:
            raise ValueError('bad label type')
        labels.append(buf[pos + 1:pos + 1 + n].decode('utf-8', 'replace'))
        pos += 1 + n
    return '.'.join(labels), (end if end is not None else pos)


def parse_rdata(buf, rtype, start, length):
    end = start + length
    if rtype == A and length == 4:
        return socket.inet_ntop(socket.AF_INET, buf[start:end])
    if rtype == AAAA and length == 16:
        return socket.inet_ntop(socket.AF_INET6, buf[start:end])
    if rtype == PTR:
        return read_name(buf, start)[0]
    if rtype == SRV:
        prio, weight, port = struct.unpack('>HHH', buf[start:start + 6])
        return (prio, weight, port, read_name(buf, start + 6)[0])
    if rtype == TXT:
        out, p = [], start
        while p < end:
            out.append(bytes(buf[p + 1:p + 1 + buf[p]]))
            p += 1 + buf[p]
        return out
    if rtype == NSEC:
        nxt, p = read_name(buf, start)
        types = []
        while p + 2 <= end:
            window, blen = buf[p], buf[p + 1]
            for i in range(blen):
                for bit in range(8):
                    if p + 2 + i < end and buf[p + 2 + i] & (0x80 >> bit):
                        types.append(window * 256 + i * 8 + bit)
            p += 2 + blen
        return (nxt, types)
    return bytes(buf[start:end])


def parse_dns(buf):
    qid, flags, qd, an, ns, ar = struct.unpack('>HHHHHH', buf[:12])
    pos = 12
    questions = []
    for _ in range(qd):
        name, pos = read_name(buf, pos)
        qtype, qclass = struct.unpack('>HH', buf[pos:pos + 4])
        pos += 4
        questions.append({'name': name, 'type': qtype, 'class': qclass & 0x7FFF, 'qu': bool(qclass & 0x8000)})
    sections = []
    for count in (an, ns, ar):
        recs = []
        for _ in range(count):
            name, pos = read_name(buf, pos)
            rtype, rclass, ttl, rdlen = struct.unpack('>HHIH', buf[pos:pos + 10])
            pos += 10
            recs.append({'name': name, 'type': rtype, 'class': rclass & 0x7FFF, 'flush': bool(rclass & 0x8000), 'ttl': ttl,
                         'data': parse_rdata(buf, rtype, pos, rdlen)})
            pos += rdlen
        sections.append(recs)
    return {'id': qid, 'qr': bool(flags & 0x8000), 'opcode': (flags >> 11) & 0xF, 'aa': bool(flags & 0x0400),
            'tc': bool(flags & 0x0200), 'rcode': flags & 0xF, 'questions': questions,
            'answers': sections[0], 'authorities': sections[1], 'additionals': sections[2]}


def lower(name):
    return name.lower().rstrip('.')


# ------------------------------------------------------------------ the link


class Packet:
    def __init__(self, ts, src, dst, sport, dport, ttl, outgoing, dns, raw):
        self.ts, self.src, self.dst, self.sport, self.dport = ts, src, dst, sport, dport
        self.ttl, self.outgoing, self.dns, self.raw = ttl, outgoing, dns, raw

    def multicast(self):
        return self.dst in (GROUP4, GROUP6)

    def records(self):
        d = self.dns
        return d['answers'] + d['authorities'] + d['additionals']


class Link:
    def __init__(self, iface, responder4, responder6):
        self.iface = iface
        self.responders = {responder4, responder6.split('%')[0]}
        self.sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sniffer.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self.sniffer.bind((iface, 0))
        self.my4 = self._addr4()
        self.ifindex = socket.if_nametoindex(iface)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('0.0.0.0', MDNS_PORT))
        mreq = socket.inet_aton(GROUP4) + socket.inet_aton(self.my4)
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(self.my4))
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
        self.sock.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
        self.sock6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.sock6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        self.sock6.bind(('::', MDNS_PORT))
        self.sock6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, GROUP6) + struct.pack('@I', self.ifindex))
        self.sock6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, self.ifindex)
        self.sock6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
        self.sock6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
        self.legacy = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.legacy.bind(('0.0.0.0', 0))
        self.legacy.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(self.my4))
        self.seen = []
        self.said_ready = False

    def _addr4(self):
        import fcntl
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            return socket.inet_ntoa(fcntl.ioctl(s.fileno(), 0x8915, struct.pack('256s', self.iface.encode()[:15]))[20:24])
        finally:
            s.close()

    def send(self, pkt, to=GROUP4, port=MDNS_PORT, legacy=False):
        if ':' in to:
            self.sock6.sendto(pkt, (to, port, 0, self.ifindex))
        else:
            (self.legacy if legacy else self.sock).sendto(pkt, (to, port))
        return time.time()

    def _drain_sockets(self):
        for s in (self.sock, self.sock6, self.legacy):
            while True:
                r, _, _ = select.select([s], [], [], 0)
                if not r:
                    break
                s.recv(65535)

    def _read_one(self, timeout):
        r, _, _ = select.select([self.sniffer], [], [], max(0, timeout))
        if not r:
            return None
        data, anc, _, addr = self.sniffer.recvmsg(65535, 1024)
        ts = time.time()
        for level, kind, val in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack('@ll', val[:16])
                ts = sec + nsec / 1e9
        outgoing = addr[2] == PACKET_OUTGOING
        eth = struct.unpack('>H', data[12:14])[0]
        p = data[14:]
        if eth == 0x0800 and len(p) >= 20 and p[9] == 17:
            ihl = (p[0] & 0xF) * 4
            ttl, src, dst, udp = p[8], socket.inet_ntoa(p[12:16]), socket.inet_ntoa(p[16:20]), p[ihl:]
        elif eth == 0x86DD and len(p) >= 40 and p[6] == 17:
            ttl, src, dst, udp = p[7], socket.inet_ntop(socket.AF_INET6, p[8:24]), socket.inet_ntop(socket.AF_INET6, p[24:40]), p[40:]
        else:
            return False
        if len(udp) < 8:
            return False
        sport, dport = struct.unpack('>HH', udp[:4])
        if MDNS_PORT not in (sport, dport):
            return False
        body = udp[8:]
        try:
            dns = parse_dns(body)
        except Exception:
            dns = None
        self.seen.append(Packet(ts, src, dst, sport, dport, ttl, outgoing, dns, body))
        return True

    def pump(self, seconds):
        """Reads everything on the link for `seconds`."""
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                break
            self._read_one(left)
        self._drain_sockets()

    def wait(self, pred, timeout, since=0.0):
        """Polls the link until a packet from the responder (after `since`) satisfies `pred`."""
        end = time.time() + timeout
        idx = 0
        while True:
            while idx < len(self.seen):
                p = self.seen[idx]
                idx += 1
                if p.dns is not None and not p.outgoing and p.src in self.responders and p.ts >= since and pred(p):
                    self._drain_sockets()
                    return p
            left = end - time.time()
            if left <= 0:
                self._drain_sockets()
                return None
            self._read_one(min(left, 0.05))

    def from_responder(self, since=0.0, pred=lambda p: True):
        return [p for p in self.seen if p.dns is not None and not p.outgoing and p.src in self.responders and p.ts >= since and pred(p)]

    def sent_at(self, raw):
        """Kernel timestamp of a packet this peer sent (seen leaving on the link)."""
        for _ in range(50):
            for p in reversed(self.seen):
                if p.outgoing and p.raw == raw:
                    return p.ts
            self._read_one(0.01)
        return None

    def paced(self, packets, max_gap):
        """Inconclusive unless each packet left within `max_gap` s of the one before."""
        times = [self.sent_at(raw) for raw in packets]
        if None in times:
            raise Inconclusive('own packets not seen on the link')
        gaps = [b - a for a, b in zip(times, times[1:])]
        if any(g > max_gap for g in gaps):
            raise Inconclusive(f'this peer sent late: gaps {[round(g * 1000) for g in gaps]} ms')


def ptr_answer(p, svc):
    """A response to a PTR question: PTR records only in Answer. Announcements (§8.3) of a name
    added or re-probed meanwhile carry SRV/TXT/A there too, and are not answers to us."""
    return answers_name(p, svc, PTR) and all(r['type'] == PTR for r in p.dns['answers'])


def v4(p):
    return ':' not in p.src


def answers_name(p, name, rtype=None):
    return p.dns['qr'] and any(lower(r['name']) == lower(name) and (rtype is None or r['type'] == rtype) for r in p.dns['answers'])


def probes_for(p, name):
    d = p.dns
    return (not d['qr']) and any(lower(q['name']) == lower(name) for q in d['questions']) and any(lower(r['name']) == lower(name) for r in d['authorities'])


def ask(link, query, pred, tries=3):
    """Sends `query` until the responder answers: the first try may fall within §6's one second
    after the same shared record was multicast for another scenario."""
    for _ in range(tries):
        t = time.time()
        link.send(query)
        r = link.wait(pred, 1.2, t)
        if r is not None:
            return r
    return None


def show(p):
    d = p.dns
    recs = ', '.join(f"{r['name']} {TYPE_NAMES.get(r['type'], r['type'])} ttl={r['ttl']}" for r in d['answers'])
    return f"{'response' if d['qr'] else 'query'} {p.src}->{p.dst} [{recs}]"


# ------------------------------------------------------------------ scenarios


def scenario_probing(link, args):
    """§8.1: three probes 250 ms apart, QU on the first, the proposed records in Authority."""
    name = args.name[0]
    t0 = ready_and_go(link)
    probes = []
    while len(probes) < 3:
        p = link.wait(lambda p: v4(p) and probes_for(p, name) and p not in probes, 10, t0)
        check(p is not None, f'saw {len(probes)} probes for {name}, wanted 3')
        probes.append(p)
    check(link.wait(lambda p: v4(p) and probes_for(p, name) and p not in probes, 0.3, probes[2].ts) is None, 'a fourth probe within 250 ms: the probes were not 250 ms apart')
    gaps = [round((b.ts - a.ts) * 1000) for a, b in zip(probes, probes[1:])]
    for g in gaps:
        check(245 <= g <= 1000, f'probe gaps {gaps} ms, wanted 250 ms')
    first = probes[0].dns
    q = next(q for q in first['questions'] if lower(q['name']) == lower(name))
    check(q['qu'], 'the first probe does not set the QU bit (§5.4, §8.1)')
    check(q['type'] == ANY, f"probe question type {q['type']}, wanted ANY")
    auth = [r for r in first['authorities'] if lower(r['name']) == lower(name)]
    check(any(r['type'] == A for r in auth), 'no A record proposed in the Authority section (§8.2)')
    answered = link.from_responder(t0, lambda p: answers_name(p, name) and p.ts < probes[2].ts)
    check(not answered, 'announced or answered before probing finished')
    return f'3 probes, gaps {gaps} ms, QU on the first, {len(auth)} proposed record(s) in Authority'


def scenario_announcing(link, args):
    """§8.3: after probing, at least two unsolicited responses one second apart, all records."""
    name = args.name[0]
    t0 = ready_and_go(link)
    last_probe = link.wait(lambda p: probes_for(p, name), 10, t0)
    check(last_probe is not None, f'no probe for {name}')
    announcements = []
    while len(announcements) < 2:
        p = link.wait(lambda p: v4(p) and answers_name(p, name, A) and p.multicast() and p not in announcements, 10, t0)
        check(p is not None, f'saw {len(announcements)} announcements of {name}, wanted 2')
        announcements.append(p)
    gap = round((announcements[1].ts - announcements[0].ts) * 1000)
    check(900 <= gap <= 3000, f'announcements {gap} ms apart, wanted 1 s')
    for a in announcements:
        rec = next(r for r in a.dns['answers'] if lower(r['name']) == lower(name) and r['type'] == A)
        check(rec['flush'], 'announced A record without the cache-flush bit (§10.2)')
        check(rec['ttl'] > 0, 'announced with TTL 0')
    inst = [r for r in announcements[0].dns['answers'] if r['type'] == SRV]
    return f'2 announcements {gap} ms apart, cache-flush set, {len(announcements[0].dns["answers"])} records (SRV: {len(inst)})'


def tiebreak(link, args, peer_wins):
    name = args.name[0]
    t0 = ready_and_go(link)
    first = link.wait(lambda p: v4(p) and probes_for(p, name), 10, t0)
    check(first is not None, f'no probe for {name}')
    ours = [r for r in first.dns['authorities'] if lower(r['name']) == lower(name) and r['type'] == A]
    check(ours, 'no A record in the probe')
    theirs = '10.0.0.255' if peer_wins else '0.0.0.1'
    # Our simultaneous probe: same name, our own proposed A record (compared as §8.2 says).
    sim = message(qd=[enc_question(name, ANY, qu=True)], ns=[enc_record(name, A, theirs, 120)])
    link.send(sim)
    sent = link.sent_at(sim) or time.time()
    link.pump(0.02)
    sent = link.sent_at(sim) or sent
    nxt = link.wait(lambda p: v4(p) and probes_for(p, name) and p.ts > sent, 5, sent)
    check(nxt is not None, 'probing stopped after the simultaneous probe')
    gap = round((nxt.ts - sent) * 1000)
    ann = link.wait(lambda p: answers_name(p, name, A) and p.multicast(), 6, t0)
    check(ann is not None, f'{name} was never announced after the tie-break')
    if peer_wins:
        # §8.2: lexicographically later data wins; the loser waits one second and probes again.
        check(gap >= 950, f'probed again {gap} ms after losing the tie-break, wanted ≥ 1 s')
        probes_after = link.from_responder(sent, lambda p: v4(p) and probes_for(p, name))
        check(len(probes_after) >= 3, f'{len(probes_after)} probes after the restart, wanted 3')
        return f'lost ({ours[0]["data"]} < {theirs}): probed again after {gap} ms, then announced'
    check(gap < 950, f'deferred {gap} ms although it won the tie-break')
    return f'won ({ours[0]["data"]} > {theirs}): next probe {gap} ms later, then announced'


def scenario_tiebreak_lose(link, args):
    return tiebreak(link, args, True)


def scenario_tiebreak_win(link, args):
    return tiebreak(link, args, False)


def scenario_conflict(link, args):
    """§9: a conflicting response for an announced name sends it back to probing; losing stops answers."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    an = [enc_record(name, A, '10.9.9.9', 120, flush=True)]
    if args.zeroconf_nsec:
        # python-zeroconf 0.47 writes its NSEC bitmap with 16-bit window and length fields
        # (length 0): one unparsable record must not hide the conflicting A record (§6.1, §9).
        an.append(enc_record(name, NSEC, enc_name(name) + b'\0\0\0\0', 120, flush=True))
    claim = message(response=True, aa=True, an=an)
    link.send(claim)
    probe = link.wait(lambda p: probes_for(p, name), 3, t0)
    check(probe is not None, f'no probe for {name} after a conflicting response (§9: MUST reset to probing)')
    # Defend, as the owner would (§8.1), until the responder gives up.
    deadline = time.time() + 3
    last = probe
    while time.time() < deadline:
        link.send(claim)
        nxt = link.wait(lambda p: probes_for(p, name) and p.ts > last.ts, 0.4, last.ts)
        if nxt is None:
            break
        last = nxt
    link.pump(0.3)
    t1 = time.time()
    q = message(qd=[enc_question(name, A)])
    link.send(q)
    ans = link.wait(lambda p: answers_name(p, name), 1.2, t1)
    check(ans is None, f'still answers for {name} after losing it: {show(ans) if ans else ""}')
    return f're-probed {round((probe.ts - t0) * 1000)} ms after the conflicting response; silent for {name} after losing'


def scenario_goodbye(link, args):
    """§10.1: a record that goes away is multicast with TTL 0."""
    names = args.name
    t0 = ready_and_go(link)
    missing = []
    for name in names:
        p = link.wait(lambda p: p.dns['qr'] and p.multicast() and any(lower(r['name']) == lower(name) and r['type'] == A and r['ttl'] == 0 for r in p.dns['answers']), 5, t0)
        if p is None:
            missing.append(name)
    check(not missing, f'no goodbye (A, TTL 0) for {", ".join(missing)}')
    # The DNS-SD instance named after each (README: DNS-SD) goes too: its PTR with TTL 0.
    for name in names:
        inst = f'{name.split(".")[0]}._http._tcp.local'
        p = link.wait(lambda p: p.dns['qr'] and p.multicast() and any(r['type'] == PTR and lower(r['data']) == inst and r['ttl'] == 0 for r in p.dns['answers']), 2, t0)
        check(p is not None, f'no goodbye (PTR, TTL 0) for the DNS-SD instance {inst}')
    byes = link.from_responder(t0, lambda p: p.dns['qr'] and p.multicast() and any(r['ttl'] == 0 for r in p.dns['answers']))
    nonzero = [(r['name'], r['ttl']) for p in byes for r in p.dns['answers'] if r['ttl'] != 0]
    check(not nonzero, f'non-zero TTL in a goodbye packet: {nonzero[:2]}')
    kinds = sorted({TYPE_NAMES.get(r['type'], str(r['type'])) for p in byes for r in p.dns['answers']})
    return f'TTL 0 for {len(names)} name(s) ({", ".join(kinds)})'


def scenario_qu(link, args):
    """§5.4: a QU question is answered by unicast when the record was multicast recently."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(qd=[enc_question(name, A)]))
    m = link.wait(lambda p: answers_name(p, name, A), 2, t0)
    check(m is not None and m.multicast(), 'no multicast answer to the QM question that precedes the QU one')
    link.pump(0.3)
    t1 = time.time()
    link.send(message(qd=[enc_question(name, A, qu=True)]))
    u = link.wait(lambda p: answers_name(p, name, A), 2, t1)
    check(u is not None, 'no answer to the QU question')
    check(u.dst == link.my4 and u.dport == MDNS_PORT, f'QU answer went to {u.dst}:{u.dport}, wanted {link.my4}:5353 by unicast')
    return f'unicast to {u.dst}:{u.dport} ({round((u.ts - t1) * 1000)} ms after the query)'


def scenario_legacy(link, args):
    """§6.7: a query from a port other than 5353: unicast reply, ID and question echoed, TTL ≤ 10."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    q = message(qid=0x5A5A, qd=[enc_question(name, A)])
    link.send(q, legacy=True)
    port = link.legacy.getsockname()[1]
    r = link.wait(lambda p: p.dns['qr'] and p.dport == port, 2, t0)
    check(r is not None, 'no reply to the legacy query')
    d = r.dns
    check(r.dst == link.my4, f'legacy reply sent to {r.dst}, wanted unicast to {link.my4}')
    check(d['id'] == 0x5A5A, f"ID {d['id']:#x} not echoed")
    check([(lower(q['name']), q['type']) for q in d['questions']] == [(lower(name), A)], f"question not echoed: {d['questions']}")
    recs = d['answers'] + d['additionals']
    check(any(r['type'] == A for r in d['answers']), 'no A record in the reply')
    check(all(r['ttl'] <= 10 for r in recs), f"TTLs {[r['ttl'] for r in recs]}, wanted ≤ 10")
    check(not any(r['flush'] for r in recs), 'cache-flush bit set in a legacy reply')
    return f'unicast to port {port}, ID echoed, question echoed, TTLs {sorted({r["ttl"] for r in recs})}'


def scenario_direct_unicast(link, args):
    """§5.5: a query sent by unicast to port 5353 is answered as if it were QU (by unicast)."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(qd=[enc_question(name, A)]), to=args.responder)
    r = link.wait(lambda p: answers_name(p, name, A), 2, t0)
    check(r is not None, 'no answer at all to a direct unicast query')
    if r.multicast():
        print(json.dumps({'ok': True, 'notMet': True, 'detail': 'answered by multicast, not unicast: Node cannot tell a unicast query from a multicast one without taking port 5353 unicast from avahi (docs/decisions.md, Direct unicast queries)'}), flush=True)
        sys.exit(0)
    return f'unicast answer to {r.dst}:{r.dport}'


def scenario_known_answer(link, args):
    """§7.1: a known answer with at least half our TTL suppresses ours; one with less does not."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(qd=[enc_question(name, A)], an=[enc_record(name, A, args.address, 120)]))
    r = link.wait(lambda p: answers_name(p, name, A), 1.0, t0)
    check(r is None, f'answered although the query listed the answer as known: {show(r) if r else ""}')
    t1 = time.time()
    link.send(message(qd=[enc_question(name, A)], an=[enc_record(name, A, args.address, 30)]))
    r = link.wait(lambda p: answers_name(p, name, A), 2, t1)
    check(r is not None, 'a known answer with less than half the TTL left also suppressed the answer')
    return 'suppressed by a known answer with TTL 120; answered when the known TTL was 30 (< half)'


def scenario_duplicate(link, args):
    """§7.4: another host multicasts our delayed (shared) answer first: ours is not sent."""
    svc = args.name[0]
    ready(link)
    t0 = time.time()
    first = ask(link, message(qd=[enc_question(svc, PTR)]), lambda p: ptr_answer(p, svc))
    check(first is not None, f'no answer to {svc} PTR')
    link.pump(0.5)
    ours = {r['data'] for p in link.from_responder(t0, lambda p: ptr_answer(p, svc)) for r in p.dns['answers']}
    time.sleep(1.1)  # §6's one-second limit lapses; the next answer is allowed again
    link.pump(0.01)
    t1 = time.time()
    link.send(message(qd=[enc_question(svc, PTR)]))
    dup = [enc_record(svc, PTR, inst, 4500) for inst in sorted(ours)]
    for i in range(0, len(dup), 15):  # within one packet each (§17)
        link.send(message(response=True, aa=True, an=dup[i:i + 15]))
    r = link.wait(lambda p: ptr_answer(p, svc), 0.8, t1)
    check(r is None, f'sent its answer although another host had just given it: {show(r) if r else ""}')
    return f'{len(ours)} PTR answers suppressed by a duplicate response'


def scenario_tc_known(link, args):
    """§7.2 MUST: known answers in the packets that follow a TC query suppress the answer."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    burst = [message(tc=True, qd=[enc_question(name, A)], an=[enc_record('unrelated-1.local', A, '10.1.1.1', 120)]),
             message(an=[enc_record(name, A, args.address, 120)])]
    link.send(burst[0])
    time.sleep(0.1)
    link.send(burst[1])
    r = link.wait(lambda p: answers_name(p, name, A), 1.2, t0)
    link.paced(burst, 0.38)
    check(r is None, f'answered although a follow-up packet listed the answer: {show(r) if r else ""}')
    t1 = time.time()
    link.send(message(tc=True, qd=[enc_question(name, A)]))
    link.send(message(an=[enc_record('unrelated-2.local', A, '10.1.1.2', 120)]))
    r = link.wait(lambda p: answers_name(p, name, A), 2, t1)
    check(r is not None, 'no answer once the follow-up packet did not list it')
    sent = link.sent_at(message(tc=True, qd=[enc_question(name, A)])) or t1
    waited = round((r.ts - sent) * 1000)
    check(waited >= 400, f'answered {waited} ms after the TC query, wanted 400–500 ms')
    return f'suppressed by a follow-up known answer; otherwise answered after {waited} ms'


def scenario_tc_extend(link, args):
    """§7.2 SHOULD: each further TC packet extends the wait to 400–500 ms after it."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    burst = [message(tc=True, qd=[enc_question(name, A)])]
    burst += [message(tc=True, an=[enc_record(f'unrelated-{i}.local', A, f'10.1.2.{i}', 120)]) for i in range(2)]
    # 600 ms after the query: an answer that was not extended went out at 400–500 ms
    burst.append(message(an=[enc_record(name, A, args.address, 120)]))
    for i, raw in enumerate(burst):
        if i:
            time.sleep(0.2)
        link.send(raw)
    r = link.wait(lambda p: answers_name(p, name, A), 1.2, t0)
    link.paced(burst, 0.38)
    check(r is None, f'answered {round((r.ts - t0) * 1000) if r else 0} ms after the first packet, before the last TC packet\'s 400 ms had passed')
    return 'waited past each TC packet; the last packet\'s known answer suppressed the answer'


def scenario_nsec(link, args):
    """§6.1: a type the name does not have gets an NSEC saying which types exist."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(qd=[enc_question(name, AAAA)]))
    r = link.wait(lambda p: answers_name(p, name), 2, t0)
    check(r is not None, f'no answer to {name} AAAA (an IPv4-only name)')
    nsec = [x for x in r.dns['answers'] if x['type'] == NSEC and lower(x['name']) == lower(name)]
    check(nsec, f"answer has no NSEC: {[TYPE_NAMES.get(x['type']) for x in r.dns['answers']]}")
    nxt, types = nsec[0]['data']
    check(lower(nxt) == lower(name), f'NSEC next domain {nxt}, wanted the name itself (§6.1)')
    check(A in types and AAAA not in types, f'NSEC types {types}, wanted A and not AAAA')
    check(nsec[0]['flush'], 'NSEC without the cache-flush bit')
    return f'NSEC {name} types {[TYPE_NAMES.get(t, t) for t in types]}, cache-flush set'


def scenario_additionals_address(link, args):
    """§6.2: an A answer carries the other family in Additional (NSEC when there is none)."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(qd=[enc_question(name, A)]))
    r = link.wait(lambda p: answers_name(p, name, A), 2, t0)
    check(r is not None, f'no answer to {name} A')
    extra = [(lower(x['name']), x['type']) for x in r.dns['additionals']]
    check((lower(name), NSEC) in extra or (lower(name), AAAA) in extra, f'no AAAA or NSEC for {name} in Additional: {extra}')
    return f"Additional: {[TYPE_NAMES.get(t, t) for _, t in extra]}"


def scenario_additionals_ptr(link, args):
    """RFC 6763 §12.1: each PTR answer comes with its SRV, TXT and addresses, also across packets."""
    svc = args.name[0]
    ready(link)
    t0 = time.time()
    first = ask(link, message(qd=[enc_question(svc, PTR)]), lambda p: ptr_answer(p, svc))
    check(first is not None, f'no answer to {svc} PTR')
    t0 = first.ts - 0.2
    link.pump(0.5)
    packets = link.from_responder(t0, lambda p: v4(p) and ptr_answer(p, svc) and p.multicast())
    lacking = []
    count = 0
    for p in packets:
        have = {(lower(x['name']), x['type']) for x in p.dns['answers'] + p.dns['additionals']}
        srv_targets = {lower(x['name']): lower(x['data'][3]) for x in p.dns['additionals'] if x['type'] == SRV}
        for r in p.dns['answers']:
            if r['type'] != PTR:
                continue
            count += 1
            inst = lower(r['data'])
            host = srv_targets.get(inst)
            if (inst, SRV) not in have or (inst, TXT) not in have or host is None or (host, A) not in have:
                lacking.append(inst)
    check(count >= args.min_count, f'{count} PTR answers, wanted at least {args.min_count}')
    check(not lacking, f'{len(lacking)} PTR answers without SRV, TXT and A in the same packet: {lacking[:3]}')
    return f'{count} PTR answers in {len(packets)} packets, each with SRV, TXT and A'


def scenario_multi_question(link, args):
    """§6/§6.3: a query with a question we cannot answer: the answer waits 20–120 ms."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    q = message(qd=[enc_question(name, A), enc_question('nobody-here.local', A)])
    link.send(q)
    r = link.wait(lambda p: answers_name(p, name, A), 2, t0)
    check(r is not None, f'no answer for {name}')
    sent = link.sent_at(q)
    check(sent is not None, 'own query not seen on the link')
    delay = round((r.ts - sent) * 1000, 1)
    check(delay >= 20, f'answered {delay} ms after the query, wanted a random 20–120 ms')
    check(delay <= 1000, f'answered {delay} ms after the query, wanted 20–120 ms')
    return f'answered after {delay} ms'


def scenario_rate_limit(link, args):
    """§6: a record is multicast at most once per second per interface."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(qd=[enc_question(name, A)]))
    first = link.wait(lambda p: answers_name(p, name, A) and p.multicast(), 2, t0)
    check(first is not None, 'no answer to the first query')
    time.sleep(max(0, first.ts + 0.2 - time.time()))
    second = message(qid=2, qd=[enc_question(name, A)])
    link.send(second)
    again = link.wait(lambda p: answers_name(p, name, A) and p.multicast() and p.ts > first.ts, max(0.1, first.ts + 0.95 - time.time()), first.ts)
    sent = link.sent_at(second)
    if sent is None or sent - first.ts > 0.8:
        time.sleep(1.1)
        raise Inconclusive('the second query left too late')
    check(again is None, f'multicast the same record again {round((again.ts - first.ts) * 1000) if again else 0} ms later')
    time.sleep(max(0, first.ts + 1.1 - time.time()))
    t2 = time.time()
    link.send(message(qd=[enc_question(name, A)]))
    later = link.wait(lambda p: answers_name(p, name, A) and p.multicast(), 2, t2)
    check(later is not None, 'no answer a second later: the limit held too long')
    return f'not repeated within 1 s; answered again after {round((later.ts - first.ts) * 1000)} ms'


def scenario_ip_ttl(link, args):
    """§11: every packet from the responder has IP TTL (hop limit) 255."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(qd=[enc_question(name, A)]))
    link.send(message(qid=7, qd=[enc_question(name, A)]), legacy=True)
    link.send(message(qd=[enc_question(name, AAAA)]), to=GROUP6)
    check(link.wait(lambda p: ':' in p.src, 2, t0) is not None, 'no answer over IPv6')
    link.pump(0.3)
    seen = link.from_responder(0)
    check(len(seen) >= 3, f'only {len(seen)} packets from the responder')
    bad = [(p.src, p.dst, p.ttl) for p in seen if p.ttl != 255]
    check(not bad, f'IP TTL other than 255: {bad[:3]}')
    kinds = sorted({('multicast' if p.multicast() else 'unicast') + ('/IPv6' if ':' in p.src else '/IPv4') for p in seen})
    return f'{len(seen)} packets ({", ".join(kinds)}), all TTL 255'


def scenario_header(link, args):
    """§18: responses have QR and AA set, ID 0 (multicast), opcode and rcode 0, no questions;
    queries with another opcode or rcode are ignored."""
    name = args.name[0]
    ready(link)
    t0 = time.time()
    link.send(message(opcode=2, qd=[enc_question(name, A)]))
    link.send(message(rcode=3, qd=[enc_question(name, A)]))
    r = link.wait(lambda p: answers_name(p, name), 0.8, t0)
    check(r is None, 'answered a query with opcode 2 or rcode 3 (§18.3, §18.11: MUST be ignored)')
    t1 = time.time()
    link.send(message(qid=0x1234, qd=[enc_question(name.upper(), A)]))
    r = link.wait(lambda p: answers_name(p, name, A), 2, t1)
    check(r is not None, f'no answer to {name.upper()} A (names compare case-insensitively, §16)')
    d = r.dns
    check(d['qr'] and d['aa'], f"QR={d['qr']} AA={d['aa']}, wanted both set (§18.2, §18.4)")
    check(d['opcode'] == 0 and d['rcode'] == 0, f"opcode {d['opcode']} rcode {d['rcode']}")
    check(d['id'] == 0, f"multicast response ID {d['id']}, wanted 0 (§18.1)")
    check(not d['questions'], 'a multicast response carries questions (§6)')
    check(not d['tc'], 'TC set in a response')
    return 'QR, AA set; ID, opcode, rcode 0; no questions; opcode/rcode ≠ 0 ignored'


def scenario_enumeration(link, args):
    """RFC 6763 §9: _services._dns-sd._udp.local lists the service types."""
    ready(link)
    t0 = time.time()
    meta = '_services._dns-sd._udp.local'
    r = ask(link, message(qd=[enc_question(meta, PTR)]), lambda p: answers_name(p, meta, PTR))
    check(r is not None, 'no answer to the service type enumeration')
    link.pump(0.3)
    types = sorted({lower(x['data']) for p in link.from_responder(t0, lambda p: answers_name(p, meta, PTR)) for x in p.dns['answers'] if x['type'] == PTR})
    check(lower(args.name[0]) in types, f'{args.name[0]} not listed: {types}')
    return f'lists {", ".join(types)}'


def scenario_malformed(link, args):
    """Malformed packets (truncated, bad label types, compression loops, lying counts, bad
    rdata) are ignored and the responder keeps answering."""
    name = args.name[0]
    ready(link)
    good = message(qd=[enc_question(name, A)])
    bad = [
        b'', b'\0' * 5, good[:-3],
        struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + b'\xc0\x0c\x00\x01\x00\x01',            # pointer to itself
        struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + b'\x01a\xc0\x0e\x00\x01\x00\x01',        # pointer forward (loop)
        struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + b'\x41abc\x00\x00\x01\x00\x01',          # label type 01
        struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + b'\x80abc\x00\x00\x01\x00\x01',          # label type 10
        struct.pack('>HHHHHH', 0, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF) + enc_question(name, A),  # lying counts
        struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + b'\x3f' + b'a' * 10,                    # label past the end
        struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + (b'\x3f' + b'a' * 63) * 5 + b'\x00\x00\x01\x00\x01',  # name > 255
        message(response=True, an=[enc_name(name) + struct.pack('>HHIH', A, 1, 120, 40) + b'\x0a\x00']),  # rdata past end
        message(response=True, an=[enc_name(name) + struct.pack('>HHIH', A, 1, 120, 3) + b'\x0a\x00\x00']),  # A of 3 bytes
    ]
    for i in range(200):
        bad.append(os.urandom(12 + (i % 80)))
    t0 = time.time()
    for b in bad:
        link.send(b)
        link.send(b, legacy=True)
    link.pump(0.5)
    t1 = time.time()
    link.send(message(qd=[enc_question(name, A)]))
    r = link.wait(lambda p: answers_name(p, name, A) and p.ts >= t1, 3, t1)
    check(r is not None, 'no answer after the malformed packets: the responder stopped answering')
    wrong = link.from_responder(t0, lambda p: p.ts < t1 and p.dns['qr'] and any(x['type'] == A and lower(x['name']) == lower(name) and x['data'] != args.address for x in p.dns['answers']))
    check(not wrong, 'answered with other data after the malformed packets')
    return f'{len(bad)} malformed packets ignored; still answering'


SCENARIOS = {k[len('scenario_'):].replace('_', '-'): v for k, v in globals().items() if k.startswith('scenario_')}


def ready(link):
    if not link.said_ready:
        link.pump(0.05)
        print(json.dumps({'ready': True}), flush=True)
        link.said_ready = True
    return time.time()


def ready_and_go(link):
    """Says ready, then reads the link until the test says "go"; returns when it said ready, so
    packets sent while the test acted (a goodbye during shutdown) count."""
    since = ready(link)
    # Keep reading the link while the test makes the responder act.
    while True:
        r, _, _ = select.select([sys.stdin, link.sniffer], [], [], 5)
        if sys.stdin in r:
            line = sys.stdin.readline()
            if not line or line.strip() == 'go':
                return since
        if link.sniffer in r:
            link._read_one(0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('scenario', choices=sorted(SCENARIOS))
    ap.add_argument('--iface', required=True)
    ap.add_argument('--responder', required=True)
    ap.add_argument('--responder6', required=True)
    ap.add_argument('--name', action='append', default=[])
    ap.add_argument('--address', default='')
    ap.add_argument('--min-count', type=int, default=1)
    ap.add_argument('--zeroconf-nsec', action='store_true')
    args = ap.parse_args()
    link = Link(args.iface, args.responder, args.responder6)
    for attempt in range(3):
        try:
            detail = SCENARIOS[args.scenario](link, args)
            print(json.dumps({'ok': True, 'detail': detail}), flush=True)
            return
        except Fail as e:
            print(json.dumps({'ok': False, 'detail': str(e)}), flush=True)
            return
        except Inconclusive as e:
            why = str(e)
            time.sleep(1.2)  # past §6's one second and any §7.2 wait of the last attempt
    print(json.dumps({'ok': False, 'detail': f'inconclusive three times: {why}'}), flush=True)


if __name__ == '__main__':
    main()
