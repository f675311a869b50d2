#!/usr/bin/env bash
# Debian packages the tests run against: real peers, not mocks (avahi and python3-zeroconf as
# mDNS queriers, BIND 9 for RFC 2136/TSIG, dig, tcpdump/tshark for captures, iproute2 for
# network namespaces; dnsperf for the mDNS load bench; libnss-mdns, nftables, iptables, curl and
# Debian chromium for doctor and the browser tests; libnss3-tools (certutil) for the NSS trust store). Needs root. Skips the install when everything is already there.
set -euo pipefail
pkgs=(zsh avahi-daemon avahi-utils dbus python3-dbus python3-gi python3-zeroconf bind9 bind9-dnsutils tshark tcpdump iproute2 openssl procps dnsperf libnss-mdns libnss3-tools nftables iptables chromium curl ca-certificates)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: installing ${missing[*]} needs root (run as root or with sudo)" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
