#!/usr/bin/python3
# The experiment behind RFC 6762 §5.5 in docs/decisions.md ("Direct unicast queries"): which of
# several sockets sharing UDP port 5353 receives a unicast and a multicast datagram, on Linux.
#
#   port_sharing.py receiver --address A    (in the responder's namespace) reads commands on
#       stdin: "bind NAME wildcard|wildcard-nogroup|address|group", "report" (prints
#       {"NAME": [payloads], ...} and forgets them), "quit".
#   port_sharing.py send --to ADDR --iface-address B --payload TEXT    (in the peer's namespace)
#
# "wildcard" is what avahi-daemon, mDNSResponder and node:dgram (kubectl mdns) do: bind
# 0.0.0.0:5353 with SO_REUSEADDR and join 224.0.0.251. "wildcard-nogroup" joins nothing.
# "address" binds the interface's unicast address, "group" binds 224.0.0.251.

import argparse
import json
import select
import socket
import sys
import time

GROUP = '224.0.0.251'
PORT = 5353


def receiver(args):
    socks = {}
    got = {}
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == 'quit':
            return
        if cmd[0] == 'bind':
            name, kind = cmd[1], cmd[2]
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(({'address': args.address, 'group': GROUP}.get(kind, '0.0.0.0'), PORT))
            if kind in ('wildcard', 'group'):
                s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(GROUP) + socket.inet_aton(args.address))
            socks[name] = s
            got[name] = []
            print(json.dumps({'bound': name}), flush=True)
        if cmd[0] == 'report':
            end = time.time() + 0.3  # datagrams sent before "report" are queued by now; drain
            while time.time() < end:
                r, _, _ = select.select(list(socks.values()), [], [], 0.05)
                for s in r:
                    data = s.recv(2048)
                    for n, x in socks.items():
                        if x is s:
                            got[n].append(data.decode())
            print(json.dumps(got), flush=True)
            got = {n: [] for n in socks}


def send(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.iface_address))
    s.sendto(args.payload.encode(), (args.to, PORT))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('role', choices=['receiver', 'send'])
    ap.add_argument('--address', default='')
    ap.add_argument('--to', default='')
    ap.add_argument('--iface-address', default='')
    ap.add_argument('--payload', default='')
    args = ap.parse_args()
    receiver(args) if args.role == 'receiver' else send(args)


if __name__ == '__main__':
    main()
