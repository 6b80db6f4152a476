#!/usr/bin/env bash
# The one test command (README, .ci/run): install what the tests need, build, run every test.
# The unit project runs first and alone, then the integration project (one file at a time): never
# both at once, so the machine's load from one never shifts the other's timing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
[ -d node_modules ] || npm ci
npm run build
npx tsc -p tsconfig.test.json --noEmit
if [ "$#" -gt 0 ]; then
  exec npx vitest run "$@"
fi
npx vitest run --project unit
npx vitest run --project integration
