#!/usr/bin/env bash
# The one test command (README, .ci/run): lint and format check, type-check every runtime, build the PWA, run all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npx biome ci --reporter=summary .
npx tsc -b
npx vite build --logLevel warn
# One throwaway PostgreSQL cluster for the whole run, removed at the end even when tests fail.
node --import tsx scripts/postgres.ts -- bash scripts/test-node.sh
