#!/usr/bin/env bash
# The main job: installs dependencies, builds xbarmc (default preset: Release, CUDA
# when nvcc is found) and runs the quickstart yield study:
#   xbarmc run configs/quickstart.toml
# which trains the model (or reuses build/quickstart/model.h5 when its [train]
# settings are unchanged), samples 200 chips of the seed's RRAM device and writes
# out/quickstart/results.h5, then the HTML report out/quickstart/report.html.
# The install and the build take most of the time; the study itself about 30 s on a
# shared 2-core VM (README, "Main job"). Extra arguments go to
# `xbarmc run` (e.g. --threads 2, --backend cpu, --resume after a Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default
./build/xbarmc run configs/quickstart.toml "$@"
# The one-page HTML report (figures embedded) of the results file.
python3 analysis/report.py out/quickstart/results.h5 --out out/quickstart/report.html
