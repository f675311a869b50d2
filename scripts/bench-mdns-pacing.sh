#!/bin/bash
# Goodbye pacing (docs/performance.md): how many of the goodbye packets for N names (default
# 10,000) avahi-daemon and python-zeroconf receive, for each pacing RATE (packets/ms) and BURST,
# counted as their sockets' drops in /proc/net/udp. Receivers pinned to CPU 0, sender to CPU 1,
# in two throw-away namespaces joined by a veth. Root; `npm run build` first.
#   RATES="0.5 1 2 4 8" BURSTS="32" NAMES=10000 scripts/bench-mdns-pacing.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
A=mdnspace-a-$$; B=mdnspace-b-$$; D=$(mktemp -d /tmp/mdnspace-XXXXXX)
cleanup() {
  for p in $(ip netns pids $B 2>/dev/null) $(ip netns pids $A 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  sleep 0.3; ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; rm -rf "$D"
}
trap cleanup EXIT
ip netns add $A; ip netns add $B
ip link add pca netns $A type veth peer name pcb netns $B
for x in "$A pca 10.213.181.1" "$B pcb 10.213.181.2"; do set -- $x
  ip -n $1 link set lo up; ip -n $1 addr add $3/24 dev $2; ip -n $1 link set $2 up; ip -n $1 route add 224.0.0.0/4 dev $2; done
sleep 1.5
mkdir -p $D/run
printf '[server]\nallow-interfaces=pcb\nenable-dbus=no\nuse-ipv6=no\nratelimit-interval-usec=0\nratelimit-burst=100000\n[publish]\ndisable-publishing=yes\n[wide-area]\nenable-wide-area=no\n' > $D/avahi.conf
ip netns exec $B sh -c "mount --bind $D/run /run/avahi-daemon && exec taskset -c 0 avahi-daemon --no-chroot --no-drop-root --no-rlimits -f $D/avahi.conf" > $D/avahi.log 2>&1 &
ip netns exec $B taskset -c 0 /usr/bin/python3 -c "
from zeroconf import Zeroconf
import time
zc = Zeroconf(interfaces=['10.213.181.2'])
time.sleep(100000)
" > $D/zc.log 2>&1 &
sleep 3
# drops of the 5353 sockets of one process (by its socket inodes)
drops() {
  local inodes; inodes=$(ls -l /proc/$1/fd 2>/dev/null | grep -o 'socket:\[[0-9]*\]' | grep -o '[0-9]*' | tr '\n' '|')
  ip netns exec $B awk -v re="^(${inodes%|})$" 'NR>1 && $2 ~ /:14E9$/ && $10 ~ re {d+=$NF} END {print d+0}' /proc/net/udp
}
avahi=$(pgrep -n -x avahi-daemon); zc=$(ip netns pids $B | while read p; do [ "$(cat /proc/$p/comm)" = python3 ] && echo $p; done | head -1)
printf '%-10s %-6s %-8s %-8s %-14s %-14s\n' RATE/ms BURST PACKETS MS AVAHI-LOST ZEROCONF-LOST
for rate in ${RATES:-0.5 1 2 4 8}; do
  for burst in ${BURSTS:-32}; do
    a0=$(drops $avahi); z0=$(drops $zc)
    out=$(ip netns exec $A taskset -c 1 node "$here/bench-mdns-pacing-send.mjs" 10.213.181.1 ${NAMES:-10000} $burst $rate)
    sleep 2
    printf '%-10s %-6s %-8s %-8s %-14s %-14s\n' $rate $burst $(echo "$out" | sed 's/.*"packets":\([0-9]*\),"ms":\([0-9]*\).*/\1 \2/') $(( $(drops $avahi) - a0 )) $(( $(drops $zc) - z0 ))
  done
done
