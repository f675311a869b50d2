#!/usr/bin/python3
"""One-shot mDNS lookups with python3-zeroconf (a third-party querier).
usage: zeroconf_lookup.py SECONDS NAME [NAME ...]
prints {"NAME": {"A": [...], "AAAA": [...]}, ...}"""
import json, socket, sys, time
from zeroconf import Zeroconf, IPVersion, DNSOutgoing, DNSQuestion
from zeroconf.const import _TYPE_A, _TYPE_AAAA, _CLASS_IN, _FLAGS_QR_QUERY

seconds = float(sys.argv[1])
names = sys.argv[2:]
zc = Zeroconf(ip_version=IPVersion.All)
try:
    deadline = time.time() + seconds
    sent = 0
    next_query = time.time()
    while time.time() < deadline:
        if sent < 2 and time.time() >= next_query:
            next_query = time.time() + 1.0
            out = DNSOutgoing(_FLAGS_QR_QUERY)
            for n in names:
                out.add_question(DNSQuestion(n + ".", _TYPE_A, _CLASS_IN))
                out.add_question(DNSQuestion(n + ".", _TYPE_AAAA, _CLASS_IN))
            zc.send(out)
            sent += 1
        time.sleep(0.05)
    result = {}
    for n in names:
        r = {"A": [], "AAAA": []}
        for t, key, fam in ((_TYPE_A, "A", socket.AF_INET), (_TYPE_AAAA, "AAAA", socket.AF_INET6)):
            for rec in zc.cache.entries_with_name(n + "."):
                if rec.type != t or rec.ttl == 0 or not hasattr(rec, "address"):
                    continue
                v = socket.inet_ntop(fam, rec.address)
                if v not in r[key]:
                    r[key].append(v)
            r[key].sort()
        result[n] = r
    print(json.dumps(result))
finally:
    zc.close()
