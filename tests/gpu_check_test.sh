#!/usr/bin/env bash
# ctest gpu_check.pack: scripts/gpu_check.sh pack against this build into a temporary
# folder (manifest, the three programs, self-contained, under 48 MiB, the packed xbarmc
# starts from it), then `run` on it, which without a GPU must say so and exit 0.
set -euo pipefail
build="$1"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

bash "$src/scripts/gpu_check.sh" pack "$build" "$tmp/pack"
manifest="$tmp/pack/MANIFEST.txt"
test -f "$manifest"
for f in bin/xbarmc bin/xbarmc_gpu_tests bin/xbarmc_bench_cuda_engine gpu_check.sh; do
  grep -q " $f\$" "$manifest" || { echo "MANIFEST.txt lacks $f"; exit 1; }
done
bytes=$(du -sb "$tmp/pack" | cut -f1)
((bytes < 48 * 1024 * 1024)) || { echo "pack is $bytes bytes"; exit 1; }
env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$tmp/pack/lib" "$tmp/pack/bin/xbarmc" --version

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  echo "a GPU is present: run's no-device path is not tested here"
  exit 0
fi
out="$(OUT="$tmp/out" bash "$tmp/pack/gpu_check.sh" run "$tmp/pack")"
echo "$out"
grep -q "no GPU on this machine" <<<"$out"
grep -q "no GPU on this machine" "$tmp/out/summary.txt"
echo "gpu_check pack and run without a device: ok"
