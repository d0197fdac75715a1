#!/usr/bin/env bash
# The Debian packages the tests drive for real: Chromium (browser tests, never a browser
# download) and nginx (the load balancer in front of two instances). Installs whatever is
# missing, as root or through sudo; Ceph is provisioned by scripts/rgw/ensure-rgw.sh.
set -euo pipefail
need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] && exit 0
echo "== installing Debian packages for the tests: ${need[*]}" >&2
as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
# policy-rc.d 101: the package must not start a system-wide nginx on port 80; the tests run their own.
"${as_root[@]}" sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
trap '"${as_root[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
