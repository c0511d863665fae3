#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt already uses (the first `URIs:` of a deb822 .sources
# file, else the first `deb` line of sources.list), so the tests debootstrap from the same place
# and no mirror host is written in the repository. DEBIAN_MIRROR overrides it.
set -euo pipefail
if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; exit 0; fi
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  # The main archive, not the security one (it has no bookworm suite).
  mirror=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ]; then
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) print $i; break } }' "$f" | head -1)
    [ -n "$mirror" ] && break
  done
fi
[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list: set DEBIAN_MIRROR" >&2; exit 1; }
echo "$mirror"
