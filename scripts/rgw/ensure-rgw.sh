#!/usr/bin/env bash
# Makes sure a throw-away Ceph RADOS Gateway (a real S3 server) runs on 127.0.0.1 for tests
# and benchmarks: installs Debian's ceph packages when missing (root, ~25 s), then starts or
# reuses the cluster in $VITRINA_RGW_DIR (default: .rgw in the project). Prints the S3
# settings as shell assignments on stdout; everything else goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export RGW_PORT=${VITRINA_RGW_PORT:-7490}
export MON_PORT=${VITRINA_RGW_MON_PORT:-3390}
# memstore keeps objects in RAM (only what is stored counts); benchmarks that move gigabytes
# need headroom beyond the script's 4 GiB default before the OSD reports itself full.
export MEMSTORE_BYTES=${VITRINA_RGW_MEMSTORE_BYTES:-12884901888}
dir=${VITRINA_RGW_DIR:-$root/.rgw}
if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo bash "$here/install-ceph.sh" >&2; else bash "$here/install-ceph.sh" >&2; fi
fi
bash "$here/start-rgw.sh" "$dir" | sed -e 's/^/export /'
