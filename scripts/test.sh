#!/usr/bin/env bash
# The whole test suite: type check, lint (ESLint, Prettier), then every vitest file against real services —
# Ceph RGW (started here unless S3_ENDPOINT is set; installed from Debian's packages when
# missing), PostgreSQL on 127.0.0.1:5432 (a fresh database per run, dropped after) and PGlite.
# Ends with one plain line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
mkdir -p test-artifacts
bash scripts/ensure-test-packages.sh
echo "== type check"
npx tsc --noEmit
echo "== lint"
npm run lint --silent
# The commands the tests start (bin/vitrina.js) run this build, as they do after npm ci.
echo "== build"
node scripts/build.mjs
echo "== tests"
set +e
bash scripts/with-rgw.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@"
rc=$?
set -e
node -e '
  const fs = require("node:fs");
  try {
    const r = JSON.parse(fs.readFileSync("test-artifacts/vitest.json", "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    // A file that fails before its tests run (import error, failing beforeAll) counts as a failure too.
    const brokenFiles = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.every((a) => a.status !== "failed")).length;
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed, ${skipped} skipped`);
  } catch { console.log("0 passed, 1 failed"); }
'
exit $rc
