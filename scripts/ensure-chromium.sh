#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a browser download). Installs the package
# when it is missing (as root or through sudo); does nothing when CHROMIUM_PATH points at one.
set -euo pipefail
path=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$path" ] && exit 0
echo "== installing Debian's chromium for the browser tests (~30 s)" >&2
as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
