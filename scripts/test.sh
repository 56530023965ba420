#!/usr/bin/env bash
# The one test command (README, .ci/run): lint and format check, type-check every runtime, build the PWA, run all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npx biome ci --reporter=summary .
npx tsc -b
npx vite build --logLevel warn
shopt -s nullglob
files=(test/unit/*.test.ts test/server/*.test.ts test/e2e/*.test.ts)
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
