#!/usr/bin/env bash
# Checks deploy/edcps.service the way systemd would read it (.ci/run runs this):
# 1. `systemd-analyze verify` must exit 0 AND print nothing: it exits 0 on an unknown or misspelt
#    directive or an odd user name (only a warning), so any output counts as a failure.
#    It also checks that ExecStart's binary exists: CI machines may not have node at
#    /usr/bin/node (where Debian's package puts it), so when it is elsewhere a copy of the unit
#    pointing at this machine's node is verified instead; nothing else is changed.
#    The user, /opt/edcps and /etc/edcps/edcps.env need not exist: verify does not look them up.
# 2. `systemd-analyze security --offline` must rate the unit's exposure 2.0 or lower (of 10):
#    losing a hardening option fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
unit=deploy/edcps.service
analyze=$(command -v systemd-analyze || echo /usr/bin/systemd-analyze)
[ -x "$analyze" ] || { echo "check-systemd-unit: systemd-analyze not found (Debian package: systemd)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checked=$tmp/edcps.service
cp "$unit" "$checked"
if [ ! -x /usr/bin/node ]; then
  node_bin=$(command -v node)
  echo "check-systemd-unit: /usr/bin/node absent here; verifying with ExecStart=$node_bin"
  sed -i "s|^ExecStart=/usr/bin/node |ExecStart=$node_bin |" "$checked"
fi

out=$("$analyze" verify "$checked" 2>&1) || { echo "$out" >&2; echo "check-systemd-unit: verify failed" >&2; exit 1; }
if [ -n "$out" ]; then
  echo "$out" >&2
  echo "check-systemd-unit: verify printed warnings (treated as errors)" >&2
  exit 1
fi

sec=$("$analyze" security --offline=yes --threshold=20 "$checked" 2>&1) || {
  echo "$sec" >&2
  echo "check-systemd-unit: exposure above 2.0" >&2
  exit 1
}
echo "check-systemd-unit: $unit verified; $(echo "$sec" | grep -o 'Overall exposure level.*')"
