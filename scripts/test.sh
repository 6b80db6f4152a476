#!/usr/bin/env bash
# The one test command (README, .ci/run): install what the tests need, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
[ -d node_modules ] || npm ci
npm run build
npx tsc -p tsconfig.test.json --noEmit
npx vitest run "$@"
