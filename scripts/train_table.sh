#!/usr/bin/env bash
# Trains every feature method on the packaged Fashion-MNIST (4-bit weights, PTQ and
# QAT; proj_sup_64 and avg_8x8 also at 2 bits) and prints the README's accuracy
# table in Markdown. Usage: scripts/train_table.sh [build-dir] [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-out/train}
mkdir -p "$out"
runs=("avg_8x8 4" "bilinear_8x8 4" "max_8x8 4" "proj_pca_64 4" "proj_sup_64 4" "avg_8x8 2" "proj_sup_64 2")
for run in "${runs[@]}"; do
  read -r method bits <<<"$run"
  start=$(date +%s%N)
  "$build/xbarmc" train --method "$method" --weight-bits "$bits" --qat --seed 0 --quiet \
    --out "$out/${method}_w${bits}.h5" >/dev/null
  echo "$method $bits-bit: $((($(date +%s%N) - start) / 1000000)) ms" >&2
done
python3 - "$out" "${runs[@]}" <<'PY'
import sys, h5py
out, runs = sys.argv[1], sys.argv[2:]
print("| method | bits | float val | float test | PTQ val | PTQ test | QAT val | QAT test |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for run in runs:
    method, bits = run.split()
    with h5py.File(f"{out}/{method}_w{bits}.h5", "r") as f:
        a = {k: f["accuracy/" + k][:] for k in ("float", "ptq", "qat")}
    cells = " | ".join(f"{a[k][1]:.4f} | {a[k][2]:.4f}" for k in ("float", "ptq", "qat"))
    print(f"| {method} | {bits} | {cells} |")
PY
