#!/usr/bin/env bash
# Quick start: installs dependencies, builds xbarmc (default preset: Release, CUDA
# when nvcc is found) and maps the example weight matrix onto the crossbar.
# Outputs go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default
mkdir -p out
./build/xbarmc map --weights examples/weights_10x64.csv --out out/map.csv \
  --bl-sel-out out/bl_sel.csv --h5-out out/map.h5
