#!/usr/bin/env bash
# Runs scripts/start.ts with the process settings the platform is measured with: `npm start`
# (scripts/start.sh), the container's entrypoint and the tests' and benches' spawnPlatform all
# start it here, so the three never drift apart.
#
# A memory budget for the V8 heap: without one V8 grows it long before collecting, and the
# process sits at several hundred MB more than it uses. AsyncLocalStorage (MikroORM, Temporal's
# activity context) on async context frames: without them Node 22 runs a hook on every promise.
# Two malloc arenas: glibc otherwise gives each of the Temporal core's threads its own, and the
# platform holds ~45 MB more resident for the same work (bench/README.md, 2026-12-05).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
node="$ROOT/node_modules/.bin/node"
[ -x "$node" ] || node=node
exec "$node" --max-old-space-size="${PARLEY_MAX_HEAP_MB:-1024}" --experimental-async-context-frame --import tsx scripts/start.ts "$@"
