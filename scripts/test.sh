#!/usr/bin/env bash
# The README's test command: installs dependencies, builds with warnings as errors
# (CUDA code included when nvcc is present) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci -j2 "$@"
