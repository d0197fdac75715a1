#!/usr/bin/env bash
# Runs a command with S3_* pointing at a real S3 server. When S3_ENDPOINT is already set it is
# used as is; otherwise the project's own Ceph RGW is started (scripts/rgw/ensure-rgw.sh) and,
# if this script started it, stopped again afterwards (KEEP_RGW=1 leaves it running).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
if [ -z "${S3_ENDPOINT:-}" ]; then
  dir=${VITRINA_RGW_DIR:-$root/.rgw}
  started=1
  [ -f "$dir/pids/rgw.pid" ] && kill -0 "$(cat "$dir/pids/rgw.pid")" 2>/dev/null && started=0
  # Captured first: a gateway that cannot start stops the run here (an `eval "$(…)"` would go on without S3_*).
  settings=$(bash "$here/rgw/ensure-rgw.sh") || { echo "with-rgw: the test Ceph RGW did not start (see above)" >&2; exit 1; }
  eval "$settings"
  export VITRINA_TEST_RGW_DIR=$dir
  if [ "$started" = 1 ] && [ "${KEEP_RGW:-0}" != 1 ]; then
    trap 'bash "$here/rgw/stop-rgw.sh" "$dir" >/dev/null 2>&1 || true' EXIT
  fi
fi
# The AWS SDK is pinned; its notice that future releases need Node 22 is noise here.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}
set +e
"$@"
rc=$?
exit $rc
