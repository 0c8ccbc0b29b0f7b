#!/usr/bin/env bash
# `npm start`: install what is missing, then run the platform (see scripts/start.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html -newer web/dist/index.html 2>/dev/null | head -1)" ]; then
  npm run --silent build:web >/dev/null
fi
node --import tsx scripts/check-workflows.ts --if-stale >/dev/null
exec bash "$ROOT/scripts/launch.sh" "$@"
