#!/usr/bin/env bash
# The node test runs of scripts/test.sh, inside the throwaway PostgreSQL cluster scripts/postgres.ts
# started (TEST_DATABASE_URL): every test file once, then the HTTP API suites again on PostgreSQL.
set -euo pipefail
shopt -s nullglob
files=(test/unit/*.test.ts test/server/*.test.ts test/e2e/*.test.ts)
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
HO_TEST_BACKEND=postgres node --import tsx --test --test-concurrency=1 --test-reporter=spec test/server/api-*.test.ts
