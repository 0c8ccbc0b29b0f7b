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
# A memory budget for the V8 heap: without one V8 grows it long before collecting, and the
# process sits at several hundred MB more than it uses. AsyncLocalStorage (MikroORM, Temporal's
# activity context) on async context frames: without them Node 22 runs a hook on every promise.
# Two malloc arenas: glibc otherwise gives each of the Temporal core's threads its own, and the
# platform holds ~45 MB more resident for the same work (bench/README.md, 2026-12-05).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node --max-old-space-size="${PARLEY_MAX_HEAP_MB:-1024}" --experimental-async-context-frame --import tsx scripts/start.ts "$@"
