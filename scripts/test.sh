#!/usr/bin/env bash
# `npm test`: every test, unit and integration. Jest's global setup starts the Postgres and
# Temporal servers the integration suites need (see test/support/global-setup.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
npm run --silent build:web >/dev/null
node --import tsx scripts/check-workflows.ts
tsc --noEmit -p tsconfig.json
exec node node_modules/jest/bin/jest.js --runInBand --forceExit "$@"
