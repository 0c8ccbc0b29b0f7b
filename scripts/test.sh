#!/usr/bin/env bash
# `npm test`: every test, unit and integration. Jest's global setup starts the Postgres and
# Temporal servers the integration suites need (see test/support/global-setup.ts).
# With no arguments the suites run in TEST_SHARDS (default 2) Jest processes side by side, each
# with its own test services (data dir, Postgres and Temporal ports), so the integration suites'
# waiting overlaps; with arguments (`npm test -- <paths>`) one Jest process runs them in band.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
npm run --silent build:web >/dev/null
node --import tsx scripts/check-workflows.ts
tsc --noEmit -p tsconfig.json

JEST=(node node_modules/jest/bin/jest.js --runInBand --forceExit)
if [ $# -gt 0 ]; then exec "${JEST[@]}" "$@"; fi

shards="${TEST_SHARDS:-2}"
logs="$ROOT/.data/test-logs"
mkdir -p "$logs"
pids=()
for ((k = 1; k <= shards; k++)); do
  (
    set -o pipefail
    PARLEY_TEST_DIR=".data/test-$k" TEST_PG_PORT=$((54339 + 100 * k)) TEST_TEMPORAL_PORT=$((7243 + 100 * k)) \
      "${JEST[@]}" --shard="$k/$shards" 2>&1 | tee "$logs/shard-$k.log" | sed -u "s/^/[shard $k] /"
  ) &
  pids+=($!)
done
status=0
for ((k = 1; k <= shards; k++)); do
  if ! wait "${pids[$((k - 1))]}"; then status=1; fi
done
for ((k = 1; k <= shards; k++)); do
  echo "shard $k/$shards: $(grep -E '^Tests:' "$logs/shard-$k.log" | tail -1 || echo 'no summary (see its log above)')"
done
exit $status
